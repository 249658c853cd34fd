/** The logger's hash chain: links, checkpoints, close, and what a lost record leaves. */
import { strict as assert } from "assert";
import type { ChainCheckpoint, StoredRecord } from "../../contract";
import { ChainWriter } from "../../runtime/chain/chain-writer";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { ChainingSink, type CheckpointStore } from "../../runtime/sinks/chaining-sink";
import { allBreaks, verifyAuditTrail } from "../../verifier/audit";
import { callRecord, jsonLines } from "../support/audit-trail";
import { MemorySink } from "../support/memory-sink";

class MemoryCheckpoints implements CheckpointStore {
    readonly written: ChainCheckpoint[] = [];
    private waiting: ((c: ChainCheckpoint) => void) | undefined;
    async writeCheckpoint(checkpoint: ChainCheckpoint): Promise<void> {
        this.written.push(checkpoint);
        this.waiting?.(checkpoint);
    }
    next(): Promise<ChainCheckpoint> {
        return new Promise((resolve) => (this.waiting = resolve));
    }
}

function chained(sink: MemorySink, store?: CheckpointStore, every = 3, everyMs = 60_000): ChainingSink {
    return new ChainingSink({ sink, tenantId: "customer-a", checkpoints: store, checkpointEveryRecords: every, checkpointEveryMs: everyMs, onWarning: () => undefined });
}

describe("the audit chain in the runtime", () => {
    it("links every record: the first names the writer, each holds its predecessor's hash", async () => {
        const sink = new MemorySink();
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", onWarning: () => undefined });
        for (let i = 0; i < 3; i++) await logger.logRejection({ ids: { userId: `u${i}` }, errorCode: "InvalidField", errorMessage: "bad" });
        await logger.flush();

        const stored = sink.stored();
        assert.deepEqual(stored.map((r) => r.chain?.seq), [0, 1, 2]);
        assert.equal(stored[0].chain?.prev, null);
        assert.ok(stored[0].chain?.genesis?.instance);
        assert.equal(stored[1].chain?.genesis, undefined);
        assert.ok(stored.every((r) => r.chain?.writer === logger.chainWriter));
        assert.deepEqual(allBreaks(verifyAuditTrail([jsonLines(stored)])), []);
    });

    it("checkpoints the head every N records and on close, after a close record", async () => {
        const sink = new MemorySink();
        const store = new MemoryCheckpoints();
        const chain = chained(sink, store, 3);
        for (let i = 0; i < 7; i++) await chain.write(callRecord(i));
        await chain.close();

        assert.deepEqual(store.written.map((c) => [c.seq, c.final]), [[2, false], [5, false], [7, true]]);
        const stored = sink.stored();
        assert.deepEqual([stored.at(-1)?.schemaType, (stored.at(-1) as { event?: string }).event, (stored.at(-1) as { records?: number }).records], ["BedrockTenancyAuditChain", "close", 7]);
        const check = verifyAuditTrail([jsonLines([...stored, ...store.written])]);
        assert.deepEqual(allBreaks(check), []);
        assert.equal(check.writers[0].closed, true);
    });

    it("checkpoints an idle tail once it is checkpointEveryMs old", async () => {
        const store = new MemoryCheckpoints();
        const chain = chained(new MemorySink(), store, 100, 5);
        const next = store.next();
        await chain.write(callRecord(0));
        await chain.write(callRecord(1));
        assert.deepEqual([(await next).seq, (await next).final], [1, false]);
    });

    it("leaves a gap the checker names where the sink lost a record", async () => {
        const sink = new MemorySink();
        const chain = chained(sink);
        await chain.write(callRecord(0));
        sink.failWith = "log group unavailable";
        await assert.rejects(chain.write(callRecord(1)));
        sink.failWith = undefined;
        await chain.write(callRecord(2));
        assert.deepEqual(allBreaks(verifyAuditTrail([jsonLines(sink.stored())])).map((b) => `${b.kind}@${b.seq}`), ["gap@1"]);
    });

    it("counts a close record the sink lost as a lost record", async () => {
        const sink = new MemorySink();
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", onWarning: () => undefined });
        await logger.logRejection({ ids: {}, errorCode: "InvalidField", errorMessage: "bad" });
        await logger.flush();
        sink.failWith = "log group unavailable";
        await logger.close();
        assert.deepEqual([logger.stats().lost, sink.records().length], [1, 1]);
    });

    it("starts a new chain for records written after a close", async () => {
        const sink = new MemorySink();
        const chain = chained(sink);
        await chain.write(callRecord(0));
        const first = chain.writer;
        await chain.close();
        await chain.write(callRecord(1));
        assert.notEqual(chain.writer, first);
        const check = verifyAuditTrail([jsonLines(sink.stored())]);
        assert.deepEqual(allBreaks(check), []);
        assert.deepEqual(check.writers.map((w) => [w.writer === first, w.records, w.closed]).sort(), [[false, 1, false], [true, 2, true]]);
    });

    it("never stamps a record earlier than the one before, even when the clock steps back", () => {
        const times = [5000, 4000, 6000];
        const writer = new ChainWriter({ tenantId: "customer-a", now: () => times.shift()! });
        const stamps = [0, 1, 2].map((i) => Date.parse(writer.link(callRecord(i)).record.chain!.at));
        assert.deepEqual(stamps, [5000, 5000, 6000]);
    });

    it("hashes what the line stores: a record with values JSON changes still verifies", async () => {
        const sink = new MemorySink();
        const chain = chained(sink);
        const odd: StoredRecord = { ...callRecord(0), metadata: { big: BigInt(7), err: new Error("x"), gone: undefined } };
        await chain.write(odd);
        await chain.write(callRecord(1));
        await chain.write(callRecord(2));
        assert.deepEqual(allBreaks(verifyAuditTrail([jsonLines(sink.lines)])), []);
    });
});
