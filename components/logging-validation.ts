import { ACCOUNT_ID_PATTERN, EXTERNAL_ID_PATTERN, IAM_ROLE_ARN_PATTERN, INFERENCE_PROFILE_ARN_PATTERN, KMS_KEY_ARN_PATTERN, MODEL_ID_PATTERN, SNS_TOPIC_ARN_PATTERN, regionProblem } from "./aws-identifiers";
import { assertTenantId, opsRoleName } from "./naming";
import { parseSafeMetadataKeys } from "../runtime/audit-schema";
import { AUDIT_MODES, CONTENT_MODES, DEFAULT_ALARM_EVALUATION_PERIODS, DEFAULT_ALARM_PERIOD_SECONDS, type PrivateInvocationLoggingArgs } from "./logging-args";

/** Retention values CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS_ALLOWED: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
export const LAMBDA_MEMORY_MB = { min: 128, max: 10240 } as const;
export const LAMBDA_TIMEOUT_SECONDS = { min: 1, max: 900 } as const;
/** CloudWatch caps `period × evaluationPeriods` at one day. */
export const ALARM_MAX_EVALUATION_SECONDS = 86400;
export const LOG_GROUP_NAME_PATTERN = /^[.\-_/#A-Za-z0-9]{1,512}$/;
/** Foundation-model or system inference-profile id, e.g. `us.anthropic.claude-3-5-haiku-20241022-v1:0`. */
const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

const show = (value: unknown) => JSON.stringify(value);

/** Why `value` is not the ARN of `tenantId`'s ops role, or undefined when it is. */
export function opsRoleArnProblem(value: unknown, tenantId: string): string | undefined {
    const expected = opsRoleName(tenantId);
    const match = typeof value === "string" ? IAM_ROLE_ARN_PATTERN.exec(value) : null;
    if (!match || match[3] !== expected) {
        return `opsRoleArn must be the ARN of the ops role "${expected}" (arn:aws:iam::<ops account>:role/${expected}), got ${show(value)}`;
    }
    return undefined;
}

/** The ExternalId itself is never echoed: it arrives as a secret. */
export function externalIdProblem(value: unknown): string | undefined {
    if (typeof value !== "string") {
        return `externalId must be a string, got a ${value === null ? "null" : typeof value}`;
    }
    if (!EXTERNAL_ID_PATTERN.test(value)) {
        return `externalId must be 2–1224 characters matching ${EXTERNAL_ID_PATTERN}, got a value of ${value.length} characters (not shown: it is secret)`;
    }
    return undefined;
}

export interface ModelSettings {
    allowedModels: unknown;
    defaultModel?: unknown;
    modelRoutes?: unknown;
}

/** Why the model settings are inconsistent, or undefined when they are fine. */
export function modelSettingsProblem(m: ModelSettings): string | undefined {
    if (!Array.isArray(m.allowedModels) || m.allowedModels.length === 0) {
        return `allowedModels must be a non-empty array of model ids, got ${show(m.allowedModels)}`;
    }
    for (const [i, id] of m.allowedModels.entries()) {
        if (typeof id !== "string" || !MODEL_ID_PATTERN.test(id) || id.includes(",")) {
            return `allowedModels[${i}] must match ${MODEL_ID_PATTERN}, got ${show(id)}`;
        }
    }
    if (m.defaultModel !== undefined && !m.allowedModels.includes(m.defaultModel)) {
        return `defaultModel must be one of allowedModels (${m.allowedModels.join(", ")}), got ${show(m.defaultModel)}`;
    }
    if (m.modelRoutes !== undefined) {
        if (typeof m.modelRoutes !== "object" || m.modelRoutes === null || Array.isArray(m.modelRoutes)) {
            return `modelRoutes must be an object of model id to inference profile ARN, got ${show(m.modelRoutes)}`;
        }
        for (const [model, arn] of Object.entries(m.modelRoutes)) {
            if (!m.allowedModels.includes(model)) {
                return `modelRoutes key must be one of allowedModels, got ${show(model)}`;
            }
            if (typeof arn !== "string" || !INFERENCE_PROFILE_ARN_PATTERN.test(arn)) {
                return `modelRoutes[${show(model)}] must be an inference profile ARN, got ${show(arn)}`;
            }
        }
    }
    return undefined;
}

/** Problem with a value that must match `pattern`, or undefined. */
export function patternProblem(argName: string, value: unknown, pattern: RegExp): string | undefined {
    return typeof value === "string" && pattern.test(value) ? undefined : `${argName} must match ${pattern}, got ${show(value)}`;
}

function fail(problem: string | undefined, make: (m: string) => Error = (m) => new TypeError(m)): void {
    if (problem !== undefined) {
        throw make(problem);
    }
}

function checkInteger(argName: string, value: number | undefined, min: number, max: number): void {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
        throw new RangeError(`${argName} must be an integer from ${min} to ${max}, got ${show(value)}`);
    }
}

/** Whether every model setting is a plain value already (none comes from another stack). */
function plainModelSettings(args: PrivateInvocationLoggingArgs): boolean {
    const plainStrings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
    const routes = args.modelRoutes;
    const routesPlain = routes === undefined || (isPlainObject(routes) && plainStrings(Object.values(routes)));
    return plainStrings(args.allowedModels) && (args.defaultModel === undefined || typeof args.defaultModel === "string") && routesPlain;
}

/**
 * Checks every plain argument before any resource is created. Values that are
 * Outputs (from a StackReference, say) are checked by the component once known.
 */
