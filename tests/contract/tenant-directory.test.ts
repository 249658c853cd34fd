import * as assert from "assert";
import { checkTenantDirectory, headroomLines, shardOfTenant, tenantsOfShard, assertTenantDirectory, type TenantDirectory } from "../../contract/tenant-directory";
import { fleetOwnManagedPolicies, fleetOwnRoles, tenantFootprint } from "../../contract/shard-quotas";

const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const SONNET = "anthropic.claude-3-5-sonnet-20240620-v1:0";

function directory(): TenantDirectory {
    return {
        shards: [
            { name: "ops-1", opsAccount: "900000000001", opsStack: "acme/bedrock-tenancy/ops-1" },
            { name: "ops-2", opsAccount: "900000000002", opsStack: "acme/bedrock-tenancy/ops-2", region: "us-west-2" },
        ],
        tenants: [
            { id: "a", shard: "ops-1", accounts: ["111111111111"], models: [HAIKU] },
            { id: "b", shard: "ops-2", accounts: ["222222222222"], models: [HAIKU, SONNET], quota: { tokensPerDay: 10, perModel: { [HAIKU]: { tokensPerMonth: 5 } } } },
            { id: "c", shard: "ops-2", accounts: ["333333333333"], models: [HAIKU], costAttribution: false },
        ],
    };
}

