/**
 * What one tenant and one shard's own machinery cost against the ops
 * account's quotas, counted as the ops program creates them. A shard is an
 * ops account plus one ops stack; several shards may share an account, and
 * then share its quotas.
 */

/** IAM's default roles per account (adjustable in Service Quotas). */
export const DEFAULT_ROLES_PER_ACCOUNT_QUOTA = 1000;
/** The most roles per account IAM grants. */
export const MAX_ROLES_PER_ACCOUNT_QUOTA = 5000;
/** IAM's default customer managed policies per account (adjustable in Service Quotas). */
export const DEFAULT_MANAGED_POLICIES_QUOTA = 1500;
/** The most customer managed policies per account IAM grants. */
export const MAX_MANAGED_POLICIES_QUOTA = 5000;
/** "Application inference profiles per account" per Region (Service Quotas L-40EC9882), by default. */
export const DEFAULT_APPLICATION_PROFILES_QUOTA = 1000;
/**
 * Quota alarms a shard may hold per ops account and Region. Not an AWS
 * quota: a planning budget, because CloudWatch creates alarms at 3
 * PutMetricAlarm calls a second per Region, so 10,000 alarms take about 56
 * minutes to create. Raise it per shard when a longer first deploy is fine.
 */
export const DEFAULT_ALARM_BUDGET = 10_000;
/** CloudWatch's default PutMetricAlarm rate per Region (adjustable). */
export const PUT_METRIC_ALARM_TPS = 3;

/** The quota-relevant part of one tenant entry (`bedrock-tenancy:tenants`). */
export interface QuotaRelevantTenant {
    models?: readonly string[];
    costAttribution?: boolean;
    quota?: { tokensPerDay?: number; tokensPerMonth?: number; perModel?: Record<string, { tokensPerDay?: number; tokensPerMonth?: number }> };
    costCap?: unknown;
}

export interface TenantFootprint {
    roles: number;
    /** Customer managed policies: the tenant role's permissions boundary. */
    managedPolicies: number;
    applicationProfiles: number;
    alarms: number;
}

/**
 * One tenant's footprint in the ops account: its role and its permissions
 * boundary (a customer managed policy), one application
 * profile per model when cost attribution is on (the default), and per token
 * limit a block and a warning alarm plus one composite alarm.
 */
export function tenantFootprint(t: QuotaRelevantTenant): TenantFootprint {
    const limits = (l?: { tokensPerDay?: number; tokensPerMonth?: number }) => (l?.tokensPerDay !== undefined ? 1 : 0) + (l?.tokensPerMonth !== undefined ? 1 : 0);
    const quotaLimits = t.quota ? limits(t.quota) + Object.values(t.quota.perModel ?? {}).reduce((n, l) => n + limits(l), 0) : 0;
    return {
        roles: 1,
        managedPolicies: 1,
        applicationProfiles: t.costAttribution === false ? 0 : new Set(t.models ?? []).size,
        alarms: t.quota ? 2 * quotaLimits + 1 : 0,
    };
}

/** The stack's own roles: the quota enforcer's when any tenant has a quota or cost cap, and the Budgets action role with any cost cap. */
export function fleetOwnRoles(tenants: readonly QuotaRelevantTenant[]): number {
    const costCaps = tenants.some((t) => t.costCap !== undefined);
    const enforcer = costCaps || tenants.some((t) => t.quota !== undefined);
    return (enforcer ? 1 : 0) + (costCaps ? 1 : 0);
}

/** The stack's own customer managed policies: the cost caps' shared deny policy, with any cost cap. */
export function fleetOwnManagedPolicies(tenants: readonly QuotaRelevantTenant[]): number {
    return tenants.some((t) => t.costCap !== undefined) ? 1 : 0;
}
