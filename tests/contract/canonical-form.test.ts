/** The chain hash written straight from the runtime's values equals the checker's hash of the stored line. */
import { strict as assert } from "assert";
import { canonicalize } from "json-canonicalize";
import { createHash } from "crypto";
import { MAX_RECORD_ID_BYTES, chainView, recordChainHash, type AuditRecord, type ContentMode, type StoredRecord } from "../../contract";
import { errorRecord, rejectedRecord, startedRecord, successRecord } from "../../runtime/audit-record";
import { canonicalForm } from "../../contract/canonical-form";
import { ChainWriter, storedChainHash, writerIdentity } from "../../runtime/chain/chain-writer";
import { recordLine } from "../../runtime/record-line";
import { callRecord } from "../support/audit-trail";
import { generator, value as generatedValue } from "../support/json-values";

/** What the checker hashes: the value as stored (through JSON) in RFC 8785 form. */
const asStored = (value: unknown) => canonicalize(JSON.parse(JSON.stringify(value)));
const canonicalJson = (value: unknown) => canonicalForm(value)?.text;
/** The text when `JSON.stringify` writes it (keys already in canonical order), else undefined. */
const sortedJson = (value: unknown) => {
    const form = canonicalForm(value);
    return form?.stringified ? form.text : undefined;
};

describe("canonical JSON of the runtime's own values", () => {
    const plain: Array<[string, unknown]> = [
        ["keys in UTF-16 order, integer-like keys as strings", { b: 1, a: { z: true, "é": null, "10": 1, "9": 2, "\ud83d\ude00": "x", A: "y" } }],
        ["escapes, lone surrogates and control characters", { s: 'q"\\\n\t\u0001\ud800 é 😀', "k\"ey": "v" }],
        ["numbers as ECMAScript writes them", { n: [0, -0, 1e21, 1e-7, 0.1 + 0.2, -5.5, 2 ** 53] }],
        ["undefined members dropped", { a: undefined, b: [1], c: { d: undefined } }],
        ["empty containers and null", { a: {}, b: [], c: null, d: [[[]]], e: Object.create(null) }],
    ];
    for (const [what, value] of plain) {
        it(`writes ${what} as the checker reads them`, () => {
            assert.equal(canonicalJson(value), asStored(value));
        });
    }

    const notPlain: Array<[string, unknown]> = [
        ["a Date (toJSON)", { at: new Date(0) }],
        ["a bigint", { n: 1n }],
        ["an Error", { e: new Error("x") }],
        ["a function member", { f: () => 1 }],
        ["a class instance", { m: new Map() }],
        ["an own toJSON", { o: { toJSON: () => "x" } }],
        ["a throwing getter", { get g(): string { throw new Error("no"); } }],
        ["a non-finite number (JSON stores null)", { n: [1, NaN] }],
        ["an infinite number", { n: -Infinity }],
        ["an undefined list element (JSON stores null)", { b: [undefined, 1] }],
        ["a hole in a list", { b: [, 1] }],
        ["a cycle", (() => { const o: Record<string, unknown> = {}; o.self = o; return o; })()],
    ];
    for (const [what, value] of notPlain) {
        it(`leaves ${what} to the long way`, () => {
            assert.equal(canonicalJson(value), undefined);
        });
    }

    it("writes a value whose keys are in canonical order with JSON.stringify, and no other", () => {
        assert.equal(sortedJson({ a: 1, b: { c: [{ d: "é", e: null }] } }), '{"a":1,"b":{"c":[{"d":"é","e":null}]}}');
        assert.equal(sortedJson({ b: 1, a: 2 }), undefined);
        assert.equal(sortedJson({ a: { y: 1, x: 2 } }), undefined);
        assert.equal(sortedJson({ a: [{ y: 1, x: 2 }] }), undefined);
        // Integer-like keys enumerate first, in numeric order: "9" before "10", which canonical order reverses.
        assert.equal(sortedJson({ "9": 1, "10": 2 }), undefined);
        assert.equal(canonicalJson({ "9": 1, "10": 2 }), '{"10":2,"9":1}');
        assert.equal(sortedJson({ at: new Date(0) }), undefined);
    });

    it("is the checker's text for 5,000 generated values, as built and with every object's keys sorted", () => {
        const next = generator(8785);
        const sortDeep = (v: unknown): unknown =>
            Array.isArray(v) ? v.map(sortDeep)
            : typeof v === "object" && v !== null ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]))
            : v;
        let native = 0;
        for (let i = 0; i < 5000; i++) {
            const built = generatedValue(next, 0);
            for (const v of [built, sortDeep(built)]) {
                const expected = asStored(v);
                // An own "__proto__" member is left to the long way (undefined); any text given must be the checker's.
                for (const [how, text] of [["library", canonicalJson(v)], ["native", sortedJson(v)]] as const) {
                    if (text === undefined) continue;
                    if (how === "native") native++;
                    assert.equal(text, expected, `${how}, value ${i}: ${JSON.stringify(v)}`);
                }
            }
        }
        // Most values take the fast path once sorted; those with integer-like keys cannot.
        assert.ok(native > 4000, `${native} values written by JSON.stringify`);
    });

    it("gives the same text for a shape met again with other values, and for its keys in another order", () => {
        const first = canonicalJson({ b: 1, a: 2 });
        assert.equal(canonicalJson({ b: 3, a: 4 }), '{"a":4,"b":3}');
        assert.equal(canonicalJson({ a: 2, b: 1 }), first);
        assert.equal(canonicalJson({ b: 1, a: 2, c: 0 }), '{"a":2,"b":1,"c":0}');
    });
});

