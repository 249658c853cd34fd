/**
 * Who may write to a tenant role, its boundary, or a policy applied to it.
 * The fleet needs two writes at run time, each lifting a Deny as surely as
 * it applies one, so each is its planned holder's alone (enforcer-roles.ts);
 * every other write widens, re-points or un-bounds the role, whoever holds it.
 */
import { coversAction, hasWildcard, parsePolicy, type PolicyStatement } from "../contract";
import type { AccountIam } from "./iam-graph";
import { ATTACH_WRITES, INLINE_DENY_WRITES } from "./ops-escalation";
import { prop, type StackResource } from "./pulumi-formats";

/**
 * What a principal other than the tenant's own could do to a tenant role or
 * to a policy that bounds or caps it. Each widens, re-points or un-bounds
 * it: deleting an inline Deny or detaching an attached one included, though
 * the boundary caps whatever is put or attached.
 */
const TENANT_ROLE_WRITES = [
    "iam:UpdateAssumeRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:UpdateRole",
    "iam:DeleteRole", "iam:CreateRole", "iam:TagRole", "iam:UntagRole", "iam:PassRole", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
    "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy",
];

/** The ARNs that guard tenant roles but the checking stack's own, with the policies applied to them at run time. */
export interface Guarded {
    /** Those a statement (its resources lower-cased) applies to, in order; a statement naming ARNs exactly finds them by look-up, not by reading every one. */
    reached(s: PolicyStatement): string[];
    isTenantRole(arn: string): boolean;
}

/** Which of the fleet's run-time writes to tenant roles a principal is the planned holder of (enforcer-roles.ts). */
export interface PlannedHolder {
    enforcer: boolean;
    costCap: boolean;
}

/**
 * The fleet's two run-time writes to tenant roles. Each lifts a Deny as
 * surely as it applies one, so each is its planned holder's alone; `held`
 * is what the holder's grant must also keep to.
 */
const RUN_TIME_WRITES: readonly { writes: readonly string[]; holder: keyof PlannedHolder; refusal: string; held?: (s: PolicyStatement, iam: AccountIam) => string | undefined }[] = [
    {
        // The boundary caps whatever the enforcer puts.
        writes: INLINE_DENY_WRITES,
        holder: "enforcer",
        refusal: "only the quota enforcer's own role may put or delete their inline policies; another holder can delete the enforcer's Deny and lift a tenant's quota block, or delete the tenant's invoke policy. Remove the grant, or block tenants through the QuotaEnforcer",
    },
    {
        writes: ATTACH_WRITES,
        holder: "costCap",
        refusal: "only the cost cap's Budgets execution role may attach or detach policies on them; another holder can detach the cost-cap Deny and lift a tenant's cost cap, or attach it and cut a tenant off. Remove the grant, and leave applying the cost cap to the tenants' Budgets actions",
        held: (s, iam) => {
            // Only policies that deny, named exactly by iam:PolicyARN.
            const arns = s.conditions.filter((c) => c.key === "iam:policyarn" && (c.operator === "ArnEquals" || c.operator === "StringEquals")).flatMap((c) => c.values);
            const bad = arns.filter((a) => hasWildcard(a) || !denyOnly(iam.policies.get(a.toLowerCase())));
            if (arns.length > 0 && bad.length === 0) return undefined;
            return `with ${arns.length === 0 ? "any policy (no exact iam:PolicyARN condition)" : `policies that are not deny-only (${bad.join(", ")})`}`;
        },
    },
];

/**
 * Why an Allow statement lets its principal widen or re-point a tenant role,
 * or undefined when it cannot; `holder` says which run-time write's planned
 * holder the principal is.
 */
export function tenantRoleWrite(s: PolicyStatement, guarded: Guarded, iam: AccountIam, holder: PlannedHolder): string | undefined {
    const writes = TENANT_ROLE_WRITES.filter((a) => coversAction(s, a));
    if (writes.length === 0) return undefined;
    const lowered = { ...s, resources: s.resources?.map((r) => r.toLowerCase()), notResources: s.notResources?.map((r) => r.toLowerCase()) };
    const reached = guarded.reached(lowered);
    if (reached.length === 0) return undefined;
    const onRolesOnly = reached.every((arn) => guarded.isTenantRole(arn));
    const exact = s.actions !== undefined && !s.actions.some(hasWildcard);
    // Reached ARNs are lowercased for matching; a role of the files is named as written.
    const shown = reached.slice(0, 3).map((arn) => iam.byName.role.get(arn.slice(arn.lastIndexOf("/") + 1))?.find((p) => p.arn.toLowerCase() === arn)?.arn ?? arn);
    const roles = `${shown.join(", ")}${reached.length > 3 ? ` and ${reached.length - 3} more` : ""}`;
    const shape = exact && onRolesOnly ? RUN_TIME_WRITES.find((w) => writes.every((a) => w.writes.includes(a))) : undefined;
    if (shape === undefined) return `${writes.join(", ")} on ${roles}`;
    if (!holder[shape.holder]) return `${writes.join(", ")} on the tenant roles ${roles}: ${shape.refusal}`;
    const why = shape.held?.(s, iam);
    return why === undefined ? undefined : `${writes.join(", ")} on the tenant roles ${roles} ${why}`;
}

/** Whether a managed policy in the files holds only Deny statements. */
function denyOnly(policy: StackResource | undefined): boolean {
    if (!policy) return false;
    const parsed = parsePolicy(prop(policy, "policy"));
    return !("problem" in parsed) && parsed.statements.every((s) => s.effect === "Deny");
}
