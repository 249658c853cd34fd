/**
 * A record stored more than once because a delivery was retried after its
 * answer was lost (PutLogEvents has no idempotency token): every copy the same
 * record is a redelivery, counted once and no break; a copy that differs in
 * anything stays a break, on one thread and on several.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { StoredRecord } from "../../contract";
import { allBreaks, jsonAuditReport, textReport, verifyAuditTrail } from "../../verifier/audit";
import { archiveFolder, auditCli, breaks, callRecord, filterLogEvents, jsonLines, tempDir, trail } from "../support/audit-trail";
import { threadedVerifier } from "../support/threaded-verifier";



/** What the sink stores when a batch was stored but its answer lost: the batch again, after what followed it. */
function retried(records: StoredRecord[], from: number, to: number, after: number): StoredRecord[] {
    return [...records.slice(0, after), ...records.slice(from, to), ...records.slice(after)];
}

/** The same record with its keys in reverse order, as a log pipeline may re-serialize it. */
function reserialized(record: StoredRecord): string {
    const reverse = (v: unknown): unknown =>
        typeof v === "object" && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)])) : v;
    return JSON.stringify(reverse(record));
}

/** A writer's full-mode records: the log copy (text cut, archive pointer) and the archive copy (whole text, its digest). */
function fullModeTrail(n: number): { log: any[]; archive: any[] } {
    const t = trail(0);
    const log: any[] = [];
    const archive: any[] = [];
    for (let i = 0; i < n; i++) {
        const text = `patient note ${i} `.repeat(40);
        const whole = t.writer.link(callRecord(i, { contentMode: "full", input: { inputCharCount: text.length, inputText: text } })).record as any;
        const digest = require("crypto").createHash("sha256").update(text).digest("hex");
        log.push({ ...whole, input: { inputCharCount: text.length, inputText: text.slice(0, 30) + "…[truncated]", inputTruncated: true, inputSha256: digest }, archive: { key: `k-${i}`, sha256: "0".repeat(64) } });
        archive.push({ ...whole, input: { ...whole.input, inputSha256: digest } });
    }
    return { log, archive };
}