describe("the chain hash of a record", () => {
    const writer = () => new ChainWriter({ tenantId: "customer-a", identity: { instance: "host/1", startedAt: "2026-12-05T01:00:00.000Z" } });
    const records: Array<[string, StoredRecord]> = [
        ["a plain call (the genesis record)", callRecord(0)],
        ["one with metadata that needs the replacer", callRecord(1, { metadata: { n: 5n as unknown as number, e: new Error("boom") as unknown as string } })],
        ["one with text in full mode", callRecord(2, { contentMode: "full", input: { inputCharCount: 4, inputText: "a\"b\n" }, output: { outputCharCount: 1, outputText: "é" } })],
        ["one with a non-finite number", callRecord(3, { latencyMs: NaN })],
        ["one with an id longer than a line keeps", callRecord(4, { userId: "u".repeat(MAX_RECORD_ID_BYTES + 10) })],
    ];
    for (const [what, record] of records) {
        it(`is the checker's hash of the stored line, for ${what}`, () => {
            const linked = writer().link(record).record;
            assert.equal(storedChainHash(linked), recordChainHash(JSON.parse(recordLine(linked as never))));
        });
    }
});

describe("what the runtime writes", () => {
    const start = { callId: "c-1", timestamp: new Date(Date.UTC(2026, 11, 5)), tenantId: "customer-a", ids: { userId: "u-1", applicationId: "app", clientRequestId: "r-1", taskType: "t", kbId: "kb" }, modelId: "m-1", invokedModelId: "arn:p", region: "us-east-1", inputText: "Summarise the contract." };
    const result = { outputText: "Done.", usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7, cacheReadInputTokens: 1, cacheWriteInputTokens: 1 }, requestId: "q", bedrockLatencyMs: 9, stopReason: "end_turn", attempts: 1, timeToFirstTokenMs: 3 };
    const error = { errorCode: "ThrottlingException", errorMessage: "ThrottlingException (HTTP 429)", httpStatusCode: 429, throttled: true, requestId: "q", attempts: 3 };
    const records = (mode: ContentMode): Array<[string, AuditRecord]> => [
        ["a started record", startedRecord({ ...start, contentMode: mode })],
        ["a success record", successRecord("Converse", { ...start, contentMode: mode }, result, 12, {})],
        ["an error record of a stream cut short", errorRecord("ConverseStream", { ...start, contentMode: mode }, error, 12, { text: "Do", deltas: 1, timeToFirstTokenMs: 3 })],
        ["a rejection", rejectedRecord({ callId: "c-2", timestamp: start.timestamp, tenantId: "customer-a", contentMode: mode, ids: start.ids, modelId: "m-1", errorCode: "InvalidEvent", errorMessage: "prompt is missing", errorField: "prompt" })],
    ];

    for (const mode of ["none", "hash", "full"] as const) {
        it(`writes every line in canonical form, content mode ${mode}: the line is the canonical JSON of what it holds`, () => {
            const writer = new ChainWriter({ tenantId: "customer-a", identity: writerIdentity({ AWS_LAMBDA_FUNCTION_NAME: "f", AWS_LAMBDA_FUNCTION_VERSION: "1", AWS_LAMBDA_LOG_STREAM_NAME: "s", ECS_CONTAINER_METADATA_URI_V4: "http://x/v4/task-1" }) });
            const lines = [...records(mode).map(([, r]) => recordLine(writer.link(r).record)), recordLine(writer.close().record as never)];
            lines.forEach((line, i) => assert.equal(line, canonicalize(JSON.parse(line)), `line ${i}`));
        });
    }

    it("hashes a line without metadata, archive pointer or text as the SHA-256 of the line itself", () => {
        const writer = new ChainWriter({ tenantId: "customer-a" });
        for (const [what, record] of records("none")) {
            const linked = writer.link(record);
            const line = recordLine(linked.record);
            assert.equal(linked.hash, createHash("sha256").update(line).digest("hex"), what);
            assert.equal(linked.hash, recordChainHash(JSON.parse(line)), what);
        }
    });

    it("hashes a record holding undefined members as JSON stores it", () => {
        const record = { ...callRecord(0), userId: undefined, input: { inputCharCount: 3, inputText: undefined, inputTruncated: undefined }, output: { outputCharCount: 0, outputText: undefined } };
        const linked = new ChainWriter({ tenantId: "customer-a" }).link(record as never).record;
        assert.equal(storedChainHash(linked), recordChainHash(JSON.parse(JSON.stringify(linked))));
    });
});

describe("the chain view", () => {
    it("is the record itself when nothing in it differs between its log and archive copies", () => {
        const record = callRecord(0);
        assert.equal(chainView(record as never), record);
    });

    it("leaves out the archive pointer and metadata, bounds a long id and stands a text by its digest", () => {
        const cases: Array<[string, Record<string, unknown>, (view: Readonly<Record<string, unknown>>) => void]> = [
            ["archive", { archive: { key: "k" } }, (v) => assert.equal("archive" in v, false)],
            ["metadata", { metadata: { a: 1 } }, (v) => assert.deepEqual([("metadata" in v), typeof v.metadataSha256], [false, "string"])],
            ["metadataTruncated", { metadataTruncated: true, metadataSha256: "ab" }, (v) => assert.equal("metadataTruncated" in v, false)],
            ["a long id", { kbId: "k".repeat(MAX_RECORD_ID_BYTES + 1) }, (v) => assert.ok((v.kbId as string).length < MAX_RECORD_ID_BYTES + 1)],
            ["output text", { output: { outputText: "hi" } }, (v) => assert.deepEqual(Object.keys(v.output as object), ["outputSha256"])],
        ];
        for (const [what, extra, check] of cases) {
            const record = { ...callRecord(0), ...extra };
            const view = chainView(record);
            assert.notEqual(view, record, what);
            check(view);
        }
    });
});
