import {
    ACCOUNT_ID_PATTERN,
    DEFAULT_REGION,
    opsRoleArnProblem,
    KMS_KEY_ARN_PATTERN,
    SNS_TOPIC_ARN_PATTERN,
    TENANT_TAG_KEY,
    auditModeProblem,
    contentModeProblem,
    defaultLogGroupName,
    externalIdProblem,
    firstProblem,
    guardrailProblem,
    optionNames,
    integerProblem,
    booleanProblem,
    isOutputValue,
    BEDROCK_MAX_ATTEMPTS,
    BEDROCK_REQUEST_TIMEOUT_MS,
    isPlainObject,
    listProblem,
    modelSettingsProblem,
    routesAccountProblem,
    objectProblem,
    oneOfProblem,
    opsRoleName,
    parseArn,
    patternProblem,
    plainValueProblem,
    raise,
    regionProblem,
    safeMetadataKeysProblem,
    show,
    showBrief,
    tagsProblem,
    tenantIdProblem,
    unknownOptionProblem,
    throttleThresholdProblem,
    alarmPeriodProblem,
    evaluationPeriodsProblem,
    evaluationSpanProblem,
    type AuditMode,
    type ContentMode,
    type GuardrailSetting,
    type Problem,
} from "../../contract";
import { computeProblem, type RuntimeCompute } from "./runtime-compute";
import { INVOCATION_LOGGING_DEFAULTS, INVOCATION_LOGGING_OPTIONS, RUNTIME_NETWORK_OPTIONS, THROTTLE_ALARM_OPTIONS, type PrivateInvocationLoggingArgs, type RuntimeNetworkArgs } from "./args";
import { ARCHIVE_OPTIONS, ARCHIVE_TRANSITION_OPTIONS } from "./archive-args";

/** Retention values CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS_ALLOWED: readonly number[] = Object.freeze([
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
]);
export const LAMBDA_MEMORY_MB = { min: 128, max: 10240 } as const;
export const LAMBDA_TIMEOUT_SECONDS = { min: 1, max: 900 } as const;
export const LOG_GROUP_NAME_PATTERN = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const METRIC_NAMESPACE_PATTERN = /^[^:][^\s]{0,254}$/;
const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
/** EC2 ids: the resource's prefix, a hyphen, then its id (hexadecimal in AWS). */
const VPC_ID_PATTERN = /^vpc-[0-9a-z]+$/;
const SUBNET_ID_PATTERN = /^subnet-[0-9a-z]+$/;

/**
 * Why the customer account `accountId` cannot take the ops role `opsRoleArn`:
 * the customer side must never be deployed into the ops account, where it
 * would sit beside every tenant's ops role.
 */
export function customerAccountProblem(accountId: string, opsRoleArn: string): Problem {
    const opsAccount = parseArn(opsRoleArn)?.account;
    return opsAccount !== accountId
        ? undefined
        : `accountId must be a customer account other than the ops account of opsRoleArn, got ${show(accountId)}: the customer side would be deployed into the ops account`;
}

/**
 * Why `keyArn` cannot encrypt the log group: a KMS key ARN in the
 * component's Region and, when known, its account. CloudWatch Logs uses a
 * key of its own Region only, and the key must stay the customer's.
 */
export function logKeyArnProblem(argName: string, keyArn: unknown, region: string, accountId?: string): Problem {
    const bad = patternProblem(argName, keyArn, KMS_KEY_ARN_PATTERN, "a KMS key ARN");
    if (bad !== undefined) return bad;
    const arn = parseArn(keyArn as string);
    if (arn?.region !== region) return `${argName} must be a key in the log group's Region ${show(region)}, got ${show(keyArn)}`;
    if (accountId !== undefined && arn.account !== accountId) return `${argName} must be a key of the customer account ${accountId} (whose log group it encrypts), got a key of account ${arn.account}: ${show(keyArn)}`;
    return undefined;
}

