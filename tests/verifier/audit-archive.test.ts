/**
 * The log is what audit verify judges complete; the archive, which no one can
 * rewrite, witnesses what the log should hold. A record only the archive
 * holds is missing from the log all the same, whatever its kind of break:
 * on trails the runtime's own logger and ArchivingSink wrote.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { allBreaks, readAuditInputs, verifyAuditTrail } from "../../verifier/audit";
import { packInput, unpackInput } from "../../verifier/audit/packed";
import { archiveObjects, auditCli, breaks, changedLines, jsonLines, runtimeTrail, tempDir, trailCalls, type RuntimeTrail } from "../support/audit-trail";
import { threadedVerifier } from "../support/threaded-verifier";

/** Five fail-closed calls (a started and a completion record each, seq 0–9), then the close record (seq 10). */
const closedTrail = () => runtimeTrail(trailCalls(5));

function withoutSeqs(t: RuntimeTrail, ...seqs: number[]): string[] {
    return changedLines(t.lines, (r) => (seqs.includes(r.chain.seq) ? undefined : r));
}

/**
 * Two trails of these tests name their calls alike (`run-0`, …), so calls
 * made in the same millisecond have the same archive key: the objects of the
 * trail whose log is not given are kept under keys of their own.
 */
function apart(objects: ReadonlyMap<string, string>): Map<string, string> {
    return new Map([...objects].map(([key, body]) => [key.endsWith(".json") ? `${key.slice(0, -".json".length)}-other.json` : key, body]));
}

