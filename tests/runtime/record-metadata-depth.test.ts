/** Deep or odd caller metadata is cut, never the record; a record that truly has no JSON is lost, never a stand-in counted delivered. */
import { strict as assert } from "assert";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { MAX_RECORD_METADATA_DEPTH, TRUNCATION_MARKER, type AuditRecord, type ContentMode } from "../../contract";
import { AuditWriteError, PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { RecordDelivery } from "../../runtime/record-delivery";
import { allBreaks, verifyAuditTrail } from "../../verifier/audit";
import { callRecord, jsonLines } from "../support/audit-trail";
import { MemorySink } from "../support/memory-sink";

function nested(depth: number): Record<string, unknown> {
    const top: Record<string, unknown> = {};
    let at = top;
    for (let i = 0; i < depth; i++) at = at.a = {};
    return top;
}

/** Levels of `{ a: ... }` in `value` before the marker. */
function levels(value: unknown): number {
    let n = 0;
    while (typeof value === "object" && value !== null) {
        value = (value as { a?: unknown }).a;
        n++;
    }
    assert.equal(value, TRUNCATION_MARKER);
    return n;
}

const reply = { generations: [[{ text: "ok", message: new AIMessage("ok") } as never]] };

describe("caller metadata nested deeper than a record holds", () => {
    const modes: [ContentMode, string[]][] = [["full", []], ["none", ["deep"]]];
    for (const [mode, safe] of modes) {
        it(`is cut to ${MAX_RECORD_METADATA_DEPTH} levels in ${mode} mode${safe.length ? " under a safe key" : ""}; the record is written whole otherwise and the call answered`, async () => {
            const sink = new MemorySink();
            const warnings: string[] = [];
            const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", contentMode: mode, safeMetadataKeys: safe, auditMode: "fail-closed", onWarning: (w) => warnings.push(w) });
            await logger.runStarted("run-1", [new HumanMessage("hi")], { userId: "u-1", deep: nested(5000), note: "kept" });
            await logger.runEnded("run-1", reply);

            const completion = sink.records().find((r) => r.outcome === "success")!;
            assert.ok(completion, sink.lines.join("\n"));
            assert.equal(completion.userId, "u-1");
            assert.equal(completion.callId, "run-1");
            assert.equal(completion.metadataTruncated, true);
            assert.equal(levels(completion.metadata!.deep), MAX_RECORD_METADATA_DEPTH - 1);
            assert.equal(completion.metadata!.note, mode === "full" ? "kept" : "[redacted]");
            assert.deepEqual([logger.stats().lost, warnings], [0, []]);
            assert.deepEqual(allBreaks(verifyAuditTrail([jsonLines(sink.lines)])), []);
        });
    }

    it("is hashed as cut in hash mode, and the record says it was cut", async () => {
        const sink = new MemorySink();
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", contentMode: "hash", onWarning: () => undefined });
        void logger.runStarted("run-1", [new HumanMessage("hi")], { deep: nested(5000) });
        void logger.runEnded("run-1", reply);
        await logger.flush();
        const [record] = sink.records();
        assert.match(String(record.metadata!.deep), /^sha256:[0-9a-f]{64}$/);
        assert.equal(record.metadataTruncated, true);
    });

    it("keeps a value whose getter or toJSON throws as a marker, and the rest of the metadata as JSON writes it", async () => {
        const sink = new MemorySink();
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", contentMode: "full", auditMode: "fail-closed", onWarning: () => undefined });
        const odd = {
            get boom(): never {
                throw new RangeError("no");
            },
            fine: 1,
        };
        const cyclic: Record<string, unknown> = { n: 10n, err: new TypeError("bad"), at: new Date(0) };
        cyclic.self = cyclic;
        await logger.runStarted("run-1", [new HumanMessage("hi")], { odd, cyclic, bad: { toJSON: () => { throw new Error("x"); } } });
        await logger.runEnded("run-1", reply);
        const record = sink.records().find((r) => r.outcome === "success")!;
        assert.deepEqual(record.metadata, {
            odd: { boom: "[unreadable]", fine: 1 },
            cyclic: { n: "10", err: { name: "TypeError", message: "bad" }, at: "1970-01-01T00:00:00.000Z", self: "[Circular]" },
            bad: "[unreadable]",
        });
        assert.equal(record.metadataTruncated, true);
    });
});

describe("a record that has no JSON text", () => {
    /** A record built outside the logger, whose metadata throws when read: nothing can serialize it. */
    const unserializable = (): AuditRecord =>
        callRecord(1, {
            metadata: {
                get boom(): never {
                    throw new RangeError("unreadable");
                },
            },
        });

    it("is lost in fail-closed mode: the write rejects with AuditWriteError, it is counted and reported, and no stand-in line is written", async () => {
        const sink = new MemorySink();
        const warnings: string[] = [];
        const delivery = new RecordDelivery({ sink, tenantId: "customer-a", auditMode: "fail-closed", warn: (w) => warnings.push(w) });
        await assert.rejects(delivery.deliver(unserializable())!, AuditWriteError);
        assert.deepEqual(delivery.records, { handed: 1, lost: 1 });
        assert.equal(warnings.length, 1);
        assert.ok(!sink.lines.some((l) => l.includes("unserializable")), sink.lines.join("\n"));
        assert.equal(sink.stats().delivered, 0);
    });

    it("is lost in best-effort mode: counted and reported, nothing thrown", async () => {
        const sink = new MemorySink();
        const warnings: string[] = [];
        const delivery = new RecordDelivery({ sink, tenantId: "customer-a", auditMode: "best-effort", warn: (w) => warnings.push(w) });
        assert.equal(delivery.deliver(unserializable()), undefined);
        await delivery.flush();
        assert.deepEqual(delivery.records, { handed: 1, lost: 1 });
        assert.equal(warnings.length, 1);
        assert.equal(sink.stats().delivered, 0);
    });
});