/**
 * Why `tags` cannot be the component's: AWS's tag rules, and the tenant tag,
 * which says whose resources these are, must carry the tenant id if given.
 */
export function customerTagsProblem(tags: unknown, tenantId: string): Problem {
    const bad = tagsProblem("tags", tags, [TENANT_TAG_KEY]);
    if (bad !== undefined || tags === undefined) return bad;
    const given = (tags as Record<string, string>)[TENANT_TAG_KEY];
    return given === undefined || given === tenantId
        ? undefined
        : `tags[${show(TENANT_TAG_KEY)}] must be the tenant id ${show(tenantId)} or left out (the component sets it), got ${show(given)}`;
}

/** A required argument that is missing: an Output is fine here, it is checked once known. */
const requiredProblem = (argName: string, value: unknown, what: string): Problem =>
    value === undefined || value === null ? `${argName} is required (${what}), got ${show(value)}` : undefined;

/** Plain, checked values the component builds from; Outputs stay Outputs and are checked once known. */
export interface ResolvedInvocationLogging {
    tenantId: string;
    region: string;
    logGroupName: string;
    metricNamespace: string;
    logRetentionDays: number;
    contentMode: ContentMode;
    auditMode: AuditMode;
    safeMetadataKeys: readonly string[];
    /** Unset: the runtime's default, and no variable for it. */
    bedrockMaxAttempts?: number;
    bedrockRequestTimeoutMs?: number;
    sessionUserTag?: boolean;
    memorySizeMb: number;
    timeoutSeconds: number;
    alarm: { threshold: number; periodSeconds: number; evaluationPeriods: number };
    compute: RuntimeCompute;
    responseStreaming: boolean;
    tags: Record<string, string>;
}

function alarmProblem(args: PrivateInvocationLoggingArgs): Problem {
    // Anything but an object would have every setting read as absent and its default taken.
    if (args.throttleAlarm !== undefined) {
        const notObject = objectProblem("throttleAlarm", args.throttleAlarm, "an object of alarm settings");
        if (notObject !== undefined) return notObject;
    }
    const alarm = args.throttleAlarm ?? {};
    const period = alarm.periodSeconds;
    const count = alarm.evaluationPeriods;
    const bad = firstProblem(
        () => (alarm.threshold === undefined ? undefined : throttleThresholdProblem("throttleAlarm.threshold", alarm.threshold)),
        () => (period === undefined ? undefined : alarmPeriodProblem("throttleAlarm.periodSeconds", period)),
        () => (count === undefined ? undefined : evaluationPeriodsProblem("throttleAlarm.evaluationPeriods", count)),
        () => evaluationSpanProblem("throttleAlarm.periodSeconds", "throttleAlarm.evaluationPeriods", period ?? INVOCATION_LOGGING_DEFAULTS.alarmPeriodSeconds, count ?? INVOCATION_LOGGING_DEFAULTS.alarmEvaluationPeriods),
    );
    if (bad !== undefined) return bad;
    return typeof alarm.snsTopicArn === "string" ? patternProblem("throttleAlarm.snsTopicArn", alarm.snsTopicArn, SNS_TOPIC_ARN_PATTERN, "an SNS topic ARN") : undefined;
}

