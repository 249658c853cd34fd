/**
 * No sampling: a defect anywhere in a large fleet is found, including where
 * trying each tenant against its list neighbours could never look.
 */
import * as assert from "assert";
import * as path from "path";
import { ROLE, shippedPlan, verify, type StackDoc } from "../support/plan-files";
import { syntheticTenantId, writeSyntheticFleet } from "../support/synthetic-fleet";

const N = 2000;

function assumeOf(doc: StackDoc, tenant: string): any {
    const role = doc.deployment.resources.find((r) => r.type === ROLE && r.inputs.name === `BedrockTenantAccess-${tenant}`);
    return role.inputs.assumeRolePolicy.Statement.find((s: any) => s.Sid === "AssumeFromTenantRuntime");
}

/** Tenant i's trust also admits tenant 1's runtime role. */
function admitTenantOne(doc: StackDoc, i: number): void {
    const s = assumeOf(doc, syntheticTenantId(i));
    s.Principal.AWS.push("arn:aws:iam::100000000001:root");
    s.Condition.ArnEquals["aws:PrincipalArn"].push(`arn:aws:iam::100000000001:role/BedrockTenancyRuntime-${syntheticTenantId(1)}`);
}

describe(`the verifier on a synthetic fleet of ${N} tenants`, function () {
    this.timeout(120_000);
    let ops: string;
    before(async () => {
        ops = path.join(await shippedPlan(), "ops.json");
    });

    it("exits 0 on the clean fleet and proves every tenant", () => {
        const run = verify(writeSyntheticFleet(ops, N));
        assert.strictEqual(run.code, 0, run.stderr.slice(0, 2000));
        assert.strictEqual(run.report.tenants.length, N);
    });

    it("finds a defect placed at tenant N/2, naming it and the statement", () => {
        const run = verify(writeSyntheticFleet(ops, N, (doc) => admitTenantOne(doc, N / 2)));
        assert.strictEqual(run.code, 1);
        const bad = run.report.violations.filter((v: any) => /admits .*BedrockTenancyRuntime-tenant-00001, which is not the tenant's runtime role/.test(v.why));
        assert.deepStrictEqual(bad.map((v: any) => [v.tenant, v.statement]), [[syntheticTenantId(N / 2), 'Statement 1 (Sid "AssumeFromTenantRuntime")']]);
    });

    it("finds every 37th tenant admitting tenant 1's runtime role, each by name", () => {
        const defective = Array.from({ length: Math.floor(N / 37) }, (_, k) => 37 * (k + 1));
        const run = verify(writeSyntheticFleet(ops, N, (doc) => defective.forEach((i) => admitTenantOne(doc, i))));
        assert.strictEqual(run.code, 1);
        const named = new Set(run.report.violations.filter((v: any) => /BedrockTenancyRuntime-tenant-00001, which is not/.test(v.why)).map((v: any) => v.tenant));
        assert.deepStrictEqual([...named].sort(), defective.map(syntheticTenantId));
        // Tenant 1's runtime role is then a principal of several tenants: the hashing check names it too.
        assert.ok(run.report.violations.some((v: any) => v.statement === "principal" && /BedrockTenancyRuntime-tenant-00001 belongs to both tenant-00001 and tenant-00037/.test(v.why)));
    });
});
