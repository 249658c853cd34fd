import { COST_CAP_POLICY_NAME, COST_CAP_ROLE_NAME, QUOTA_ENFORCER_NAME, QUOTA_RULE_NAME } from "./quotas";
import { plainValueProblem, show, type Problem } from "./validation";

/** The account-scoped names of what one ops stack's `QuotaEnforcer` creates. */
export interface QuotaEnforcerNames {
    /** The enforcer's function and its execution role share this name. */
    enforcer: string;
    /** Lambda's own log group of the function. */
    logGroup: string;
    rule: string;
    costCapPolicy: string;
    costCapRole: string;
}

/**
 * Each base name with AWS's length limit for its kind. The limits that bind
 * are 64 characters: IAM role names, Lambda function names, EventBridge rule
 * names; IAM policy names allow 128.
 */
const LIMITED_NAMES: readonly { base: string; limit: number }[] = [
    { base: QUOTA_ENFORCER_NAME, limit: 64 },
    { base: QUOTA_RULE_NAME, limit: 64 },
    { base: COST_CAP_ROLE_NAME, limit: 64 },
    { base: COST_CAP_POLICY_NAME, limit: 128 },
];

/** The shard name follows a hyphen after each base name. */
const SEPARATOR = "-";

/** Longest `shardName` for which every derived name stays within its limit (36). */
export const MAX_SHARD_NAME_LENGTH = Math.min(...LIMITED_NAMES.map(({ base, limit }) => limit - base.length - SEPARATOR.length));

/**
 * Lambda function names allow only letters, digits, `-` and `_`, and the
 * other kinds allow at least those, so one set serves every derived name.
 */
const SHARD_NAME_CHARACTERS = /^[A-Za-z0-9_-]+$/;

/** `value` must be a shard name every derived name can carry. */
export function shardNameProblem(argName: string, value: unknown): Problem {
    if (typeof value !== "string") return plainValueProblem(argName, value) ?? `${argName} must be a string, got ${show(value)}`;
    if (value.length === 0 || value.length > MAX_SHARD_NAME_LENGTH) {
        return `${argName} must be 1 to ${MAX_SHARD_NAME_LENGTH} characters (the longest names it goes into, such as ${QUOTA_ENFORCER_NAME}${SEPARATOR}<shard name>, are IAM role and Lambda function names of at most 64), got ${value.length}: ${show(value)}`;
    }
    if (!SHARD_NAME_CHARACTERS.test(value)) {
        return `${argName} may hold only letters, digits, '-' and '_' (a Lambda function name allows no other), got ${show(value)}`;
    }
    return undefined;
}

/**
 * The names {@link quotaEnforcerNames} gives alongside the enforcer's
 * `name` (the cost cap's role of the same shard), or undefined when it
 * never gives the enforcer that name.
 */
export function namesOfEnforcer(name: string): QuotaEnforcerNames | undefined {
    if (name === QUOTA_ENFORCER_NAME) return quotaEnforcerNames();
    const prefix = `${QUOTA_ENFORCER_NAME}${SEPARATOR}`;
    if (!name.startsWith(prefix)) return undefined;
    const shardName = name.slice(prefix.length);
    return shardNameProblem("shardName", shardName) === undefined ? quotaEnforcerNames(shardName) : undefined;
}

/** Whether `name` is one {@link quotaEnforcerNames} gives the enforcer: without a shard name, or with one the component accepts. */
export function isQuotaEnforcerName(name: string): boolean {
    return namesOfEnforcer(name) !== undefined;
}

/**
 * The names for a checked `shardName`; without one, the names a single ops
 * stack has always had, so its deployed resources are not replaced.
 */
export function quotaEnforcerNames(shardName?: string): QuotaEnforcerNames {
    const named = (base: string) => (shardName === undefined ? base : `${base}${SEPARATOR}${shardName}`);
    const enforcer = named(QUOTA_ENFORCER_NAME);
    return {
        enforcer,
        logGroup: `/aws/lambda/${enforcer}`,
        rule: named(QUOTA_RULE_NAME),
        costCapPolicy: named(COST_CAP_POLICY_NAME),
        costCapRole: named(COST_CAP_ROLE_NAME),
    };
}
