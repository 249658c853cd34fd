/**
 * An id qualified by its owner's account (`111122223333/sg-…`, as EC2 writes
 * a security group of another account in a rule) names that account as much
 * as a bare account id does: another account's is a path out.
 */
import * as assert from "assert";
import { addResource, editedPlan, shippedPlan, verify, type StackDoc } from "../support/plan-files";
import { CUSTOMER_A_ACCOUNT } from "../support/customer-fixtures";

const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";

function addRule(doc: StackDoc, inputs: Record<string, unknown>): void {
    addResource(doc, RULE, "to-peer", { type: "egress", fromPort: 443, toPort: 443, protocol: "tcp", securityGroupId: "sg-0own", ...inputs }, { id: "sgrule-1" });
}

describe("ids qualified by another account", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("finds an egress rule to a security group of another account", () => {
        const result = verify(editedPlan(plan, "customer-a", (d) => addRule(d, { sourceSecurityGroupId: "210987654321/sg-0a1b2c3d4e5f60718" })));
        assert.strictEqual(result.code, 1, result.stderr);
        assert.ok(
            result.report.violations.some((v: any) => v.code === "BT-CUSTOMER-EGRESS" && v.statement === "sourceSecurityGroupId" && /names 210987654321\/sg-0a1b2c3d4e5f60718, of account 210987654321/.test(v.why)),
            result.stderr,
        );
    });

    it("accepts one qualified by the stack's own account", () => {
        const result = verify(editedPlan(plan, "customer-a", (d) => addRule(d, { sourceSecurityGroupId: `${CUSTOMER_A_ACCOUNT}/sg-0a1b2c3d4e5f60718` })));
        assert.strictEqual(result.code, 0, result.stderr);
    });
});
