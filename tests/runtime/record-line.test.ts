import { strict as assert } from "assert";
import { createHash } from "crypto";
import { AUDIT_SCHEMA_TYPE, AUDIT_SCHEMA_VERSION, type AuditRecord } from "../../contract";
import { TRUNCATION_MARKER } from "../../runtime/content";
import { MAX_RECORD_ID_BYTES, MAX_RECORD_LINE_BYTES, MAX_RECORD_METADATA_BYTES, cutEscaped, recordLine } from "../../runtime/record-line";

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function record(overrides: Partial<AuditRecord> = {}): AuditRecord {
    return {
        schemaType: AUDIT_SCHEMA_TYPE,
        schemaVersion: AUDIT_SCHEMA_VERSION,
        timestamp: "2026-12-01T00:00:00.000Z",
        outcome: "success",
        callId: "c",
        tenantId: "customer-a",
        input: {},
        output: {},
        estimatedCostUsd: null,
        contentMode: "full",
        ...overrides,
    };
}

function assertWithinLimit(line: string): AuditRecord {
    assert.ok(Buffer.byteLength(line + "\n") <= MAX_RECORD_LINE_BYTES, `line of ${Buffer.byteLength(line)} bytes`);
    return JSON.parse(line) as AuditRecord;
}

describe("record lines: at most 256 KiB in every mode, cut after escaping", () => {
    it("keeps a small record exactly as JSON.stringify writes it", () => {
        const r = record({ input: { inputText: "hi \"there\"\n" }, metadata: { a: 1 } });
        assert.equal(recordLine(r), JSON.stringify(r));
    });

    it("cuts text that doubles when escaped (quotes and newlines) after escaping, with marker and SHA-256", () => {
        const prompt = '"\n'.repeat(90_000);
        const line = recordLine(record({ input: { inputCharCount: prompt.length, inputText: prompt } }));

        const parsed = assertWithinLimit(line);
        assert.equal(parsed.input.inputTruncated, true);
        assert.equal(parsed.input.inputSha256, sha256(prompt));
        const kept = parsed.input.inputText!.slice(0, -TRUNCATION_MARKER.length);
        assert.ok(parsed.input.inputText!.endsWith(TRUNCATION_MARKER));
        assert.ok(prompt.startsWith(kept));
        // The cut uses the room there is: within a few bytes of the limit.
        assert.ok(Buffer.byteLength(line) > MAX_RECORD_LINE_BYTES - 64, `${Buffer.byteLength(line)} bytes`);
    });

    it("never splits a six-byte escape or a surrogate pair", () => {
        for (const unit of ["\u0001", "😀", "é\u0002"]) {
            const text = unit.repeat(200_000);
            const parsed = assertWithinLimit(recordLine(record({ output: { outputText: text } })));
            const kept = parsed.output.outputText!.slice(0, -TRUNCATION_MARKER.length);
            assert.ok(text.startsWith(kept), `prefix of ${JSON.stringify(unit)}`);
            assert.equal(kept.length % unit.length, 0);
        }
        assert.equal(cutEscaped("ab\\u0001", 6), "ab");
        assert.equal(cutEscaped('a\\"', 2), "a");
    });

    it("shares the room between prompt and completion, a short one kept whole", () => {
        const short = "s".repeat(10_000);
        const long = "l".repeat(1_000_000);
        const parsed = assertWithinLimit(recordLine(record({ input: { inputText: short }, output: { outputText: long } })));
        assert.equal(parsed.input.inputText, short);
        assert.equal(parsed.input.inputTruncated, undefined);
        assert.equal(parsed.output.outputTruncated, true);

        const both = assertWithinLimit(recordLine(record({ input: { inputText: long }, output: { outputText: long } })));
        const sizes = [both.input.inputText!.length, both.output.outputText!.length];
        assert.ok(Math.abs(sizes[0] - sizes[1]) < 16, sizes.join(", "));
    });

    it("bounds ids and metadata, keeping whole entries in order and the SHA-256 of the complete metadata", () => {
        const metadata = { first: "x".repeat(1000), huge: "y".repeat(2 * 1024 * 1024), after: 1 };
        const parsed = assertWithinLimit(recordLine(record({ userId: "u".repeat(5000), clientRequestId: "€".repeat(2000), metadata })));

        assert.ok(Buffer.byteLength(parsed.userId!) <= MAX_RECORD_ID_BYTES && parsed.userId!.endsWith(TRUNCATION_MARKER));
        assert.ok(Buffer.byteLength(parsed.clientRequestId!) <= MAX_RECORD_ID_BYTES);
        assert.deepEqual(parsed.metadata, { first: metadata.first });
        assert.equal(parsed.metadataTruncated, true);
        assert.equal(parsed.metadataSha256, sha256(JSON.stringify(metadata)));
        assert.ok(JSON.stringify(parsed.metadata).length <= MAX_RECORD_METADATA_BYTES);
    });

    it("writes a line for the largest record of every field at once, refusing nothing", () => {
        const big = "\u0001\"".repeat(600_000);
        const ids = Object.fromEntries(["userId", "applicationId", "clientRequestId", "taskType", "kbId", "modelId", "invokedModelId", "region", "requestId", "stopReason", "errorCode", "errorMessage", "errorField"].map((k) => [k, "i".repeat(100_000)]));
        const metadata = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, "v".repeat(500)]));
        const parsed = assertWithinLimit(recordLine(record({ ...ids, metadata, input: { inputText: big }, output: { outputText: big } })));
        assert.equal(parsed.input.inputTruncated, true);
        assert.equal(parsed.output.outputTruncated, true);
    });
});
