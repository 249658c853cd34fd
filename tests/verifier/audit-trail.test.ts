/** The audit trail checker on trails written by the runtime's chain, intact and tampered with. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { gzipSync } from "zlib";
import type { StoredRecord } from "../../contract";
import { allBreaks, verifyAuditTrail } from "../../verifier/audit";
import { archiveFolder, auditCli, breaks, callRecord, filterLogEvents, jsonLines, tempDir, trail } from "../support/audit-trail";


function edited(record: StoredRecord, change: (r: any) => void): StoredRecord {
    const copy = JSON.parse(JSON.stringify(record));
    change(copy);
    return copy;
}


describe("audit verify", () => {
    it("finds a written trail intact: every writer, its records, first and last sequence", () => {
        const { records, writer } = trail(5, { close: true });
        const check = verifyAuditTrail([jsonLines(records)]);
        assert.deepEqual(breaks(check), []);
        assert.deepEqual(
            check.writers.map((w) => [w.writer, w.records, w.firstSeq, w.lastSeq, w.closed, w.identity?.function]),
            [[writer.writer, 6, 0, 5, true, "fn"]],
        );
    });

    it("names an edited record by writer and sequence", () => {
        const { records, writer } = trail(5);
        records[3] = edited(records[3], (r) => (r.input.inputTokenCount = 1));
        const check = verifyAuditTrail([jsonLines(records)]);
        assert.deepEqual(breaks(check), ["edit@3"]);
        assert.equal(allBreaks(check)[0].writer, writer.writer);
    });

    it("names a record deleted from the middle as a gap", () => {
        const { records } = trail(6);
        records.splice(3, 2);
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(records)])), ["gap@3"]);
    });

    it("names a middle deletion against the archive's checkpoints too", () => {
        const { records, checkpoints } = trail(6, { every: 2 });
        const log = jsonLines(records.filter((r) => r.chain!.seq !== 3));
        assert.deepEqual(breaks(verifyAuditTrail([log, archiveFolder([], checkpoints)])), ["gap@3", "checkpoint-mismatch@3"]);
    });

    it("cannot see a cut tail without a checkpoint, and names it with one", () => {
        const { records, checkpoints } = trail(6, { every: 3, close: true });
        const cut = jsonLines(records.slice(0, 4));
        assert.deepEqual(breaks(verifyAuditTrail([cut])), []);
        assert.deepEqual(breaks(verifyAuditTrail([cut, archiveFolder([], checkpoints)])), ["tail-cut@4", "missing-close@6"]);
    });

    it("names an edit of the last record only against a checkpoint", () => {
        const { records, checkpoints } = trail(3, { every: 3 });
        records[2] = edited(records[2], (r) => (r.outcome = "error"));
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(records)])), []);
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(records), archiveFolder([], checkpoints)])), ["checkpoint-mismatch@2"]);
    });

    it("names a whole deleted log stream from its checkpoints", () => {
        const kept = trail(2);
        const deleted = trail(4, { every: 2 });
        const check = verifyAuditTrail([jsonLines(kept.records), archiveFolder([], deleted.checkpoints)]);
        assert.deepEqual(
            allBreaks(check).map((b) => [b.kind, b.writer]),
            [["missing-writer", deleted.writer.writer]],
        );
    });

    it("names a missing genesis unless the input is a time window", () => {
        const { records } = trail(4);
        const file = jsonLines(records.slice(2));
        assert.deepEqual(breaks(verifyAuditTrail([file])), ["missing-start@0"]);
        assert.deepEqual(breaks(verifyAuditTrail([file], { window: true })), []);
    });

    it("names records stored out of chain order, in lines and in aws logs output", () => {
        const { records } = trail(5);
        const swapped = [records[0], records[1], records[3], records[2], records[4]];
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(swapped)])), ["reordered@2"]);

        const file = filterLogEvents(records);
        const doc = JSON.parse(fs.readFileSync(file, "utf8"));
        // Someone re-put seq 1 with a later time: CloudWatch now stores it after seq 3.
        doc.events[1].timestamp = doc.events[3].timestamp + 5;
        fs.writeFileSync(file, JSON.stringify(doc));
        assert.deepEqual(breaks(verifyAuditTrail([file])), ["reordered@1"]);
    });

    it("leaves records sharing a stored millisecond unordered", () => {
        const { records } = trail(3);
        const file = filterLogEvents(records);
        const doc = JSON.parse(fs.readFileSync(file, "utf8"));
        for (const e of doc.events) e.timestamp = doc.events[0].timestamp;
        [doc.events[1], doc.events[2]] = [doc.events[2], doc.events[1]];
        fs.writeFileSync(file, JSON.stringify(doc));
        assert.deepEqual(breaks(verifyAuditTrail([file])), []);
    });

    it("counts an identical repeated record once (a retried delivery), names a repeat that differs outside the hash a duplicate, and a second different record with one sequence an edit", () => {
        const { records } = trail(4);
        const repeated = verifyAuditTrail([jsonLines([...records, records[2]])]);
        assert.deepEqual([breaks(repeated), repeated.redelivered], [[], 1]);
        const repointed = { ...records[2], archive: { key: "k", sha256: "0".repeat(64) } } as StoredRecord;
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines([...records, repointed])])), ["duplicate@2"]);
        const forged = edited(records[2], (r) => (r.userId = "someone-else"));
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines([...records.slice(0, 3), forged, ...records.slice(3)])])), ["edit@2"]);
    });

    it("checks two writers interleaved in one file apart", () => {
        const a = trail(4);
        const b = trail(4, { start: 1 });
        const mixed = a.records.flatMap((r, i) => [r, b.records[i]]);
        const check = verifyAuditTrail([jsonLines(mixed)]);
        assert.deepEqual(breaks(check), []);
        assert.deepEqual(check.writers.map((w) => w.records), [4, 4]);
        mixed.splice(5, 1);
        assert.deepEqual(allBreaks(verifyAuditTrail([jsonLines(mixed)])).map((x) => [x.kind, x.writer, x.seq]), [["gap", (mixed[4].chain!.writer === a.writer.writer ? b : a).writer.writer, 2]]);
    });

    it("skips Lambda platform lines and warnings, and reads records wrapped by Lambda's JSON log format", () => {
        const { records } = trail(3);
        const file = jsonLines([
            "START RequestId: 5d1c Version: $LATEST",
            records[0],
            '{"time":"2026-12-05T01:00:00.000Z","type":"platform.start","record":{"requestId":"5d1c"}}',
            JSON.stringify({ timestamp: "2026-12-05T01:00:00.001Z", level: "WARN", requestId: "5d1c", message: "audit record lost (Error); 1 lost so far" }),
            JSON.stringify({ timestamp: "2026-12-05T01:00:00.002Z", level: "INFO", requestId: "5d1c", message: records[1] }),
            records[2],
            "END RequestId: 5d1c",
            "REPORT RequestId: 5d1c\tDuration: 12.00 ms",
        ]);
        const check = verifyAuditTrail([file]);
        assert.deepEqual(breaks(check), []);
        assert.deepEqual([check.records, check.skipped], [3, 5]);
    });

    it("names a record line that was cut or mangled", () => {
        const { records } = trail(3);
        const file = jsonLines([records[0], JSON.stringify(records[1]).slice(0, 80), records[2]]);
        assert.deepEqual(breaks(verifyAuditTrail([file])).sort(), ["damaged@undefined", "gap@1"]);
    });

    it("verifies the log copy (text cut, archive pointer) and the archive copy (whole text, its digest) of one full-mode record", () => {
        const t = trail(0);
        const text = "patient note ".repeat(50);
        const whole = t.writer.link(callRecord(0, { contentMode: "full", input: { inputCharCount: text.length, inputText: text } })).record as any;
        const next = t.writer.link(callRecord(1)).record;
        const digest = require("crypto").createHash("sha256").update(text).digest("hex");
        const logCopy = { ...whole, input: { inputCharCount: text.length, inputText: text.slice(0, 30) + "…[truncated]", inputTruncated: true, inputSha256: digest }, archive: { key: "k", sha256: "0".repeat(64) } };
        const archiveCopy = { ...whole, input: { ...whole.input, inputSha256: digest } };
        const log = jsonLines([logCopy, next]);
        assert.deepEqual(breaks(verifyAuditTrail([log, archiveFolder([archiveCopy], [])])), []);

        const tampered = { ...logCopy, input: { ...logCopy.input, inputText: "patient NOTE " + "…[truncated]" } };
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines([tampered, next]), archiveFolder([archiveCopy], [])])), ["edit@0"]);
        const otherText = { ...archiveCopy, input: { ...archiveCopy.input, inputText: "another note" } };
        assert.deepEqual(breaks(verifyAuditTrail([log, archiveFolder([otherText], [])])), ["edit@0"]);
    });

    it("exits 0 intact, 1 naming writer and sequence, 2 on unreadable input", () => {
        const { records, writer } = trail(3);
        assert.equal(auditCli([jsonLines(records)]).code, 0);
        const broken = auditCli([jsonLines(records.filter((r) => r.chain!.seq !== 1))]);
        assert.equal(broken.code, 1);
        assert.match(broken.out, new RegExp(`writer ${writer.writer}.*1 break`));
        assert.match(broken.out, /gap: seq 1 is missing/);

        const missing = auditCli([path.join(tempDir(), "nope.jsonl")]);
        assert.deepEqual([missing.code, /nope\.jsonl: cannot be read/.test(missing.err)], [2, true]);
        const bad = path.join(tempDir(), "events.json");
        fs.writeFileSync(bad, '{ "events": [ {');
        assert.equal(auditCli([bad]).code, 2);
        assert.equal(auditCli([jsonLines(["no records here"])]).code, 2);
        assert.equal(auditCli(["--bogus", jsonLines(records)]).code, 2);
    });

    it("reads every form of input that starts with a UTF-8 byte order mark", () => {
        const { records } = trail(3);
        const bom = (file: string, gzip = false) => {
            const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(file)]);
            fs.writeFileSync(file, gzip ? gzipSync(text) : text);
            return file;
        };
        const inputs = [bom(filterLogEvents(records)), bom(filterLogEvents(records), true), bom(jsonLines(records)), bom(jsonLines(records), true)];
        for (const file of inputs) {
            const check = verifyAuditTrail([file]);
            assert.deepEqual([breaks(check), check.records, check.skipped], [[], 3, 0], file);
            assert.equal(auditCli(["--quiet", file]).code, 0, file);
        }
    });

    it("names UTF-16 and UTF-32 text instead of reading it as a log that holds no record", () => {
        const { records } = trail(3);
        const encodings: [string, (bytes: Buffer) => Buffer, string][] = [
            ["UTF-16LE with its mark", (b) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(b.toString("utf8"), "utf16le")]), "is UTF-16LE text (it starts with the byte order mark FF FE)"],
            ["UTF-16BE with its mark", (b) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(b.toString("utf8"), "utf16le").swap16()]), "is UTF-16BE text (it starts with the byte order mark FE FF)"],
            ["UTF-16LE without a mark", (b) => Buffer.from(b.toString("utf8"), "utf16le"), "is UTF-16LE text (NUL bytes stand beside its first characters)"],
            ["UTF-32LE with its mark", (b) => Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), ...[...b.toString("utf8")].map((ch) => Buffer.from(new Uint32Array([ch.codePointAt(0)!]).buffer))]), "is UTF-32LE text (it starts with the byte order mark FF FE 00 00)"],
        ];
        for (const [name, encode, says] of encodings) {
            for (const gzip of [false, true]) {
                for (const file of [jsonLines(records), filterLogEvents(records)]) {
                    const wide = encode(fs.readFileSync(file));
                    fs.writeFileSync(file, gzip ? gzipSync(wide) : wide);
                    const run = auditCli(["--quiet", file]);
                    assert.strictEqual(run.code, 2, `${name}: ${run.err}`);
                    assert.ok(run.err.includes(`${file}: ${says}, not the UTF-8`), `${name}${gzip ? ", gzipped" : ""}: ${run.err}`);
                }
            }
        }
    });

    it("refuses an input given twice, by any path, or inside a folder also given, naming both", () => {
        const { records } = trail(3);
        const dir = tempDir();
        const file = jsonLines(records, dir);
        const link = path.join(tempDir(), "link.jsonl");
        fs.symlinkSync(file, link);
        const cases: [string[], string][] = [
            [[file, file], `${file} and ${file} name the same file: give each input once`],
            [[file, link], `${file} and ${link} name the same file: give each input once`],
            [[dir, `${dir}${path.sep}`], `${dir} and ${dir}${path.sep} name the same folder: give each input once`],
            [[dir, file], `${file} is inside the folder ${dir}, also given, which is read whole: give one or the other`],
            [[file, path.dirname(dir)], `${file} is inside the folder ${path.dirname(dir)}, also given, which is read whole: give one or the other`],
        ];
        for (const [inputs, says] of cases) {
            assert.throws(() => verifyAuditTrail(inputs), (err: Error) => err.name === "UnreadableAuditInputError" && err.message === says, says);
            const run = auditCli(["--quiet", ...inputs]);
            assert.deepEqual([run.code, run.err.includes(says)], [2, true], run.err);
        }
        // Two files that hold the same records are two inputs (a log export and its archive copy, say).
        const copy = jsonLines(records);
        assert.equal(auditCli(["--quiet", file, copy]).code, 0);
    });

    it("refuses a --json report that would overwrite an input, a file given or one in a folder given, before reading", () => {
        const { records } = trail(3);
        const dir = tempDir();
        const file = jsonLines(records, dir);
        const before = fs.readFileSync(file);
        for (const [report, inputs] of [[file, [file]], [file, [dir]], [path.join(dir, ".", path.basename(file)), [file]]] as [string, string[]][]) {
            const run = auditCli(["--quiet", "--json", report, ...inputs]);
            assert.strictEqual(run.code, 2, run.err);
            assert.ok(run.err.includes(`--json ${report}: cannot write the report: it is read as input (${inputs[0]}), which the report would overwrite`), run.err);
            assert.ok(fs.readFileSync(file).equals(before), "the trail is left as it was");
        }
    });

    it("refuses a new --json report inside a folder given, which every later run would read, and writes one beside it", () => {
        const { records } = trail(3);
        const dir = tempDir();
        jsonLines(records, dir);
        for (const fresh of [path.join(dir, "report.json"), path.join(dir, "..", path.basename(dir), "report.json")]) {
            const run = auditCli(["--quiet", "--json", fresh, dir]);
            assert.strictEqual(run.code, 2, run.err);
            assert.ok(run.err.includes(`--json ${fresh}: cannot write the report: it would be written inside the input folder ${dir}, where every later run would read it as input`), run.err);
            assert.ok(!fs.existsSync(fresh), "no report is written");
        }
        // The same command twice answers the same: the report beside the folder is never read.
        const beside = path.join(tempDir(), "report.json");
        for (let i = 0; i < 2; i++) {
            assert.equal(auditCli(["--quiet", "--json", beside, dir]).code, 0);
            assert.equal(JSON.parse(fs.readFileSync(beside, "utf8")).result, "intact");
        }
    });

    it("writes the report as JSON on request", () => {
        const { records } = trail(2);
        const out = path.join(tempDir(), "report.json");
        assert.equal(auditCli(["--quiet", "--json", out, jsonLines(records)]).code, 0);
        const report = JSON.parse(fs.readFileSync(out, "utf8"));
        assert.deepEqual([report.result, report.records, report.writers[0].lastSeq], ["intact", 2, 1]);
    });
});
