/**
 * Marks errors of the AssumeRole call that obtains the ops session, so a
 * record of the failed call says what failed (`operation: "AssumeRole"`) and
 * files STS's request id as `stsRequestId`, never as Bedrock's `requestId`.
 * The Bedrock client surfaces a credential failure as the error itself, with
 * nothing telling it apart from a Bedrock error of the same name.
 */

/** The `operation` of a record whose call failed at STS. */
export const ASSUME_ROLE_OPERATION = "AssumeRole";

const STS_FAILURE = Symbol.for("bedrock-tenancy.sts-failure");

/** Tags `err` as an AssumeRole failure (a non-object is wrapped) and returns it. */
export function markStsFailure(err: unknown): unknown {
    const target = typeof err === "object" && err !== null ? err : new Error(String(err));
    Object.defineProperty(target, STS_FAILURE, { value: true, enumerable: false });
    return target;
}

export function isStsFailure(err: unknown): boolean {
    return typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[STS_FAILURE] === true;
}

/** Calls still waiting for the ops session, by the abort signal each was given. */
const awaitingSession = new WeakMap<AbortSignal, number>();
/** Signals that aborted while a call given them still waited for the ops session. */
const abortedAwaitingSession = new WeakSet<AbortSignal>();

/**
 * Sends a call once the ops session is there (`session`, the client's
 * memoized credentials: at once when it is cached), noting its signal
 * meanwhile. The SDK honours a signal only once a request is on the wire, so
 * a call stopped by its deadline, an abort or a client that went away while
 * AssumeRole was still pending would otherwise be recorded as a Bedrock
 * call that Bedrock never saw.
 */
export async function afterOpsSession<T>(session: () => Promise<unknown>, signal: AbortSignal, send: () => Promise<T>): Promise<T> {
    // Aborted before it asked: the call stopped before the session step, not in it.
    const abortedBefore = signal.aborted;
    awaitingSession.set(signal, (awaitingSession.get(signal) ?? 0) + 1);
    try {
        await session();
    } finally {
        if (signal.aborted && !abortedBefore) abortedAwaitingSession.add(signal);
        const left = (awaitingSession.get(signal) ?? 1) - 1;
        if (left > 0) awaitingSession.set(signal, left);
        else awaitingSession.delete(signal);
    }
    return send();
}

/** Whether `signal` has aborted while a call given it waited for the ops session (or waits still). */
export function abortedBeforeSession(signal: AbortSignal | undefined): boolean {
    return signal !== undefined && signal.aborted && (awaitingSession.has(signal) || abortedAwaitingSession.has(signal));
}
