import type { StoredRecord } from "../../contract";

/** Delivery counters every sink keeps. */
export interface SinkStats {
    /** Records the destination accepted. */
    delivered: number;
    /** Records given up on: failed after retries, refused by a full buffer, or rejected by the destination. */
    lost: number;
    /** Of `lost`, records the destination itself refused (CloudWatch `rejectedLogEventsInfo`). */
    rejected: number;
    /** Records accepted by `write` and not yet delivered or lost. */
    pending: number;
}

/** Where audit records go. Implementations must keep records in the customer's account. */
export interface AuditSink {
    /**
     * Hands one record to the sink. Resolves once the record is delivered;
     * rejects with {@link AuditDeliveryError} once it is lost (the sink has
     * already counted it).
     */
    write(record: StoredRecord): Promise<void>;
    /** Delivers everything buffered; never rejects (losses are counted). */
    flush(): Promise<void>;
    stats(): SinkStats;
}

/**
 * A sink that writes each record as one JSON line and takes the record's
 * JSON from whoever already wrote it (the hash chain does, for the
 * runtime's own records) instead of serializing it again. Only the chain
 * hands it over, straight to the sink, so no code in between can change the
 * record after its JSON was written.
 */
export interface SerializedRecordSink extends AuditSink {
    /** {@link AuditSink.write}, with `json` being `JSON.stringify(record)`. */
    writeSerialized(record: StoredRecord, json: string): Promise<void>;
}

export function takesSerialized(sink: AuditSink): sink is SerializedRecordSink {
    return typeof (sink as Partial<SerializedRecordSink>).writeSerialized === "function";
}

/**
 * A sink that also takes a record with a function to call once it is
 * delivered or lost, instead of returning a promise. Best-effort delivery
 * hands over a record on every call and waits for none: a promise and its
 * resolving functions per record were most of what a buffered record held
 * while it waited for its batch, and what the collector copied meanwhile.
 */
export interface CallbackRecordSink extends AuditSink {
    /**
     * Takes one record, with `json` being `JSON.stringify(record)` when the
     * caller has it. Calls `settled` exactly once: without an argument once
     * the record is delivered, with the error once it is lost (the sink has
     * counted it). That may happen before `enqueue` returns.
     */
    enqueue(record: StoredRecord, json: string | undefined, settled: (err?: Error) => void): void;
}

export function takesCallback(sink: AuditSink): sink is CallbackRecordSink {
    return typeof (sink as Partial<CallbackRecordSink>).enqueue === "function";
}

/**
 * Calls a caller's callback (a record's `settled`, a warning handler) so
 * that a throw in it cannot disturb the sink's own work (a batch resent, the
 * records after it never settled): the throw surfaces on its own turn, as a
 * rejected promise nobody handles would; during a shutdown, once it is over
 * (see {@link holdCallbackThrows}).
 */
export function invokeCallback(callback: (err?: Error) => void, err?: Error): void {
    try {
        callback(err);
    } catch (thrown) {
        if (heldThrows !== undefined) heldThrows.push(thrown);
        else surface(thrown);
    }
}

/** Throws of callbacks kept while a shutdown delivers the records; undefined when none is under way. */
let heldThrows: unknown[] | undefined;
let holders = 0;

/**
 * Keeps the throws of callbacks called through {@link invokeCallback} until
 * the returned function is called (by every holder, when shutdowns overlap),
 * then surfaces each on its own turn. In a process with no `uncaughtException`
 * handler an uncaught throw ends the process at once: during a shutdown, a
 * warning handler that throws would end it before the records it warns about
 * were flushed.
 */
export function holdCallbackThrows(): () => void {
    holders++;
    heldThrows ??= [];
    let released = false;
    return () => {
        if (released) return;
        released = true;
        holders--;
        if (holders > 0) return;
        const throws = heldThrows ?? [];
        heldThrows = undefined;
        for (const thrown of throws) surface(thrown);
    };
}

function surface(thrown: unknown): void {
    queueMicrotask(() => {
        throw thrown;
    });
}

/** The user's warning handler, or `fallback`, called through {@link invokeCallback}: a throw in it stops no flush, batch or call. */
export function guardedWarning(handler: ((message: string) => void) | undefined, fallback: (message: string) => void = (message) => console.warn(message)): (message: string) => void {
    const warn = handler ?? fallback;
    return (message) => invokeCallback(() => warn(message));
}

/** What a record's `settled` is given when its sink refused it with something other than an `Error`. */
export function refusalError(err: unknown): Error {
    return err instanceof Error ? err : new AuditDeliveryError(`the audit sink refused the record: ${String(err)}`);
}

/** A record could not be delivered. `cause` holds the last underlying error. */
export class AuditDeliveryError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "AuditDeliveryError";
    }
}

/** Mutable counters behind {@link SinkStats}. */
export class SinkCounters {
    delivered = 0;
    lost = 0;
    rejected = 0;
    pending = 0;

    snapshot(): SinkStats {
        return { delivered: this.delivered, lost: this.lost, rejected: this.rejected, pending: this.pending };
    }
}
