/**
 * Where the logger's records go once built: into the writer's hash chain and
 * the sink behind it, with the audit mode's promise. Fail-closed: the caller
 * waits until the record is durable, and a record that cannot be written
 * fails the call. Best-effort: the record is handed over and the call goes
 * on; a lost record is counted and reported, and `flush` waits for it.
 */
import { methodsProblem, showBrief, type AuditMode, type AuditRecord, type Problem } from "../contract";
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
}

export class RecordDelivery {
    readonly records = { handed: 0, lost: 0 };
    private readonly sink: ChainingSink;
    private readonly auditMode: AuditMode;
    private readonly warn: (message: string) => void;
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
            const settled = this.groups[this.groups.length - 1].add();
            Promise.resolve(write).then(() => settled(), () => settled());
            return this.durable(write);
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

    /** Flushes the sink and waits for every write handed over before the call. Never rejects. */
    async flush(): Promise<void> {
        // Together, not in turn: a buffering sink settles its writes only when it sends them,
        // so waiting for the writes first would wait for the sink's own timer.
        const earlier = this.groups;
        this.groups = [...earlier.filter((group) => group.unsettled > 0), this.newGroup()];
        await Promise.all([
            ...earlier.map((group) => group.idle()),
            this.sink.flush().catch((err) => this.warn(`audit sink flush failed: ${describeError(err).errorCode}`)),
        ]);
    }

    /** Ends the writer's chain (close record, final checkpoint); a lost close record counts as lost. Never rejects. */
    async close(): Promise<void> {
        // A flush first: a buffering sink settles the writes on their way only when it sends them.
        await this.flush();
        try {
            this.records.lost += await this.sink.close();
        } catch (err) {
            // A sink that throws on the close record loses it; close still never rejects.
            this.noteLost(err);
        }
    }

    private async durable(write: Promise<void>): Promise<void> {
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
            this.noteLost(err);
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

function refused(err: unknown): AuditWriteError {
    return new AuditWriteError("the audit record could not be written; the call is refused (audit mode fail-closed)", { cause: err });
}

/** Best-effort writes handed over together, and who waits for all of them to settle. */
class WriteGroup {
    unsettled = 0;
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
        if (err !== undefined && err !== null) this.lost(err);
    }

    /** Resolves once every write of the group has settled. */
    idle(): Promise<void> {
        return this.unsettled === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
    }
}