describe("tenant directory", () => {
    it("accepts a fleet over two ops accounts and reports each account's headroom", () => {
        const { problems, headroom } = checkTenantDirectory(directory());
        assert.deepStrictEqual(problems, []);
        assert.deepStrictEqual(headroom.map((h) => [h.opsAccount, h.tenants, h.roles.used, h.roles.left]), [
            ["900000000001", 1, 1, 999],
            // Two tenant roles and the quota enforcer's.
            ["900000000002", 2, 3, 997],
        ]);
        assert.deepStrictEqual(headroom[1].applicationProfiles, { "us-west-2": { used: 2, quota: 1000, left: 998 } });
        // Two limits: a block and a warning alarm each, and the composite.
        assert.deepStrictEqual(headroom[1].alarms, { "us-west-2": { used: 5, quota: 10000, left: 9995 } });
        assert.match(headroomLines(headroom)[1], /^ops account 900000000002 \(ops-2\): 2 tenants; roles 3\/1000 \(997 left\); managed policies 2\/1500 \(1498 left\); application profiles us-west-2 2\/1000 \(998 left\); quota alarms us-west-2 5\/10000 \(9995 left\)$/);
    });

    it("refuses a customer account listed by tenants of two shards, naming both tenants and both shards", () => {
        const d = directory();
        d.tenants[2].accounts = ["111111111111"];
        assert.deepStrictEqual(checkTenantDirectory(d, "fleet.yaml").problems, [
            'fleet.yaml.tenants[2] in shard "ops-2" (c) lists account 111111111111, which fleet.yaml.tenants[0] in shard "ops-1" (a) already lists: an account belongs to one tenant, or its owner could act as either',
        ]);
    });

    it("refuses a tenant id used in two shards", () => {
        const d = directory();
        d.tenants[2].id = "a";
        assert.deepStrictEqual(checkTenantDirectory(d).problems, [`directory.tenants[2] in shard "ops-2" (a): the tenant id is already directory.tenants[0] in shard "ops-1"'s; each tenant needs an id of its own`]);
    });

    it("refuses a shard over its account's roles, counting the fleet's own roles and the account's other roles", () => {
        const d = directory();
        d.shards[1].quotas = { roles: 4, otherRoles: 2 };
        const [problem] = checkTenantDirectory(d).problems;
        assert.match(problem, /^ops account 900000000002 \(shards "ops-2"\) would hold 5 roles, over its quota of 4/);
    });

    it("adds up the shards of one account against one quota", () => {
        const d = directory();
        d.shards[1].opsAccount = "900000000001";
        d.shards[1].region = undefined;
        d.shards[0].quotas = { applicationProfiles: 2 };
        const { problems, headroom } = checkTenantDirectory(d);
        assert.deepStrictEqual(headroom.map((h) => [h.shards, h.roles.used, h.applicationProfiles["us-east-1"]]), [[["ops-1", "ops-2"], 4, { used: 3, quota: 2, left: -1 }]]);
        assert.match(problems[0], /^ops account 900000000001 \(shards "ops-1", "ops-2"\) would hold 3 application inference profiles in us-east-1, over its quota of 2/);
    });

    it("refuses alarms over the shard's budget", () => {
        const d = directory();
        d.shards[1].quotas = { alarms: 4 };
        assert.match(checkTenantDirectory(d).problems[0], /would hold 5 quota alarms in us-west-2, over its budget of 4/);
    });

    it("refuses an unknown shard, a shared ops stack and a malformed entry, naming the entry", () => {
        const d = directory();
        d.tenants[0].shard = "ops-9";
        d.shards[1].opsStack = d.shards[0].opsStack;
        const problems = checkTenantDirectory(d).problems;
        assert.ok(problems.some((p) => p.includes('shards "ops-1" and "ops-2" both name ops stack "acme/bedrock-tenancy/ops-1"')), problems.join("\n"));
        assert.ok(problems.some((p) => p.startsWith('directory.tenants[0] in shard "ops-9" (a): no shard of that name')), problems.join("\n"));
        assert.match(checkTenantDirectory({ shards: [{ name: "x", opsAccount: "12", opsStack: "ops" }], tenants: [] }).problems.join("\n"), /shards\[0\]\.opsAccount.*\n.*shards\[0\]\.opsStack must be a fully qualified stack name/);
        assert.throws(() => assertTenantDirectory({ shards: [] }), /directory.shards/);
    });

    it("refuses an entry's models, quota or per-model quota in a shape the fleet rules and the headroom cannot read, naming the entry", () => {
        const cases: [(d: any) => void, RegExp][] = [
            [(d) => (d.tenants[1].models = 7), /^directory\.tenants\[1\] \(b\)\.models must be a list, got 7$/],
            [(d) => (d.tenants[0].models = [HAIKU, { id: SONNET }]), /^directory\.tenants\[0\] \(a\)\.models\[1\] must be a model id, got \{"id":/],
            [(d) => (d.tenants[1].quota = "lots"), /^directory\.tenants\[1\] \(b\)\.quota must be an object of token limits, got "lots"$/],
            [(d) => (d.tenants[1].quota.perModel = [1]), /^directory\.tenants\[1\] \(b\)\.quota\.perModel must be an object of model id to token limits, got \[1\]$/],
        ];
        for (const [change, message] of cases) {
            const d = directory();
            change(d);
            const { problems } = checkTenantDirectory(d);
            assert.ok(problems.some((p) => message.test(p)), problems.join("\n"));
            assert.throws(() => assertTenantDirectory(d), (err: Error) => err.name === "ArgumentError");
        }
    });

    it("finds a tenant's shard and a shard's tenants", () => {
        const d = directory();
        assert.strictEqual(shardOfTenant(d, "b").opsStack, "acme/bedrock-tenancy/ops-2");
        assert.throws(() => shardOfTenant(d, "zz"), /tenant "zz" is not in directory/);
        assert.deepStrictEqual(tenantsOfShard(d, "ops-2").map((t) => [t.id, "shard" in t]), [["b", false], ["c", false]]);
        assert.throws(() => tenantsOfShard(d, "ops-3"), /directory has no shard "ops-3"/);
    });

    it("counts a tenant's footprint and the stack's own roles", () => {
        assert.deepStrictEqual(tenantFootprint({ models: [HAIKU, HAIKU, SONNET] }), { roles: 1, managedPolicies: 1, applicationProfiles: 2, alarms: 0 });
        assert.deepStrictEqual(tenantFootprint({ models: [HAIKU], quota: { tokensPerDay: 1, tokensPerMonth: 2 } }), { roles: 1, managedPolicies: 1, applicationProfiles: 1, alarms: 5 });
        assert.strictEqual(fleetOwnRoles([{}, { costCap: {} }]), 2);
        assert.strictEqual(fleetOwnRoles([{}]), 0);
        assert.strictEqual(fleetOwnManagedPolicies([{}, { costCap: {} }]), 1);
        assert.strictEqual(fleetOwnManagedPolicies([{}]), 0);
    });

    it("refuses an account over its customer managed policies: a permissions boundary per tenant, the cost caps' policy and the account's other policies", () => {
        const d = directory();
        d.shards[1].quotas = { managedPolicies: 3, otherManagedPolicies: 1 };
        (d.tenants[1] as Record<string, unknown>).costCap = { limitUsd: 10 };
        const { problems, headroom } = checkTenantDirectory(d);
        assert.deepStrictEqual(headroom[1].managedPolicies, { used: 4, quota: 3, left: -1 });
        assert.match(problems[0], /^ops account 900000000002 \(shards "ops-2"\) would hold 4 customer managed policies \(a permissions boundary per tenant\), over its quota of 3: .*at most 5000\)$/);
    });

    it("takes an account's quotas from whichever of its shards states them, and its other roles once", () => {
        const d = directory();
        d.shards[1].opsAccount = "900000000001";
        d.shards[1].region = undefined;
        // Only ops-1 states the account's quotas; ops-2 states none and takes them, not the defaults.
        d.shards[0].quotas = { roles: 5000, managedPolicies: 5000, applicationProfiles: 2000, otherRoles: 40 };
        d.shards[1].quotas = { otherRoles: 30 };
        const [h] = checkTenantDirectory(d).headroom;
        assert.deepStrictEqual([h.roles, h.managedPolicies, h.applicationProfiles["us-east-1"]], [
            // 3 tenant roles, the enforcer's role, and the account's 40 others counted once.
            { used: 44, quota: 5000, left: 4956 },
            { used: 3, quota: 5000, left: 4997 },
            { used: 3, quota: 2000, left: 1997 },
        ]);
        // Two shards stating different quotas: the smaller applies.
        d.shards[1].quotas = { roles: 4000 };
        assert.strictEqual(checkTenantDirectory(d).headroom[0].roles.quota, 4000);
    });
});
