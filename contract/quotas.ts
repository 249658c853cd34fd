import { OPS_ROLE_PREFIX, TENANT_ID_PATTERN, opsRoleName } from "./naming";

/**
 * What the ops stack, the quota enforcer and the runtime agree on about
 * quota blocks: the one inline policy the enforcer may write, the alarm name
 * it reads the tenant from, and the deny documents both block paths attach.
 */

/** The only inline policy name the enforcer puts on or deletes from a tenant role. */
export const QUOTA_BLOCK_POLICY_NAME = "bedrock-tenancy-quota-block";

/** The quota enforcer function's environment: what the ops stack sets and the enforcer reads. */
export const QUOTA_ENFORCER_ENV = Object.freeze({
    /** Oldest alarm event the enforcer still acts on, in seconds. */
    maxEventAgeSeconds: "QUOTA_MAX_EVENT_AGE_SECONDS",
});

/** The enforcer's handler: its bundle is one module, `index.mjs`, exporting `handler`. */
export const QUOTA_ENFORCER_HANDLER = "index.handler";

/** The enforcer function's timeout, in seconds: a cold start, one DescribeAlarms and one IAM write. */
export const QUOTA_ENFORCER_TIMEOUT_SECONDS = 10;

/**
 * Bounds of `QUOTA_MAX_EVENT_AGE_SECONDS`, past which the enforcer reports an
 * event as late (it still acts on the alarm's state of now). Below a minute,
 * the retry Lambda makes of an invocation that failed (about a minute later)
 * would read as late every time.
 */
export const QUOTA_MAX_EVENT_AGE_BOUNDS = Object.freeze({ min: 60, max: 86_400 });

/** Sid of the enforcer's deny statement; the runtime looks for it in AccessDenied messages. */
export const QUOTA_BLOCK_SID = "TokenQuotaExhausted";

/** Sid of the Budgets action's deny statement. */
export const COST_CAP_SID = "CostCapReached";

/** Prefix of every tenant's composite quota alarm; the enforcer's one event rule matches it. */
export const QUOTA_ALARM_PREFIX = "BedrockTenancyQuota-";

/**
 * Name of the tenant's composite quota alarm, the only alarm whose state the
 * enforcer acts on: ALARM while any of the tenant's token quotas is exceeded.
 */
export function quotaAlarmName(tenantId: string): string {
    return `${QUOTA_ALARM_PREFIX}${tenantId}`;
}

/** Prefix of the alarms the composite alarm combines; distinct, so the enforcer's rule never matches them. */
export const QUOTA_PART_ALARM_PREFIX = "BedrockTenancyQuotaPart-";

/** Name of one quota's own alarm (`daily`, `monthly-warning`, …). */
export function quotaPartAlarmName(tenantId: string, part: string): string {
    return `${QUOTA_PART_ALARM_PREFIX}${tenantId}-${part}`;
}

/** The tenant id a composite quota alarm name carries, or undefined when the name is not one. */
export function tenantOfQuotaAlarm(alarmName: unknown): string | undefined {
    if (typeof alarmName !== "string" || !alarmName.startsWith(QUOTA_ALARM_PREFIX)) return undefined;
    const tenantId = alarmName.slice(QUOTA_ALARM_PREFIX.length);
    return TENANT_ID_PATTERN.test(tenantId) ? tenantId : undefined;
}

/** The ops role a quota block lands on. */
export function blockedRoleName(tenantId: string): string {
    return opsRoleName(tenantId);
}

/** Roles the enforcer may write to, as an IAM resource pattern. */
export function enforcedRolesArnPattern(partition: string, account: string): string {
    return `arn:${partition}:iam::${account}:role/${OPS_ROLE_PREFIX}*`;
}

/** A plain IAM document, typed without Pulumi so the enforcer can share it. */
export interface DenyDocument {
    Version: "2012-10-17";
    Statement: { Sid: string; Effect: "Deny"; Action: string; Resource: string; Condition?: Record<string, Record<string, string>> }[];
}

/**
 * The enforcer's block: deny every action, so nothing the role could do is
 * left metered or unmetered. It has no end date: the quota windows slide
 * (no calendar period resets them), so only the alarm's return to OK lifts it.
 */
export function quotaBlockPolicy(): DenyDocument {
    return { Version: "2012-10-17", Statement: [{ Sid: QUOTA_BLOCK_SID, Effect: "Deny", Action: "*", Resource: "*" }] };
}

/**
 * Roles under a path that starts like a tenant role (`role/BedrockTenantAccess-x/Admin`):
 * the tenant-role wildcard matches them too, though no tenant role has a path.
 */
export function pathedRolesArnPattern(partition: string, account: string): string {
    return `${enforcedRolesArnPattern(partition, account)}/*`;
}

/**
 * Name of the one managed cost-cap policy per ops stack. It starts with
 * `BedrockTenancyCostCap-`, which the runtime looks for in AccessDenied
 * messages to tell a cost cap from an ordinary denial.
 */
export const COST_CAP_POLICY_NAME = "BedrockTenancyCostCap-AllTenants";

/** Name of the one role AWS Budgets runs every tenant's cost-cap action with. */
export const COST_CAP_ROLE_NAME = "BedrockTenancyCostCapAction";

/** The managed policy a Budgets action attaches when the tenant's cost passes its cap. */
export function costCapPolicy(): DenyDocument {
    return { Version: "2012-10-17", Statement: [{ Sid: COST_CAP_SID, Effect: "Deny", Action: "*", Resource: "*" }] };
}

/** Type token of the ops stack's shared quota enforcer component. */
export const QUOTA_ENFORCER_TYPE = "bedrock-tenancy:index:QuotaEnforcer";

/** Name of the shared enforcer function and its role: one per ops stack. */
export const QUOTA_ENFORCER_NAME = "BedrockTenancyQuotaEnforcer";

/**
 * Name of the enforcer's one EventBridge rule. One rule for the whole fleet,
 * because EventBridge allows only 300 rules per event bus by default (100 in
 * some Regions).
 */
export const QUOTA_RULE_NAME = "BedrockTenancyQuotaAlarms";

/**
 * The enforcer rule's event pattern: state changes of every composite quota
 * alarm, by name prefix. The part alarms' prefix ({@link QUOTA_PART_ALARM_PREFIX})
 * does not start with it, so their changes never reach the enforcer.
 */
export function quotaAlarmEventPattern(): { source: string[]; "detail-type": string[]; detail: { alarmName: { prefix: string }[] } } {
    return {
        source: ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        detail: { alarmName: [{ prefix: QUOTA_ALARM_PREFIX }] },
    };
}
