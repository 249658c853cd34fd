/** Which AWS failures are worth another try, and how long to wait before it. */

/** Error names AWS services use for throttling and transient faults. */
export const RETRYABLE_ERROR_NAMES: readonly string[] = [
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "ServiceUnavailableException",
    "ServiceUnavailable",
    "InternalFailure",
    "RequestTimeout",
    "RequestTimeoutException",
    "TimeoutError",
];

/** Socket-level failures: the request may never have arrived. */
const NETWORK_ERROR_CODES: readonly string[] = ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ECONNABORTED"];

/** True for throttling, 5xx, 408 and network errors; false for anything the caller must fix. */
export function isRetryableAwsError(err: unknown): boolean {
    const e = (err ?? {}) as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string };
    const status = e.$metadata?.httpStatusCode;
    if (status !== undefined && (status >= 500 || status === 429 || status === 408)) {
        return true;
    }
    if (e.name && RETRYABLE_ERROR_NAMES.includes(e.name)) {
        return true;
    }
    return (e.code !== undefined && NETWORK_ERROR_CODES.includes(e.code)) || (status === undefined && e.$fault === "server");
}

/** Exponential backoff with full jitter: a random delay in [0, min(max, base * 2^(attempt-1))]. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
    return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1)));
}
