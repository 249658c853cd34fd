/**
 * Puts every record the logger writes into its writer's hash chain before
 * the sink behind sees it: each record with its `chain` link (the first one
 * naming the writer), checkpoints of the chain head to the archive every N records
 * or T seconds, and on close a close record and a final checkpoint. Records
 * are handed on in chain order, which is the order the sinks store them in.
 */
import {
    integerAtLeast,
    methodsProblem,
    raise,
    recordProblem,
    DEFAULT_CHECKPOINT_EVERY_MS,
    DEFAULT_CHECKPOINT_EVERY_RECORDS,
    type ChainCheckpoint,
    type StoredRecord,
} from "../../contract";
import { describeError } from "../audit-record";
import { ChainWriter, writerIdentity, type Linked } from "../chain/chain-writer";
import { refusalError, takesCallback, takesSerialized, type AuditSink, type SinkStats } from "./audit-sink";

/** Where checkpoints go: the Object Lock archive ({@link ArchivingSink} is one). */
export interface CheckpointStore {
    writeCheckpoint(checkpoint: ChainCheckpoint): Promise<void>;
}

export function isCheckpointStore(value: unknown): value is CheckpointStore {
    return typeof (value as Partial<CheckpointStore> | undefined)?.writeCheckpoint === "function";
}

export interface ChainOptions {
    /** Where checkpoints go. @default - the sink itself when it is one (an `ArchivingSink`), else none */
    checkpoints?: CheckpointStore;
    /** A checkpoint after this many records. @default DEFAULT_CHECKPOINT_EVERY_RECORDS (100) */
    checkpointEveryRecords?: number;
    /** A checkpoint of the head once it is this old, ms. @default DEFAULT_CHECKPOINT_EVERY_MS (60,000) */
    checkpointEveryMs?: number;
    /** Environment the writer's genesis record names (Lambda function and log stream, ECS task, host). @default process.env */
    env?: Readonly<Record<string, string | undefined>>;
}

export interface ChainingSinkOptions extends ChainOptions {
    sink: AuditSink;
    tenantId: string;
    onWarning: (message: string) => void;
    /** Milliseconds since the epoch. @default Date.now */
    now?: () => number;
}

/**
 * How far a writer's chain time may run ahead of the clock before a new
 * chain begins. Chain time never goes back, so after a clock stepped back
 * (a forward step corrected) every record would be stamped ahead of the
 * clock, and CloudWatch Logs refuses events more than 2 hours ahead; a new
 * writer's chain starts at the clock's time instead. Small corrections stay
 * in the chain, stamped at most this far ahead.
 */
export const MAX_CHAIN_LEAD_MS = 60_000;

export class ChainingSink implements AuditSink {
    private readonly sink: AuditSink;
    private readonly store: CheckpointStore | undefined;
    private readonly everyRecords: number;
    private readonly everyMs: number;
    private readonly options: ChainingSinkOptions;
    private chain: ChainWriter;
    private readonly now: () => number;
    /** Chains ended because the clock went back past {@link MAX_CHAIN_LEAD_MS}. */
    clockSteps = 0;
    private sinceCheckpoint = 0;
    private timer: NodeJS.Timeout | undefined;
    private readonly pending = new Set<Promise<void>>();

    constructor(options: ChainingSinkOptions) {
        // A store without writeCheckpoint() would fail only at the first checkpoint, inside a call the audit mode may fail.
        raise(
            options.checkpoints === undefined ? undefined : methodsProblem("chain.checkpoints", options.checkpoints, ["writeCheckpoint"], "a CheckpointStore"),
            options.env === undefined ? undefined : recordProblem("chain.env", options.env, "an object of environment variables"),
        );
        this.options = options;
        this.now = options.now ?? Date.now;
        this.sink = options.sink;
        this.store = options.checkpoints ?? (isCheckpointStore(options.sink) ? options.sink : undefined);
        this.everyRecords = integerAtLeast("checkpointEveryRecords", options.checkpointEveryRecords ?? DEFAULT_CHECKPOINT_EVERY_RECORDS, 1);
        this.everyMs = integerAtLeast("checkpointEveryMs", options.checkpointEveryMs ?? DEFAULT_CHECKPOINT_EVERY_MS, 1);
        this.chain = this.newWriter();
    }

    /** The current writer's id. */
    get writer(): string {
        return this.chain.writer;
    }

    /** Links and hands on `record`; resolves and rejects as the sink behind does for it. */
    write(record: StoredRecord): Promise<void> {
        const written = this.handOn(this.link(record));
        this.counted();
        return written;
    }

