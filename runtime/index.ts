/** Public surface of `bedrock-tenancy/runtime`: use it in any LangChain JS application, or deploy the Lambda. */
export { PrivateInvocationLogger, AuditWriteError } from "./private-invocation-logger";
export type { PrivateInvocationLoggerOptions, LoggerStats } from "./private-invocation-logger";
export { CALL_ID_KEYS, MODEL_ID_KEY, INVOKED_MODEL_ID_KEY } from "./run-data";
export { TRUNCATION_MARKER } from "./content";
export { MAX_RECORD_LINE_BYTES, MAX_RECORD_ID_BYTES, MAX_RECORD_METADATA_BYTES, recordLine } from "./record-line";
export { DEFAULT_PRICE_TABLE, estimateCostUsd } from "./pricing";
export type { ModelPrice, PriceTable } from "./pricing";
export { safeStringify } from "./serialize";
export { AuditDeliveryError } from "./sinks/audit-sink";
export type { AuditSink, SinkStats } from "./sinks/audit-sink";
export { StdoutSink } from "./sinks/stdout-sink";
export type { StdoutSinkOptions } from "./sinks/stdout-sink";
export { CloudWatchLogsSink } from "./sinks/cloudwatch-logs-sink";
export { ArchivingSink, archivedRecord, loggedRecord } from "./sinks/archive-sink";
export type { ArchivingSinkOptions } from "./sinks/archive-sink";
export type { ChainOptions, CheckpointStore } from "./sinks/chaining-sink";
export type { CloudWatchLogsSinkOptions } from "./sinks/cloudwatch-logs-sink";
export { createTenantChatModel } from "./tenant-chat-model";
export type { TenantChatModel, TenantChatModelOptions } from "./tenant-chat-model";
export { AuditedChatBedrockConverse, StreamClosedError } from "./audited-chat-model";
export { flushOnShutdown, shutdownLoggers, DEFAULT_SHUTDOWN_GRACE_MS, RECORDS_LOST_EXIT_CODE } from "./shutdown";
export type { FlushOnShutdownOptions } from "./shutdown";
export { createHandler, InvocationErrorCode } from "./lambda/handler";
export type { HandlerOptions, InvocationResponse, InvocationSuccess, InvocationFailure, InvocationUsage, LambdaContextLike, RuntimeHandler } from "./lambda/handler";
export { ClientDisconnectedError, STREAM_CONTENT_TYPE } from "./lambda/streaming";
export type { ResponseStreamLike, StreamLine } from "./lambda/streaming";
export { loadRuntimeConfig } from "./lambda/config";
export type { RuntimeConfig } from "./lambda/config";
export { EventErrorCode, EventLimits } from "./lambda/event";
export type { InvocationEvent, ChatMessage } from "./lambda/event";
// The contract the runtime shares with the components: audit schema, modes, runtime environment.
export {
    AUDIT_MODES,
    AUDIT_SCHEMA_TYPE,
    AUDIT_SCHEMA_VERSION,
    ArgumentError,
    AuditOutcome,
    AuditPath,
    CONTENT_MODES,
    DEFAULT_AUDIT_MODE,
    DEFAULT_CONTENT_MODE,
    RuntimeEnv,
    decodeRuntimeEnvironment,
    encodeRuntimeEnvironment,
} from "../contract";
export type { AuditMode, AuditRecord, ContentMode, RuntimeEnvironment } from "../contract";
