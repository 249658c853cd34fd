import type * as pulumi from "@pulumi/pulumi";
import type { RuntimeCompute } from "./runtime-compute";
import { DEFAULT_AUDIT_LOG_RETENTION_DAYS, DEFAULT_AUDIT_MODE, DEFAULT_CONTENT_MODE, optionNames, type AuditMode, type ContentMode, type GuardrailSetting } from "../../contract";
import type { AuditArchiveArgs } from "./archive-args";

/**
 * Defaults of {@link PrivateInvocationLoggingArgs}, resolved once. The
 * argument docs (`@default`) and docs/customer.md state the same values; a
 * test holds them together.
 */
export const INVOCATION_LOGGING_DEFAULTS = Object.freeze({
    /** Audit records are kept for a year unless the caller says otherwise. */
    logRetentionDays: DEFAULT_AUDIT_LOG_RETENTION_DAYS,
    contentMode: DEFAULT_CONTENT_MODE,
    auditMode: DEFAULT_AUDIT_MODE,
    memorySizeMb: 512,
    /** Long enough for a slow completion plus SDK retries; Lambda allows up to 900 s. */
    timeoutSeconds: 120,
    /** Prefix of the metric namespace; the tenant id is appended (`BedrockTenancy/<tenantId>`). */
    metricNamespacePrefix: "BedrockTenancy",
    alarmThreshold: 1,
    alarmPeriodSeconds: 300,
    alarmEvaluationPeriods: 1,
    vpcCidrBlock: "10.80.0.0/16",
    availabilityZoneCount: 2,
    createEndpoints: true,
    compute: "lambda",
    responseStreaming: false,
});


/** Settings of the alarm raised when Bedrock throttles the tenant's calls. */
export interface ThrottleAlarmArgs {
    /**
     * Throttled calls within one period that raise the alarm: above 0 and at
     * most `THROTTLE_ALARM_MAX_THRESHOLD` (100,000).
     * @default 1
     */
    threshold?: number;
    /**
     * Length of one evaluation period in seconds: 10, 30 or a multiple of 60.
     * `periodSeconds × evaluationPeriods` may not exceed one day (CloudWatch limit).
     * @default 300
     */
    periodSeconds?: number;
    /**
     * Consecutive periods that must breach before the alarm fires.
     * @default 1
     */
    evaluationPeriods?: number;
    /**
     * SNS topic notified when the alarm fires and when it recovers.
     * @default - no notification; the alarm only changes state
     */
    snsTopicArn?: pulumi.Input<string>;
}

/**
 * Network isolation for the runtime: the function runs in private subnets with
 * no route to the internet and reaches Bedrock Runtime, STS and CloudWatch Logs
 * through VPC interface endpoints.
 */
export interface RuntimeNetworkArgs {
    /**
     * VPC to run the function in. Give `subnetIds` with it.
     * @default - a new VPC with isolated subnets only (no NAT gateway, no internet route)
     */
    vpcId?: pulumi.Input<string>;
    /**
     * Private subnets of `vpcId` for the function (Lambda accepts up to 16).
     * @default - the isolated subnets of the created VPC
     */
    subnetIds?: pulumi.Input<string[]>;
    /**
     * CIDR block of the created VPC (ignored with `vpcId`). Netmask /16 to /28.
     * @default "10.80.0.0/16"
     */
    cidrBlock?: string;
    /**
     * Availability zones of the created VPC (ignored with `vpcId`), 1 to 6.
     * @default 2
     */
    availabilityZoneCount?: number;
    /**
     * Whether to create the bedrock-runtime, sts and logs interface endpoints.
     * Turn off when `vpcId` already has them: a VPC can hold only one endpoint
     * with private DNS per service.
     * @default true
     */
    createEndpoints?: boolean;
}

