/**
 * Builds audit records from what a model call's start, end and error events
 * carry. Pure functions: the callback handler owns the per-run state, this
 * module only turns it into {@link AuditRecord}s.
 */
import { AUDIT_SCHEMA_TYPE, AUDIT_SCHEMA_VERSION, AuditOutcome, type AuditRecord, type ContentMode } from "../contract";
import { quotaErrorCode } from "./quota-error";
import { ASSUME_ROLE_OPERATION, isStsFailure } from "./sts-failure";
import { describeContent, withCompleteText } from "./content";
import { estimateCostUsd, type PriceTable, type TokenUsage } from "./pricing";

/** Caller ids the record carries as top-level fields rather than inside `metadata`. */
export interface CallIds {
    userId?: string;
    applicationId?: string;
    clientRequestId?: string;
    taskType?: string;
    kbId?: string;
}

/** Everything known when a call starts. */
export interface CallStart {
    /** Shared by the call's `started` and completion records. */
    callId: string;
    timestamp: Date;
    tenantId: string;
    contentMode: ContentMode;
    ids: CallIds;
    modelId?: string;
    invokedModelId?: string;
    region?: string;
    inputText: string;
    metadata?: Record<string, unknown>;
    /** Set when a metadata value was cut to its depth limit or could not be read. */
    metadataTruncated?: boolean;
    /** Most UTF-8 bytes of text kept per field in `full` mode. @default MAX_CONTENT_TEXT_BYTES */
    maxContentBytes?: number;
}

/** What the end event reports about a successful call. */
export interface CallResult {
    outputText: string;
    usage: TokenUsage & { totalTokens?: number };
    requestId?: string;
    bedrockLatencyMs?: number;
    stopReason?: string;
    attempts?: number;
    /** ConverseStream: ms from the start to the first text delta. */
    timeToFirstTokenMs?: number;
}

/** The Bedrock API a call used. */
export type BedrockOperation = "Converse" | "ConverseStream";
/** What a record's `operation` names: the Bedrock API, or the AssumeRole that failed before it. */
export type RecordedOperation = BedrockOperation | typeof ASSUME_ROLE_OPERATION;

/** What a stream cut short had delivered: Bedrock reports usage only at its end. */
export interface PartialStream {
    text: string;
    /** Text deltas received, recorded as the output token count (Bedrock sends about one token per delta). */
    deltas: number;
    timeToFirstTokenMs?: number;
}

/** A content-free description of a failed call. */
export interface ErrorFacts {
    errorCode: string;
    errorMessage: string;
    httpStatusCode?: number;
    throttled: boolean;
    requestId?: string;
    /** Set when the call failed at STS (the ops session): STS's request id, and `requestId` is unset. */
    stsRequestId?: string;
    operation?: typeof ASSUME_ROLE_OPERATION;
    attempts?: number;
}

/** Error names that mean "slow down" rather than "this request is wrong". */
export const THROTTLING_ERROR_NAMES: readonly string[] = ["ThrottlingException", "TooManyRequestsException", "Throttling"];

const HTTP_TOO_MANY_REQUESTS = 429;

/** Node's code of a system or stream error (`ECONNRESET`, `ERR_STREAM_PREMATURE_CLOSE`): a fixed vocabulary, never text of the request. */
const NODE_ERROR_CODE = /^(?:E[A-Z0-9]{2,31}|ERR_[A-Z0-9_]{1,60})$/;

/**
 * The error's name when it is a name; for the bare `Error` a broken
 * connection throws, Node's code says what happened (`ECONNRESET`).
 */
function errorName(e: { name?: unknown; code?: unknown }): string {
    const name = typeof e.name === "string" && /^[\w.:-]{1,128}$/.test(e.name) ? e.name : "Error";
    if (name !== "Error") return name;
    const code = readCode(e);
    return typeof code === "string" && NODE_ERROR_CODE.test(code) ? code : name;
}

function readCode(e: { code?: unknown }): unknown {
    try {
        return e.code;
    } catch {
        return undefined;
    }
}

/**
 * Describes `err` without its message: Bedrock's messages can quote the
 * request (a ValidationException may echo the prompt), so only the error's
 * name and status travel into a record.
 */
