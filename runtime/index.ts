/**
 * Public surface of `bedrock-tenancy/runtime`: use it in any LangChain JS
 * application, or deploy the Lambda. Exported by name so that every change to
 * the surface shows in review (tests/package/export-lists.test.ts).
 */
export { PrivateInvocationLogger, AuditWriteError } from "./private-invocation-logger";
export type { PrivateInvocationLoggerOptions, LoggerStats } from "./private-invocation-logger";
export { AuditDeliveryError } from "./sinks/audit-sink";
export type { AuditSink, SinkStats } from "./sinks/audit-sink";
export { StdoutSink } from "./sinks/stdout-sink";
export type { StdoutSinkOptions } from "./sinks/stdout-sink";
export { CloudWatchLogsSink } from "./sinks/cloudwatch-logs-sink";
export type { ChainOptions, CheckpointStore } from "./sinks/chaining-sink";
export type { CloudWatchLogsSinkOptions } from "./sinks/cloudwatch-logs-sink";
export { ArchivingSink } from "./sinks/archive-sink";
export type { ArchivingSinkOptions } from "./sinks/archive-sink";
export { createTenantChatModel } from "./tenant-chat-model";
export type { TenantChatModel, TenantChatModelOptions } from "./tenant-chat-model";
export { AuditedChatBedrockConverse, StreamClosedError } from "./audited-chat-model";
export { flushOnShutdown, shutdownLoggers } from "./shutdown";
export type { FlushOnShutdownOptions } from "./shutdown";
export { DEFAULT_PRICE_TABLE } from "./pricing";
export { createHandler } from "./lambda/handler";
export type { HandlerOptions } from "./lambda/handler";
// What the runtime shares with the components: the audit record, the modes and the one error for bad arguments.
export { ArgumentError } from "../contract";
export type { AuditMode, AuditRecord, ContentMode } from "../contract";