export interface PrivateInvocationLoggingArgs {
    /**
     * Tenant this stack serves. Names the log group, the KMS alias, the metric
     * namespace and the runtime role (`BedrockTenancyRuntime-<tenantId>`, which
     * the ops role trusts by name).
     * 1–32 lowercase letters, digits and hyphens (see `TENANT_ID_PATTERN`).
     */
    tenantId: string;
    /**
     * ARN of the tenant's `BedrockTenantAccess` role in the ops account; its
     * role name must be `BedrockTenantAccess-<tenantId>`. May come from a
     * StackReference.
     */
    opsRoleArn: pulumi.Input<string>;
    /**
     * ExternalId the ops role requires (2–1224 characters of `[\w+=,.@:/-]`).
     * Kept a Pulumi secret whether or not it arrives as one.
     */
    externalId: pulumi.Input<string>;
    /**
     * Model and system inference-profile ids the tenant may invoke (the ops
     * stack's `allowedModels`). At least one.
     */
    allowedModels: pulumi.Input<string[]>;
    /**
     * Model used when a request names none. Must be one of `allowedModels`.
     * @default - the first of `allowedModels`
     */
    defaultModel?: pulumi.Input<string>;
    /**
     * Model id to the application inference profile ARN invoked instead of it
     * (the ops stack's `inferenceProfileArns`). Keys must be in `allowedModels`.
     * @default {}
     */
    modelRoutes?: pulumi.Input<Record<string, string>>;
    /**
     * Region Bedrock is called in (the ops account's Bedrock home Region).
     * @default - `region`
     */
    bedrockRegion?: pulumi.Input<string>;
    /**
     * The guardrail the tenant's ops role requires on every call (the ops
     * stack's `guardrail` of this tenant, the `tenants` record's `guardrail`):
     * `{ arn, version }`, the ARN without a version. The function sends it
     * with every call; without it, a role that requires one denies them all.
     * @default - no guardrail is sent
     */
    guardrail?: pulumi.Input<GuardrailSetting | undefined>;
    /**
     * Region of the customer-side resources.
     * @default - the `aws:region` config, else "us-east-1"
     */
    region?: string;
    /**
     * Customer account id, used in the key policy and the log group ARN.
     * @default - the account of the current credentials (`aws.getCallerIdentity`)
     */
    accountId?: pulumi.Input<string>;
    /**
     * Name of the private log group (1–512 characters of `[\.\-_/#A-Za-z0-9]`).
     * @default "/bedrock-tenancy/<tenantId>/audit"
     */
    logGroupName?: string;
    /**
     * Days CloudWatch keeps audit records; one of the values CloudWatch accepts
     * (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
     * 1827, 2192, 2557, 2922, 3288, 3653).
     * @default 365
     */
    logRetentionDays?: number;
    /**
     * Existing symmetric KMS key to encrypt the log group with, instead of
     * creating one. Its key policy must let `logs.<region>.amazonaws.com` use it.
     * @default - a new customer-managed key with rotation on, and an alias
     */
    kmsKeyArn?: pulumi.Input<string>;
    /**
     * How much prompt and completion text audit records carry: `none`
     * (lengths only), `hash` (SHA-256) or `full` (the text).
     * @default "none"
     */
    contentMode?: ContentMode;
    /**
     * `best-effort`: a failed audit write is counted and reported, the call
     * still answers. `fail-closed`: the call fails when its record cannot be written.
     * @default "best-effort"
     */
    auditMode?: AuditMode;
    /**
     * Keys of event `metadata` whose values audit records keep as given in
     * every content mode (ids, counters, labels). Values under other keys
     * follow `contentMode`: `[redacted]` in `none`, a SHA-256 digest in
     * `hash`, kept in `full`. Each key is 1–128 of `[A-Za-z0-9_.:-]`.
     * @default []
     */
    safeMetadataKeys?: string[];
    /**
     * Bedrock attempts per call, retries included, 1–10
     * (`BEDROCK_TENANCY_BEDROCK_MAX_ATTEMPTS`).
     * @default 3
     */
    bedrockMaxAttempts?: number;
    /**
     * Socket timeout of one Bedrock attempt in milliseconds, 1000–900000
     * (`BEDROCK_TENANCY_BEDROCK_REQUEST_TIMEOUT_MS`): an attempt whose socket
     * stays silent this long fails with `TimeoutError` and is retried.
     * @default 60000
     */
    bedrockRequestTimeoutMs?: number;
    /**
     * Tag each ops session with the event's `userId` (`UserId`) as well as
     * the tenant (`BEDROCK_TENANCY_SESSION_USER_TAG`): one ops session per
     * user, whose tag the Cost and Usage Report can allocate spend by.
     * @default false
     */
    sessionUserTag?: boolean;
    /**
     * Function memory in MB, 128–10240 (Lambda limit).
     * @default 512
     */
    memorySizeMb?: number;
    /**
     * Function timeout in seconds, 1–900 (Lambda limit).
     * @default 120
     */
    timeoutSeconds?: number;
    /**
     * Reserved concurrent executions, at least 1; bounded by the account's
     * concurrency quota (1,000 by default) minus the 100 Lambda keeps unreserved.
     * @default - unreserved
     */
    reservedConcurrency?: number;
    /**
     * CloudWatch namespace of the audit metrics (1–255 characters, no leading colon).
     * @default "BedrockTenancy/<tenantId>"
     */
    metricNamespace?: string;
    /**
     * The throttling alarm's settings.
     * @default - threshold 1, period 300 s, 1 evaluation period, no SNS topic
     */
    throttleAlarm?: ThrottleAlarmArgs;
    /**
     * Run the function in private subnets without internet access.
     * @default - no VPC (the function uses Lambda's own networking)
     */
    networkIsolation?: RuntimeNetworkArgs;
    /**
     * The write-once audit archive: every record also goes, complete, to an
     * S3 bucket with Object Lock in this account (see docs/archive.md).
     * @default - no archive
     */
    archive?: AuditArchiveArgs;
    /**
     * Where the runtime runs; the runtime role is trusted by exactly this
     * compute. `lambda`: the component deploys the function. `ecs`: no
     * function; the role trusts `ecs-tasks.amazonaws.com` (use it as the task
     * role). `ec2`: the role trusts `ec2.amazonaws.com` and gets an instance
     * profile. `existing-role`: no role is created; the runtime policy is
     * attached to `existingRoleName`. The ops role trusts one role name per
     * tenant, so one compute per tenant and account.
     * @default "lambda"
     */
    compute?: RuntimeCompute;
    /**
     * With `compute: "existing-role"`: the role the runtime policy is attached
     * to. It must be named `BedrockTenancyRuntime-<tenantId>`, the one name the
     * tenant's ops role trusts.
     * @default - none (required with `existing-role`)
     */
    existingRoleName?: string;
    /**
     * Lambda only: also deploy a function URL (`authorizationType: "AWS_IAM"`,
     * `invokeMode: "RESPONSE_STREAM"`) served by the streaming handler, which
     * sends text to the caller as Bedrock produces it.
     * @default false
     */
    responseStreaming?: boolean;
    /**
     * Path of the bundled runtime (an ES module exporting `handler`).
     * @default - `dist/lambda/index.mjs` of this package (`npm run build` creates it)
     */
    lambdaBundlePath?: string;
    /**
     * Tags added to every taggable resource.
     * @default {}
     */
    tags?: Record<string, string>;
}

