import type { AuditRecord } from "../../contract";
import { recordLine } from "../../runtime/record-line";
import { AuditDeliveryError, SinkCounters, type AuditSink, type SinkStats } from "../../runtime/sinks/audit-sink";

/** A sink that keeps serialized lines in memory and can be told to fail. */
export class MemorySink implements AuditSink {
    readonly lines: string[] = [];
    /** When set, every write fails with this message. */
    failWith: string | undefined;
    private readonly counters = new SinkCounters();

    async write(record: AuditRecord): Promise<void> {
        if (this.failWith !== undefined) {
            this.counters.lost++;
            throw new AuditDeliveryError(this.failWith);
        }
        this.lines.push(recordLine(record));
        this.counters.delivered++;
    }

    async flush(): Promise<void> {}

    stats(): SinkStats {
        return this.counters.snapshot();
    }

    records(): AuditRecord[] {
        return this.lines.map((l) => JSON.parse(l));
    }
}
