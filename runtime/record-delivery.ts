/**
 * Where the logger's records go once built: into the writer's hash chain and
 * the sink behind it, with the audit mode's promise. Fail-closed: the caller
 * waits until the record is durable, and a record that cannot be written
 * fails the call. Best-effort: the record is handed over and the call goes
 * on; a lost record is counted and reported, and `flush` waits for it.
 */
import { integerProblem, methodsProblem, showBrief, type AuditMode, type AuditRecord, type Problem } from "../contract";
import { describeError } from "./audit-record";
import { AuditDeliveryError, refusalError, type AuditSink } from "./sinks/audit-sink";
import { ChainingSink, type ChainOptions } from "./sinks/chaining-sink";

/** The audit record could not be written and the audit mode is `fail-closed`. */
export class AuditWriteError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "AuditWriteError";
    }
}

/** What the logger and the archive call on a sink: they write, flush and read its counters. */
const AUDIT_SINK_METHODS = ["write", "flush", "stats"];

/** `value` must be an {@link AuditSink}: one without these methods would fail only on the first record, where it reads as a lost record. */
export function auditSinkProblem(argName: string, value: unknown): Problem {
    if (methodsProblem(argName, value, AUDIT_SINK_METHODS, "an AuditSink") === undefined) return undefined;
    const missing = (typeof value === "object" || typeof value === "function") && value !== null ? AUDIT_SINK_METHODS.filter((m) => typeof (value as Record<string, unknown>)[m] !== "function") : AUDIT_SINK_METHODS;
    return `${argName} must implement AuditSink (${AUDIT_SINK_METHODS.map((m) => `${m}()`).join(", ")}), got ${showBrief(value)}, which has no ${missing.map((m) => `${m}()`).join(", ")}`;
}

export interface RecordDeliveryOptions {
    sink: AuditSink;
    tenantId: string;
    auditMode: AuditMode;
    chain?: ChainOptions;
    warn: (message: string) => void;
    /** Longest wait of a flush or a close, ms. @default DEFAULT_FLUSH_TIMEOUT_MS */
    flushTimeoutMs?: number;
}

/**
 * How long a flush (and a close) waits for the writes on their way before
 * counting those still unsettled as lost: longer than the CloudWatch Logs
 * sink takes to give up on a batch (5 attempts of up to 13 s, with backoff)
 * after the archive has given up on its object (3 attempts), so a sink that
 * settles, however slowly, is waited for; one that never settles (a sink of
 * the caller's) cannot hold a shutdown or a handler forever.
 */
export const DEFAULT_FLUSH_TIMEOUT_MS = 120_000;
/** The longest delay a Node.js timer keeps: a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Why `value` is no wait in whole ms from `min` up to a Node.js timer's limit: a longer one would fire at once. */
export function timerMsProblem(name: string, value: unknown, min = 1): Problem {
    return integerProblem(name, value, min, MAX_TIMER_MS);
}

export class RecordDelivery {
    readonly records = { handed: 0, lost: 0 };
    private readonly sink: ChainingSink;
    private readonly auditMode: AuditMode;
    private readonly warn: (message: string) => void;
    private readonly flushTimeoutMs: number;
    /**
     * Best-effort writes by group, oldest first: the last takes the writes
     * handed over since the last flush began; the earlier ones are still
     * settling. `flush` waits for those on their way when it is called, not
     * for writes that come after.
     */
    private groups: WriteGroup[] = [this.newGroup()];

    constructor(options: RecordDeliveryOptions) {
        this.auditMode = options.auditMode;
        this.warn = options.warn;
        this.flushTimeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
        this.sink = new ChainingSink({ ...options.chain, sink: options.sink, tenantId: options.tenantId, onWarning: options.warn });
    }

    /** Chains begun anew because the clock stepped back (see ChainingSink). */
    get clockSteps(): number {
        return this.sink.clockSteps;
    }

    /** The id of the writer whose chain the records join. */
    get writer(): string {
        return this.sink.writer;
    }

    /**
     * The one place every record (started, completion, rejection) reaches the
     * sink, in the order written. Best-effort: returns at once (undefined), so
     * a call's path pays no promise hop for it. Fail-closed: resolves once the
     * record is durable, rejects with {@link AuditWriteError} when it is lost.
     */
    deliver(record: AuditRecord): Promise<void> | undefined {
        this.records.handed++;
        if (this.auditMode === "fail-closed") {
            let write: Promise<void>;
            try {
                write = this.sink.write(record);
            } catch (err) {
                // A sink (or the chain before it) that throws instead of rejecting loses the record all the same.
                return this.lost(err);
            }
            // The caller waits for it, unless the call was aborted meanwhile: flush and close wait for it too, as for every write.
            const group = this.groups[this.groups.length - 1];
            const settled = group.add();
            Promise.resolve(write).then(() => settled(), () => settled());
            return this.durable(write, group);
        }
        // No promise per record: one counter and one callback, since this runs on every call.
        const settled = this.groups[this.groups.length - 1].add();
        try {
            this.sink.enqueue(record, settled);
        } catch (err) {
            // Settled once, whether or not the sink called back before it threw.
            settled(refusalError(err));
        }
        return undefined;
    }

    /**
     * A record lost before it reached the sink (it could not be built or
     * written): counted and reported; fail-closed, the rejection that refuses
     * the call. Never throws.
     */
    lost(err: unknown): Promise<void> | undefined {
        this.noteLost(err);
        return this.auditMode === "fail-closed" ? Promise.reject(refused(err)) : undefined;
    }

