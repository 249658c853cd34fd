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
import { writeShardedProject } from "../../../scripts/plan/synthetic-directory";
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

/** How many tenants the stack's secret `tenants` output holds. */
function tenantsRecorded(plan: StackPlan): number {
    const stack = [...byUrn(plan).values()].find((r) => r.type === "pulumi:pulumi:Stack");
    return Object.keys(JSON.parse(stack.outputs.tenants.plaintext)).length;
}

/** The joined plan holds exactly the whole plan's records and outputs, each parent before its children. */
function assertSamePlan(sharded: StackPlan, whole: StackPlan): void {
    const a = byUrn(whole);
    const b = byUrn(sharded);
    assert.strictEqual(b.size, sharded.records.length, "a resource appears twice in the joined plan");
    assert.deepStrictEqual([...b.keys()].sort(), [...a.keys()].sort());
    for (const [urn, record] of a) assert.deepStrictEqual(b.get(urn), record, urn);
    assert.deepStrictEqual(sharded.outputs, whole.outputs);
    assert.deepStrictEqual(sharded.secretOutputNames, whole.secretOutputNames);
    // Every parent precedes its children, as in an export.
    const seen = new Set<string>();
    for (const r of sharded.records.map((x) => JSON.parse(x))) {
        if (r.parent) assert.ok(seen.has(r.parent), `${r.urn} comes before its parent`);
        seen.add(r.urn);
    }
}

describe("ops stack planned in shards", function () {
    this.timeout(300_000);

    it("joins to the plan of the whole stack: the same resources, records and stack outputs", async () => {
        const dir = syntheticProject(23);
        const [whole] = await planStacks({ projectDir: dir, stacks: ["ops"], programPath: PROGRAM, shardTenants: 1000 });
        const [sharded] = await planStacks({ projectDir: dir, stacks: ["ops"], programPath: PROGRAM, shardTenants: 5 });
        assert.strictEqual(whole.shards, 1);
        assert.strictEqual(sharded.shards, 5);
        assertSamePlan(sharded, whole);
        // The fleet's secret record holds every tenant, whichever shard planned it.
        assert.strictEqual(tenantsRecorded(sharded), 23);
    });

    it("plans a shard stack of a tenant directory in chunks too, joined to its whole plan, its headroom logged as the program logs it", async () => {
        // Two shard stacks in one account, so each names its quota enforcer and the directory's headroom spans both.
        const { dir, stacks } = writeShardedProject(REPO, 23, 1, makeTempDir("bedrock-tenancy-shards-"), 12);
        assert.deepStrictEqual(stacks, ["ops-1-1", "ops-1-2"]);
        const run = async (shardTenants: number) => {
            const lines: string[] = [];
            const [plan] = await planStacks({ projectDir: dir, stacks: ["ops-1-1"], programPath: PROGRAM, shardTenants, log: (line) => lines.push(line) });
            return { plan, lines };
        };
        const whole = await run(1000);
        const sharded = await run(5);
        assert.strictEqual(whole.plan.shards, 1);
        assert.strictEqual(sharded.plan.shards, 3);
        assertSamePlan(sharded.plan, whole.plan);
        assert.strictEqual(tenantsRecorded(sharded.plan), 12);
        assert.ok(whole.lines.some((line) => line.includes("ops account 900000000001 (ops-1-1, ops-1-2): 23 tenants")), whole.lines.join("\n"));
        assert.deepStrictEqual(sharded.lines, whole.lines);
    });

    it("refuses a directory shard stack whose directory breaks a fleet rule, with the program's own message, as a whole plan does", async () => {
        const { dir } = writeShardedProject(REPO, 23, 1, makeTempDir("bedrock-tenancy-shards-"), 12);
        const file = path.join(dir, "tenant-directory.json");
        const directory = JSON.parse(fs.readFileSync(file, "utf8"));
        // The second shard's first tenant takes the first shard's first tenant's id.
        directory.tenants[12].id = directory.tenants[0].id;
        fs.writeFileSync(file, JSON.stringify(directory));
        const failure = async (shardTenants: number) => {
            const err = await planStacks({ projectDir: dir, stacks: ["ops-1-1"], programPath: PROGRAM, shardTenants }).then(() => undefined, (e: Error) => e);
            assert.ok(err, `planned with shards of ${shardTenants}`);
            return err.message;
        };
        // Shards of 0: never chunked, so the program itself reads the directory, in the worker.
        const whole = await failure(0);
        assert.match(whole, /^stack "ops-1-1" failed to plan:\n/);
        assert.ok(whole.includes(directory.tenants[0].id), whole);
        assert.strictEqual(await failure(5), whole);
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
