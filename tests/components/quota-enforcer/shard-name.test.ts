import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { QuotaEnforcer, type QuotaEnforcerArgs } from "../../../components";
import { QUOTA_EXHAUSTED_ERROR_CODE, quotaErrorCode } from "../../../runtime/quota-error";
import { installMocks, ofType, promiseOf, type RecordedResource } from "../../../testing/pulumi-mocks";
import { OPS_ACCOUNT, opsMockOptions, parsePolicy, settled } from "../../../testing/tenant-access-fixtures";
import { makeTempDir } from "../../support/temp-dir";

/** Resource types whose `name` is unique per account (and Region): a role policy's name is unique per role only. */
const ACCOUNT_SCOPED = ["aws:iam/role:Role", "aws:iam/policy:Policy", "aws:lambda/function:Function", "aws:cloudwatch/eventRule:EventRule"];

/** AWS's limit on each kind's name. */
const LIMITS: Record<string, number> = {
    "aws:iam/role:Role": 64,
    "aws:iam/policy:Policy": 128,
    "aws:lambda/function:Function": 64,
    "aws:cloudwatch/eventRule:EventRule": 64,
    logGroup: 512,
};

interface Planned {
    recorded: RecordedResource[];
    enforcer: QuotaEnforcer;
    /** Kind and name of every account-scoped name the enforcer took. */
    names: [string, string][];
}

function fixtureBundle(): string {
    const bundle = path.join(makeTempDir("enforcer-"), "index.mjs");
    fs.writeFileSync(bundle, "export const handler = async () => {};\n");
    return bundle;
}