/** Every option of {@link PrivateInvocationLoggingArgs}; any other key is refused at preview. */
export const INVOCATION_LOGGING_OPTIONS = optionNames<PrivateInvocationLoggingArgs>({
    tenantId: true, opsRoleArn: true, externalId: true, allowedModels: true, defaultModel: true, modelRoutes: true, bedrockRegion: true,
    guardrail: true, region: true, accountId: true, logGroupName: true, logRetentionDays: true, kmsKeyArn: true, contentMode: true,
    auditMode: true, safeMetadataKeys: true, bedrockMaxAttempts: true, bedrockRequestTimeoutMs: true, sessionUserTag: true, memorySizeMb: true, timeoutSeconds: true, reservedConcurrency: true, metricNamespace: true,
    throttleAlarm: true, networkIsolation: true, archive: true, compute: true, existingRoleName: true, responseStreaming: true,
    lambdaBundlePath: true, tags: true,
});
export const THROTTLE_ALARM_OPTIONS = optionNames<ThrottleAlarmArgs>({ threshold: true, periodSeconds: true, evaluationPeriods: true, snsTopicArn: true });
export const RUNTIME_NETWORK_OPTIONS = optionNames<RuntimeNetworkArgs>({ vpcId: true, subnetIds: true, cidrBlock: true, availabilityZoneCount: true, createEndpoints: true });