describe("audit verify on records stored more than once", () => {
    it("counts identical copies of a retried batch once: no break, exit 0, the count in the text and JSON reports", () => {
        const { records, writer } = trail(10, { close: true });
        const file = jsonLines(retried(records, 3, 6, 8));
        const check = verifyAuditTrail([file]);
        assert.deepEqual(breaks(check), []);
        assert.deepEqual([check.redelivered, check.redeliveredCopies, check.records], [3, 3, 14]);
        assert.deepEqual(
            check.writers.map((w) => [w.writer, w.records, w.redelivered, w.redeliveredCopies, w.redeliveredSeqs]),
            [[writer.writer, 11, 3, 3, [3, 4, 5]]],
        );

        const json = path.join(tempDir(), "report.json");
        const run = auditCli(["--json", json, file]);
        assert.equal(run.code, 0, run.out);
        const lines = run.out.split("\n");
        assert.match(lines[0], /: intact\.$/);
        assert.equal(lines[1], "3 records stored more than once, identical (3 extra copies): a retried delivery; each counted once.");
        assert.match(lines[2], /^writer .*: 11 records, seq 0–10, closed, 0 checkpoints: intact$/);
        assert.equal(lines[3], "  redelivered: 3 records stored more than once, identical (3 extra copies): a retried delivery; each counted once (seq 3, 4, 5).");
        const report = JSON.parse(fs.readFileSync(json, "utf8"));
        // The older fields, as they were; the new ones added beside them.
        assert.deepEqual([report.result, report.records, report.checkpoints, report.skipped, report.other], ["intact", 14, 0, 0, []]);
        assert.deepEqual([report.redelivered, report.redeliveredCopies], [3, 3]);
        assert.deepEqual([report.writers[0].records, report.writers[0].breaks, report.writers[0].redelivered, report.writers[0].redeliveredSeqs], [11, [], 3, [3, 4, 5]]);
        assert.deepEqual(jsonAuditReport(check), report);
    });

    it("says nothing of redelivery where there is none", () => {
        const check = verifyAuditTrail([jsonLines(trail(4).records)]);
        assert.deepEqual([check.redelivered, check.redeliveredCopies, check.writers[0].redeliveredSeqs], [0, 0, []]);
        assert.doesNotMatch(textReport(check), /more than once/);
    });

    it("counts a copy stored three times, and a copy re-serialized by the export (other key order), as identical", () => {
        const { records } = trail(6);
        const lines: (StoredRecord | string)[] = [...records, records[2], reserialized(records[2]), reserialized(records[4])];
        const check = verifyAuditTrail([jsonLines(lines)]);
        assert.deepEqual(breaks(check), []);
        assert.deepEqual([check.writers[0].redelivered, check.writers[0].redeliveredCopies, check.writers[0].redeliveredSeqs], [2, 3, [2, 4]]);
    });

    it("counts redelivered events in aws logs output, the retry stored at the batch's own times", () => {
        const { records } = trail(8);
        const file = filterLogEvents(retried(records, 2, 4, 4));
        const check = verifyAuditTrail([file]);
        assert.deepEqual(breaks(check), []);
        assert.deepEqual(check.writers[0].redeliveredSeqs, [2, 3]);
    });

    it("names a redelivered copy with one field changed as an edit, both copies named, exit 1", () => {
        const { records } = trail(8);
        const changed = JSON.parse(JSON.stringify(records[3]));
        changed.userId = "someone-else";
        const file = jsonLines([...records.slice(0, 6), changed, ...records.slice(6)]);
        const check = verifyAuditTrail([file]);
        assert.deepEqual(breaks(check), ["edit@3"]);
        assert.equal(allBreaks(check)[0].message, `seq 3 at ${file}:7 differs from the copy at ${file}:4`);
        assert.equal(check.redelivered, 0);
        assert.equal(auditCli([file]).code, 1);

        // Identical copies beside the changed one are still counted, and the change still named.
        const both = verifyAuditTrail([jsonLines([...records.slice(0, 6), records[3], changed, ...records.slice(6)])]);
        assert.deepEqual([breaks(both), both.redelivered], [["edit@3"], 1]);
    });

    it("names copies that differ only outside the chain hash (archive pointer, cut flag, cut text) as a duplicate", () => {
        const { log } = fullModeTrail(3);
        const otherPointer = { ...log[1], archive: { key: "elsewhere", sha256: "1".repeat(64) } };
        const check = verifyAuditTrail([jsonLines([...log, otherPointer])]);
        assert.deepEqual(breaks(check), ["duplicate@1"]);
        assert.match(allBreaks(check)[0].message, /^seq 1 is stored more than once, and the copies differ outside the chain hash \(.*:2, .*:4\)$/);

        const otherFlag = { ...log[1], input: { ...log[1].input, inputTruncated: false } };
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines([...log, otherFlag])])), ["duplicate@1"]);
        const shorterCut = { ...log[1], input: { ...log[1].input, inputText: log[1].input.inputText.slice(0, 10) + "…[truncated]" } };
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines([...log, shorterCut])])), ["duplicate@1"]);
        const otherCut = { ...log[1], input: { ...log[1].input, inputText: "PATIENT" + "…[truncated]" } };
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines([...log, otherCut])])), ["duplicate@1", "edit@1"]);
    });

    it("compares a redelivered log copy with its archive copy like the first: intact, and an edit named where the texts disagree", () => {
        const { log, archive } = fullModeTrail(4);
        const redelivered = jsonLines([...log, log[1], log[2]]);
        const check = verifyAuditTrail([redelivered, archiveFolder(archive, [])]);
        assert.deepEqual(breaks(check), []);
        assert.deepEqual([check.writers[0].redeliveredSeqs, check.writers[0].records], [[1, 2], 4]);

        // Log and archive copies are two inputs: never counted as redelivered, however alike.
        const records = trail(3).records;
        const twice = verifyAuditTrail([jsonLines(records), jsonLines(records)]);
        assert.deepEqual([breaks(twice), twice.redelivered], [[], 0]);

        const otherArchive = { ...archive[2], input: { ...archive[2].input, inputText: "another note" } };
        const against = verifyAuditTrail([redelivered, archiveFolder([archive[0], archive[1], otherArchive, archive[3]], [])]);
        // One edit for the copy that differs, not one per redelivered log copy.
        assert.deepEqual([breaks(against), against.writers[0].redeliveredSeqs], [["edit@2"], [1, 2]]);
    });

    it("counts the same on reader threads as on the calling thread, texts and archive pointers included", function () {
        this.timeout(60_000);
        const { log, archive } = fullModeTrail(30);
        const plain = trail(200, { every: 50, close: true });
        const changed = JSON.parse(JSON.stringify(plain.records[150]));
        changed.outcome = "error";
        const inputs = [
            jsonLines([...retried(log, 5, 12, 20), log[7], { ...log[9], archive: { key: "other", sha256: "2".repeat(64) } }]),
            jsonLines([...retried(plain.records, 100, 140, 160), changed]),
            filterLogEvents(retried(trail(40, { start: 5 }).records, 10, 12, 30)),
            archiveFolder(archive, plain.checkpoints),
        ];
        const one = verifyAuditTrail(inputs, { threads: 1 });
        const two = threadedVerifier().verifyAuditTrail(inputs, { threads: 2 });
        assert.equal(two.readerThreads, 2);
        assert.deepStrictEqual({ ...two, readerThreads: 1 }, one);
        assert.deepEqual(breaks(one).sort(), ["duplicate@9", "edit@150"]);
        assert.deepEqual([one.redelivered, one.redeliveredCopies], [7 + 40 + 2, 8 + 40 + 2]);
    });
});
