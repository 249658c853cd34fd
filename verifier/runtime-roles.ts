/**
 * Which roles of a customer account are the tenant's runtime: the roles the
 * tenant's ops role trusts there. What can assume the ops role calls
 * Bedrock as the tenant, so the customer proof holds those roles to the
 * runtime's rules (only the runtime runs as them, they trust one compute
 * service, the audit path lets them write), whatever role the component's
 * `runtimeRoleArn` output names: an output naming a copy would otherwise
 * move every one of those checks onto a role that calls nothing.
 */
import { iamResourceName, parseArn, roleArn } from "../contract";
import type { AccountIam, IamPrincipal } from "./iam-graph";
import type { CustomerIntent, TenantIntent } from "./intent";
import { UNKNOWN_VALUE } from "./pulumi-formats";
import { reduceTrustPolicy } from "./trust-reducer";

/** What the ops roles of a tenant trust: caller ARNs as the trust reducer reads them (`arn:aws:iam::ACCOUNT:*` for a whole account). */
export type TrustedCallers = ReadonlyMap<string, readonly string[]>;

/** Tenant id → every caller the tenant's ops role (each role of its name) admits to `sts:AssumeRole`. */
export function trustedCallersOf(tenants: readonly TenantIntent[], iam: AccountIam, into: Map<string, string[]>): void {
    for (const t of tenants) {
        const callers = into.get(t.tenantId) ?? [];
        for (const role of iam.byName.role.get(t.roleName.toLowerCase()) ?? []) {
            for (const pair of reduceTrustPolicy(role.trust, { tenantId: t.tenantId }).pairs) callers.push(pair.principal);
        }
        into.set(t.tenantId, callers);
    }
}

/** The runtime roles of a customer stack, and callers of its account that are no role the proof can name. */
export interface RuntimeRoles {
    /**
     * Role ARNs of the customer's account that the tenant's ops role trusts:
     * the tenant's own runtime role first (the one its component's
     * `runtimeRoleName` names, which the tenant proof requires the trust to
     * admit), then any other role the trust admits there. Without the ops
     * file, or when the ops role trusts no role of the account, the
     * component's `runtimeRoleArn` alone.
     */
    roles: string[];
    /** The ops role admits every principal of the customer's account (an account root, or the account id). */
    wholeAccount: boolean;
}

export function runtimeRolesOf(c: CustomerIntent, tenant: TenantIntent | undefined, trusted: TrustedCallers | undefined): RuntimeRoles {
    if (!tenant) return { roles: [c.runtimeRoleArn], wholeAccount: false };
    // An account the tenant does not list is its own finding: no role there is the tenant's runtime by intent.
    const roles = tenant.accounts.includes(c.accountId) ? [roleArn(c.accountId, tenant.runtimeRoleName)] : [];
    let wholeAccount = false;
    for (const caller of trusted?.get(tenant.tenantId) ?? []) {
        const arn = parseArn(caller);
        if (arn?.account !== c.accountId) continue;
        if (arn.resource === "*") wholeAccount = true;
        else if (!roles.some((r) => sameRole(r, caller))) roles.push(caller);
    }
    return { roles: roles.length > 0 ? roles : [c.runtimeRoleArn], wholeAccount };
}

/** A role ARN's name (after its path), lowercased: IAM names compare case-insensitively. */
function roleName(arn: string): string | undefined {
    const parsed = parseArn(arn);
    return parsed && iamResourceName(parsed, "role")?.toLowerCase();
}

/** Two role ARNs of one partition and account with one name: IAM keeps one role per name in an account, whatever its path or case. */
export function sameRole(a: string, b: string): boolean {
    const [x, y] = [parseArn(a), parseArn(b)];
    if (!x || !y || x.account !== y.account || x.partition !== y.partition) return false;
    const name = iamResourceName(x, "role")?.toLowerCase();
    return name !== undefined && name === iamResourceName(y, "role")?.toLowerCase();
}

/** Whether `value` is `arn` as written, or another ARN of the same role. */
export function namesRole(value: unknown, arn: string): boolean {
    return value === arn || (typeof value === "string" && sameRole(value, arn));
}

/** The role of the stack that an ARN of its account names, found by name: its own ARN may carry a path, or be unknown until it is created. */
export function roleOfStack(iam: AccountIam, arn: string): IamPrincipal | undefined {
    const name = roleName(arn);
    return name === undefined ? undefined : iam.byName.role.get(name)?.[0];
}

/**
 * The name, lowercased, of the runtime role whose identity policies the
 * audit path checks (the first of `roles`): while its ARN is not known (the
 * component's output, read without the ops file), the roles the component
 * creates.
 */
export function checkedRuntimeRoleNames(c: CustomerIntent, runtime: RuntimeRoles, iam: AccountIam): string[] {
    const first = runtime.roles[0];
    if (first.includes(UNKNOWN_VALUE)) return iam.principals.filter((p) => p.kind === "role" && p.resource.parent === c.urn).map((p) => p.name.toLowerCase());
    const name = roleName(first);
    return name === undefined ? [] : [name];
}

/** The runtime roles a customer proof holds to the runtime's rules, the tenant's own first; the component's `runtimeRoleArn` when the ops side was not read. */
export function runtimeRoleArns(ctx: { customer: CustomerIntent; runtimeRoles?: readonly string[] }): readonly string[] {
    return ctx.runtimeRoles !== undefined && ctx.runtimeRoles.length > 0 ? ctx.runtimeRoles : [ctx.customer.runtimeRoleArn];
}