describe("QuotaEnforcer shardName", () => {
    let bundlePath: string;
    before(() => (bundlePath = fixtureBundle()));

    async function plan(args: Partial<QuotaEnforcerArgs> = {}): Promise<Planned> {
        const recorded: RecordedResource[] = await installMocks(opsMockOptions());
        const enforcer = new QuotaEnforcer("quota-enforcer", { region: "us-east-1", accountId: OPS_ACCOUNT, bundlePath, costCaps: true, ...args });
        await promiseOf(enforcer.costCapExecutionRoleArn!);
        await settled();
        const names: [string, string][] = recorded.filter((r) => ACCOUNT_SCOPED.includes(r.type)).map((r) => [r.type, String(r.inputs.name)]);
        for (const fn of ofType(recorded, "aws:lambda/function:Function")) names.push(["logGroup", String(fn.inputs.loggingConfig.logGroup)]);
        return { recorded, enforcer, names };
    }

    it("keeps the single-stack names when no shardName is given", async () => {
        const { names } = await plan();
        assert.deepStrictEqual(names.map(([, n]) => n).sort(), [
            "/aws/lambda/BedrockTenancyQuotaEnforcer",
            "BedrockTenancyCostCap-AllTenants",
            "BedrockTenancyCostCapAction",
            "BedrockTenancyQuotaAlarms",
            "BedrockTenancyQuotaEnforcer",
            "BedrockTenancyQuotaEnforcer",
        ]);
    });

    it("gives two shards of one account disjoint names, every one within its AWS limit", async () => {
        const a = await plan({ shardName: "ops-1-1" });
        const b = await plan({ shardName: "ops-1-2" });
        // IAM names ignore case: a clash in any case is a clash.
        const keys = (p: Planned) => p.names.map(([kind, n]) => `${kind.startsWith("aws:iam/") ? "iam" : kind}:${n.toLowerCase()}`);
        const shared = keys(a).filter((k) => keys(b).includes(k));
        assert.deepStrictEqual(shared, []);
        assert.ok(a.names.every(([, n]) => n.endsWith("-ops-1-1")), JSON.stringify(a.names));
        // The longest name a shard may have still fits every limit.
        const longest = await plan({ shardName: "s".repeat(36) });
        for (const [kind, n] of longest.names) assert.ok(n.length <= LIMITS[kind], `${kind} ${n} is ${n.length} characters, over ${LIMITS[kind]}`);
    });

    it("wires the renamed resources to each other: function, role, rule, logs, cost-cap policy", async () => {
        const { recorded, enforcer } = await plan({ shardName: "ops-1-2" });
        const [functionArn, ruleArn, roleArn, capPolicyArn, capRoleArn] = await Promise.all([
            promiseOf(enforcer.functionArn), promiseOf(enforcer.ruleArn), promiseOf(enforcer.roleArn), promiseOf(enforcer.costCapPolicyArn!), promiseOf(enforcer.costCapExecutionRoleArn!),
        ]);
        assert.strictEqual(functionArn, `arn:aws:lambda:us-east-1:${OPS_ACCOUNT}:function:BedrockTenancyQuotaEnforcer-ops-1-2`);
        assert.strictEqual(ruleArn, `arn:aws:events:us-east-1:${OPS_ACCOUNT}:rule/BedrockTenancyQuotaAlarms-ops-1-2`);
        assert.strictEqual(roleArn, `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenancyQuotaEnforcer-ops-1-2`);
        assert.strictEqual(capPolicyArn, `arn:aws:iam::${OPS_ACCOUNT}:policy/BedrockTenancyCostCap-AllTenants-ops-1-2`);
        assert.strictEqual(capRoleArn, `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenancyCostCapAction-ops-1-2`);
        const [fn] = ofType(recorded, "aws:lambda/function:Function");
        assert.strictEqual(fn.inputs.role, roleArn);
        const [target] = ofType(recorded, "aws:cloudwatch/eventTarget:EventTarget");
        assert.deepStrictEqual([target.inputs.rule, target.inputs.arn], ["BedrockTenancyQuotaAlarms-ops-1-2", functionArn]);
        const [permission] = ofType(recorded, "aws:lambda/permission:Permission");
        assert.deepStrictEqual([permission.inputs.function, permission.inputs.sourceArn], ["BedrockTenancyQuotaEnforcer-ops-1-2", ruleArn]);
        const policies = Object.fromEntries(ofType(recorded, "aws:iam/rolePolicy:RolePolicy").map((p) => [p.inputs.name, parsePolicy(p.inputs.policy)]));
        const logs = policies["enforce-quotas"].Statement.filter((s: { Sid: string }) => s.Sid.endsWith("Logs") || s.Sid.endsWith("LogGroup"));
        assert.deepStrictEqual(logs.map((s: { Resource: string }) => s.Resource), [
            `arn:aws:logs:us-east-1:${OPS_ACCOUNT}:log-group:/aws/lambda/BedrockTenancyQuotaEnforcer-ops-1-2`,
            `arn:aws:logs:us-east-1:${OPS_ACCOUNT}:log-group:/aws/lambda/BedrockTenancyQuotaEnforcer-ops-1-2:log-stream:*`,
        ]);
        const apply = policies["apply-cost-caps"].Statement.find((s: { Sid: string }) => s.Sid === "ApplyCostCapToTenantRoles");
        assert.deepStrictEqual(apply.Condition, { ArnEquals: { "iam:PolicyARN": capPolicyArn } });
        // The runtime still tells a shard's cost cap from an ordinary denial.
        const denial = Object.assign(new Error(`User: x is not authorized to perform: bedrock:InvokeModel with an explicit deny in an identity-based policy: ${capPolicyArn}`), { name: "AccessDeniedException" });
        assert.strictEqual(quotaErrorCode(denial), QUOTA_EXHAUSTED_ERROR_CODE);
    });

    const refused: [string, unknown, RegExp][] = [
        ["empty", "", /^ArgumentError: shardName must be 1 to 36 characters .*, got 0: ""$/m],
        ["too long", "s".repeat(37), /^ArgumentError: shardName must be 1 to 36 characters .*, got 37: "s{37}"$/m],
        ["a dot, which Lambda function names refuse", "ops.1", /^ArgumentError: shardName may hold only letters, digits, '-' and '_' .*, got "ops\.1"$/m],
        ["a space", "ops 1", /^ArgumentError: shardName may hold only letters, digits, '-' and '_' .*, got "ops 1"$/m],
        ["a slash", "ops/1", /^ArgumentError: shardName may hold only letters, digits, '-' and '_' .*, got "ops\/1"$/m],
        ["a number", 7, /^ArgumentError: shardName must be a string, got 7$/m],
        ["an object", { name: "ops-1" }, /^ArgumentError: shardName must be a string, got \{"name":"ops-1"\}$/m],
    ];
    for (const [what, shardName, message] of refused) {
        it(`refuses a shardName that is ${what}, naming the argument`, async () => {
            await installMocks(opsMockOptions());
            assert.throws(() => new QuotaEnforcer("bad", { bundlePath, shardName: shardName as string }), message);
        });
    }
});
