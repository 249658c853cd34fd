/**
 * Attaching and detaching policies on tenant roles is the cost cap's
 * Budgets execution role's alone: the cap is an attached Deny, and whoever
 * may detach it lifts a tenant's cost cap (whoever may attach it cuts a
 * tenant off). The execution role's own shape, limited to the cost-cap
 * policy by iam:PolicyARN, is a finding for any other ops identity that
 * holds it, by any attachment, naming the policy and the roles it reaches;
 * the role its QuotaEnforcer plans passes. The other writes that could widen
 * a tenant role or lift its Deny are refused to every holder.
 */
import * as assert from "assert";
import { OPS, TENANT_A_ROLE, TENANT_B_ROLE } from "../support/plan-mutations";
import { editedPlan, shippedPlan, verify } from "../support/plan-files";
import { add, assertRefused, doc, group, JOINS, role, roleArn, TENANT_ROLE_WRITE, TENANT_ROLES, trusting, user, writes } from "../support/tenant-role-writes";

const CAP_POLICY = `arn:aws:iam::${OPS}:policy/BedrockTenancyCostCap-AllTenants`;
const BOUNDARY_A = `arn:aws:iam::${OPS}:policy/BedrockTenantBoundary-customer-a`;
const ATTACH = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"];
/** The condition the cost cap's execution role holds its writes under. */
const ON_CAP = { ArnEquals: { "iam:PolicyARN": CAP_POLICY } };
const EXECUTOR_URN_NAME = "::quota-enforcer-cost-cap-action";
const BUDGETS = { Service: "budgets.amazonaws.com" };