function networkProblem(net: RuntimeNetworkArgs | undefined): Problem {
    if (net === undefined) return undefined;
    const notObject = objectProblem("networkIsolation", net, "an object (vpcId and subnetIds, or {} for a new VPC)");
    if (notObject !== undefined) return notObject;
    if ((net.vpcId === undefined) !== (net.subnetIds === undefined)) {
        return `networkIsolation.vpcId and networkIsolation.subnetIds must be given together, got vpcId ${show(net.vpcId)} and subnetIds ${show(net.subnetIds)}`;
    }
    // An Output or a promise is Pulumi's to resolve; a plain value is checked here.
    const pending = (value: unknown) => isOutputValue(value) || typeof (value as { then?: unknown } | undefined)?.then === "function";
    if (net.vpcId !== undefined && !pending(net.vpcId) && !(typeof net.vpcId === "string" && VPC_ID_PATTERN.test(net.vpcId))) {
        return `networkIsolation.vpcId must be a VPC id (vpc-…), got ${show(net.vpcId)}`;
    }
    if (net.subnetIds !== undefined && !pending(net.subnetIds)) {
        if (!Array.isArray(net.subnetIds) || net.subnetIds.length < 1 || net.subnetIds.length > 16) {
            return `networkIsolation.subnetIds must hold 1 to 16 subnet ids, got ${show(net.subnetIds)}`;
        }
        const bad = (net.subnetIds as unknown[]).findIndex((id) => !pending(id) && !(typeof id === "string" && SUBNET_ID_PATTERN.test(id)));
        if (bad >= 0) return `networkIsolation.subnetIds[${bad}] must be a subnet id (subnet-…), got ${show((net.subnetIds as unknown[])[bad])}`;
    }
    // 0 or "false" would pass for true or false by JavaScript's rules: the endpoints, and the egress rule without them, hang on it.
    if (net.createEndpoints !== undefined) {
        const notBoolean = booleanProblem("networkIsolation.createEndpoints", net.createEndpoints);
        if (notBoolean !== undefined) return notBoolean;
    }
    if (net.cidrBlock !== undefined) {
        const m = CIDR_PATTERN.exec(String(net.cidrBlock));
        const octetsOk = m !== null && m.slice(1, 5).every((o) => Number(o) <= 255);
        if (!m || !octetsOk || Number(m[5]) < 16 || Number(m[5]) > 28) {
            return `networkIsolation.cidrBlock must be an IPv4 CIDR block with a /16 to /28 netmask, got ${show(net.cidrBlock)}`;
        }
    }
    return net.availabilityZoneCount === undefined ? undefined : integerProblem("networkIsolation.availabilityZoneCount", net.availabilityZoneCount, 1, 6);
}

/** Whether every model setting is a plain value already (none comes from another stack). */
function plainModelSettings(args: PrivateInvocationLoggingArgs): boolean {
    const plainStrings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
    const routes = args.modelRoutes;
    const routesPlain = routes === undefined || (isPlainObject(routes) && Object.values(routes).every((x) => typeof x === "string"));
    return plainStrings(args.allowedModels) && (args.defaultModel === undefined || typeof args.defaultModel === "string") && routesPlain;
}

const optional = (value: unknown, check: () => Problem): Problem => (value === undefined ? undefined : check());

/** A value given as it is, not as an Output or a promise, that is not a list: text, a number, a boolean or a plain object. */
const plainNonList = (value: unknown): boolean => (typeof value !== "object" && value !== undefined) || isPlainObject(value);

/** A guardrail setting's fields (the runtime's `GuardrailSetting`). */
const GUARDRAIL_SETTING_OPTIONS = optionNames<GuardrailSetting>({ arn: true, version: true });

/**
 * Keys of the arguments, and of the objects nested in them, that are no
 * option: each would be ignored and its default taken (a `contentmode` would
 * leave the content mode at its default).
 */
