/** The audit trail checker: `verifyAuditTrail` and its parts. Pure TypeScript on contract/ only. */
export { verifyAuditTrail } from "./verify";
export { checkAuditInput, BreakKind } from "./check";
export type { AuditCheck, ChainBreak, CheckOptions, WriterReport } from "./check";
export { readAuditInput, emptyInput, UnreadableAuditInputError } from "./inputs";
export type { AuditInput, ChainEntry, CheckpointEntry, RecordContent } from "./inputs";
export { allBreaks, breakLine, jsonAuditReport, textReport } from "./report";
