/**
 * Which AWS failures are worth another try, and how long to wait before it.
 * The classification is the SDK's own (`@smithy/core/retry`, what its standard
 * retry strategy uses), so the Logs sink retries exactly what the archive
 * sink's S3 client retries inside the SDK: one policy for every sink.
 */
import { isClockSkewCorrectedError, isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import type { SdkError } from "@smithy/types";

/**
 * True for what the SDK retries: throttling (its whole list of codes, 429,
 * `$retryable.throttling`), transient faults (timeouts, socket errors, 500,
 * 502, 503, 504, `$retryable`, a corrected clock skew) and other 5xx; false
 * for anything the caller must fix.
 */
export function isRetryableAwsError(err: unknown): boolean {
    if (typeof err !== "object" || err === null) return false;
    const e = err as SdkError;
    return isThrottlingError(e) || isTransientError(e) || isServerError(e) || isClockSkewCorrectedError(e) === true;
}

/** Exponential backoff with full jitter: a random delay in [0, min(max, base * 2^(attempt-1))]. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
    return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1)));
}
