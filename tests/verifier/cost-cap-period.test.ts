/**
 * The cost-cap budget counts the tenant's spend from now on, over the
 * account's own billing data: a start the component never sets (one not yet
 * reached leaves the cap off until then) and a custom billing view (which
 * can leave Bedrock out) are findings.
 */
import * as assert from "assert";
import { opsViolationsAfter, shippedDocs, type StackDoc } from "../support/plan-files";
import { find, named } from "../support/plan-mutations";

const CODE = "BT-OPS-QUOTA-WIRING";
const BUDGET = "aws:budgets/budget:Budget";

describe("the cost-cap budget's period and billing view", function () {
    this.timeout(300_000);
    let ops: StackDoc;
    let customer: StackDoc;
    before(async () => {
        ({ ops, customer } = await shippedDocs());
    });
    const findings = (edit: (budget: any) => void): string[] =>
        opsViolationsAfter({ ops, customer }, CODE, (o) => edit(find(o, BUDGET, named("bedrock-tenant-customer-a-cap")))).map((v) => `${v.resource} ${v.statement}: ${v.why}`);

    it("finds a start the program sets, and one AWS holds that is not a month already begun", () => {
        for (const start of ["2087-01-01_00:00", "2024-01-01_00:00"]) {
            const asked = findings((b) => { b.inputs.timePeriodStart = start; b.outputs.timePeriodStart = start; });
            assert.ok(asked.some((f) => f.startsWith("tenants-customer-a-cost-cap timePeriodStart") && f.includes("which the component never sets")), JSON.stringify(asked));
        }
        const future = findings((b) => { b.outputs.timePeriodStart = "2087-01-01_00:00"; });
        assert.ok(future.some((f) => f.startsWith("tenants-customer-a-cost-cap timePeriodStart") && f.includes("a month not yet begun")), JSON.stringify(future));
        const midMonth = findings((b) => { b.outputs.timePeriodStart = "2024-01-15_00:00"; });
        assert.ok(midMonth.some((f) => f.includes("not the first day of a month")), JSON.stringify(midMonth));
        // Where AWS started it, at a month's first day that has begun.
        assert.deepStrictEqual(findings((b) => { b.outputs.timePeriodStart = "2024-01-01_00:00"; }), []);
    });

    it("finds a custom billing view", () => {
        const view = findings((b) => { b.inputs.billingViewArn = "arn:aws:billing::999999999999:billingview/custom-0123abcd"; });
        assert.ok(view.some((f) => f.startsWith("tenants-customer-a-cost-cap billingViewArn")), JSON.stringify(view));
        assert.deepStrictEqual(findings((b) => { b.outputs.billingViewArn = ""; }), []);
    });
});