describe("audit verify judges the log, the archive its witness", () => {
    it("finds a trail intact from its log and archive together, and from the archive alone", async () => {
        const t = await closedTrail();
        const log = jsonLines(t.lines);
        const archive = archiveObjects(t.objects);
        const check = verifyAuditTrail([log, archive]);
        assert.deepEqual(breaks(check), []);
        assert.deepEqual(check.writers.map((w) => [w.writer, w.records, w.firstSeq, w.lastSeq, w.closed, w.checkpoints]), [[t.writer, 11, 0, 10, true, 1]]);
        assert.deepEqual(breaks(verifyAuditTrail([archive])), []);
        // The archive's copy of each record is still compared with the log's.
        const edited = changedLines(t.lines, (r) => (r.chain.seq === 3 ? { ...r, userId: "someone-else" } : r));
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(edited), archive])), ["edit@3"]);
    });

    it("names a record deleted from the middle of the log as a gap, though the archive holds it", async () => {
        const t = await closedTrail();
        const log = jsonLines(withoutSeqs(t, 4));
        const archive = archiveObjects(t.objects);
        assert.deepEqual(breaks(verifyAuditTrail([log])), ["gap@4"]);
        const check = verifyAuditTrail([log, archive]);
        assert.deepEqual(breaks(check), ["gap@4"]);
        assert.deepEqual([check.writers[0].records, check.writers[0].lastSeq], [10, 10]);
        const run = auditCli([log, archive]);
        assert.equal(run.code, 1);
        assert.match(run.out, /gap: seq 4 is missing/);
    });

    it("names a tail cut from the log against the archive's copies of it, with its checkpoints or without", async () => {
        const t = await closedTrail();
        const log = jsonLines(withoutSeqs(t, 7, 8, 9, 10));
        assert.deepEqual(breaks(verifyAuditTrail([log])), []);
        assert.deepEqual(breaks(verifyAuditTrail([log, archiveObjects(t.objects)])), ["tail-cut@7", "missing-close@10"]);
        const copiesOnly = new Map([...t.objects].filter(([key]) => !path.basename(key).startsWith("checkpoint-")));
        const check = verifyAuditTrail([log, archiveObjects(copiesOnly)]);
        assert.deepEqual(breaks(check), ["tail-cut@7", "missing-close@10"]);
        assert.deepEqual([check.writers[0].records, check.writers[0].lastSeq, check.writers[0].closed], [7, 6, false]);
        assert.match(allBreaks(check)[0].message, /^records after seq 6 are missing: the archive holds the writer's records up to seq 10$/);
    });

    it("names the last record deleted, as in the worked example, a cut tail when the archive is given: a Lambda writer, never closed or checkpointed", async () => {
        const t = await runtimeTrail(trailCalls(2), { close: false });
        assert.ok(![...t.objects.keys()].some((k) => k.includes("/chain/")), "no checkpoint or close record");
        const log = jsonLines(withoutSeqs(t, 3));
        assert.deepEqual(breaks(verifyAuditTrail([log])), []);
        assert.deepEqual(breaks(verifyAuditTrail([log, archiveObjects(t.objects)])), ["tail-cut@3"]);
    });

    it("names a writer whose log stream is gone, though the archive holds its records: exit 1, in the report's other breaks", async () => {
        const kept = await closedTrail();
        const gone = await runtimeTrail(trailCalls(3), { close: false });
        const archive = archiveObjects(apart(gone.objects), archiveObjects(kept.objects));
        const log = jsonLines(kept.lines);
        const check = verifyAuditTrail([log, archive]);
        assert.deepEqual(check.writers.map((w) => w.writer), [kept.writer]);
        assert.deepEqual(
            allBreaks(check).map((b) => [b.kind, b.writer]),
            [["missing-writer", gone.writer]],
        );
        assert.match(check.other[0].message, /^no record of the writer is in the log, but the archive holds its records seq 0–5 \(a deleted log stream\?\)$/);

        const json = path.join(tempDir(), "report.json");
        const run = auditCli(["--json", json, log, archive]);
        assert.equal(run.code, 1);
        const report = JSON.parse(fs.readFileSync(json, "utf8"));
        assert.deepEqual([report.result, report.writers.length, report.other.map((b: { kind: string; writer: string }) => [b.kind, b.writer])], ["broken", 1, [["missing-writer", gone.writer]]]);
    });

    it("names every writer of the archive missing when the log export holds no record at all", async () => {
        const t = await closedTrail();
        const events = path.join(tempDir(), "events.json");
        fs.writeFileSync(events, JSON.stringify({ events: [], searchedLogStreams: [] }));
        const check = verifyAuditTrail([events, archiveObjects(t.objects)]);
        assert.deepEqual(check.writers, []);
        assert.deepEqual(allBreaks(check).map((b) => [b.kind, b.writer]), [["missing-writer", t.writer]]);
    });

    it("tells the archive's copies from the log's, and a record that contradicts its digest, the same on reader threads", async function () {
        this.timeout(60_000);
        const kept = await closedTrail();
        const gone = await runtimeTrail(trailCalls(2), { close: false });
        const forged = changedLines(withoutSeqs(kept, 9, 10), (r) => (r.chain.seq === 2 ? { ...r, metadata: { ticket: "T-0" }, metadataSha256: r.metadataSha256 ?? "0".repeat(64) } : r));
        const inputs = [jsonLines(forged), archiveObjects(apart(gone.objects), archiveObjects(kept.objects))];
        const { input } = readAuditInputs(inputs, 1);
        assert.ok(input.logRead && input.entries.some((e) => e.archived) && input.entries.some((e) => e.flaw !== undefined));
        assert.deepStrictEqual(unpackInput(packInput(input)), input);
        const one = verifyAuditTrail(inputs, { threads: 1 });
        const two = threadedVerifier().verifyAuditTrail(inputs, { threads: 2 });
        assert.equal(two.readerThreads, 2);
        assert.deepStrictEqual({ ...two, readerThreads: 1 }, one);
        assert.deepEqual(breaks(one), ["edit@2", "tail-cut@9", "missing-close@10", "missing-writer@0"]);
    });
    it("with --window, checks the records in the window against the archive and nothing the archive holds outside it", async () => {
        const earlier = await closedTrail();
        const later = await runtimeTrail(trailCalls(6), { checkpointEveryRecords: 4 });
        const objects = new Map([...earlier.objects, ...later.objects]);
        const archive = archiveObjects(objects);
        // The window holds records 3–7 of the later writer only: the earlier writer closed before it, the later goes on after it.
        const window = jsonLines(changedLines(later.lines, (r) => (r.chain.seq >= 3 && r.chain.seq <= 7 ? r : undefined)));
        assert.deepEqual(breaks(verifyAuditTrail([window, archive], { window: true })), []);
        // Without --window the same input is a log missing most of its records.
        assert.ok(breaks(verifyAuditTrail([window, archive])).length > 0);
        // An edit inside the window still shows against the archive.
        const edited = jsonLines(changedLines(later.lines, (r) => (r.chain.seq >= 3 && r.chain.seq <= 7 ? (r.chain.seq === 5 ? { ...r, userId: "someone-else" } : r) : undefined)));
        assert.deepEqual(breaks(verifyAuditTrail([edited, archive], { window: true })), ["edit@5"]);
    });
});
