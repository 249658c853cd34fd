/** The chain hash written straight from the runtime's values equals the checker's hash of the stored line. */
import { strict as assert } from "assert";
import { canonicalize } from "json-canonicalize";
import { MAX_RECORD_ID_BYTES, chainView, recordChainHash, type StoredRecord } from "../../contract";
import { canonicalJson } from "../../runtime/chain/canonical-json";
import { ChainWriter, storedChainHash } from "../../runtime/chain/chain-writer";
import { recordLine } from "../../runtime/record-line";
import { callRecord } from "../support/audit-trail";

/** What the checker hashes: the value as stored (through JSON) in RFC 8785 form. */
const asStored = (value: unknown) => canonicalize(JSON.parse(JSON.stringify(value)));

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
