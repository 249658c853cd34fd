/**
 * Where the logger's records go once built: into the writer's hash chain and
 * the sink behind it, with the audit mode's promise. Fail-closed: the caller
 * waits until the record is durable, and a record that cannot be written
 * fails the call. Best-effort: the record is handed over and the call goes
 * on; a lost record is counted and reported, and `flush` waits for it.
 */
import type { AuditMode, AuditRecord } from "../contract";
import { describeError } from "./audit-record";
import type { AuditSink } from "./sinks/audit-sink";
import { ChainingSink, type ChainOptions } from "./sinks/chaining-sink";

/** The audit record could not be written and the audit mode is `fail-closed`. */
export class AuditWriteError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "AuditWriteError";
    }
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
            return this.durable(this.sink.write(record));
        }
        // No promise per record: one counter and one shared callback, since this runs on every call.
        const group = this.groups[this.groups.length - 1];
        group.unsettled++;
        try {
            this.sink.enqueue(record, group.settled);
        } catch (err) {
            group.unsettled--;
            throw err;
        }
        return undefined;
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
        this.records.lost += await this.sink.close();
    }

    private async durable(write: Promise<void>): Promise<void> {
        // The caller waits for this record: send it now rather than when a buffering sink's timer fires.
        this.sink.flush().catch(() => undefined);
        try {
            await write;
        } catch (err) {
            this.noteLost(err);
            throw new AuditWriteError("the audit record could not be written; the call is refused (audit mode fail-closed)", { cause: err });
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

/** Best-effort writes handed over together, and who waits for all of them to settle. */
class WriteGroup {
    unsettled = 0;
    private waiters: (() => void)[] = [];

    constructor(private readonly lost: (err: unknown) => void) {}

    /** The sink's callback for each write of the group. */
    readonly settled = (err?: Error): void => {
        // Counted before the loss is reported: a warning handler that throws must not leave a flush waiting.
        this.unsettled--;
        if (this.unsettled === 0 && this.waiters.length > 0) for (const wake of this.waiters.splice(0)) wake();
        if (err !== undefined) this.lost(err);
    };

    /** Resolves once every write of the group has settled. */
    idle(): Promise<void> {
        return this.unsettled === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
    }
}
