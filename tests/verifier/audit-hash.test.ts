/**
 * Which bytes the chain hashes stays fixed: a trail written by an earlier
 * build still verifies, records are hashed by meaning (RFC 8785), not by how
 * their line happens to be spelled, and an edit anywhere is still named.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { chainCanonicalJson, chainView, recordChainHash } from "../../contract";
import { allBreaks, verifyAuditTrail, type AuditCheck } from "../../verifier/audit";
import { archiveFolder, archiveObjects, callRecord, changedLines, jsonLines, runtimeTrail, trail, trailCalls, type TrailCall } from "../support/audit-trail";

/**
 * Written by the chain as of schema 1.0 and kept as written: records with
 * keys outside the BMP, numbers whose shortest form is exponential, -0,
 * escapes, lone surrogates, full-mode text and metadata, a close record and
 * its final checkpoint, between Lambda platform lines.
 */
const FIXTURE = path.join(__dirname, "fixtures", "audit-trail-1.0.jsonl");
const lines = () => fs.readFileSync(FIXTURE, "utf8").split("\n").filter(Boolean);

function breaks(check: AuditCheck): string[] {
    return allBreaks(check).map((b) => `${b.kind}@${b.seq}`);
}

/**
 * The same JSON value, spelled otherwise: keys in reverse order, every
 * character above ASCII as a \u escape, exponents upper case. (Metadata keeps
 * its key order: the chain covers it through the digest of its JSON as written.)
 */
function respelled(line: string): string {
    const reverse = (v: unknown): unknown =>
        Array.isArray(v)
            ? v.map(reverse)
            : typeof v === "object" && v !== null
              ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, k === "metadata" ? x : reverse(x)]))
              : v;
    return JSON.stringify(reverse(JSON.parse(line)))
        .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
        .replace(/(\d)e\+(\d)/g, "$1E$2");
}

