/** The audit trail checker: `verifyAuditTrail` and its parts. Pure TypeScript on contract/ only. */
export { readAuditInputs, verifyAuditTrail } from "./verify";
export { checkAuditInput, BreakKind } from "./check";
export type { AuditCheck, ChainBreak, CheckOptions, WriterReport } from "./check";
export type { VerifyOptions } from "./verify";
export { readAuditInput, emptyInput, UnreadableAuditInputError } from "./inputs";
export type { AuditInput, ChainEntry, CheckpointEntry, RecordContent } from "./inputs";
export { allBreaks, breakLine, jsonAuditReport, textReport } from "./report";