export function invocationLoggingOptionsProblem(args: unknown): Problem {
    const top = unknownOptionProblem("", args, INVOCATION_LOGGING_OPTIONS, "PrivateInvocationLogging");
    if (top !== undefined || typeof args !== "object" || args === null) return top;
    const a = args as Record<string, unknown>;
    const archive = a.archive as Record<string, unknown> | undefined;
    // Read once archive's check (first below) has read each of its members, transitions among them.
    const transitions = () => (typeof archive === "object" && archive !== null && Array.isArray(archive.transitions) ? archive.transitions as unknown[] : []);
    return firstProblem(
        () => unknownOptionProblem("throttleAlarm.", a.throttleAlarm, THROTTLE_ALARM_OPTIONS, "throttleAlarm"),
        () => unknownOptionProblem("networkIsolation.", a.networkIsolation, RUNTIME_NETWORK_OPTIONS, "networkIsolation"),
        () => unknownOptionProblem("guardrail.", a.guardrail, GUARDRAIL_SETTING_OPTIONS, "guardrail"),
        () => unknownOptionProblem("archive.", archive, ARCHIVE_OPTIONS, "archive"),
        () => firstProblem(...transitions().map((t, i) => () => unknownOptionProblem(`archive.transitions[${i}].`, t, ARCHIVE_TRANSITION_OPTIONS, "an archive transition"))),
    );
}

/**
 * Checks every plain argument before any resource is created and resolves
 * the defaults once. Values that are Outputs (from a StackReference, say) are
 * checked by the component, with the same checks, once they are known.
 * Throws an `ArgumentError` naming the argument and the value received.
 */
