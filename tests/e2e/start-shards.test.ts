/**
 * `npm start -- --tenants N --ops-accounts K`: a synthetic fleet spread over
 * K ops accounts by a tenant directory, each shard planned as its own stack
 * and written as its own file, all proved together.
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
        // 30 tenant roles per shard (planned in worker chunks of 25, one file per stack) plus each shard's own enforcer and cost-cap roles.
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

    it("refuses --ops-accounts without --tenants, and more tenants than K accounts' roles", async () => {
        const alone = await runStart(["--ops-accounts", "2"]);
        assert.strictEqual(alone.code, 2);
        assert.match(alone.stderr, /--ops-accounts is only read with --tenants/);
        const tooMany = await runStart(["--tenants", "10001", "--ops-accounts", "2"]);
        assert.strictEqual(tooMany.code, 2);
        assert.match(tooMany.stderr, /--tenants must be a whole number from 1 to 10000 .*2 ops accounts.*got "10001"/);
    });
});
