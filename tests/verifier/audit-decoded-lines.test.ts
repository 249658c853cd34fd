/**
 * Whether a line claims to be an audit record is decided on what it decodes
 * to, in every input format: a log pipeline may re-serialize a record (other
 * key order, `\u` escapes), and a CloudWatch event wraps it in a JSON string,
 * escaping its quotes. A record so spelled is still read; a cut one is
 * still `damaged`, never an "other line".
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { StoredRecord } from "../../contract";
import { chainCanonicalJson } from "../../contract/audit-chain";
import { verifyAuditTrail } from "../../verifier/audit";
import { auditCli, breaks, jsonLines, tempDir, trail } from "../support/audit-trail";

/** JSON of `value` as a pipeline that escapes letters writes it: keys reversed, every letter `escape` picks as `\uXXXX`. */
function reserialized(value: unknown, escape: (c: string) => boolean): string {
    if (Array.isArray(value)) return `[${value.map((v) => reserialized(v, escape)).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const keys = Object.keys(value).reverse();
        return `{${keys.map((k) => `${reserialized(k, escape)}:${reserialized((value as Record<string, unknown>)[k], escape)}`).join(",")}}`;
    }
    if (typeof value !== "string") return JSON.stringify(value);
    const chars = [...value].map((c) => (/^[A-Za-z]$/.test(c) && escape(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : JSON.stringify(c).slice(1, -1)));
    return `"${chars.join("")}"`;
}

/** One CloudWatch event per line, as an export of `filter-log-events` events written line by line holds them. */
function eventLine(message: string, at: string): string {
    return JSON.stringify({ logStreamName: "2026/12/05/[$LATEST]abc", timestamp: Date.parse(at), message });
}

function awsLogsOutput(messages: { message: string; at: string }[]): string {
    const file = path.join(tempDir(), "events.json");
    const events = messages.map((m, i) => ({ logStreamName: "s", timestamp: Date.parse(m.at), message: m.message, eventId: `e${i}` }));
    fs.writeFileSync(file, JSON.stringify({ events }));
    return file;
}

const cutAt = (line: string, share: number) => line.slice(0, Math.floor(line.length * share));
const everyLetter = () => true;
const onlyE = (c: string) => c === "e";

describe("audit verify reads what a line decodes to", () => {
    const { records } = trail(4, { close: true });
    const at = (r: StoredRecord) => r.chain!.at;

    for (const [name, escape] of [
        ["every letter", everyLetter],
        ["every 'e'", onlyE],
    ] as const) {
        it(`reads a call record and the close record re-serialized with ${name} escaped, in each format`, () => {
            const spelled = (r: StoredRecord, i: number) => (i === 1 || i === records.length - 1 ? reserialized(r, escape) : JSON.stringify(r));
            const inputs = [
                jsonLines(records.map(spelled)),
                jsonLines(records.map((r, i) => eventLine(spelled(r, i), at(r)))),
                awsLogsOutput(records.map((r, i) => ({ message: spelled(r, i), at: at(r) }))),
                jsonLines(records.map((r, i) => `${at(r)} ${spelled(r, i)}`)),
            ];
            for (const input of inputs) {
                const check = verifyAuditTrail([input]);
                assert.deepEqual(breaks(check), [], input);
                assert.deepEqual([check.records, check.skipped, check.writers[0].records, check.writers[0].closed], [5, 0, 5, true], input);
            }
        });
    }

    it("reads a record wrapped twice (a CloudWatch event per line whose message escapes the record's letters)", () => {
        const lines = records.map((r) => JSON.stringify({ message: eventLine(reserialized(r, everyLetter), at(r)) }));
        const check = verifyAuditTrail([jsonLines(lines)]);
        assert.deepEqual([breaks(check), check.records, check.writers[0].closed], [[], 5, true]);
    });

    it("names a record line cut after its chain link damaged, as raw JSON lines and as one CloudWatch event per line", () => {
        const last = records.length - 2;
        const cut = (line: string, mark: string) => line.slice(0, line.indexOf(mark) + mark.length + 40);
        // Keys in canonical order, as the runtime writes them: the chain link early, the schema type late, cut off.
        const raw = records.map((r) => chainCanonicalJson(r));
        const wrapped = records.map((r) => eventLine(chainCanonicalJson(r), at(r)));
        for (const lines of [
            [...raw.slice(0, last), cut(raw[last], '"chain":{')],
            [...wrapped.slice(0, last), cut(wrapped[last], '\\"chain\\":{')],
        ]) {
            const file = jsonLines(lines);
            const check = verifyAuditTrail([file]);
            assert.deepEqual([breaks(check), check.skipped], [["damaged@undefined"], 0]);
            assert.match(check.other[0].message, /:4: an audit record that is not valid JSON \(cut or altered\)$/);
            assert.equal(auditCli([file]).code, 1);
        }
        // Cut in the middle of the trail: the record is named damaged beside the gap it leaves.
        const middle = wrapped.map((l, i) => (i === 2 ? cut(l, '\\"chain\\":{') : l));
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(middle)])).sort(), ["damaged@undefined", "gap@2"]);
    });

    it("names a record line cut anywhere after its first key damaged, never an other line, in each form", () => {
        const last = records.length - 2;
        const line = chainCanonicalJson(records[last]);
        const forms: [string, (cut: string) => string][] = [
            ["a raw line", (cut) => cut],
            ["a CloudWatch event per line", (cut) => eventLine(cut, at(records[last])).slice(0, -2)],
            ["a re-serialized line", (cut) => cut],
        ];
        const reordered = reserialized(records[last], () => false);
        for (const [form, spell] of forms) {
            const whole = form === "a re-serialized line" ? reordered : line;
            for (let end = whole.indexOf('":') + 2; end < whole.length - 1; end += 7) {
                const cut = spell(whole.slice(0, end));
                const lines = [...records.slice(0, last).map((r) => JSON.stringify(r)), cut, JSON.stringify(records[last + 1])];
                const check = verifyAuditTrail([jsonLines(lines)]);
                assert.deepEqual([breaks(check).sort(), check.skipped], [["damaged@undefined", `gap@${last}`], 0], `${form} cut at ${end}: ${cut.slice(-60)}`);
            }
        }
    });

    it("still skips a line cut before its first key is whole, and other JSON cut short", () => {
        const lines = [...records.map((r) => JSON.stringify(r)), '{"applicat', '{"time":"2026-12-05T00:00:00Z","type":"platform.start","record":{"requestId":"r', '{"level":"WARN","message":"audit sink slow'];
        const check = verifyAuditTrail([jsonLines(lines)]);
        assert.deepEqual([breaks(check), check.skipped], [[], 3]);
    });

    it("names a cut record damaged when its chain link or schema type is spelled with escapes", () => {
        const last = records.length - 1;
        const escaped = reserialized(records[last], everyLetter);
        const lines = [...records.slice(0, last).map((r) => JSON.stringify(r)), cutAt(escaped, 0.6)];
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(lines)])), ["damaged@undefined"]);
        const wrapped = [...records.slice(0, last).map((r) => eventLine(JSON.stringify(r), at(r))), cutAt(eventLine(escaped, at(records[last])), 0.7)];
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(wrapped)])), ["damaged@undefined"]);
    });

    it("still skips other lines, JSON or not, that mention a chain or hold escapes", () => {
        const lines = [
            ...records.map((r) => JSON.stringify(r)),
            "Entering new LLMChain chain...",
            '{"level":"INFO","msg":"langchain \\u0063hain started","chain":"summarise"}',
            '{"level":"INFO","msg":"cut \\u00e9',
            JSON.stringify({ message: "a plain \u00e9 line" }),
        ];
        const check = verifyAuditTrail([jsonLines(lines)]);
        assert.deepEqual([breaks(check), check.skipped], [[], 4]);
    });

    it("names an object holding a chain link but no record's schema type damaged", () => {
        const stripped = records.map((r, i) => (i === 2 ? JSON.stringify({ ...r, schemaType: undefined }) : JSON.stringify(r)));
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(stripped)])).sort(), ["damaged@undefined", "gap@2"]);
    });
});
