/**
 * `bedrock-tenancy/verifier`: the isolation proof over Pulumi stack exports
 * (`verifyFiles` / `verifyStates`), its reports and finding codes, and the
 * audit trail checker (`verifyAuditTrail`). Pure TypeScript on contract/
 * only. Exported by name so that every change to the surface shows in review
 * (tests/package/export-lists.test.ts).
 */
export { verifyFiles, verifyStates } from "./verify";
export type { VerificationResult, VerifyOptions } from "./verify";
export { readStackState, UnreadableInputError } from "./pulumi-formats";
export { jsonReport, markdownReport, violationLines } from "./report";
export { FINDING_CODES } from "./findings";
export type { Violation } from "./findings";
export { verifyAuditTrail } from "./audit/verify";
export type { AuditCheck } from "./audit/check";
export { UnreadableAuditInputError } from "./audit/inputs";
export { allBreaks } from "./audit/report";
