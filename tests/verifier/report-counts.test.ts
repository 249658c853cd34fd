/** The markdown report and `npm start`'s summary name each count with its noun in the right number: 1 violation, 2 violations. */
import * as assert from "assert";
import { counted, markdownReport } from "../../verifier/report";
import { verifyFiles, type VerificationResult } from "../../verifier/verify";
import type { Violation } from "../../verifier/findings";
import { shippedPlan, stackFiles } from "../support/plan-files";
import { runStart } from "../support/run-cli";

describe("counts in the reports", function () {
    this.timeout(120_000);
    let clean: VerificationResult;
    before(async () => {
        clean = verifyFiles(stackFiles(await shippedPlan()));
    });

    it("counted: a noun in the singular for 1, in the plural otherwise", () => {
        assert.deepStrictEqual([0, 1, 2].map((n) => counted(n, "violation")), ["0 violations", "1 violation", "2 violations"]);
        assert.deepStrictEqual([1, 3].map((n) => counted(n, "copy", "copies")), ["1 copy", "3 copies"]);
    });

    it("the markdown report: 1 violation, 1 resource, 1 more tenant", () => {
        const violation: Violation = { code: "BT-FLEET-RULE", severity: "error", tenant: "customer-a", stack: "ops", resource: "-", statement: "fleet rule", why: "a test" };
        const one: VerificationResult = { ...clean, violations: [violation], stacks: clean.stacks.map((s, i) => ({ ...s, resources: i === 0 ? 1 : s.resources })) };
        const report = markdownReport(one, clean.tenants.length - 1);
        assert.match(report, /\*\*Result: 1 violation\.\*\*/);
        assert.match(report, new RegExp(`Stacks: ${clean.stacks[0].stack} \\(${clean.stacks[0].format}, 1 resource\\), `));
        assert.match(report, /\n1 more tenant: see the JSON report\./);
        const two = markdownReport({ ...clean, violations: [violation, violation] }, clean.tenants.length - 2);
        assert.match(two, /\*\*Result: 2 violations\.\*\*/);
        assert.match(two, /\n2 more tenants: see the JSON report\./);
    });

    it("npm start's summary line: 1 tenant, 0 customer stacks", async () => {
        const run = await runStart(["--tenants", "1"]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.match(run.stdout, /\nIsolation: 1 tenant, 0 customer stacks, \d+ evaluator requests?, 0 violations; /);
    });
});
