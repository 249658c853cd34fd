/**
 * The ops account as a whole. Only tenant roles may be assumed from outside
 * the account, each by its own tenant (the tenant proof); every other
 * principal is held to: no trust of a principal outside the account, no
 * trust of a tenant role (no onward path from a tenant session), no way to
 * widen or re-point a tenant role, no IAM write beyond the enforcer's and
 * the cost cap's (ops-escalation.ts), and policies applied to tenant roles
 * at run time (the cost cap, the enforcer's deny) may only deny.
 */
import { accountOfPrincipal, coversAction, coversResource, coversService, hasWildcard, parseArn, parsePolicy, wildcardMatch, type PolicyStatement } from "../contract";
import { violation, type Code, type Violation } from "./findings";
import type { AccountIam, IamPrincipal } from "./iam-graph";
import type { TenantIntent } from "./intent";
import { ATTACH_WRITES, escalations, INLINE_DENY_WRITES, type EscalationScope } from "./ops-escalation";
import { prop, type StackResource, type StackState } from "./pulumi-formats";

/**
 * What a principal other than the tenant's own could do to a tenant role or
 * to a policy that bounds or caps it. Put/Delete of an inline policy and
 * Attach/Detach of a deny-only policy can at most narrow a role that carries
 * its boundary; everything else here widens, re-points or un-bounds it.
 */
const TENANT_ROLE_WRITES = [
    "iam:UpdateAssumeRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:UpdateRole",
    "iam:DeleteRole", "iam:CreateRole", "iam:TagRole", "iam:UntagRole", "iam:PassRole", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
    "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy",
];
const BUDGET_ACTION_TYPE = "aws:budgets/budgetAction:BudgetAction";

export interface OpsContext {
    state: StackState;
    account: string;
    iam: AccountIam;
    tenants: TenantIntent[];
}

export function opsAccountViolations(ctx: OpsContext): Violation[] {
    const out: Violation[] = [];
    const { state, iam } = ctx;
    const flag = (code: Code, r: StackResource, statement: string, why: string, tenant = "(ops account)") =>
        out.push(violation(code, { tenant, stack: state.stack, resource: r.name, urn: r.urn }, statement, why));
    const tenantRoles = new Map(ctx.tenants.map((t) => [t.roleName.toLowerCase(), t]));
    const tenantRoleArns = ctx.tenants.map((t) => t.roleArn.toLowerCase());
    const isTenantRole = (p: IamPrincipal) => p.kind === "role" && tenantRoles.has(p.name.toLowerCase());

    // Policies that bound or cap tenant roles, or that Budgets applies to them: each may only deny, and none may be rewritten.
    const appliedAtRunTime = new Map<string, StackResource>();
    for (const r of state.resources.filter((x) => x.type === BUDGET_ACTION_TYPE)) budgetAction(r, ctx, flag, appliedAtRunTime);
    const guarded = [...tenantRoleArns];
    for (const p of iam.principals.filter(isTenantRole)) {
        if (p.boundaryArn) guarded.push(p.boundaryArn.toLowerCase());
        for (const s of p.policies) if (s.managedArn) guarded.push(s.managedArn.toLowerCase());
    }
    for (const arn of appliedAtRunTime.keys()) guarded.push(arn);
    const guardedSet = new Set(guarded);
    const others = [...iam.principals.filter((p) => !isTenantRole(p)).map((p) => p.arn), ...iam.policies.keys()].map((a) => a.toLowerCase()).filter((a) => !guardedSet.has(a));
    const scope: EscalationScope = { account: ctx.account, guarded: guardedSet, others };

    for (const p of iam.principals) {
        if (isTenantRole(p)) continue;
        if (p.kind === "role") trustOfOtherRole(p, ctx, tenantRoleArns, flag);
        for (const source of p.policies) {
            if (source.document === undefined) {
                flag("BT-OPS-TENANT-ROLE-WRITE", source.resource, "-", `${p.kind} ${p.name} has ${source.name}, which is not in the files: the proof cannot show it leaves tenant roles alone`);
                continue;
            }
            const parsed = parsePolicy(source.document);
            if ("problem" in parsed) {
                flag("BT-OPS-TENANT-ROLE-WRITE", source.resource, "(document)", `the policy of ${p.kind} ${p.name} ${parsed.problem}`);
                continue;
            }
            for (const s of parsed.statements) {
                if (s.effect !== "Allow") continue;
                const why = tenantRoleWrite(s, guarded, tenantRoleArns, iam);
                if (why) flag("BT-OPS-TENANT-ROLE-WRITE", source.resource, s.label, `lets ${p.kind} ${p.name} ${why}`);
                for (const more of escalations(s, scope, why !== undefined)) flag("BT-OPS-ESCALATION", source.resource, s.label, `lets ${p.kind} ${p.name} ${more}`);
            }
        }
    }
    // Invocations from outside (Lambda permissions, function URLs) are the egress checks' (ops-egress.ts).
    return out;
}