describe("attach and detach on tenant roles outside the cost cap's execution role", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("passes the shipped plan, whose cost-cap execution role holds both writes on every tenant role", () => {
        const run = verify(plan);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.ok(!run.report.violations.some((v: any) => v.code === TENANT_ROLE_WRITE), run.stderr);
    });

    it("refuses a role the account's root may assume holding iam:DetachRolePolicy on every tenant role, held to the cost-cap policy as the execution role is", () => {
        const dir = editedPlan(plan, "ops", (d) => role(d, "Operator", trusting({ AWS: `arn:aws:iam::${OPS}:root` }), writes("iam:DetachRolePolicy", TENANT_ROLES, ON_CAP)));
        assertRefused(dir, "Operator-policy", new RegExp(`iam:DetachRolePolicy on the tenant roles .*${TENANT_A_ROLE}.*only the cost cap's Budgets execution role`));
    });

    it("refuses a role holding both writes in the execution role's exact shape", () => {
        const dir = editedPlan(plan, "ops", (d) => role(d, "Operator", trusting({ AWS: `arn:aws:iam::${OPS}:root` }), writes(ATTACH, TENANT_ROLES, ON_CAP)));
        assertRefused(dir, "Operator-policy", new RegExp(TENANT_B_ROLE));
    });

    it("refuses another role Budgets alone may assume, outside the QuotaEnforcer", () => {
        const dir = editedPlan(plan, "ops", (d) => role(d, "OtherCapAction", trusting(BUDGETS), writes(ATTACH, TENANT_ROLES, ON_CAP)));
        assertRefused(dir, "OtherCapAction-policy", new RegExp(TENANT_A_ROLE));
    });

    it("refuses a user's inline iam:DetachRolePolicy on one tenant's role", () => {
        const dir = editedPlan(plan, "ops", (d) => {
            user(d, "dev");
            add(d, "aws:iam/userPolicy:UserPolicy", "dev-policy", { user: "dev", name: "dev-policy", policy: writes("iam:DetachRolePolicy", roleArn(TENANT_B_ROLE), ON_CAP) });
        });
        assertRefused(dir, "dev-policy", new RegExp(TENANT_B_ROLE));
    });

    it("refuses a managed policy attached to a user holding the execution role's writes", () => {
        const dir = editedPlan(plan, "ops", (d) => {
            user(d, "dev");
            const arn = `arn:aws:iam::${OPS}:policy/uncap`;
            add(d, "aws:iam/policy:Policy", "uncap", { name: "uncap", policy: writes(ATTACH, TENANT_ROLES, ON_CAP) }, { arn });
            add(d, "aws:iam/policyAttachment:PolicyAttachment", "uncap-users", { name: "uncap-users", users: ["dev"], policyArn: arn });
        });
        assertRefused(dir, "uncap", new RegExp(TENANT_A_ROLE));
    });

    for (const [how, join] of JOINS) {
        it(`refuses a group's iam:DetachRolePolicy on a tenant role for a user joined by ${how}`, () => {
            const dir = editedPlan(plan, "ops", (d) => {
                user(d, "dev");
                group(d, "devs", writes("iam:DetachRolePolicy", roleArn(TENANT_A_ROLE), ON_CAP));
                join(d);
            });
            assertRefused(dir, "devs-policy", new RegExp(TENANT_A_ROLE));
        });
    }

    it("passes a group holding the execution role's writes with no member", () => {
        const dir = editedPlan(plan, "ops", (d) => group(d, "devs", writes(ATTACH, TENANT_ROLES, ON_CAP)));
        const run = verify(dir);
        assert.strictEqual(run.code, 0, run.stderr);
    });

    it("refuses the execution role's own policy once its role trusts more than AWS Budgets", () => {
        const dir = editedPlan(plan, "ops", (d) => {
            const r = d.deployment.resources.find((x) => x.type === "aws:iam/role:Role" && x.urn.endsWith(EXECUTOR_URN_NAME));
            for (const side of ["inputs", "outputs"]) r[side].assumeRolePolicy = doc({ Effect: "Allow", Principal: { ...BUDGETS, AWS: `arn:aws:iam::${OPS}:root` }, Action: "sts:AssumeRole" });
        });
        assertRefused(dir, "quota-enforcer-cost-cap-action", new RegExp(TENANT_A_ROLE));
    });

    it("refuses the execution role's policy once the role is no longer the one its QuotaEnforcer records", () => {
        const dir = editedPlan(plan, "ops", (d) => {
            const r = d.deployment.resources.find((x) => x.type === "aws:iam/role:Role" && x.urn.endsWith(EXECUTOR_URN_NAME));
            r.parent = `urn:pulumi:ops::bedrock-tenancy::pulumi:pulumi:Stack::bedrock-tenancy-ops`;
        });
        assertRefused(dir, "quota-enforcer-cost-cap-action", new RegExp(TENANT_A_ROLE));
    });

    // Already refused to every holder: each widens a tenant role, re-points it, or lifts the Deny that caps or bounds it.
    for (const [what, policy] of [
        ["iam:PutRolePermissionsBoundary", writes("iam:PutRolePermissionsBoundary", TENANT_ROLES)],
        ["iam:DeleteRolePermissionsBoundary", writes("iam:DeleteRolePermissionsBoundary", TENANT_ROLES)],
        ["iam:UpdateAssumeRolePolicy", writes("iam:UpdateAssumeRolePolicy", roleArn(TENANT_A_ROLE))],
        ["iam:TagRole and iam:UntagRole", writes(["iam:TagRole", "iam:UntagRole"], TENANT_ROLES)],
        ["iam:CreatePolicyVersion and iam:SetDefaultPolicyVersion on the cost-cap policy", writes(["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"], CAP_POLICY)],
        ["iam:CreatePolicyVersion and iam:SetDefaultPolicyVersion on a tenant's boundary", writes(["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"], BOUNDARY_A)],
    ] as const) {
        it(`refuses ${what} to a role Budgets alone may assume`, () => {
            const dir = editedPlan(plan, "ops", (d) => role(d, "Widener", trusting(BUDGETS), policy));
            assertRefused(dir, "Widener-policy", /./);
        });
    }
});
