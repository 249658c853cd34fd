/**
 * The shape of one audit record, and the JSON paths CloudWatch metric filters
 * match on. The runtime writes records with these names and the
 * `PrivateInvocationLogging` component builds its filters from the same
 * constants, so the two cannot drift apart. Where Bedrock's own
 * model-invocation log has a field for the same fact, the same name is used
 * (`schemaVersion`, `timestamp`, `requestId`, `operation`, `modelId`,
 * `input.inputTokenCount`, `output.outputTokenCount`, `errorCode`, ...).
 */
import type { ContentMode } from "./modes";
import { show, type Problem } from "./validation";
import { auditJsonPath } from "./audit-fields";
import type { ChainLink } from "./audit-chain";


/** Marks a log event as an audit record (other lines in the log group lack it). */
export const AUDIT_SCHEMA_TYPE = "BedrockTenancyInvocationAudit";

/**
 * Bumped on any incompatible change to {@link AuditRecord} (docs/runtime.md
 * lists what each version changed). 2.0: a call may write two records (the
 * write-ahead `started` outcome, paired by `callId`), and every record joins
 * its writer's hash chain (`chain`); a reader that counts records as calls
 * must now leave `started` out.
 */
export const AUDIT_SCHEMA_VERSION = "2.0";

/** What happened to the call the record describes. */
export const AuditOutcome = {
    /** The model answered. */
    success: "success",
    /** The call reached (or tried to reach) Bedrock and failed. */
    error: "error",
    /** The request was refused before any model call (bad input, model not allowed). */
    rejected: "rejected",
    /**
     * Write-ahead record (fail-closed mode): the call is about to be sent to
     * Bedrock. Its completion record (`success` or `error`) carries the same
     * `callId`; a `started` record without one means the process stopped
     * mid-call.
     */
    started: "started",
} as const;
export type AuditOutcome = (typeof AuditOutcome)[keyof typeof AuditOutcome];

export type { ContentMode } from "./modes";

export interface AuditRecord {
    schemaType: typeof AUDIT_SCHEMA_TYPE;
    schemaVersion: typeof AUDIT_SCHEMA_VERSION;
    /** ISO-8601 time the call started. */
    timestamp: string;
    outcome: AuditOutcome;
    /**
     * One id per model call, shared by its `started` and completion records
     * (and by their archive objects); a rejection has its own.
     */
    callId?: string;
    tenantId: string;
    userId?: string;
    applicationId?: string;
    /** The caller's own request id (Bedrock's id is `requestId`). */
    clientRequestId?: string;
    taskType?: string;
    kbId?: string;
    /** Model id as the caller named it (never an inference-profile ARN). */
    modelId?: string;
    /** What was actually invoked, when it differs from `modelId` (an inference profile). */
    invokedModelId?: string;
    /** Bedrock Region the call was sent to. */
    region?: string;
    /** `Converse` or `ConverseStream`; `AssumeRole` when the ops session could not be obtained. */
    operation?: string;
    /** Bedrock's request id (`x-amzn-requestid`). */
    requestId?: string;
    /** STS's request id, on a record of a failed `AssumeRole`. */
    stsRequestId?: string;
    input: {
        inputTokenCount?: number;
        cacheReadInputTokenCount?: number;
        cacheWriteInputTokenCount?: number;
        /** Characters of prompt text (always present; content itself depends on the mode). */
        inputCharCount?: number;
        /** `hash` mode: hex SHA-256 of the prompt. */
        inputSha256?: string;
        /** `full` mode: the prompt text, possibly truncated. */
        inputText?: string;
        inputTruncated?: boolean;
    };
    output: {
        outputTokenCount?: number;
        outputCharCount?: number;
        outputSha256?: string;
        outputText?: string;
        outputTruncated?: boolean;
    };
    totalTokenCount?: number;
    /** Wall time measured by the client, start to end of the model call. */
    latencyMs?: number;
    /** Latency Bedrock reported (`metrics.latencyMs`). */
    bedrockLatencyMs?: number;
    /** `ConverseStream` only: client-measured time from the call's start to the first text delta. */
    timeToFirstTokenMs?: number;
    stopReason?: string;
    /** SDK attempts, retries included. */
    attempts?: number;
    /** Estimated cost in US dollars; `null` when the model has no known price. */
    estimatedCostUsd: number | null;
    contentMode: ContentMode;
    /** Error name (`ThrottlingException`, ...) for `error` and `rejected` records. */
    errorCode?: string;
    /** Content-free error description. */
    errorMessage?: string;
    /** Field the rejection is about, for `rejected` records. */
    errorField?: string;
    httpStatusCode?: number;
    throttled?: boolean;
    /** Caller metadata beyond the well-known ids, as passed to `invoke(..., { metadata })`. */
    metadata?: Record<string, unknown>;
    /** Set when `metadata` was cut to its size limit: the recorded part is a prefix of the keys. */
    metadataTruncated?: boolean;
    /** Hex SHA-256 of the caller's complete metadata as JSON, when `metadata` was cut. */
    metadataSha256?: string;
    /**
     * Where the complete record was archived (log records only, when the
     * archive is on): the object key and the SHA-256 of the object, or the
     * error code when the archive write failed.
     */
    archive?: { key: string; sha256?: string; errorCode?: string };
    /** The record's place in its writer's hash chain (see docs/audit-trail.md). */
    chain?: ChainLink;
}

/**
 * JSON paths (CloudWatch filter-pattern syntax) of the fields metric filters
 * use, built from {@link AUDIT_FIELDS} so a path cannot name a field that
 * records do not have.
 */
export const AuditPath = {
    schemaType: auditJsonPath("schemaType"),
    outcome: auditJsonPath("outcome"),
    throttled: auditJsonPath("throttled"),
    modelId: auditJsonPath("modelId"),
    inputTokenCount: auditJsonPath("input", "inputTokenCount"),
    outputTokenCount: auditJsonPath("output", "outputTokenCount"),
    errorCode: auditJsonPath("errorCode"),
} as const;

/** Metadata keys a caller may mark safe to record verbatim: 1–128 of `[\w.:-]`. */
export const SAFE_METADATA_KEY_PATTERN = /^[\w.:-]{1,128}$/;

/** `value` must be a list of metadata key names. */
export function safeMetadataKeysProblem(argName: string, value: unknown): Problem {
    if (Array.isArray(value) && value.every((k) => typeof k === "string" && SAFE_METADATA_KEY_PATTERN.test(k))) return undefined;
    return `${argName} must be a list of metadata keys matching ${SAFE_METADATA_KEY_PATTERN}, got ${show(value)}`;
}
