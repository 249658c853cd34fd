/**
 * IAM size quotas, counted as IAM counts them: the policy JSON without
 * whitespace (JSON.stringify without indentation adds none).
 */

/** Default trust-policy length quota (adjustable in Service Quotas). */
export const DEFAULT_TRUST_POLICY_SIZE_QUOTA = 2048;
/** Highest trust-policy length quota AWS grants. */
export const MAX_TRUST_POLICY_SIZE_QUOTA = 4096;
/** Total size of a role's inline policies; fixed. */
export const INLINE_POLICY_SIZE_QUOTA = 10240;
/** Size of one customer-managed policy (a permissions boundary included); fixed. */
export const MANAGED_POLICY_SIZE_QUOTA = 6144;

/** Length of a policy document as IAM counts it against its quotas. */
export function policySize(document: object): number {
    return JSON.stringify(document).length;
}

/**
 * Returns an error message naming `what` when `document` exceeds `quota`
 * characters, or undefined when it fits.
 */
export function policySizeError(what: string, document: object, quota: number): string | undefined {
    const size = policySize(document);
    return size > quota ? `${what} would be ${size} characters, over IAM's quota of ${quota}` : undefined;
}