/** A role that is not a tenant role may be assumed only from inside the account, and never from a tenant role. */
function trustOfOtherRole(p: IamPrincipal, ctx: OpsContext, tenantRoleArns: string[], flag: (code: Code, r: StackResource, statement: string, why: string) => void): void {
    const parsed = parsePolicy(p.trust);
    if ("problem" in parsed) {
        flag("BT-OPS-FOREIGN-TRUST", p.resource, "assumeRolePolicy", `the trust policy of role ${p.name} ${parsed.problem}`);
        return;
    }
    const matchesTenantRole = (pattern: string) => {
        const lower = pattern.toLowerCase();
        return tenantRoleArns.some((arn) => wildcardMatch(lower, arn) || wildcardMatch(lower, sessionPatternOf(arn)));
    };
    for (const s of parsed.statements) {
        if (s.effect !== "Allow" || !coversService(s, "sts")) continue;
        if (s.notPrincipals) {
            flag("BT-OPS-FOREIGN-TRUST", p.resource, s.label, `role ${p.name} admits every principal but ${JSON.stringify(s.notPrincipals)} (NotPrincipal)`);
            continue;
        }
        for (const [kind, values] of Object.entries(s.principals ?? {})) {
            if (kind === "Service") continue;
            if (kind !== "AWS") {
                flag("BT-OPS-FOREIGN-TRUST", p.resource, s.label, `role ${p.name} admits ${kind} principals ${JSON.stringify(values)}, from outside the account`);
                continue;
            }
            for (const v of values) {
                if (hasWildcard(v)) {
                    flag(matchesTenantRole(v) ? "BT-OPS-ROLE-CHAIN" : "BT-OPS-FOREIGN-TRUST", p.resource, s.label, `role ${p.name} admits the principal pattern ${JSON.stringify(v)}`);
                } else if (accountOfPrincipal(v) !== ctx.account) {
                    flag("BT-OPS-FOREIGN-TRUST", p.resource, s.label, `role ${p.name} admits ${v}, outside the ops account ${ctx.account}; only tenant roles are assumed from outside, each by its own tenant`);
                } else if (tenantRoleArns.includes(v.toLowerCase()) || tenantRoleArns.includes(roleOfSession(v) ?? "")) {
                    flag("BT-OPS-ROLE-CHAIN", p.resource, s.label, `role ${p.name} admits the tenant role ${v}: a tenant session could continue into it`);
                } else {
                    const named = s.conditions.filter((c) => c.key === "aws:principalarn").flatMap((c) => c.values).filter(matchesTenantRole);
                    if (named.length > 0) flag("BT-OPS-ROLE-CHAIN", p.resource, s.label, `role ${p.name} admits tenant roles through aws:PrincipalArn ${JSON.stringify(named)}`);
                }
            }
        }
    }
}