describe("audit chain hashing, fixed across builds", () => {
    it("verifies a trail written by the schema 1.0 chain: every record, the close and the final checkpoint", () => {
        const check = verifyAuditTrail([FIXTURE]);
        assert.deepEqual(breaks(check), []);
        assert.deepEqual(
            check.writers.map((w) => [w.records, w.firstSeq, w.lastSeq, w.closed, w.checkpoints, w.tenantId]),
            [[7, 0, 6, true, 1, "customer-a"]],
        );
        assert.deepEqual([check.records, check.checkpoints, check.skipped], [7, 1, 2]);
    });

    it("orders keys by UTF-16 code unit and writes numbers in their ECMAScript shortest form", () => {
        const record = JSON.parse(lines()[2]);
        assert.equal(
            chainCanonicalJson(record.extra),
            '{"":"empty","\\r":"cr","1":"one","below":999999999999999900000,"big":1e+21,"max":1.7976931348623157e+308,"min":5e-324,"negZero":0,' +
                '"small":0.000001,"third":0.3333333333333333,"tiny":1e-7,"unsafe":9007199254740992,"\u00f6":1,"\u20ac":"euro","\ud83d\ude02":"smiley","\ufb33":"dalet"}',
        );
        // A lone surrogate is kept as its escape, as the chain has always hashed it.
        assert.match(chainCanonicalJson(chainView(JSON.parse(lines()[4]))), /"errorMessage":"cut \\ud83d here"/);
    });

    it("hashes a record by its meaning: the same lines spelled otherwise still verify", () => {
        const respelledLines = lines().map((l) => (l.startsWith("{") ? respelled(l) : l));
        assert.notDeepEqual(respelledLines, lines());
        respelledLines.slice(1, 8).forEach((l, i) => assert.equal(recordChainHash(JSON.parse(l)), recordChainHash(JSON.parse(lines()[i + 1]))));
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(respelledLines)])), []);
    });

    it('names a "__proto__" member added to a record, beside its metadata or inside a text part', () => {
        const records = lines().filter((l) => l.startsWith('{"schemaType":"BedrockTenancyInvocationAudit"'));
        const added: [string, (line: string) => string][] = [
            ["at the top", (l) => `{"__proto__":{"userId":"someone"},${l.slice(1)}`],
            ["in input", (l) => l.replace('"input":{', '"input":{"__proto__":{"inputText":"other"},')],
            ["in output", (l) => l.replace('"output":{', '"output":{"__proto__":7,')],
        ];
        let named = 0;
        for (const target of records) {
            const seq = (JSON.parse(target) as { chain: { seq: number } }).chain.seq;
            for (const [where, add] of added) {
                const edited = add(target);
                if (edited === target) continue;
                assert.ok(Object.prototype.hasOwnProperty.call(JSON.parse(edited) as object, "__proto__") || where !== "at the top");
                const trailLines = lines().map((l) => (l === target ? edited : l));
                assert.deepEqual(breaks(verifyAuditTrail([jsonLines(trailLines)])), [`edit@${seq}`], `"__proto__" ${where} of seq ${seq}`);
                named++;
            }
        }
        assert.ok(named >= 6, `only ${named} edits made`);
    });

    it("names an edit of a number, an escaped string, a unicode key or a lone surrogate", () => {
        const edits: [number, (r: any) => void][] = [
            [1, (r) => (r.extra.negZero = 1)],
            [1, (r) => (r.extra.big = 1e22)],
            [1, (r) => ((r.extra["\ufb34"] = r.extra["\ufb33"]), delete r.extra["\ufb33"])],
            [2, (r) => (r.errorMessage = r.errorMessage.replace("\u2028", "\u2029"))],
            [2, (r) => (r.userId = r.userId.normalize("NFD").replace("\u0308", ""))],
            [3, (r) => (r.errorMessage = r.errorMessage.replace("\ud83d", "\ud83e"))],
            [4, (r) => (r.metadata["\u00e9t\u00e9"] = "winter")],
        ];
        for (const [seq, edit] of edits) {
            const edited = lines().map((l) => {
                if (!l.startsWith('{"schemaType":"BedrockTenancyInvocationAudit"')) return l;
                const r = JSON.parse(l);
                if (r.chain.seq === seq) edit(r);
                return JSON.stringify(r);
            });
            assert.deepEqual(breaks(verifyAuditTrail([jsonLines(edited)])), [`edit@${seq}`], `edit of seq ${seq}: ${edit.toString()}`);
        }
    });

    it("compares the kept entries of a log copy's cut metadata with the archive copy's whole metadata", () => {
        const t = trail(0);
        const whole = t.writer.link(callRecord(0, { metadata: { ticket: "T-1", note: "é".repeat(300) } })).record;
        const next = t.writer.link(callRecord(1)).record;
        const digest = require("crypto").createHash("sha256").update(JSON.stringify(whole.metadata)).digest("hex");
        const logCopy = { ...whole, metadata: { ticket: "T-1" }, metadataTruncated: true, metadataSha256: digest };
        const archive = archiveFolder([whole], []);
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines([logCopy, next]), archive])), []);
        const altered = { ...logCopy, metadata: { ticket: "T-2" } };
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines([altered, next]), archive])), ["edit@0"]);
    });
});

/** Metadata over the line's 16 KiB in every content mode (each value is kept, digested or redacted), so the log copy cuts it. */
const wideMetadata = () => Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, "v".repeat(30)]));
const deepMetadata = () => ({ ticket: "T-9", deep: JSON.parse(`${'{"a":'.repeat(20)}1${"}".repeat(20)}`) });
const sha = (text: string) => createHash("sha256").update(text).digest("hex");

