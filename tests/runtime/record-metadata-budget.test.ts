/** Caller metadata whose parts are shared is copied within a budget, never written out once per reference. */
import { strict as assert } from "assert";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { MAX_RECORD_METADATA_CHARS, MAX_RECORD_METADATA_VALUES, TRUNCATION_MARKER, type ContentMode } from "../../contract";
import { describeCallMetadata } from "../../runtime/content";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { jsonSnapshot } from "../../runtime/serialize";
import { allBreaks, verifyAuditTrail } from "../../verifier/audit";
import { jsonLines } from "../support/audit-trail";
import { MemorySink } from "../support/memory-sink";

/**
 * `depth` levels of objects, each holding the level below under `fan` keys: a
 * few dozen objects in memory, `fan ** depth` leaves as JSON. Every read of a
 * member is counted, so the test sees how much of the expansion was walked.
 */
function sharedLevels(fan: number, depth: number): { value: unknown; reads: () => number } {
    let reads = 0;
    let level: unknown = { leaf: 1 };
    for (let i = 0; i < depth; i++) {
        const below = level;
        const object = {};
        for (let k = 0; k < fan; k++) {
            Object.defineProperty(object, `k${k}`, {
                enumerable: true,
                get: () => {
                    reads++;
                    return below;
                },
            });
        }
        level = object;
    }
    return { value: level, reads: () => reads };
}

/** Strings, numbers, booleans, nulls, objects and lists in `value`, as JSON holds them. */
function valuesIn(value: unknown): number {
    if (typeof value !== "object" || value === null) return 1;
    return 1 + Object.values(value).reduce<number>((n, v) => n + valuesIn(v), 0);
}

const reply = { generations: [[{ text: "ok", message: new AIMessage("ok") } as never]] };

describe("caller metadata whose parts are shared", () => {
    // 4 ** 10 leaves: about 1.4 million values written out, 11 objects held.
    const FAN = 4;
    const DEPTH = 10;

    for (const mode of ["full", "hash"] as ContentMode[]) {
        it(`is copied up to ${MAX_RECORD_METADATA_VALUES} values and marked cut in ${mode} mode, whatever it expands to`, () => {
            const { value, reads } = sharedLevels(FAN, DEPTH);

            const described = describeCallMetadata({ dag: value, note: "after" }, mode, new Set());

            assert.equal(described.truncated, true);
            // One read per value copied, and the value that found the budget spent.
            assert.ok(reads() <= MAX_RECORD_METADATA_VALUES + 1, `${reads()} members read`);
            if (mode === "full") {
                assert.ok(valuesIn(described.metadata) <= MAX_RECORD_METADATA_VALUES + DEPTH + 2, `${valuesIn(described.metadata)} values kept`);
                // The key after the spent budget is kept as the marker, never dropped unannounced.
                assert.equal(described.metadata.note, TRUNCATION_MARKER);
            } else {
                assert.match(String(described.metadata.dag), /^sha256:[0-9a-f]{64}$/);
            }
        });
    }

    it("ends a record that is written, marked cut, and verifies", async () => {
        const sink = new MemorySink();
        const warnings: string[] = [];
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", contentMode: "full", auditMode: "fail-closed", onWarning: (w) => warnings.push(w) });
        const { value } = sharedLevels(FAN, DEPTH);

        await logger.runStarted("run-1", [new HumanMessage("hi")], { userId: "u-1", dag: value });
        await logger.runEnded("run-1", reply);

        const completion = sink.records().find((r) => r.outcome === "success")!;
        assert.ok(completion, sink.lines.join("\n"));
        assert.equal(completion.userId, "u-1");
        assert.equal(completion.metadataTruncated, true);
        assert.match(String(completion.metadataSha256), /^[0-9a-f]{64}$/);
        assert.deepEqual([logger.stats().lost, warnings], [0, []]);
        assert.deepEqual(allBreaks(verifyAuditTrail([jsonLines(sink.lines)])), []);
    });

    it("is copied whole, each reference as JSON writes it, within the budget", () => {
        const shared = { a: [1, "x"] };

        const snapshot = jsonSnapshot({ one: shared, two: shared }, 16, TRUNCATION_MARKER, { values: 100, chars: 100 });

        assert.deepEqual(snapshot, { value: { one: { a: [1, "x"] }, two: { a: [1, "x"] } }, cut: false });
    });

    it("ends every list and object at the value that finds the budget spent", () => {
        const budget = { values: 4, chars: 100 };

        const snapshot = jsonSnapshot({ a: [1, 2, 3, 4], b: 5 }, 16, TRUNCATION_MARKER, budget);

        assert.deepEqual(snapshot, { value: { a: [1, 2, TRUNCATION_MARKER] }, cut: true });
        assert.equal(budget.values, 0);
    });

    it("counts the characters of strings and keys, so a shared long string is not copied past the budget", () => {
        const long = "s".repeat(1000);
        const list = Array.from({ length: 10 }, () => long);

        const snapshot = jsonSnapshot({ list }, 16, TRUNCATION_MARKER, { values: 100, chars: 3500 });

        assert.deepEqual(snapshot, { value: { list: [long, long, long, TRUNCATION_MARKER] }, cut: true });
    });

    it(`charges all keys of the metadata to one budget of ${MAX_RECORD_METADATA_CHARS} characters`, () => {
        const half = "h".repeat(MAX_RECORD_METADATA_CHARS / 2 - 1);

        const described = describeCallMetadata({ a: half, b: half, c: half }, "full", new Set());

        assert.deepEqual([described.metadata.a === half, described.metadata.b === half, described.metadata.c], [true, true, TRUNCATION_MARKER]);
        assert.equal(described.truncated, true);
    });
});
