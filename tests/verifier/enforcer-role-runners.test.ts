/**
 * What runs as the quota enforcer's role holds its writes to tenant roles,
 * and what runs as the cost cap's Budgets execution role holds its: whoever
 * may invoke, trigger or drive such a resource lifts a tenant's quota block
 * or cost cap without any grant of the writes. Only the QuotaEnforcer's own
 * function runs as the one, and only the tenants' Budgets actions as the
 * other; any other resource naming either role to run as is a finding
 * naming the resource and the role.
 */
import * as assert from "assert";
import { OPS } from "../support/plan-mutations";
import { editedPlan, shippedPlan, verify, type StackDoc } from "../support/plan-files";
import { add, assertRefused, roleArn } from "../support/tenant-role-writes";

const ENFORCER_ROLE = "BedrockTenancyQuotaEnforcer";
const COST_CAP_ROLE = "BedrockTenancyCostCapAction";
const STACK_URN = "urn:pulumi:ops::bedrock-tenancy::pulumi:pulumi:Stack::bedrock-tenancy-ops";

/** A copy of the enforcer's own function, at the stack's root under another name, running as `role`. */
function functionAtRoot(d: StackDoc, name: string, role: string): void {
    const own = d.deployment.resources.find((r) => r.type === "aws:lambda/function:Function" && r.urn.endsWith("::quota-enforcer-function"));
    const copy = JSON.parse(JSON.stringify(own));
    copy.urn = `urn:pulumi:ops::bedrock-tenancy::aws:lambda/function:Function::${name}`;
    copy.id = name;
    copy.parent = STACK_URN;
    for (const side of ["inputs", "outputs"]) {
        Object.assign(copy[side], { name, role, loggingConfig: { logFormat: "JSON", logGroup: `/aws/lambda/${name}` } });
        delete copy[side].arn;
    }
    d.deployment.resources.push(copy);
}

describe("resources running as the enforcer's or the cost cap's role", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("passes the shipped plan, whose enforcer function and tenants' Budgets actions run as them", () => {
        assert.strictEqual(verify(plan).code, 0);
    });

    it("refuses a function outside the QuotaEnforcer running as the enforcer's role", () => {
        const dir = editedPlan(plan, "ops", (d) => functionAtRoot(d, "ops-tool", roleArn(ENFORCER_ROLE)));
        assertRefused(dir, "ops-tool", new RegExp(`runs as role ${ENFORCER_ROLE}, the quota enforcer's own`));
    });

    it("refuses a second function put under the QuotaEnforcer running as the enforcer's role", () => {
        const dir = editedPlan(plan, "ops", (d) => {
            functionAtRoot(d, "ops-tool", roleArn(ENFORCER_ROLE));
            const fn = d.deployment.resources[d.deployment.resources.length - 1];
            fn.parent = d.deployment.resources.find((r) => r.type === "bedrock-tenancy:index:QuotaEnforcer").urn;
        });
        assertRefused(dir, "ops-tool", new RegExp(ENFORCER_ROLE));
    });

    it("refuses an event target outside the QuotaEnforcer handing the enforcer's role to EventBridge", () => {
        const dir = editedPlan(plan, "ops", (d) => {
            const rule = d.deployment.resources.find((r) => r.type === "aws:cloudwatch/eventRule:EventRule");
            add(d, "aws:cloudwatch/eventTarget:EventTarget", "ops-target", { rule: rule.outputs.name, arn: rule.outputs.arn, roleArn: roleArn(ENFORCER_ROLE) });
        });
        assertRefused(dir, "ops-target", new RegExp(ENFORCER_ROLE));
    });

    it("refuses an instance profile handing the enforcer's role to EC2", () => {
        const dir = editedPlan(plan, "ops", (d) => add(d, "aws:iam/instanceProfile:InstanceProfile", "ops-box", { name: "ops-box", role: ENFORCER_ROLE }, { arn: `arn:aws:iam::${OPS}:instance-profile/ops-box` }));
        assertRefused(dir, "ops-box", new RegExp(ENFORCER_ROLE));
    });

    it("refuses a function running as the cost cap's Budgets execution role", () => {
        const dir = editedPlan(plan, "ops", (d) => functionAtRoot(d, "cap-tool", roleArn(COST_CAP_ROLE)));
        assertRefused(dir, "cap-tool", new RegExp(`runs as role ${COST_CAP_ROLE}, the cost cap's Budgets execution role`));
    });

    it("refuses a Budgets action at the stack's root running as the cost cap's role", () => {
        const dir = editedPlan(plan, "ops", (d) => {
            const own = d.deployment.resources.find((r) => r.type === "aws:budgets/budgetAction:BudgetAction");
            const copy = JSON.parse(JSON.stringify(own));
            copy.urn = "urn:pulumi:ops::bedrock-tenancy::aws:budgets/budgetAction:BudgetAction::root-cap";
            copy.id = "root-cap";
            copy.parent = STACK_URN;
            d.deployment.resources.push(copy);
        });
        assertRefused(dir, "root-cap", new RegExp(COST_CAP_ROLE));
    });
});