export function describeError(err: unknown): ErrorFacts {
    const e = (typeof err === "object" && err !== null ? err : {}) as {
        name?: unknown;
        code?: unknown;
        $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
    };
    const errorCode = quotaErrorCode(err) ?? errorName(e);
    // `$metadata` is whatever the thrower put there: only values of the types a record holds go in.
    const httpStatusCode = finite(e.$metadata?.httpStatusCode);
    const throttled = THROTTLING_ERROR_NAMES.includes(errorCode) || httpStatusCode === HTTP_TOO_MANY_REQUESTS;
    const sts = isStsFailure(err);
    return {
        errorCode,
        errorMessage: httpStatusCode ? `${errorCode} (HTTP ${httpStatusCode})` : errorCode,
        httpStatusCode,
        throttled,
        ...(sts ? { operation: ASSUME_ROLE_OPERATION, stsRequestId: text(e.$metadata?.requestId) } : { requestId: text(e.$metadata?.requestId) }),
        attempts: finite(e.$metadata?.attempts),
    };
}

/** What a record says about one call beyond its start. */
type CallFacts = Partial<Pick<AuditRecord,
    "requestId" | "stsRequestId" | "input" | "output" | "totalTokenCount" | "latencyMs" | "bedrockLatencyMs" | "timeToFirstTokenMs" |
    "stopReason" | "attempts" | "estimatedCostUsd" | "errorCode" | "errorMessage" | "httpStatusCode" | "throttled">> & {
    operation?: RecordedOperation;
    withMetadata?: boolean;
};

/**
 * One object literal: records are built on every call's path, so no spread
 * of a half-built record and no `delete`. Keys are in canonical (RFC 8785)
 * order, `chain` included (the chain writer's copy fills that slot), so the hash
 * chain's canonical JSON of the record is `JSON.stringify` of it, and that
 * one text is also its line. Fields a call lacks stay `undefined`, which
 * JSON leaves out: compacting a copy cost more than the rest of the record.
 */
function callRecord(outcome: AuditOutcome, start: CallStart, facts: CallFacts): AuditRecord {
    const { ids } = start;
    const withMetadata = facts.withMetadata !== false && start.metadata !== undefined && Object.keys(start.metadata).length > 0;
    return {
        applicationId: ids.applicationId,
        attempts: facts.attempts,
        bedrockLatencyMs: facts.bedrockLatencyMs,
        callId: start.callId,
        chain: undefined,
        clientRequestId: ids.clientRequestId,
        contentMode: start.contentMode,
        errorCode: facts.errorCode,
        errorMessage: facts.errorMessage,
        estimatedCostUsd: facts.estimatedCostUsd ?? null,
        httpStatusCode: facts.httpStatusCode,
        input: facts.input ?? {},
        invokedModelId: start.invokedModelId !== start.modelId ? start.invokedModelId : undefined,
        kbId: ids.kbId,
        latencyMs: facts.latencyMs,
        metadata: withMetadata ? start.metadata : undefined,
        // Also without metadata: metadata that could not be listed at all leaves none, and the record says so.
        metadataTruncated: facts.withMetadata !== false && start.metadataTruncated ? true : undefined,
        modelId: start.modelId,
        operation: facts.operation,
        outcome,
        output: facts.output ?? {},
        region: start.region,
        requestId: facts.requestId,
        schemaType: AUDIT_SCHEMA_TYPE,
        schemaVersion: AUDIT_SCHEMA_VERSION,
        stopReason: facts.stopReason,
        stsRequestId: facts.stsRequestId,
        taskType: ids.taskType,
        tenantId: start.tenantId,
        throttled: facts.throttled,
        timeToFirstTokenMs: facts.timeToFirstTokenMs,
        timestamp: start.timestamp.toISOString(),
        totalTokenCount: facts.totalTokenCount,
        userId: ids.userId,
    };
}

function inputFields(start: CallStart, usage?: CallResult["usage"]): AuditRecord["input"] {
    const input = describeContent(start.inputText, start.contentMode, start.maxContentBytes);
    return dropUndefined({
        cacheReadInputTokenCount: usage?.cacheReadInputTokens,
        cacheWriteInputTokenCount: usage?.cacheWriteInputTokens,
        inputCharCount: input.charCount,
        inputSha256: input.sha256,
        inputText: input.text,
        inputTokenCount: usage?.inputTokens,
        inputTruncated: input.truncated,
    });
}

function outputFields(text: string, tokens: number | undefined, start: CallStart): AuditRecord["output"] {
    const output = describeContent(text, start.contentMode, start.maxContentBytes);
    return dropUndefined({
        outputCharCount: output.charCount,
        outputSha256: output.sha256,
        outputText: output.text,
        outputTokenCount: tokens,
        outputTruncated: output.truncated,
    });
}

/**
 * The write-ahead record of a call about to be sent (fail-closed mode): who,
 * which model, and the prompt's size, never its content, which the
 * completion record carries. The Bedrock operation is not yet known.
 */