    /**
     * Flushes the sink and waits for every write handed over before the call,
     * up to `timeoutMs`: the writes still unsettled then are counted as lost
     * and reported (a write that settles later changes no counter). Resolves
     * to whether the writes and the sink's flush settled in time. Never rejects.
     */
    async flush(timeoutMs = this.flushTimeoutMs): Promise<boolean> {
        // Together, not in turn: a buffering sink settles its writes only when it sends them,
        // so waiting for the writes first would wait for the sink's own timer.
        const earlier = this.groups;
        this.groups = [...earlier.filter((group) => group.unsettled > 0 && !group.abandoned), this.newGroup()];
        const settled = Promise.all([
            ...earlier.map((group) => group.idle()),
            this.sink.flush().catch((err) => this.warn(`audit sink flush failed: ${describeError(err).errorCode}`)),
        ]);
        if (await settledWithin(settled, timeoutMs)) return true;
        this.giveUp(earlier, timeoutMs);
        return false;
    }

    /**
     * Ends the writer's chain (close record, final checkpoint) and flushes,
     * all within `timeoutMs`; a close record lost, or still on its way then,
     * counts as lost. Never rejects.
     */
    async close(timeoutMs = this.flushTimeoutMs): Promise<boolean> {
        // The close record joins the writes the flush waits for: one deadline bounds them all.
        const settled = this.groups[this.groups.length - 1].add();
        try {
            const written = this.sink.closeChain();
            if (written === undefined) settled();
            else written.then(() => settled(), (err: unknown) => settled(refusalError(err)));
        } catch (err) {
            // A sink that throws on the close record loses it; close still never rejects.
            settled(refusalError(err));
        }
        return this.flush(timeoutMs);
    }

    /** A flush past its deadline: the writes it waited for and that are still unsettled are lost to it, counted and reported. */
    private giveUp(groups: readonly WriteGroup[], timeoutMs: number): void {
        const pending = groups.reduce((n, group) => n + group.abandon(), 0);
        if (pending === 0) {
            this.warn(`audit sink flush did not finish within ${timeoutMs} ms (flushTimeoutMs); no record was still on its way`);
            return;
        }
        this.records.lost += pending;
        this.warn(`audit flush did not finish within ${timeoutMs} ms (flushTimeoutMs): ${pending} audit records still on their way to the sink are counted as lost; ${this.records.lost} lost so far`);
    }

    private async durable(write: Promise<void>, group: WriteGroup): Promise<void> {
        // The caller waits for this record: send it now rather than when a buffering sink's timer fires.
        this.sink.flush().catch(() => undefined);
        // Fail closed: a sink that hands back no promise gives no word that the record is durable.
        if (typeof (write as Partial<Promise<void>> | undefined)?.then !== "function") {
            const err = new AuditDeliveryError(`the audit sink's write() returned ${showBrief(write)}, not a promise`);
            this.noteLost(err);
            throw refused(err);
        }
        try {
            await write;
        } catch (err) {
            // A flush that gave up on this write has counted it already.
            if (!group.abandoned) this.noteLost(err);
            throw refused(err);
        }
    }

    private newGroup(): WriteGroup {
        return new WriteGroup((err) => this.noteLost(err));
    }

    /** Counts and reports a record lost on its way (also one that could not be built). */
    noteLost(err: unknown): void {
        this.records.lost++;
        this.warn(`audit record lost (${describeError(err).errorCode}); ${this.records.lost} lost so far`);
    }
}

/**
 * Whether `work` settled within `ms` (its rejection passes through). The
 * timer keeps the process alive, so a flush or a shutdown parked on a sink
 * that never settles still ends and reports, rather than Node exiting 0.
 */
export function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
    });
    return Promise.race([work.then(() => true), late]).finally(() => clearTimeout(timer));
}

function refused(err: unknown): AuditWriteError {
    return new AuditWriteError("the audit record could not be written; the call is refused (audit mode fail-closed)", { cause: err });
}

/** Best-effort writes handed over together, and who waits for all of them to settle. */
class WriteGroup {
    unsettled = 0;
    /** A flush gave up waiting: its unsettled writes were counted as lost then, and nothing that settles later is counted again. */
    abandoned = false;
    private waiters: (() => void)[] = [];

    constructor(private readonly lost: (err: unknown) => void) {}

    /**
     * One more write, and its callback for the sink. A sink of the caller's
     * may call it twice (or throw after calling it): only the first call
     * counts, so no write is counted twice and no flush stops waiting early.
     */
    add(): (err?: Error) => void {
        this.unsettled++;
        let done = false;
        return (err?: Error): void => {
            if (done) return;
            done = true;
            this.settled(err);
        };
    }

    private settled(err: Error | undefined): void {
        // Counted before the loss is reported: a warning handler that throws must not leave a flush waiting.
        this.unsettled--;
        if (this.unsettled === 0 && this.waiters.length > 0) for (const wake of this.waiters.splice(0)) wake();
        // `null` is a Node-style callback's "no error".
        if (err !== undefined && err !== null && !this.abandoned) this.lost(err);
    }

    /** Resolves once every write of the group has settled, or the group is abandoned. */
    idle(): Promise<void> {
        return this.unsettled === 0 || this.abandoned ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
    }

    /** Stops waiting for the group's writes; returns how many were still unsettled (none once abandoned). */
    abandon(): number {
        if (this.abandoned) return 0;
        this.abandoned = true;
        for (const wake of this.waiters.splice(0)) wake();
        return Math.max(this.unsettled, 0);
    }
}
