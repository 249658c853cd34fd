import { IAM_POLICY_ARN_PATTERN, IAM_ROLE_ARN_PATTERN, LAMBDA_FUNCTION_ARN_PATTERN, SNS_TOPIC_ARN_PATTERN, isPlainObject, listProblem, parseArn, patternProblem, raise, show, usdLimitProblem, type Problem } from "../../contract";
import { TENANT_ACCESS_DEFAULTS } from "./args";
import type { TenantCostCapArgs, TenantQuotaArgs, TokenLimitArgs } from "./quota-args";

/**
 * A metric math alarm may query at most 10 metrics (PutMetricAlarm `Metrics`);
 * each profile adds two (input and output tokens). Unverified whether the
 * quota has been raised since: a wrong value fails at deploy, not silently.
 */
export const MAX_METRICS_PER_ALARM = 10;
/** Budgets actions take 1 to 11 subscribers. */
const MAX_ACTION_SUBSCRIBERS = 11;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export interface ResolvedLimits {
    tokensPerDay?: number;
    tokensPerMonth?: number;
}

export interface ResolvedQuota extends ResolvedLimits {
    perModel: Record<string, ResolvedLimits>;
    warningPercent: number;
}

export interface ResolvedCostCap {
    limitUsd: number;
    emails: string[];
    snsTopicArns: string[];
}

function tokensProblem(argName: string, value: unknown): Problem {
    if (value === undefined) return undefined;
    return typeof value === "number" && Number.isSafeInteger(value) && value > 0
        ? undefined
        : `${argName} must be a whole number of tokens above 0, got ${show(value)}`;
}

function limitsProblem(argName: string, limits: TokenLimitArgs): Problem {
    if (!isPlainObject(limits)) return `${argName} must be an object with tokensPerDay or tokensPerMonth, got ${show(limits)}`;
    return tokensProblem(`${argName}.tokensPerDay`, limits.tokensPerDay) ?? tokensProblem(`${argName}.tokensPerMonth`, limits.tokensPerMonth);
}

/**
 * Why `value` cannot be `quota.warningTopicArn`: an SNS topic ARN in the
 * tenant's Region, since CloudWatch notifies only topics of the alarm's Region.
 */
export function warningTopicArnProblem(argName: string, value: unknown, region: string): Problem {
    const bad = patternProblem(argName, value, SNS_TOPIC_ARN_PATTERN, "an SNS topic ARN");
    if (bad !== undefined) return bad;
    const topicRegion = parseArn(value as string)?.region;
    return topicRegion === region ? undefined : `${argName} must be a topic in the tenant's Region ${show(region)}, where its quota alarms are, got ${show(value)}`;
}

const hasLimit = (l: ResolvedLimits) => l.tokensPerDay !== undefined || l.tokensPerMonth !== undefined;

/**
 * Why `value` cannot be the quota enforcer of a tenant whose alarms are in
 * `region`: the enforcer's one rule sees only its own account's and Region's
 * alarms. `account` is checked when known.
 */
export function enforcerFunctionArnProblem(argName: string, value: unknown, region: string, account?: string): Problem {
    const match = typeof value === "string" ? LAMBDA_FUNCTION_ARN_PATTERN.exec(value) : null;
    if (!match) return `${argName} must be a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>), got ${show(value)}`;
    if (match[1] !== region) return `${argName} must be a function in the tenant's Region ${show(region)}, where its quota alarms are, got ${show(value)}`;
    if (account !== undefined && match[2] !== account) return `${argName} must be a function of the ops account ${account}, where the tenant's quota alarms are, got ${show(value)}`;
    return undefined;
}

/**
 * Checks `quota` against the tenant's models and Region; undefined when no
 * quota is set. `enforcerFunctionArn` is checked here when it is a plain
 * string, and by the component once known otherwise.
 */
