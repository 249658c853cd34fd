/**
 * A large ops stack is planned in shards of tenants and joined: the joined
 * plan must be the plan of the whole stack, and the rules that span the whole
 * tenant list must still hold across shards.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { joinValues, ShardJoin } from "../../../scripts/plan/join-shards";
import { planStacks, type StackPlan } from "../../../scripts/plan/run-plan";
import { writeSyntheticProject } from "../../../scripts/plan/synthetic-tenants";
import type { PlannedResource, WorkerOutput } from "../../../scripts/plan/plan-types";
import { REPO } from "../../support/run-cli";
import { makeTempDir } from "../../support/temp-dir";

const PROGRAM = path.join(REPO, "stacks");

function syntheticProject(count: number, edit?: (tenants: any[]) => void): string {
    const { dir } = writeSyntheticProject(REPO, count, makeTempDir("bedrock-tenancy-shards-"));
    if (edit) {
        const file = path.join(dir, "Pulumi.ops.yaml");
        const doc = parse(fs.readFileSync(file, "utf8"));
        edit(doc.config["bedrock-tenancy:tenants"]);
        fs.writeFileSync(file, stringify(doc, { aliasDuplicateObjects: false }));
    }
    return dir;
}

function byUrn(plan: StackPlan): Map<string, any> {
    return new Map(plan.records.map((r) => JSON.parse(r)).map((r) => [r.urn, r]));
}

describe("ops stack planned in shards", function () {
    this.timeout(300_000);

    it("joins to the plan of the whole stack: the same resources, records and stack outputs", async () => {
        const dir = syntheticProject(23);
        const [whole] = await planStacks({ projectDir: dir, stacks: ["ops"], programPath: PROGRAM, shardTenants: 1000 });
        const [sharded] = await planStacks({ projectDir: dir, stacks: ["ops"], programPath: PROGRAM, shardTenants: 5 });
        assert.strictEqual(whole.shards, 1);
        assert.strictEqual(sharded.shards, 5);
        const a = byUrn(whole);
        const b = byUrn(sharded);
        assert.strictEqual(b.size, sharded.records.length, "a resource appears twice in the joined plan");
        assert.deepStrictEqual([...b.keys()].sort(), [...a.keys()].sort());
        for (const [urn, record] of a) assert.deepStrictEqual(b.get(urn), record, urn);
        assert.deepStrictEqual(sharded.outputs, whole.outputs);
        assert.deepStrictEqual(sharded.secretOutputNames, whole.secretOutputNames);
        // The fleet's secret record holds every tenant, whichever shard planned it.
        const stack = [...b.values()].find((r) => r.type === "pulumi:pulumi:Stack");
        assert.strictEqual(Object.keys(JSON.parse(stack.outputs.tenants.plaintext)).length, 23);
        // Every parent precedes its children, as in an export.
        const seen = new Set<string>();
        for (const r of sharded.records.map((x) => JSON.parse(x))) {
            if (r.parent) assert.ok(seen.has(r.parent), `${r.urn} comes before its parent`);
            seen.add(r.urn);
        }
    });

    it("refuses an account listed by tenants of two different shards, with the program's own message", async () => {
        const dir = syntheticProject(12, (tenants) => (tenants[8].accounts = [...tenants[1].accounts]));
        await assert.rejects(
            planStacks({ projectDir: dir, stacks: ["ops"], programPath: PROGRAM, shardTenants: 5 }),
            /stack "ops" failed to plan:\nArgumentError: .*bedrock-tenancy:tenants\[8\] \(tenant-00009\) lists account 100000000001, which tenants\[1\] \(tenant-00002\) already lists/s,
        );
    });

    it("refuses a tenant id repeated in two different shards", async () => {
        const dir = syntheticProject(12, (tenants) => (tenants[10].id = tenants[0].id));
        await assert.rejects(planStacks({ projectDir: dir, stacks: ["ops"], programPath: PROGRAM, shardTenants: 5 }), /failed to plan:\nArgumentError: .*bedrock-tenancy:tenants\[10\] \(tenant-00001\): the tenant id is already tenants\[0\]'s/s);
    });

    it("refuses a model id the shipped table does not know in a later shard, naming the tenant by its index in the whole list", async () => {
        const unknown = "anthropic.claude-future-v9:0";
        const dir = syntheticProject(12, (tenants) => {
            for (const i of [6, 11]) tenants[i].models = [...tenants[i].models, unknown];
        });
        await assert.rejects(
            planStacks({ projectDir: dir, stacks: ["ops"], programPath: PROGRAM, shardTenants: 5 }),
            /failed to plan:\nArgumentError: bedrock-tenancy:tenants\[6\]\.models\[\d\] "anthropic\.claude-future-v9:0" is not in the shipped table/,
        );
    });
});

describe("joining shard plans", () => {
    const stack: PlannedResource = { urn: "urn:s", type: "pulumi:pulumi:Stack", name: "ops", custom: false, inputs: {}, outputs: {} };
    const tenant = (id: string): PlannedResource => ({ urn: `urn:t-${id}`, type: "bedrock-tenancy:index:BedrockTenantAccess", name: id, custom: false, parent: "urn:s", inputs: {}, outputs: {} });
    const shard = (resources: PlannedResource[]): WorkerOutput => ({ stack: "ops", resources, outputs: {}, secretOutputNames: [], durationMs: 0, peakRssBytes: 0 });

    it("joins objects by key and keeps equal values", () => {
        assert.deepStrictEqual(joinValues({ a: { x: 1 }, l: [1, 2] }, { a: { y: 2 }, l: [1, 2] }, "v"), { a: { x: 1, y: 2 }, l: [1, 2] });
    });

    it("names the value when shards disagree", () => {
        assert.throws(() => joinValues({ a: { x: 1 } }, { a: { x: 2 } }, "urn:q inputs"), /shards disagree on urn:q inputs\.a\.x: 1 and 2/);
        assert.throws(() => joinValues([1], [1, 2], "l"), /shards disagree on l/);
    });

    it("refuses a tenant's resource planned by two shards", () => {
        const join = new ShardJoin();
        join.add(shard([stack, tenant("a")]));
        assert.throws(() => join.add(shard([stack, tenant("a")])), /shards 1 and 2 both planned urn:t-a/);
    });

    it("keeps one copy of each shared resource, before the tenants' resources", () => {
        const join = new ShardJoin();
        join.add(shard([stack, tenant("a")]));
        join.add(shard([stack, tenant("b")]));
        assert.deepStrictEqual(join.records().map((r) => JSON.parse(r).urn), ["urn:s", "urn:t-a", "urn:t-b"]);
        assert.strictEqual(join.resources().length, 3);
    });
});