export function validatePrivateInvocationLoggingArgs(args: PrivateInvocationLoggingArgs): void {
    assertTenantId(args.tenantId, "tenantId");
    if (typeof args.opsRoleArn === "string") fail(opsRoleArnProblem(args.opsRoleArn, args.tenantId));
    if (typeof args.externalId === "string") fail(externalIdProblem(args.externalId));
    if (plainModelSettings(args)) {
        fail(modelSettingsProblem({ allowedModels: args.allowedModels, defaultModel: args.defaultModel, modelRoutes: args.modelRoutes }));
    }
    if (typeof args.bedrockRegion === "string") fail(regionProblem("bedrockRegion", args.bedrockRegion));
    if (args.region !== undefined) fail(regionProblem("region", args.region));
    if (typeof args.accountId === "string") fail(patternProblem("accountId", args.accountId, ACCOUNT_ID_PATTERN));
    if (args.logGroupName !== undefined) fail(patternProblem("logGroupName", args.logGroupName, LOG_GROUP_NAME_PATTERN));
    if (typeof args.kmsKeyArn === "string") fail(patternProblem("kmsKeyArn", args.kmsKeyArn, KMS_KEY_ARN_PATTERN));
    if (args.logRetentionDays !== undefined && !LOG_RETENTION_DAYS_ALLOWED.includes(args.logRetentionDays)) {
        throw new RangeError(`logRetentionDays must be one of ${LOG_RETENTION_DAYS_ALLOWED.join(", ")}, got ${show(args.logRetentionDays)}`);
    }
    if (args.contentMode !== undefined && !CONTENT_MODES.includes(args.contentMode)) {
        throw new TypeError(`contentMode must be one of ${CONTENT_MODES.join(", ")}, got ${show(args.contentMode)}`);
    }
    if (args.auditMode !== undefined && !AUDIT_MODES.includes(args.auditMode)) {
        throw new TypeError(`auditMode must be one of ${AUDIT_MODES.join(", ")}, got ${show(args.auditMode)}`);
    }
    if (args.safeMetadataKeys !== undefined) {
        parseSafeMetadataKeys(args.safeMetadataKeys, "safeMetadataKeys");
    }
    checkInteger("memorySizeMb", args.memorySizeMb, LAMBDA_MEMORY_MB.min, LAMBDA_MEMORY_MB.max);
    checkInteger("timeoutSeconds", args.timeoutSeconds, LAMBDA_TIMEOUT_SECONDS.min, LAMBDA_TIMEOUT_SECONDS.max);
    checkInteger("reservedConcurrency", args.reservedConcurrency, 1, Number.MAX_SAFE_INTEGER);
    if (args.metricNamespace !== undefined && !/^[^:][^\s]{0,254}$/.test(args.metricNamespace)) {
        throw new TypeError(`metricNamespace must be 1–255 characters without spaces or a leading colon, got ${show(args.metricNamespace)}`);
    }
    validateAlarm(args);
    validateNetwork(args);
}

function validateAlarm(args: PrivateInvocationLoggingArgs): void {
    const alarm = args.throttleAlarm ?? {};
    if (alarm.threshold !== undefined && !(Number.isFinite(alarm.threshold) && alarm.threshold > 0)) {
        throw new RangeError(`throttleAlarm.threshold must be a number above 0, got ${show(alarm.threshold)}`);
    }
    const period = alarm.periodSeconds;
    if (period !== undefined && !(period === 10 || period === 30 || (Number.isInteger(period) && period >= 60 && period % 60 === 0))) {
        throw new RangeError(`throttleAlarm.periodSeconds must be 10, 30 or a multiple of 60, got ${show(period)}`);
    }
    checkInteger("throttleAlarm.evaluationPeriods", alarm.evaluationPeriods, 1, ALARM_MAX_EVALUATION_SECONDS / 10);
    const resolvedPeriod = period ?? DEFAULT_ALARM_PERIOD_SECONDS;
    const resolvedCount = alarm.evaluationPeriods ?? DEFAULT_ALARM_EVALUATION_PERIODS;
    if (resolvedPeriod * resolvedCount > ALARM_MAX_EVALUATION_SECONDS) {
        throw new RangeError(
            `throttleAlarm.periodSeconds × throttleAlarm.evaluationPeriods must be at most ${ALARM_MAX_EVALUATION_SECONDS} s, got ${resolvedPeriod} × ${resolvedCount}`,
        );
    }
    if (typeof alarm.snsTopicArn === "string") fail(patternProblem("throttleAlarm.snsTopicArn", alarm.snsTopicArn, SNS_TOPIC_ARN_PATTERN));
}

function validateNetwork(args: PrivateInvocationLoggingArgs): void {
    const net = args.networkIsolation;
    if (net === undefined) return;
    if ((net.vpcId === undefined) !== (net.subnetIds === undefined)) {
        throw new TypeError(`networkIsolation.vpcId and networkIsolation.subnetIds must be given together, got vpcId ${show(net.vpcId)} and subnetIds ${show(net.subnetIds)}`);
    }
    if (Array.isArray(net.subnetIds) && (net.subnetIds.length < 1 || net.subnetIds.length > 16)) {
        throw new RangeError(`networkIsolation.subnetIds must hold 1 to 16 subnet ids, got ${show(net.subnetIds)}`);
    }
    if (net.cidrBlock !== undefined) {
        const m = CIDR_PATTERN.exec(net.cidrBlock);
        const octetsOk = m !== null && m.slice(1, 5).every((o) => Number(o) <= 255);
        if (!m || !octetsOk || Number(m[5]) < 16 || Number(m[5]) > 28) {
            throw new TypeError(`networkIsolation.cidrBlock must be an IPv4 CIDR block with a /16 to /28 netmask, got ${show(net.cidrBlock)}`);
        }
    }
    checkInteger("networkIsolation.availabilityZoneCount", net.availabilityZoneCount, 1, 6);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
