/**
 * The quota enforcer blocks a tenant by putting an inline policy on its
 * role, and a Budgets action caps its cost by attaching the cost-cap
 * policy: both act at run time, outside the files. A resource that makes the
 * role's inline policies or managed attachments exactly its own list (a
 * `*PoliciesExclusive`, a `*PolicyAttachmentsExclusive`, the role's own
 * `inlinePolicies` or `managedPolicyArns`), or an `aws:iam/policyAttachment`
 * of the cost-cap policy, which holds that policy's attachments across the
 * account, undoes the block or the cap on every deploy, and the tenant runs
 * on past its limit.
 */
import { isUnknown, type MeteringContext } from "./metering-values";
import { accountIam } from "./quota-wiring";

const CODE = "BT-OPS-QUOTA-WIRING";

export function enforcementUndone(ctx: MeteringContext): void {
    const iam = accountIam(ctx);
    for (const t of ctx.tenants) {
        const quota = t.enforcerFunctionArn !== undefined || t.quotaAlarms !== undefined;
        const cap = t.costCapPolicyArn;
        if (!quota && cap === undefined) continue;
        for (const role of iam.byName.role.get(t.roleName.toLowerCase()) ?? []) {
            if (quota && role.exclusiveInline !== undefined) {
                const kept = [...role.exclusiveInline.keep].join(", ") || "none";
                ctx.flag(CODE, role.exclusiveInline.by, t.tenantId, "inline policies", `makes tenant ${t.tenantId}'s role ${role.name} hold exactly the inline policies it lists (${kept}): every deploy removes the block the quota enforcer puts on the role, so the tenant runs on past its quota`);
            }
            if (cap !== undefined && role.exclusiveManaged !== undefined) {
                ctx.flag(CODE, role.exclusiveManaged.by, t.tenantId, "managed policies", `makes tenant ${t.tenantId}'s role ${role.name} hold exactly the managed policies it lists: every deploy detaches the cost cap the Budgets action attaches (or, listed, keeps the tenant capped for good), so the cap does not do what the tenant asked for`);
            }
            const only = cap === undefined || isUnknown(cap) ? undefined : iam.exclusiveAttachments.get(cap.toLowerCase());
            if (only !== undefined && !only.holders.has(role)) {
                ctx.flag(CODE, only.by, t.tenantId, "policyArn", `attaches the cost-cap policy ${cap} to exactly the principals it lists, not tenant ${t.tenantId}'s role ${role.name}: every deploy detaches the cap the Budgets action attached, so the tenant runs on past its cap`);
            }
        }
    }
}