describe("the digests a record carries", () => {
    const calls = (): TrailCall[] => [
        { prompt: "short prompt", completion: "short answer", metadata: { userId: "u-1", ticket: "T-1" } },
        { prompt: "p".repeat(300 * 1024), completion: "a long prompt's answer", metadata: { ticket: "T-2" } },
        { prompt: "wide", completion: "metadata", metadata: wideMetadata() },
        { prompt: "deep", completion: "metadata", metadata: deepMetadata() },
        { prompt: "é".repeat(100), completion: "😀".repeat(100) },
    ];
    for (const contentMode of ["none", "hash", "full"] as const) {
        for (const maxContentBytes of [undefined, 64]) {
            it(`verifies a ${contentMode}-mode trail${maxContentBytes ? ` cut by maxContentBytes ${maxContentBytes}` : ""} intact: its log, its archive, and both`, async () => {
                const t = await runtimeTrail(calls(), { contentMode, maxContentBytes });
                const log = jsonLines(t.lines);
                const archive = archiveObjects(t.objects);
                const logged = t.lines.map((l) => JSON.parse(l));
                assert.ok(logged.some((r) => r.metadataTruncated && r.metadataSha256), "a log copy's metadata is cut");
                // In none mode a value is redacted, not kept to be cut to its depth.
                if (contentMode !== "none") assert.ok(logged.some((r) => r.metadataTruncated && !r.metadataSha256), "a record's metadata is cut to its depth");
                if (contentMode === "full") assert.ok(logged.some((r) => r.input.inputTruncated && r.input.inputSha256), "a log copy's text is cut");
                for (const inputs of [[log], [archive], [log, archive]]) assert.deepEqual(breaks(verifyAuditTrail(inputs)), [], inputs.join(" "));
            });
        }
    }

    it("names metadata rewritten with the original's digest carried beside it, from the log alone and against the archive", async () => {
        const t = await runtimeTrail(trailCalls(3));
        const archive = archiveObjects(t.objects);
        const forged = (change: (r: any) => void) => jsonLines(changedLines(t.lines, (r) => (r.chain.seq === 3 ? (change(r), r) : r)));
        const rewritten = forged((r) => ((r.metadataSha256 = sha(JSON.stringify(r.metadata))), (r.metadata = { approvedBy: "ceo" })));
        const dropped = forged((r) => ((r.metadataSha256 = sha(JSON.stringify(r.metadata))), delete r.metadata));
        for (const log of [rewritten, dropped]) {
            assert.deepEqual(breaks(verifyAuditTrail([log])), ["edit@3"]);
            assert.deepEqual(breaks(verifyAuditTrail([log, archive])), ["edit@3"]);
        }
        assert.match(allBreaks(verifyAuditTrail([rewritten]))[0].message, /^seq 3 at .*:4 was changed: its metadataSha256 is not the SHA-256 of its metadata, which is not marked cut$/);
    });

    it("names a whole text replaced with the original's digest carried beside it, in the log's copy and in the archive's", async () => {
        const t = await runtimeTrail(trailCalls(3));
        const swapped = (r: any) => {
            r.input = { ...r.input, inputText: "EVIL PROMPT", inputSha256: sha(r.input.inputText) };
            r.output = { ...r.output, outputText: "I transferred $1M", outputSha256: r.output.outputSha256 ?? sha(r.output.outputText) };
            return r;
        };
        const log = jsonLines(changedLines(t.lines, (r) => (r.chain.seq === 3 ? swapped(r) : r)));
        assert.deepEqual(breaks(verifyAuditTrail([log])), ["edit@3"]);
        assert.deepEqual(breaks(verifyAuditTrail([log, archiveObjects(t.objects)])), ["edit@3"]);

        // The archive's copy carries the digest of its whole text: a replaced text must not keep it.
        const objects = new Map([...t.objects].map(([key, body]) => {
            const r = JSON.parse(body);
            return [key, r.chain?.seq === 3 ? JSON.stringify(swapped(r)) : body];
        }));
        const archive = archiveObjects(objects);
        assert.deepEqual(breaks(verifyAuditTrail([archive])), ["edit@3"]);
        // Its bytes are no longer those the log copy's pointer names, either.
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(t.lines), archive])), ["edit@3", "archive-pointer@3"]);
    });

    it("compares the log's cut copy with the archive's whole one by content, whatever its cut flags say", async () => {
        const t = await runtimeTrail([...trailCalls(1), { prompt: "The complete prompt, longer than the cut", completion: "ok", metadata: { a: "first", b: "second", c: "x".repeat(20_000) } }], { maxContentBytes: 16 });
        const archive = archiveObjects(t.objects);
        const cutSeq = t.lines.map((l) => JSON.parse(l)).find((r) => r.metadataTruncated).chain.seq;
        const forged = (change: (r: any) => void) => jsonLines(changedLines(t.lines, (r) => (r.chain.seq === cutSeq ? (change(r), r) : r)));
        assert.deepEqual(breaks(verifyAuditTrail([forged(() => undefined), archive])), []);
        // Cut metadata keeps the first entries: one left out before a kept one is a change.
        const skipped = forged((r) => (r.metadata = { b: r.metadata.b }));
        assert.deepEqual(breaks(verifyAuditTrail([skipped])), []);
        assert.deepEqual(breaks(verifyAuditTrail([skipped, archive])), [`edit@${cutSeq}`]);
        // A cut text deleted with its flag leaves the digest standing for it: the archive's copy still has a text.
        const deleted = forged((r) => {
            delete r.input.inputText;
            delete r.input.inputTruncated;
        });
        assert.deepEqual(breaks(verifyAuditTrail([deleted])), []);
        assert.deepEqual(breaks(verifyAuditTrail([deleted, archive])), [`edit@${cutSeq}`]);
    });
});
