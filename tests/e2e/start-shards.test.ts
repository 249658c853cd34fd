/**
 * `npm start -- --tenants N --ops-accounts K`: a synthetic fleet spread over
 * K ops accounts by a tenant directory, each shard planned as its own stack
 * (in chunks joined into its own plan, as a large single stack is) and
 * written as its own file, all proved together.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { readJson, runStart } from "../support/run-cli";

const ROLE = "aws:iam/role:Role";

describe("npm start over several ops accounts", function () {
    this.timeout(600_000);

    it("plans 60 tenants over 2 ops accounts as two stack files, each holding only its shard, and proves them together", async () => {
        const run = await runStart(["--tenants", "60", "--ops-accounts", "2"]);
        assert.strictEqual(run.code, 0, run.stderr);
        const files = fs.readdirSync(run.out).filter((f) => f.endsWith(".json") && !f.startsWith("isolation-report")).sort();
        assert.deepStrictEqual(files, ["ops-1.json", "ops-2.json"]);
        const roles: string[][] = files.map((f) => readJson(path.join(run.out, f)).deployment.resources.filter((r: any) => r.type === ROLE).map((r: any) => String(r.inputs.name)));
        // 30 tenant roles per shard (one file per stack, whatever chunks planned it) plus each shard's own enforcer and cost-cap roles.
        assert.deepStrictEqual(roles.map((r) => r.filter((n) => n.startsWith("BedrockTenantAccess-")).length), [30, 30]);
        assert.ok(roles[0].includes("BedrockTenantAccess-tenant-00030") && !roles[0].includes("BedrockTenantAccess-tenant-00031"));
        assert.ok(roles[1].includes("BedrockTenantAccess-tenant-00031"));
        const role = readJson(path.join(run.out, "ops-2.json")).deployment.resources.find((r: any) => r.type === ROLE && r.inputs.name === "BedrockTenantAccess-tenant-00031");
        assert.match(role.urn, /^urn:pulumi:ops-2::/);
        assert.match(run.stdout, /ops account 900000000002 \(ops-2\): 30 tenants; roles 32\/1000 \(968 left\)/);
        assert.match(run.stdout, /Isolation: 60 tenants, 0 customer stacks, \d+ evaluator requests, 0 violations/);
        const report = readJson(path.join(run.out, "isolation-report.json"));
        assert.strictEqual(report.tenants.length, 60);
    });

    it("spreads an account's tenants over several shard stacks, each planned in chunks of its own tenants joined into its own file", async () => {
        const run = await runStart(["--tenants", "60", "--ops-accounts", "2", "--shard-tenants", "20"]);
        assert.strictEqual(run.code, 0, run.stderr);
        const files = fs.readdirSync(run.out).filter((f) => f.endsWith(".json") && !f.startsWith("isolation-report")).sort();
        assert.deepStrictEqual(files, ["ops-1-1.json", "ops-1-2.json", "ops-2-1.json", "ops-2-2.json"]);
        const tenantRoles = files.map((f) => readJson(path.join(run.out, f)).deployment.resources.filter((r: any) => r.type === ROLE && String(r.inputs.name).startsWith("BedrockTenantAccess-")).length);
        assert.deepStrictEqual(tenantRoles, [15, 15, 15, 15]);
        assert.strictEqual((run.stdout.match(/planned in 2 chunks of at most 10 tenants joined into one file/g) ?? []).length, 4, run.stdout);
        assert.doesNotMatch(run.stdout, /planned whole/);
        // The shards of one account share its quotas: the directory check adds them up.
        assert.match(run.stdout, /ops account 900000000001 \(ops-1-1, ops-1-2\): 30 tenants/);
        assert.match(run.stdout, /Isolation: 60 tenants, 0 customer stacks, \d+ evaluator requests, 0 violations/);
        const bad = await runStart(["--tenants", "60", "--shard-tenants", "20"]);
        assert.strictEqual(bad.code, 2);
        assert.match(bad.stderr, /--shard-tenants is only read with --ops-accounts/);
    });

    it("refuses --ops-accounts without --tenants, and more tenants than K accounts' roles", async () => {
        const alone = await runStart(["--ops-accounts", "2"]);
        assert.strictEqual(alone.code, 2);
        assert.match(alone.stderr, /--ops-accounts is only read with --tenants/);
        const tooMany = await runStart(["--tenants", "10001", "--ops-accounts", "2"]);
        assert.strictEqual(tooMany.code, 2);
        assert.match(tooMany.stderr, /--tenants must be a whole number from 1 to 10000 .*2 ops accounts.*got "10001"/);
        const decimal = await runStart(["--tenants", "60", "--ops-accounts", "2.0"]);
        assert.strictEqual(decimal.code, 2);
        assert.match(decimal.stderr, /--ops-accounts must be a whole number from 1 to 100, got "2\.0"/);
        const exponent = await runStart(["--tenants", "60", "--ops-accounts", "2", "--shard-tenants", "2e1"]);
        assert.strictEqual(exponent.code, 2);
        assert.match(exponent.stderr, /--shard-tenants must be a whole number from 1 to 5000, got "2e1"/);
    });
});
