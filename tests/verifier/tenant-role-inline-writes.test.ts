/**
 * Putting and deleting inline policies on tenant roles is the quota
 * enforcer's alone: its block is an inline Deny, and whoever may delete it
 * lifts the block (or deletes the tenant's invoke policy). Any other ops
 * identity holding either action on a tenant role, by any attachment, is a
 * finding naming the policy and the roles it reaches; the enforcer's own
 * role, as its QuotaEnforcer plans it, passes.
 */
import * as assert from "assert";
import { added, OPS, TENANT_A_ROLE, TENANT_B_ROLE } from "../support/plan-mutations";
import { editedPlan, shippedPlan, verify, type StackDoc } from "../support/plan-files";

const CODE = "BT-OPS-TENANT-ROLE-WRITE";
const TENANT_ROLES = `arn:aws:iam::${OPS}:role/BedrockTenantAccess-*`;
const roleArn = (name: string) => `arn:aws:iam::${OPS}:role/${name}`;
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const writes = (Action: string | string[], Resource: string) => doc({ Effect: "Allow", Action, Resource });
const trusting = (Principal: unknown) => doc({ Effect: "Allow", Principal, Action: "sts:AssumeRole" });

const add = (d: StackDoc, type: string, name: string, props: Record<string, unknown>, extra: Record<string, unknown> = {}) => d.deployment.resources.push(added("ops", type, name, props, extra));
const user = (d: StackDoc, name: string) => add(d, "aws:iam/user:User", name, { name }, { arn: `arn:aws:iam::${OPS}:user/${name}` });
const group = (d: StackDoc, name: string, policy: string) => {
    add(d, "aws:iam/group:Group", name, { name }, { arn: `arn:aws:iam::${OPS}:group/${name}` });
    add(d, "aws:iam/groupPolicy:GroupPolicy", `${name}-policy`, { group: name, name: `${name}-policy`, policy });
};
const role = (d: StackDoc, name: string, trust: string, policy: string) => {
    add(d, "aws:iam/role:Role", name, { name, assumeRolePolicy: trust }, { arn: roleArn(name) });
    add(d, "aws:iam/rolePolicy:RolePolicy", `${name}-policy`, { role: name, name: `${name}-policy`, policy });
};

/** Exit 1 with a finding on `resource` that names a tenant role it reaches (`reached`). */
function assertRefused(dir: string, resource: string, reached: RegExp): void {
    const run = verify(dir);
    assert.strictEqual(run.code, 1, `exit ${run.code}: ${run.stderr}${run.stdout}`);
    const hit = run.report.violations.find((v: any) => v.code === CODE && v.resource === resource && reached.test(v.why));
    assert.ok(hit, `no ${CODE} on ${resource} matching ${reached} in:\n${run.stderr}`);
}

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

    for (const [how, join] of [
        ["UserGroupMembership", (d: StackDoc) => add(d, "aws:iam/userGroupMembership:UserGroupMembership", "dev-groups", { user: "dev", groups: ["devs"] })],
        ["GroupMembership", (d: StackDoc) => add(d, "aws:iam/groupMembership:GroupMembership", "devs-members", { name: "devs-members", group: "devs", users: ["dev"] })],
    ] as const) {
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