export function resolvePrivateInvocationLoggingArgs(args: PrivateInvocationLoggingArgs, defaultRegion: string = DEFAULT_REGION): ResolvedInvocationLogging {
    raise(invocationLoggingOptionsProblem(args));
    raise(plainValueProblem("tenantId", args.tenantId) ?? tenantIdProblem("tenantId", args.tenantId));
    const tenantId = args.tenantId;
    const region = args.region ?? defaultRegion;
    raise(
        requiredProblem("opsRoleArn", args.opsRoleArn, `the ARN of the ops role "${opsRoleName(tenantId)}"`),
        requiredProblem("externalId", args.externalId, "the ExternalId of the tenant's ops role"),
        requiredProblem("allowedModels", args.allowedModels, "the model ids the runtime may call"),
    );
    raise(
        typeof args.opsRoleArn === "string" ? opsRoleArnProblem("opsRoleArn", args.opsRoleArn, tenantId) : undefined,
        typeof args.externalId === "string" ? externalIdProblem("externalId", args.externalId) : undefined,
        // A plain value that is no list (a bare model id) is refused here; an Output or a promise is checked once known.
        plainNonList(args.allowedModels) ? listProblem("allowedModels", args.allowedModels, true, "model id") : undefined,
        plainModelSettings(args)
            ? modelSettingsProblem({ allowedModels: args.allowedModels, defaultModel: args.defaultModel, modelRoutes: args.modelRoutes }) ?? routesAccountProblem("modelRoutes", args.modelRoutes, args.opsRoleArn)
            : undefined,
        typeof args.bedrockRegion === "string" ? regionProblem("bedrockRegion", args.bedrockRegion) : undefined,
        isPlainObject(args.guardrail) && typeof args.guardrail.arn === "string" ? guardrailProblem(args.guardrail as { arn?: unknown; version?: unknown }) : undefined,
        optional(args.region, () => regionProblem("region", args.region)),
        typeof args.accountId === "string" ? patternProblem("accountId", args.accountId, ACCOUNT_ID_PATTERN, "a 12-digit AWS account id") : undefined,
        optional(args.logGroupName, () => patternProblem("logGroupName", args.logGroupName, LOG_GROUP_NAME_PATTERN)),
        typeof args.kmsKeyArn === "string" ? logKeyArnProblem("kmsKeyArn", args.kmsKeyArn, region, typeof args.accountId === "string" ? args.accountId : undefined) : undefined,
        optional(args.logRetentionDays, () => oneOfProblem("logRetentionDays", args.logRetentionDays, LOG_RETENTION_DAYS_ALLOWED)),
        optional(args.contentMode, () => contentModeProblem("contentMode", args.contentMode)),
        optional(args.auditMode, () => auditModeProblem("auditMode", args.auditMode)),
        optional(args.safeMetadataKeys, () => safeMetadataKeysProblem("safeMetadataKeys", args.safeMetadataKeys)),
        optional(args.bedrockMaxAttempts, () => integerProblem("bedrockMaxAttempts", args.bedrockMaxAttempts, BEDROCK_MAX_ATTEMPTS.min, BEDROCK_MAX_ATTEMPTS.max)),
        optional(args.bedrockRequestTimeoutMs, () => integerProblem("bedrockRequestTimeoutMs", args.bedrockRequestTimeoutMs, BEDROCK_REQUEST_TIMEOUT_MS.min, BEDROCK_REQUEST_TIMEOUT_MS.max)),
        optional(args.sessionUserTag, () => booleanProblem("sessionUserTag", args.sessionUserTag)),
        optional(args.memorySizeMb, () => integerProblem("memorySizeMb", args.memorySizeMb, LAMBDA_MEMORY_MB.min, LAMBDA_MEMORY_MB.max)),
        optional(args.timeoutSeconds, () => integerProblem("timeoutSeconds", args.timeoutSeconds, LAMBDA_TIMEOUT_SECONDS.min, LAMBDA_TIMEOUT_SECONDS.max)),
        optional(args.reservedConcurrency, () => integerProblem("reservedConcurrency", args.reservedConcurrency, 1)),
        // The function's code is read at preview: a path known only later cannot be.
        optional(args.lambdaBundlePath, () =>
            typeof args.lambdaBundlePath === "string" && args.lambdaBundlePath !== ""
                ? undefined
                : (plainValueProblem("lambdaBundlePath", args.lambdaBundlePath) ?? `lambdaBundlePath must be the path of the runtime bundle's index.mjs, got ${showBrief(args.lambdaBundlePath)}`),
        ),
        optional(args.metricNamespace, () => patternProblem("metricNamespace", args.metricNamespace, METRIC_NAMESPACE_PATTERN, "1–255 characters without spaces or a leading colon")),
        alarmProblem(args),
        networkProblem(args.networkIsolation),
        computeProblem(args),
        customerTagsProblem(args.tags, tenantId),
        typeof args.accountId === "string" && typeof args.opsRoleArn === "string" ? customerAccountProblem(args.accountId, args.opsRoleArn) : undefined,
    );
    const d = INVOCATION_LOGGING_DEFAULTS;
    const alarm = args.throttleAlarm ?? {};
    return {
        tenantId,
        region,
        logGroupName: args.logGroupName ?? defaultLogGroupName(tenantId),
        metricNamespace: args.metricNamespace ?? `${d.metricNamespacePrefix}/${tenantId}`,
        logRetentionDays: args.logRetentionDays ?? d.logRetentionDays,
        contentMode: args.contentMode ?? d.contentMode,
        auditMode: args.auditMode ?? d.auditMode,
        safeMetadataKeys: args.safeMetadataKeys ?? [],
        bedrockMaxAttempts: args.bedrockMaxAttempts,
        bedrockRequestTimeoutMs: args.bedrockRequestTimeoutMs,
        sessionUserTag: args.sessionUserTag,
        memorySizeMb: args.memorySizeMb ?? d.memorySizeMb,
        timeoutSeconds: args.timeoutSeconds ?? d.timeoutSeconds,
        alarm: {
            threshold: alarm.threshold ?? d.alarmThreshold,
            periodSeconds: alarm.periodSeconds ?? d.alarmPeriodSeconds,
            evaluationPeriods: alarm.evaluationPeriods ?? d.alarmEvaluationPeriods,
        },
        compute: args.compute ?? d.compute,
        responseStreaming: args.responseStreaming ?? d.responseStreaming,
        tags: args.tags ?? {},
    };
}

/** Checks every plain argument; see {@link resolvePrivateInvocationLoggingArgs}. */
export function validatePrivateInvocationLoggingArgs(args: PrivateInvocationLoggingArgs): void {
    resolvePrivateInvocationLoggingArgs(args);
}
