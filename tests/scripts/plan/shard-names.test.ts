/**
 * Shards that share an ops account are deployed into one namespace of names:
 * the synthetic fleet of `npm start -- --tenants 4 --ops-accounts 1
 * --shard-tenants 2` must plan shards that could both be deployed there.
 */
import * as assert from "assert";
import * as path from "path";
import { planStacks } from "../../../scripts/plan/run-plan";
import { writeShardedProject } from "../../../scripts/plan/synthetic-directory";
import { REPO } from "../../support/run-cli";
import { makeTempDir } from "../../support/temp-dir";

const PROGRAM = path.join(REPO, "stacks");

/** Where each named resource type keeps the name AWS holds unique in an account and Region. */
const NAME_FIELDS: Record<string, string> = {
    "aws:iam/role:Role": "name",
    "aws:iam/policy:Policy": "name",
    "aws:lambda/function:Function": "name",
    "aws:cloudwatch/eventRule:EventRule": "name",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "name",
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": "alarmName",
    "aws:sns/topic:Topic": "name",
    "aws:budgets/budget:Budget": "name",
    "aws:bedrock/inferenceProfile:InferenceProfile": "name",
};

interface ExportRecord {
    type: string;
    custom: boolean;
    inputs: Record<string, { logGroup?: string } | string | undefined>;
}

/** Every account-scoped physical name one stack's records take; IAM names ignore case. */
function physicalNames(records: string[]): string[] {
    const names: string[] = [];
    for (const r of records.map((x) => JSON.parse(x) as ExportRecord)) {
        const field = NAME_FIELDS[r.type];
        if (!r.custom || field === undefined) continue;
        const name = r.inputs[field];
        assert.strictEqual(typeof name, "string", `${r.type} has no ${field}`);
        names.push(`${r.type}:${r.type.startsWith("aws:iam/") ? (name as string).toLowerCase() : (name as string)}`);
        const logs = r.inputs.loggingConfig;
        if (typeof logs === "object" && logs.logGroup !== undefined) names.push(`aws:cloudwatch/logGroup:LogGroup:${logs.logGroup}`);
    }
    return names;
}

describe("npm start's shards in one ops account", function () {
    this.timeout(300_000);

    it("take no physical name twice, the quota enforcer and cost-cap resources included", async () => {
        const { dir, stacks } = writeShardedProject(REPO, 4, 1, makeTempDir("bedrock-tenancy-shard-names-"), 2);
        assert.deepStrictEqual(stacks, ["ops-1-1", "ops-1-2"]);
        const plans = await planStacks({ projectDir: dir, stacks, programPath: PROGRAM });
        const owner = new Map<string, string>();
        const clashes: string[] = [];
        for (const plan of plans) {
            const names = physicalNames(plan.records);
            assert.ok(names.some((n) => n.includes("BedrockTenancyQuotaEnforcer")), `${plan.stack} plans no quota enforcer: the test proves nothing`);
            assert.ok(names.some((n) => n.includes("bedrocktenancycostcapaction")), `${plan.stack} plans no cost-cap role: the test proves nothing`);
            for (const name of names) {
                const other = owner.get(name);
                if (other !== undefined) clashes.push(`${name} (${other} and ${plan.stack})`);
                owner.set(name, plan.stack);
            }
        }
        assert.deepStrictEqual(clashes, []);
    });

    it("keep the single-stack names for a shard alone in its account", async () => {
        const { dir, stacks } = writeShardedProject(REPO, 4, 2, makeTempDir("bedrock-tenancy-shard-names-"), 2);
        assert.deepStrictEqual(stacks, ["ops-1", "ops-2"]);
        const [plan] = await planStacks({ projectDir: dir, stacks: ["ops-1"], programPath: PROGRAM });
        const names = physicalNames(plan.records);
        assert.ok(names.includes("aws:lambda/function:Function:BedrockTenancyQuotaEnforcer"), JSON.stringify(names));
        assert.ok(names.includes("aws:iam/role:Role:bedrocktenancycostcapaction"), JSON.stringify(names));
    });
});
