/**
 * The two switches the deploy side sets and the run side obeys: how much
 * content an audit record carries, and what a failed audit write does to the
 * model call.
 */
import { oneOfProblem, type Problem } from "./validation";

/** How much of the prompt and completion a record carries: lengths only, a SHA-256 digest, or the text. */
export type ContentMode = "none" | "hash" | "full";
/** Every content mode, in order of how much they reveal. */
export const CONTENT_MODES: readonly ContentMode[] = Object.freeze(["none", "hash", "full"]);
/** Prompts and completions are not recorded unless the customer opts in. */
export const DEFAULT_CONTENT_MODE: ContentMode = "none";

/** `best-effort`: a failed write is counted and reported, the call goes on. `fail-closed`: the call fails instead. */
export type AuditMode = "best-effort" | "fail-closed";
export const AUDIT_MODES: readonly AuditMode[] = Object.freeze(["best-effort", "fail-closed"]);
/** Model calls are never broken by the audit path unless the customer asks for it. */
export const DEFAULT_AUDIT_MODE: AuditMode = "best-effort";

/** Days the audit log keeps records unless the component is told otherwise; the proof holds an older component's log group to it. */
export const DEFAULT_AUDIT_LOG_RETENTION_DAYS = 365;

export function contentModeProblem(argName: string, value: unknown): Problem {
    return oneOfProblem(argName, value, CONTENT_MODES);
}

export function auditModeProblem(argName: string, value: unknown): Problem {
    return oneOfProblem(argName, value, AUDIT_MODES);
}
