/**
 * The session tags the runtime sets on every ops session: the tenant's id,
 * and the user's when sessions are per user. Session tags are
 * cost-allocation tags, so a tenant free to tag its sessions could book its
 * spend to another tenant: the trust policy admits these keys only, and the
 * tenant key only with the tenant's own id; the proof requires that shape.
 */
export const SESSION_TAG_KEYS = Object.freeze({ tenantId: "TenantId", userId: "UserId" } as const);