/** Why an Allow statement lets its principal widen or re-point a tenant role, or undefined when it cannot. */
function tenantRoleWrite(s: PolicyStatement, guarded: string[], tenantRoleArns: string[], iam: AccountIam): string | undefined {
    const writes = TENANT_ROLE_WRITES.filter((a) => coversAction(s, a));
    if (writes.length === 0) return undefined;
    const lowered = { ...s, resources: s.resources?.map((r) => r.toLowerCase()), notResources: s.notResources?.map((r) => r.toLowerCase()) };
    const reached = guarded.filter((arn) => coversResource(lowered, arn));
    if (reached.length === 0) return undefined;
    const onRolesOnly = reached.every((arn) => tenantRoleArns.includes(arn));
    const exact = s.actions !== undefined && !s.actions.some(hasWildcard);
    // The quota enforcer's shape: put and delete its inline deny; the boundary caps whatever it puts.
    if (exact && onRolesOnly && writes.every((a) => INLINE_DENY_WRITES.includes(a))) return undefined;
    // The cost cap's shape: attach and detach only policies that deny, named exactly by iam:PolicyARN.
    if (exact && onRolesOnly && writes.every((a) => ATTACH_WRITES.includes(a))) {
        const arns = s.conditions.filter((c) => c.key === "iam:policyarn" && (c.operator === "ArnEquals" || c.operator === "StringEquals")).flatMap((c) => c.values);
        const bad = arns.filter((a) => hasWildcard(a) || !denyOnly(iam.policies.get(a.toLowerCase())));
        if (arns.length > 0 && bad.length === 0) return undefined;
        return `${writes.join(", ")} on tenant roles with ${arns.length === 0 ? "any policy (no exact iam:PolicyARN condition)" : `policies that are not deny-only (${bad.join(", ")})`}`;
    }
    return `${writes.join(", ")} on ${reached.slice(0, 3).join(", ")}${reached.length > 3 ? ` and ${reached.length - 3} more` : ""}`;
}

/** Whether a managed policy in the files holds only Deny statements. */
function denyOnly(policy: StackResource | undefined): boolean {
    if (!policy) return false;
    const parsed = parsePolicy(prop(policy, "policy"));
    return !("problem" in parsed) && parsed.statements.every((s) => s.effect === "Deny");
}

/** A Budgets action may only apply the cost cap: a Deny of everything, to tenant roles. */
function budgetAction(r: StackResource, ctx: OpsContext, flag: (code: Code, r: StackResource, statement: string, why: string, tenant?: string) => void, applied: Map<string, StackResource>): void {
    const type = prop(r, "actionType");
    const definition = prop(r, "definition") as Record<string, unknown> | undefined;
    const iam = definition?.iamActionDefinition as Record<string, unknown> | undefined;
    if (type !== "APPLY_IAM_POLICY" || !iam || definition?.scpActionDefinition || definition?.ssmActionDefinition) {
        flag("BT-OPS-SHARED-POLICY", r, "actionType", `is a Budgets action of type ${JSON.stringify(type)}; only APPLY_IAM_POLICY of the cost cap is proved`);
        return;
    }
    const arn = iam.policyArn;
    const policy = typeof arn === "string" ? ctx.iam.policies.get(arn.toLowerCase()) : undefined;
    if (!policy) {
        flag("BT-OPS-SHARED-POLICY", r, "definition", `applies ${JSON.stringify(arn)}, which is not in the files`);
        return;
    }
    applied.set(String(arn).toLowerCase(), policy);
    const parsed = parsePolicy(prop(policy, "policy"));
    const denyAll = !("problem" in parsed) && parsed.statements.length > 0 && parsed.statements.every((s) =>
        s.effect === "Deny" && s.conditions.length === 0 && s.actions?.includes("*") === true && s.resources?.includes("*") === true);
    if (!denyAll) flag("BT-OPS-SHARED-POLICY", policy, "policy", `the cost cap ${String(arn)}, which Budgets attaches to tenant roles, is not a Deny of every action on every resource`);
}

/**
 * The role of an STS session ARN (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`),
 * lowercased as tenant role ARNs are compared: a trust naming one session of a
 * tenant role admits that tenant's sessions as surely as naming the role.
 */
function roleOfSession(principal: string): string | undefined {
    const arn = parseArn(principal);
    if (!arn || arn.service !== "sts" || !arn.resource.startsWith("assumed-role/")) return undefined;
    const name = arn.resource.split("/")[1];
    return name ? `arn:${arn.partition}:iam::${arn.account}:role/${name}`.toLowerCase() : undefined;
}

/** Every session of a tenant role, as a pattern over principal ARNs (role ARNs compared lowercased). */
function sessionPatternOf(roleArn: string): string {
    const arn = parseArn(roleArn);
    return arn ? `arn:${arn.partition}:sts::${arn.account}:assumed-role/${arn.resource.split("/").pop()}/*` : roleArn;
}
