import { ArgumentError, DEFAULT_REGION, regionProblem } from "../contract";

/**
 * The Region a component defaults to: the stack's `aws:region`, else
 * us-east-1. A bad configured value is named as that setting, not as the
 * `region` argument the caller never gave, so the error points at the line
 * of `Pulumi.<stack>.yaml` to fix.
 */
export function stackRegion(configured: string | undefined): string {
    if (configured === undefined) return DEFAULT_REGION;
    const problem = regionProblem("aws:region (the stack's configuration)", configured);
    if (problem !== undefined) throw new ArgumentError(problem);
    return configured;
}
