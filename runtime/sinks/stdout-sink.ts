import { integerAtLeast, methodsProblem, optionKeysProblem, raise, recordProblem, type AuditRecord, type StoredRecord } from "../../contract";
import { MAX_RECORD_LINE_BYTES, recordLine } from "../record-line";
import { AuditDeliveryError, SinkCounters, type SerializedRecordSink, type SinkStats } from "./audit-sink";

/** The part of a writable stream the sink uses. */
export interface LineWriter {
    write(chunk: string, callback: (err?: Error | null) => void): boolean;
}

export interface StdoutSinkOptions {
    /** Where lines go. @default process.stdout */
    stream?: LineWriter;
    /** Tries per line before the record counts as lost. @default 2 */
    maxAttempts?: number;
}

/** @see StdoutSinkOptions.maxAttempts */
export const DEFAULT_STDOUT_MAX_ATTEMPTS = 2;

/**
 * Writes each record as one raw JSON line on stdout. In Lambda the function's
 * `loggingConfig` delivers stdout into the customer's log group; a raw line
 * (not `console.log`) keeps the record intact under the JSON log format, and
 * no AWS API is called on the request path.
 */
export class StdoutSink implements SerializedRecordSink {
    private readonly stream: LineWriter;
    private readonly maxAttempts: number;
    private readonly counters = new SinkCounters();

    constructor(options: StdoutSinkOptions = {}) {
        // A stream without write() would otherwise only fail on the first record, where it reads as a lost record.
        raise(recordProblem("StdoutSink options", options), optionKeysProblem("StdoutSink options", options, ["stream", "maxAttempts"]));
        raise(options?.stream === undefined ? undefined : methodsProblem("stream", options.stream, ["write"], "a writable stream"));
        this.stream = options.stream ?? process.stdout;
        this.maxAttempts = integerAtLeast("maxAttempts", options.maxAttempts ?? DEFAULT_STDOUT_MAX_ATTEMPTS, 1);
    }

    write(record: StoredRecord): Promise<void> {
        return this.deliver(record, undefined);
    }

    writeSerialized(record: StoredRecord, json: string): Promise<void> {
        return this.deliver(record, json);
    }

    private async deliver(record: StoredRecord, json: string | undefined): Promise<void> {
        let line: string;
        try {
            line = recordLine(record as AuditRecord, MAX_RECORD_LINE_BYTES, json) + "\n";
        } catch (err) {
            // A record that cannot be made into a line is lost here, as one the stream refused is.
            this.counters.lost++;
            throw err;
        }
        this.counters.pending++;
        let lastError: unknown;
        try {
            for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
                try {
                    await this.writeLine(line);
                    this.counters.delivered++;
                    return;
                } catch (err) {
                    lastError = err;
                }
            }
            this.counters.lost++;
            throw new AuditDeliveryError(`audit record not written to stdout after ${this.maxAttempts} attempts`, { cause: lastError });
        } finally {
            this.counters.pending--;
        }
    }

    /** Lines are handed to the stream as they come; nothing is buffered here. */
    async flush(): Promise<void> {}

    stats(): SinkStats {
        return this.counters.snapshot();
    }

    private writeLine(line: string): Promise<void> {
        return new Promise((resolve, reject) => {
            try {
                this.stream.write(line, (err) => (err ? reject(err) : resolve()));
            } catch (err) {
                reject(err instanceof Error ? err : new Error(String(err)));
            }
        });
    }
}