    /**
     * {@link write} without a promise when the sink behind takes a callback
     * (a `CallbackRecordSink`): `settled` is called once, as that sink
     * calls it. A record that cannot be linked throws, as `write` does.
     */
    enqueue(record: StoredRecord, settled: (err?: Error) => void): void {
        const linked = this.link(record);
        if (takesCallback(this.sink)) this.sink.enqueue(linked.record, linked.json, settled);
        else this.handOn(linked).then(() => settled(), (err: unknown) => settled(refusalError(err)));
        this.counted();
    }

    /** Delivers what the sink buffers and waits for the chain's own records and checkpoints. Never rejects. */
    async flush(): Promise<void> {
        await Promise.all([this.sink.flush(), ...this.pending]);
    }

    /**
     * A clean shutdown: the close record, then the final checkpoint, then a
     * flush. A writer that never wrote stays silent. Never rejects; resolves
     * to the number of records lost on the way (the close record, or none).
     */
    async close(): Promise<number> {
        let lost = 0;
        const written = this.closeChain();
        if (written) {
            this.track(written, "close record");
            this.track(written.catch(() => void lost++), "close record");
        }
        await this.flush();
        return lost;
    }

    /**
     * Ends the chain: hands on its close record and writes the final
     * checkpoint, without waiting for either. Returns the close record's
     * write, or undefined when the writer never wrote (or is closed already).
     */
    closeChain(): Promise<void> | undefined {
        this.clearTimer();
        if (this.chain.length === 0 || this.chain.closed) return undefined;
        const written = this.handOn(this.chain.close());
        this.checkpoint(true);
        return written;
    }

    stats(): SinkStats {
        return this.sink.stats();
    }

    private link(record: StoredRecord): Linked<StoredRecord> {
        const now = this.now();
        // A writer closed on shutdown does not lose what comes after: a new chain starts.
        if (this.chain.closed) this.chain = this.newWriter();
        else if (this.chain.lastStampMs - now > MAX_CHAIN_LEAD_MS) this.clockSteppedBack(now);
        return this.chain.link(record, now);
    }

    /**
     * The clock is behind the chain's time by more than {@link MAX_CHAIN_LEAD_MS}:
     * the writer's chain ends where it is (a checkpoint of its head, when
     * there is a store; no close record, which CloudWatch would refuse as too
     * far ahead), and a new writer's chain takes the records from now on.
     * Each chain keeps its stored order; `audit verify` reads the old one as
     * a writer that stopped, like a process that ended without a shutdown.
     */
    private clockSteppedBack(now: number): void {
        const old = this.chain;
        const behindMs = old.lastStampMs - now;
        this.clockSteps++;
        if (this.sinceCheckpoint > 0) this.checkpoint(false);
        this.chain = this.newWriter();
        this.options.onWarning(
            `audit chain: the clock is ${behindMs} ms behind the last record of writer ${old.writer} (it stepped back); ` +
                `that chain ends at seq ${old.length - 1} without a close record, and writer ${this.chain.writer} starts a new one, so CloudWatch Logs accepts its records`,
        );
    }

    /** One more record in the chain: a checkpoint when enough have passed, else one once the head is old enough. */
    private counted(): void {
        this.sinceCheckpoint++;
        if (this.sinceCheckpoint >= this.everyRecords) this.checkpoint(false);
        else this.armTimer();
    }

    /** The linked record to the sink, with its JSON when the sink writes lines and the chain wrote it. */
    private handOn(linked: Linked<StoredRecord>): Promise<void> {
        return linked.json !== undefined && takesSerialized(this.sink) ? this.sink.writeSerialized(linked.record, linked.json) : this.sink.write(linked.record);
    }

    private newWriter(): ChainWriter {
        this.sinceCheckpoint = 0;
        return new ChainWriter({ tenantId: this.options.tenantId, identity: writerIdentity(this.options.env ?? process.env, new Date(this.now())), now: this.now });
    }

    private checkpoint(final: boolean): void {
        this.clearTimer();
        this.sinceCheckpoint = 0;
        const checkpoint = this.store && this.chain.checkpoint(final);
        if (checkpoint) this.track(this.store.writeCheckpoint(checkpoint), `checkpoint of seq ${checkpoint.seq}`);
    }

    /** The idle tail of a chain is checkpointed too; the timer keeps no process alive and no call waits for it. */
    private armTimer(): void {
        if (this.timer || !this.store) return;
        this.timer = setTimeout(() => {
            this.timer = undefined;
            if (this.sinceCheckpoint > 0 && !this.chain.closed) this.checkpoint(false);
        }, this.everyMs);
        this.timer.unref();
    }

    private clearTimer(): void {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
    }

    private track(write: Promise<void>, what: string): void {
        const tracked = write
            .catch((err: unknown) => this.options.onWarning(`audit chain: ${what} of writer ${this.chain.writer} not written (${describeError(err).errorCode})`))
            .finally(() => this.pending.delete(tracked));
        this.pending.add(tracked);
    }
}
