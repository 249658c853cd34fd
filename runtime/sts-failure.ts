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
/** A streamed run: the logger that records it, and its id, which is unique for that logger only. */
export interface StreamRun {
    owner: object;
    runId: string;
}

/**
 * Runs still waiting for the ops session, by logger and run id: a stream
 * reaches the client with a signal of LangChain's, linked to the caller's,
 * so its record (written the moment the caller's signal aborts) can only
 * find it by run. Two loggers may run one id at once.
 */
const runsAwaitingSession = new WeakMap<object, Map<string, number>>();

function countRun(run: StreamRun, by: number): void {
    let runs = runsAwaitingSession.get(run.owner);
    if (runs === undefined) runsAwaitingSession.set(run.owner, (runs = new Map<string, number>()));
    count(runs, run.runId, by);
}

/**
 * Sends a call once the ops session is there (`session`, the client's
 * memoized credentials: at once when it is cached), noting its signal (and
 * its run, when known) meanwhile. The SDK honours a signal only once a
 * request is on the wire, so a call stopped by its deadline, an abort or a
 * client that went away while AssumeRole was still pending would otherwise
 * wait out every STS attempt, and be recorded as a Bedrock call that Bedrock
 * never saw. An abort ends the wait at once; AssumeRole goes on for the
 * calls that share the session.
 */
export async function afterOpsSession<T>(session: () => Promise<unknown>, signal: AbortSignal, send: () => Promise<T>, run?: StreamRun): Promise<T> {
    // Aborted before it asked: the call stopped before the session step, not in it.
    const abortedBefore = signal.aborted;
    count(awaitingSession, signal, 1);
    if (run !== undefined) countRun(run, 1);
    try {
        await untilAborted(session(), signal);
    } finally {
        if (signal.aborted && !abortedBefore) abortedAwaitingSession.add(signal);
        count(awaitingSession, signal, -1);
        if (run !== undefined) countRun(run, -1);
    }
    return send();
}

function count<K>(counts: { get(key: K): number | undefined; set(key: K, n: number): unknown; delete(key: K): unknown }, key: K, by: number): void {
    const n = (counts.get(key) ?? 0) + by;
    if (n > 0) counts.set(key, n);
    else counts.delete(key);
}

/** `pending`, or an `AbortError` as the SDK words one once `signal` aborts, whichever comes first. */
function untilAborted(pending: Promise<unknown>, signal: AbortSignal): Promise<unknown> {
    if (signal.aborted) return Promise.reject(sdkAbortError());
    return new Promise((resolve, reject) => {
        const onAbort = () => reject(sdkAbortError());
        signal.addEventListener("abort", onAbort, { once: true });
        pending.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
}

function sdkAbortError(): Error {
    const err = new Error("Request aborted");
    err.name = "AbortError";
    return err;
}

/**
 * Whether `signal` has aborted while a call given it (or the run `run`)
 * waited for the ops session, or waits still.
 */
export function abortedBeforeSession(signal: AbortSignal | undefined, run?: StreamRun): boolean {
    if (signal === undefined || !signal.aborted) return false;
    return awaitingSession.has(signal) || abortedAwaitingSession.has(signal) || (run !== undefined && runsAwaitingSession.get(run.owner)?.has(run.runId) === true);
}
