/**
 * Putting and deleting inline policies on tenant roles is the quota
 * enforcer's alone: its block is an inline Deny, and whoever may delete it
 * lifts the block (or deletes the tenant's invoke policy). Any other ops
 * identity holding either action on a tenant role, by any attachment, is a
 * finding naming the policy and the roles it reaches; the enforcer's own
 * role, as its QuotaEnforcer plans it, passes.
 */
import * as assert from "assert";
import { OPS, TENANT_A_ROLE, TENANT_B_ROLE } from "../support/plan-mutations";
import { editedPlan, shippedPlan, verify } from "../support/plan-files";
import { add, assertRefused, doc, group, JOINS, role, roleArn, TENANT_ROLES, trusting, user, writes } from "../support/tenant-role-writes";

describe("inline policy writes on tenant roles outside the quota enforcer", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("passes the shipped plan, whose quota enforcer holds both writes on every tenant role", () => {
        assert.strictEqual(verify(plan).code, 0);
    });

    it("refuses a role the account's root may assume holding both writes on every tenant role", () => {
        const dir = editedPlan(plan, "ops", (d) => role(d, "Operator", trusting({ AWS: `arn:aws:iam::${OPS}:root` }), writes(["iam:DeleteRolePolicy", "iam:PutRolePolicy"], TENANT_ROLES)));
        assertRefused(dir, "Operator-policy", new RegExp(TENANT_A_ROLE));
    });

    it("refuses a role EC2 assumes holding iam:DeleteRolePolicy on the tenant roles", () => {
        const dir = editedPlan(plan, "ops", (d) => role(d, "Fleet", trusting({ Service: "ec2.amazonaws.com" }), writes("iam:DeleteRolePolicy", TENANT_ROLES)));
        assertRefused(dir, "Fleet-policy", new RegExp(TENANT_A_ROLE));
    });

    it("refuses a user's inline iam:PutRolePolicy on one tenant's role", () => {
        const dir = editedPlan(plan, "ops", (d) => {
            user(d, "dev");
            add(d, "aws:iam/userPolicy:UserPolicy", "dev-policy", { user: "dev", name: "dev-policy", policy: writes("iam:PutRolePolicy", roleArn(TENANT_B_ROLE)) });
        });
        assertRefused(dir, "dev-policy", new RegExp(TENANT_B_ROLE));
    });

    it("refuses a managed policy attached to a user holding iam:DeleteRolePolicy", () => {
        const dir = editedPlan(plan, "ops", (d) => {
            user(d, "dev");
            const arn = `arn:aws:iam::${OPS}:policy/unblock`;
            add(d, "aws:iam/policy:Policy", "unblock", { name: "unblock", policy: writes("iam:DeleteRolePolicy", roleArn(TENANT_A_ROLE)) }, { arn });
            add(d, "aws:iam/userPolicyAttachment:UserPolicyAttachment", "dev-unblock", { user: "dev", policyArn: arn });
        });
        assertRefused(dir, "unblock", new RegExp(TENANT_A_ROLE));
    });

    for (const [how, join] of JOINS) {
        it(`refuses a group's iam:PutRolePolicy on a tenant role for a user joined by ${how}`, () => {
            const dir = editedPlan(plan, "ops", (d) => {
                user(d, "dev");
                group(d, "devs", writes("iam:PutRolePolicy", roleArn(TENANT_B_ROLE)));
                join(d);
            });
            assertRefused(dir, "devs-policy", new RegExp(TENANT_B_ROLE));
        });
    }

    it("passes a group holding iam:PutRolePolicy on a tenant role with no member", () => {
        const dir = editedPlan(plan, "ops", (d) => group(d, "devs", writes("iam:PutRolePolicy", roleArn(TENANT_B_ROLE))));
        const run = verify(dir);
        assert.strictEqual(run.code, 0, run.stderr);
    });

    it("refuses the enforcer's own policy once its role trusts more than Lambda", () => {
        const dir = editedPlan(plan, "ops", (d) => {
            const r = d.deployment.resources.find((x) => x.type === "aws:iam/role:Role" && x.urn.endsWith("::quota-enforcer-role"));
            for (const side of ["inputs", "outputs"]) r[side].assumeRolePolicy = doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com", AWS: `arn:aws:iam::${OPS}:root` }, Action: "sts:AssumeRole" });
        });
        assertRefused(dir, "quota-enforcer-policy", new RegExp(TENANT_A_ROLE));
    });
});
