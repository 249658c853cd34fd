/**
 * Principals added to the shipped ops plan holding writes on tenant roles,
 * and the finding such a write must raise, for the tests of who may write
 * to tenant roles.
 */
import * as assert from "assert";
import { added, OPS } from "./plan-mutations";
import { verify, type StackDoc } from "./plan-files";

export const TENANT_ROLE_WRITE = "BT-OPS-TENANT-ROLE-WRITE";
export const TENANT_ROLES = `arn:aws:iam::${OPS}:role/BedrockTenantAccess-*`;
export const roleArn = (name: string) => `arn:aws:iam::${OPS}:role/${name}`;
export const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
export const writes = (Action: string | string[], Resource: string, Condition?: unknown) => doc({ Effect: "Allow", Action, Resource, ...(Condition ? { Condition } : {}) });
export const trusting = (Principal: unknown) => doc({ Effect: "Allow", Principal, Action: "sts:AssumeRole" });

export const add = (d: StackDoc, type: string, name: string, props: Record<string, unknown>, extra: Record<string, unknown> = {}) => d.deployment.resources.push(added("ops", type, name, props, extra));
export const user = (d: StackDoc, name: string) => add(d, "aws:iam/user:User", name, { name }, { arn: `arn:aws:iam::${OPS}:user/${name}` });
export const group = (d: StackDoc, name: string, policy: string) => {
    add(d, "aws:iam/group:Group", name, { name }, { arn: `arn:aws:iam::${OPS}:group/${name}` });
    add(d, "aws:iam/groupPolicy:GroupPolicy", `${name}-policy`, { group: name, name: `${name}-policy`, policy });
};
export const role = (d: StackDoc, name: string, trust: string, policy: string) => {
    add(d, "aws:iam/role:Role", name, { name, assumeRolePolicy: trust }, { arn: roleArn(name) });
    add(d, "aws:iam/rolePolicy:RolePolicy", `${name}-policy`, { role: name, name: `${name}-policy`, policy });
};

/** The two ways a user joins a group in the files. */
export const JOINS = [
    ["UserGroupMembership", (d: StackDoc) => add(d, "aws:iam/userGroupMembership:UserGroupMembership", "dev-groups", { user: "dev", groups: ["devs"] })],
    ["GroupMembership", (d: StackDoc) => add(d, "aws:iam/groupMembership:GroupMembership", "devs-members", { name: "devs-members", group: "devs", users: ["dev"] })],
] as const;

/** Exit 1 with a finding of `code` on `resource` whose reason matches `reached`. */
export function assertRefused(dir: string, resource: string, reached: RegExp, code = TENANT_ROLE_WRITE): void {
    const run = verify(dir);
    assert.strictEqual(run.code, 1, `exit ${run.code}: ${run.stderr}${run.stdout}`);
    const hit = run.report.violations.find((v: any) => v.code === code && v.resource === resource && reached.test(v.why));
    assert.ok(hit, `no ${code} on ${resource} matching ${reached} in:\n${run.stderr}`);
}