export function startedRecord(start: CallStart): AuditRecord {
    return callRecord(AuditOutcome.started, start, { input: { inputCharCount: start.inputText.length }, withMetadata: false });
}

/** The record of a call the model answered. */
export function successRecord(operation: BedrockOperation, start: CallStart, result: CallResult, latencyMs: number, prices: PriceTable, onPriceProblem?: (problem: string) => void): AuditRecord {
    const usage = recordedUsage(result.usage);
    const record = callRecord(AuditOutcome.success, start, {
        operation,
        requestId: text(result.requestId),
        input: inputFields(start, usage),
        output: outputFields(result.outputText, usage.outputTokens, start),
        totalTokenCount: usage.totalTokens,
        latencyMs,
        bedrockLatencyMs: finite(result.bedrockLatencyMs),
        timeToFirstTokenMs: result.timeToFirstTokenMs,
        stopReason: text(result.stopReason),
        attempts: finite(result.attempts),
        estimatedCostUsd: estimateCostUsd(start.modelId, usage, prices, onPriceProblem),
    });
    return withCompleteText(record, start.inputText, result.outputText);
}

/** The record of a call that failed at or on the way to Bedrock. */
export function errorRecord(operation: BedrockOperation, start: CallStart, facts: ErrorFacts, latencyMs: number, partial?: PartialStream): AuditRecord {
    const record = callRecord(AuditOutcome.error, start, {
        operation: facts.operation ?? operation,
        requestId: text(facts.requestId),
        stsRequestId: text(facts.stsRequestId),
        input: inputFields(start),
        output: partial ? outputFields(partial.text, partial.deltas, start) : {},
        latencyMs,
        timeToFirstTokenMs: partial?.timeToFirstTokenMs,
        attempts: finite(facts.attempts),
        errorCode: facts.errorCode,
        errorMessage: facts.errorMessage,
        httpStatusCode: finite(facts.httpStatusCode),
        throttled: facts.throttled,
    });
    return withCompleteText(record, start.inputText, partial?.text);
}

/** A request refused before any model call; carries no content in any mode. */
export interface Rejection {
    callId: string;
    timestamp: Date;
    tenantId: string;
    contentMode: ContentMode;
    ids: CallIds;
    modelId?: string;
    errorCode: string;
    errorMessage: string;
    errorField?: string;
}

/** The record of a rejected request. */
export function rejectedRecord(rejection: Rejection): AuditRecord {
    const { ids } = rejection;
    // As a call's record: canonical key order, absent fields undefined.
    return {
        applicationId: ids.applicationId,
        callId: rejection.callId,
        chain: undefined,
        clientRequestId: ids.clientRequestId,
        contentMode: rejection.contentMode,
        errorCode: rejection.errorCode,
        errorField: rejection.errorField,
        errorMessage: rejection.errorMessage,
        estimatedCostUsd: null,
        input: {},
        kbId: ids.kbId,
        modelId: rejection.modelId,
        outcome: AuditOutcome.rejected,
        output: {},
        schemaType: AUDIT_SCHEMA_TYPE,
        schemaVersion: AUDIT_SCHEMA_VERSION,
        taskType: ids.taskType,
        tenantId: rejection.tenantId,
        throttled: false,
        timestamp: rejection.timestamp.toISOString(),
        userId: ids.userId,
    };
}

/**
 * Usage as a record carries it: token counts come from the model's reply
 * (any `BaseChatModel` a caller audits), so only finite numbers are kept; a
 * count of any other type could make a line of any size.
 */
function recordedUsage(usage: CallResult["usage"] | undefined): CallResult["usage"] {
    return {
        inputTokens: finite(usage?.inputTokens),
        outputTokens: finite(usage?.outputTokens),
        totalTokens: finite(usage?.totalTokens),
        cacheReadInputTokens: finite(usage?.cacheReadInputTokens),
        cacheWriteInputTokens: finite(usage?.cacheWriteInputTokens),
    };
}

/** A number a record can hold, from a reply or an error the runtime did not build. */
function finite(value: unknown): number | undefined {
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** A string a record can hold (its length is bounded when the line is made), from a reply or an error the runtime did not build. */
function text(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/**
 * Keeps a record's `input` and `output` parts free of `"key": undefined`
 * (keys JSON would drop anyway), so a part holds exactly the fields its
 * content mode records. Copies rather than deletes: `delete` turns an object
 * into a slow dictionary, which every later read and the serialization pay for.
 */
function dropUndefined<T extends object>(value: T): T {
    const kept = {} as T;
    for (const key in value) {
        if (value[key] !== undefined) {
            kept[key] = value[key];
        }
    }
    return kept;
}
