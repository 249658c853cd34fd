/**
 * The IAM evaluator and the verifier's reducers decide the same requests the
 * same way, on every shipped and synthetic tenant; a reducer that drifted
 * from IAM's semantics is reported.
 */
import * as assert from "assert";
import * as path from "path";
import { crossCheck } from "../../../scripts/plan/cross-check";
import { crossCheckCases, crossCheckFleet } from "../../../scripts/plan/cross-check-fleet";
import { verifyFiles } from "../../../verifier/verify";
import { shippedPlan, stackFiles } from "../../support/plan-files";
import { writeSyntheticFleet } from "../../support/synthetic-fleet";

describe("reducer and IAM evaluator cross-check", function () {
    this.timeout(180_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("agrees on every request for the shipped tenants", async () => {
        const result = await crossCheck(crossCheckCases(verifyFiles(stackFiles(plan))));
        assert.deepStrictEqual(result.disagreements, []);
        // customer-a: 5 trust requests and 9 invoke requests; customer-b: 5 and 5.
        assert.ok(result.requests >= 20, `only ${result.requests} requests`);
    });

    it("agrees on every request for 300 synthetic tenants", async () => {
        const verification = verifyFiles([path.join(writeSyntheticFleet(path.join(plan, "ops.json"), 300), "ops.json")]);
        const result = await crossCheck(crossCheckCases(verification));
        assert.deepStrictEqual(result.disagreements, []);
        assert.strictEqual(result.requests, 300 * 10);
    });

    it("agrees on every request for 450 synthetic tenants checked in worker processes, one chunk per core", async () => {
        const verification = verifyFiles([path.join(writeSyntheticFleet(path.join(plan, "ops.json"), 450), "ops.json")]);
        const result = await crossCheckFleet(verification);
        assert.deepStrictEqual(result.disagreements, []);
        assert.strictEqual(result.requests, 450 * 10);
        // A drifted reducer form in the last chunk comes back from its worker.
        const last = verification.tenants[449];
        last.trust = { pairs: [], findings: [], narrowing: [] };
        const drifted = await crossCheckFleet(verification);
        assert.ok(drifted.disagreements.some((d) => d.tenant === last.intent.tenantId && /reducer denies, evaluator Allowed/.test(d.why)), JSON.stringify(drifted.disagreements));
    });

    it("hands the evaluator each tenant's own boundary, as the proof resolved it from the role", async () => {
        const files = stackFiles(plan);
        const cases = crossCheckCases(verifyFiles(files));
        assert.deepStrictEqual(cases.map((c) => [c.proof.intent.tenantId, c.boundaryDocument !== undefined]).sort(), [["customer-a", true], ["customer-b", true]]);
        assert.deepStrictEqual((await crossCheck(cases)).disagreements, []);
        // A boundary that allows nothing leaves the tenant nothing: the evaluator now denies what the identity policy grants.
        const b = cases.find((c) => c.proof.intent.tenantId === "customer-b")!;
        b.boundaryDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] };
        const narrowed = await crossCheck([b]);
        assert.ok(narrowed.disagreements.some((d) => /bedrock:InvokeModel on .*reducer allows, evaluator ImplicitlyDenied/.test(d.why)), JSON.stringify(narrowed.disagreements));
    });

    it("reports a disagreement when a reducer's normal form misses what IAM allows", async () => {
        const cases = crossCheckCases(verifyFiles(stackFiles(plan)));
        const b = cases.find((c) => c.proof.intent.tenantId === "customer-b")!;
        b.proof = { ...b.proof, trust: { pairs: [], findings: [], narrowing: [] }, permissions: { ...b.proof.permissions, grants: [] } };
        const result = await crossCheck([b]);
        assert.ok(result.disagreements.some((d) => /AssumeRole by arn:aws:iam::222222222222:role\/BedrockTenancyRuntime-customer-b .*reducer denies, evaluator Allowed/.test(d.why)));
        assert.ok(result.disagreements.some((d) => /bedrock:InvokeModel on .*foundation-model\/anthropic.claude-3-haiku.*reducer denies, evaluator Allowed/.test(d.why)));
        assert.ok(result.disagreements.every((d) => d.tenant === "customer-b"));
    });
});
