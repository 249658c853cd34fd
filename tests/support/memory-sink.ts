import { AUDIT_SCHEMA_TYPE, type AuditRecord, type StoredRecord } from "../../contract";
import { recordLine } from "../../runtime/record-line";
import { AuditDeliveryError, SinkCounters, type AuditSink, type SinkStats } from "../../runtime/sinks/audit-sink";

/** A sink that keeps serialized lines in memory and can be told to fail. */
export class MemorySink implements AuditSink {
    readonly lines: string[] = [];
    /** When set, every write fails with this message. */
    failWith: string | undefined;
    private readonly counters = new SinkCounters();

    async write(record: StoredRecord): Promise<void> {
        if (this.failWith !== undefined) {
            this.counters.lost++;
            throw new AuditDeliveryError(this.failWith);
        }
        this.lines.push(recordLine(record as AuditRecord));
        this.counters.delivered++;
    }

    async flush(): Promise<void> {}

    stats(): SinkStats {
        return this.counters.snapshot();
    }

    /** The calls' records, without the chain's own genesis and close records. */
    records(): AuditRecord[] {
        return this.stored().filter((r): r is AuditRecord => r.schemaType === AUDIT_SCHEMA_TYPE);
    }

    /** Every line, the chain's own records included. */
    stored(): StoredRecord[] {
        return this.lines.map((l) => JSON.parse(l));
    }
}
