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


/** Marks a log event as an audit record (other lines in the log group lack it). */
export const AUDIT_SCHEMA_TYPE = "BedrockTenancyInvocationAudit";

/** Bumped on any incompatible change to {@link AuditRecord}. */
export const AUDIT_SCHEMA_VERSION = "1.0";

/** What happened to the call the record describes. */
export const AuditOutcome = {
    /** The model answered. */
    success: "success",
    /** The call reached (or tried to reach) Bedrock and failed. */
    error: "error",
    /** The request was refused before any model call (bad input, model not allowed). */
    rejected: "rejected",
} as const;
export type AuditOutcome = (typeof AuditOutcome)[keyof typeof AuditOutcome];

export type { ContentMode } from "./modes";

export interface AuditRecord {
    schemaType: typeof AUDIT_SCHEMA_TYPE;
    schemaVersion: typeof AUDIT_SCHEMA_VERSION;
    /** ISO-8601 time the call started. */
    timestamp: string;
    outcome: AuditOutcome;
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
    /** `Converse` or `ConverseStream`. */
    operation?: string;
    /** Bedrock's request id (`x-amzn-requestid`). */
    requestId?: string;
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
    /**
     * Where the complete record was archived (log records only, when the
     * archive is on): the object key and the SHA-256 of the object, or the
     * error code when the archive write failed.
     */
    archive?: { key: string; sha256?: string; errorCode?: string };
}

/**
 * JSON paths (CloudWatch filter-pattern syntax) of the fields metric filters
 * use. Keep them in step with {@link AuditRecord}.
 */
export const AuditPath = {
    schemaType: "$.schemaType",
    outcome: "$.outcome",
    throttled: "$.throttled",
    modelId: "$.modelId",
    inputTokenCount: "$.input.inputTokenCount",
    outputTokenCount: "$.output.outputTokenCount",
    errorCode: "$.errorCode",
} as const;

/** Metadata keys a caller may mark safe to record verbatim: 1–128 of `[\w.:-]`. */
export const SAFE_METADATA_KEY_PATTERN = /^[\w.:-]{1,128}$/;

/** `value` must be a list of metadata key names. */
export function safeMetadataKeysProblem(argName: string, value: unknown): Problem {
    if (Array.isArray(value) && value.every((k) => typeof k === "string" && SAFE_METADATA_KEY_PATTERN.test(k))) return undefined;
    return `${argName} must be a list of metadata keys matching ${SAFE_METADATA_KEY_PATTERN}, got ${show(value)}`;
}