export function resolveQuota(quota: TenantQuotaArgs | undefined, costAttribution: boolean, modelIds: string[], region: string, account?: string): ResolvedQuota | undefined {
    if (quota === undefined) return undefined;
    raise(
        isPlainObject(quota) ? undefined : `quota must be an object, got ${show(quota)}`,
        costAttribution ? undefined : "quota is measured on the tenant's application inference profiles, so it needs costAttribution: true, got costAttribution: false",
    );
    const warningPercent = quota.warningPercent ?? TENANT_ACCESS_DEFAULTS.quotaWarningPercent;
    raise(
        limitsProblem("quota", quota),
        typeof warningPercent === "number" && warningPercent > 0 && warningPercent < 100
            ? undefined
            : `quota.warningPercent must be a percentage above 0 and below 100, got ${show(quota.warningPercent)}`,
        quota.enforcerFunctionArn === undefined || quota.enforcerFunctionArn === null ? `quota.enforcerFunctionArn is required (the ops stack's QuotaEnforcer.functionArn), got ${show(quota.enforcerFunctionArn)}` : undefined,
    );
    if (quota.warningTopicArn !== undefined && typeof quota.warningTopicArn !== "object") {
        raise(warningTopicArnProblem("quota.warningTopicArn", quota.warningTopicArn, region));
    }
    if (typeof quota.enforcerFunctionArn !== "object") {
        raise(enforcerFunctionArnProblem("quota.enforcerFunctionArn", quota.enforcerFunctionArn, region, account));
    }
    const perModelArgs = quota.perModel ?? {};
    raise(isPlainObject(perModelArgs) ? undefined : `quota.perModel must be an object of model id to limits, got ${show(quota.perModel)}`);
    const perModel: Record<string, ResolvedLimits> = {};
    for (const [id, limits] of Object.entries(perModelArgs)) {
        const name = `quota.perModel[${show(id)}]`;
        raise(
            modelIds.includes(id) ? undefined : `${name} names a model the tenant is not given; its models are ${show(modelIds)}`,
            limitsProblem(name, limits),
        );
        perModel[id] = { tokensPerDay: limits.tokensPerDay, tokensPerMonth: limits.tokensPerMonth };
        raise(hasLimit(perModel[id]) ? undefined : `${name} must set tokensPerDay or tokensPerMonth, got ${show(limits)}`);
    }
    const resolved: ResolvedQuota = { tokensPerDay: quota.tokensPerDay, tokensPerMonth: quota.tokensPerMonth, perModel, warningPercent };
    raise(
        hasLimit(resolved) || Object.keys(perModel).length > 0
            ? undefined
            : `quota must set tokensPerDay, tokensPerMonth or a perModel limit, got ${show({ ...quota, enforcerFunctionArn: undefined })}`,
        hasLimit(resolved) && modelIds.length * 2 > MAX_METRICS_PER_ALARM
            ? `quota: a tenant-wide limit over ${modelIds.length} models needs ${modelIds.length * 2} metrics in one alarm, over CloudWatch's ${MAX_METRICS_PER_ALARM}; use perModel limits instead`
            : undefined,
    );
    return resolved;
}

/** The shared cost-cap resources a tenant's action names, with the QuotaEnforcer output each comes from. */
export const COST_CAP_SHARED = {
    policyArn: { pattern: IAM_POLICY_ARN_PATTERN, what: "a customer managed IAM policy", shape: "arn:aws:iam::<account>:policy/<name>", output: "costCapPolicyArn" },
    executionRoleArn: { pattern: IAM_ROLE_ARN_PATTERN, what: "an IAM role", shape: "arn:aws:iam::<account>:role/<name>", output: "costCapExecutionRoleArn" },
} as const;

/** Why `value` cannot be the tenant's `costCap.<key>`: an ARN of the given kind in the ops account (`account`, checked when known). */
export function costCapArnProblem(key: keyof typeof COST_CAP_SHARED, value: unknown, account?: string): Problem {
    const { pattern, what, shape, output } = COST_CAP_SHARED[key];
    const argName = `costCap.${key}`;
    if (value === undefined || value === null) return `${argName} is required (the ops stack's QuotaEnforcer.${output}, with costCaps: true), got ${show(value)}`;
    const match = typeof value === "string" ? pattern.exec(value) : null;
    if (!match) return `${argName} must be ${what} ARN (${shape}), got ${show(value)}`;
    if (account !== undefined && match[1] !== account) return `${argName} must be ${what} of the ops account ${account}, got ${show(value)}`;
    return undefined;
}

/**
 * Checks `costCap`; undefined when none is set. The shared policy and role
 * ARNs are checked here when plain strings, and by the component once known
 * otherwise.
 */
export function resolveCostCap(cap: TenantCostCapArgs | undefined, account?: string): ResolvedCostCap | undefined {
    if (cap === undefined) return undefined;
    raise(isPlainObject(cap) ? undefined : `costCap must be an object with limitUsd, got ${show(cap)}`);
    const emails = cap.emails ?? [];
    const topics = cap.snsTopicArns ?? [];
    raise(
        usdLimitProblem("costCap.limitUsd", cap.limitUsd),
        listProblem("costCap.emails", emails),
        listProblem("costCap.snsTopicArns", topics),
    );
    raise(
        ...emails.map((e, i) => patternProblem(`costCap.emails[${i}]`, e, EMAIL_PATTERN, "an email address")),
        ...topics.map((t, i) => patternProblem(`costCap.snsTopicArns[${i}]`, t, SNS_TOPIC_ARN_PATTERN, "an SNS topic ARN")),
        emails.length + topics.length === 0 ? `costCap needs at least one of emails or snsTopicArns (Budgets actions require a subscriber), got ${show({ ...cap, policyArn: undefined, executionRoleArn: undefined })}` : undefined,
        emails.length + topics.length > MAX_ACTION_SUBSCRIBERS ? `costCap allows at most ${MAX_ACTION_SUBSCRIBERS} subscribers, got ${emails.length + topics.length}` : undefined,
        ...(["policyArn", "executionRoleArn"] as const).map((key) => typeof cap[key] === "object" && cap[key] !== null ? undefined : costCapArnProblem(key, cap[key], account)),
    );
    return { limitUsd: cap.limitUsd, emails, snsTopicArns: topics };
}
