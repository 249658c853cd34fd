/**
 * Tampering the checker must name: a planted line nested past what the stack
 * holds (damage, never a crash), an id the runtime cut made long again, an
 * archive pointer naming another record's object or a failed write the
 * archive contradicts, a writer that never archived while the archive was
 * written, and a record stored after a later one that shares a millisecond
 * with another.
 */
import * as assert from "assert";
import * as fs from "fs";
import { createHash } from "crypto";
import { MAX_RECORD_ID_BYTES, TRUNCATION_MARKER } from "../../contract/record-limits";
import { allBreaks, verifyAuditTrail } from "../../verifier/audit";
import { archiveObjects, auditCli, breaks, callRecord, filterLogEvents, forgedWriter, jsonLines, logWith, runtimeTrail, trail, trailCalls, type RuntimeTrail } from "../support/audit-trail";

/** JSON text of a list nested `depth` deep: serializing its parse overflows the stack. */
const deepList = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

function pointerOf(t: RuntimeTrail, seq: number): { key: string; sha256: string } {
    return t.lines.map((l) => JSON.parse(l)).find((r) => r.chain.seq === seq).archive;
}

describe("audit verify names tampering the chain alone does not show", () => {
    it("reports a line nested thousands deep (archive pointer, cut flag, cut metadata) as damaged, and checks every other line", () => {
        const records = trail(4).records.map((r) => JSON.stringify(r));
        const planted = [
            records[1].replace(/\}$/, `,"archive":${deepList(6000)}}`),
            records[2].replace(/"input":\{/, `"input":{"inputText":"hello","inputTruncated":${deepList(6000)},`),
            records[3].replace(/\}$/, `,"metadata":${deepList(6000)},"metadataSha256":"${"ab".repeat(32)}","metadataTruncated":true}`),
        ];
        const file = jsonLines([...records, ...planted]);
        for (const threads of [1, 2]) {
            const check = verifyAuditTrail([file], { threads });
            assert.deepEqual(breaks(check), ["damaged@undefined", "damaged@undefined", "damaged@undefined"]);
            assert.deepEqual(
                allBreaks(check).map((b) => b.message.slice(b.message.indexOf(":", file.length))),
                [5, 6, 7].map((line) => `:${line}: an audit record whose fields outside the chain hash cannot be read (Maximum call stack size exceeded)`),
            );
            assert.deepEqual([check.writers.length, check.writers[0].records, check.writers[0].breaks], [1, 4, []]);
        }
        const cli = auditCli([file]);
        assert.equal(cli.code, 1);
        assert.match(cli.out, /^- damaged: .*:5: an audit record whose fields outside the chain hash cannot be read \(Maximum call stack size exceeded\)$/m);
        assert.equal(cli.err, "");
    });

    it("names an id the runtime cut, whose marker was replaced by text past the bound, as an edit, with the archive or without", async () => {
        const long = "U".repeat(3 * MAX_RECORD_ID_BYTES);
        const t = await runtimeTrail([...trailCalls(2), { prompt: "p", completion: "c", metadata: { userId: long } }]);
        const archive = archiveObjects(t.objects);
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(t.lines), archive])), []);
        const cut = t.lines.map((l) => JSON.parse(l)).find((r) => r.userId?.endsWith(TRUNCATION_MARKER));
        assert.ok(cut, "the runtime cuts a long userId in the log");
        const edited = logWith(t, cut.chain.seq, (r) => ({ ...r, userId: `${r.userId.slice(0, -TRUNCATION_MARKER.length)}${"V".repeat(100)}` }));
        for (const inputs of [[edited], [edited, archive]]) {
            const check = verifyAuditTrail(inputs);
            assert.deepEqual(breaks(check), [`edit@${cut.chain.seq}`]);
            assert.match(allBreaks(check)[0].message, /was changed: its userId is longer than the 1024 bytes the runtime writes to the log/);
        }
    });

    it("names a pointer naming another record's genuine object, or a failed write whose object the archive holds", async () => {
        const t = await runtimeTrail(trailCalls(3));
        const archive = archiveObjects(t.objects);
        const other = logWith(t, 2, (r) => ({ ...r, archive: pointerOf(t, 4) }));
        const check = verifyAuditTrail([other, archive]);
        assert.deepEqual(breaks(check), ["archive-pointer@2"]);
        assert.match(allBreaks(check)[0].message, /^seq 2 at .*:3 names the archive object tenant=customer-a\/dt=.*, which holds seq 4 of writer [0-9a-f-]+, not this record$/);

        const checkpointKey = [...t.objects.keys()].find((k) => k.includes("/checkpoint-"))!;
        const checkpointSha = createHash("sha256").update(t.objects.get(checkpointKey)!).digest("hex");
        const toCheckpoint = logWith(t, 2, (r) => ({ ...r, archive: { key: checkpointKey, sha256: checkpointSha } }));
        assert.match(allBreaks(verifyAuditTrail([toCheckpoint, archive]))[0].message, /which holds no record, not this record$/);

        const failed = logWith(t, 2, (r) => ({ ...r, archive: { key: r.archive.key, errorCode: "ServiceUnavailable" } }));
        const failedCheck = verifyAuditTrail([failed, archive]);
        assert.deepEqual([breaks(failedCheck), failedCheck.archiveFailed], [["archive-pointer@2"], 0]);
        assert.match(allBreaks(failedCheck)[0].message, /^seq 2 at .*:3 says its archive write failed, but the archive holds it \(.*\)$/);
    });

    it("names a forged writer without archive pointers written while the archive was, and counts one whose pointers name failed writes", async () => {
        const t = await runtimeTrail(trailCalls(3));
        const archive = archiveObjects(t.objects);
        const bare = jsonLines([...t.lines, ...forgedWriter(t, 4, () => undefined)]);
        assert.deepEqual(breaks(verifyAuditTrail([bare])), []);
        const check = verifyAuditTrail([bare, archive]);
        const forged = check.writers.find((w) => w.writer !== t.writer)!;
        assert.deepEqual(forged.breaks.map((b) => `${b.kind}@${b.seq}`), ["archive-pointer@0", "archive-pointer@1", "archive-pointer@2", "archive-pointer@3"]);
        assert.match(forged.breaks[0].message, /has no archive pointer, and the archive holds no record of its writer, though it holds records from before and after it was written/);
        assert.deepEqual(check.writers.find((w) => w.writer === t.writer)!.breaks, []);

        // A failed write leaves nothing to check against: counted and said, as the docs say, not a break.
        const failing = jsonLines([...t.lines, ...forgedWriter(t, 4, (r) => ({ key: r.archive.key, errorCode: "AccessDenied" }))]);
        const failedCheck = verifyAuditTrail([failing, archive]);
        assert.deepEqual([breaks(failedCheck), failedCheck.archiveFailed], [[], 4]);
        assert.match(auditCli([failing, archive]).out, /^4 records whose log copy says the archive write failed \(errorCode\): /m);
        assert.equal(verifyAuditTrail([jsonLines(t.lines), archive]).archiveFailed, 0);
    });

    it("reports a checkpoint whose time, schema version or tenant the runtime could not have written as damaged, never reading it as valid", async () => {
        const t = await runtimeTrail(trailCalls(5), { checkpointEveryRecords: 2 });
        const log = jsonLines(t.lines);
        assert.strictEqual(auditCli([log, archiveObjects(t.objects)]).code, 0, "the trail as written is intact");
        const keys = [...t.objects.keys()].filter((k) => k.includes("/checkpoint-"));
        assert.ok(keys.length >= 3, keys.join(", "));
        const changes: ((c: any) => void)[] = [(c) => (c.at = "not a time"), (c) => (c.schemaVersion = "1.5"), (c) => delete c.tenantId];
        for (const [i, change] of changes.entries()) {
            const objects = new Map(t.objects);
            const checkpoint = JSON.parse(objects.get(keys[i])!);
            change(checkpoint);
            objects.set(keys[i], JSON.stringify(checkpoint));
            const run = auditCli([log, archiveObjects(objects)]);
            assert.strictEqual(run.code, 1, run.out + run.err);
            assert.ok(run.out.includes(keys[i].split("/").pop()!) && /a checkpoint without the schema version 1\.0, a tenant and a time/.test(run.out), run.out);
        }
    });

    it("names a record stored after a later one though a record between them shares its millisecond", () => {
        const records = trail(8).records;
        const file = filterLogEvents(records);
        const doc = JSON.parse(fs.readFileSync(file, "utf8"));
        const events: any[] = doc.events;
        // Seq 3 moved after seq 7 and stamped with its millisecond: seq 4–6, stored before it, are later records.
        const [moved] = events.splice(3, 1);
        moved.timestamp = events[events.length - 1].timestamp;
        events.push(moved);
        fs.writeFileSync(file, JSON.stringify(doc));
        assert.deepEqual(breaks(verifyAuditTrail([file])), ["reordered@3"]);

    });

    it("names a record re-stored later in another stream, or behind a time of its message's own, as reordered", () => {
        const records = trail(8).records;
        const edits: [string, (moved: any, last: any) => void][] = [
            ["another stream", (moved, last) => Object.assign(moved, { logStreamName: "2026/12/05/[$LATEST]other", timestamp: last.timestamp + 1000 })],
            // The writer's own text cannot say when the store took it.
            ["its message wrapped with the original time", (moved, last) => Object.assign(moved, { timestamp: last.timestamp + 1000, message: JSON.stringify({ timestamp: moved.timestamp, logStreamName: "s", message: moved.message }) })],
        ];
        for (const [what, edit] of edits) {
            const file = filterLogEvents(records);
            const doc = JSON.parse(fs.readFileSync(file, "utf8"));
            const events: any[] = doc.events;
            const [moved] = events.splice(3, 1);
            edit(moved, events[events.length - 1]);
            events.push(moved);
            fs.writeFileSync(file, JSON.stringify(doc));
            assert.deepEqual(breaks(verifyAuditTrail([file])), ["reordered@3"], what);
        }
        // In a file of lines without stored times, a record moved to the end under another stream's name is out of place too.
        const moved = [...records.slice(0, 3), ...records.slice(4), JSON.stringify({ logStreamName: "other", message: JSON.stringify(records[3]) })];
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(moved)])), ["reordered@3"]);
        // The same stream given twice, as two exports of it, is no reordering.
        assert.deepEqual(breaks(verifyAuditTrail([filterLogEvents(records.slice(0, 5)), filterLogEvents(records.slice(3))])), []);
    });

    it("names text given to a hash-mode record, cut marker and the record's own digest included, as an edit", () => {
        const t = trail(0);
        const digest = createHash("sha256").update("the real prompt").digest("hex");
        const records = [0, 1, 2].map((i) => t.writer.link(callRecord(i, { contentMode: "hash", input: { inputTokenCount: 10, inputCharCount: 15, inputSha256: digest } })).record as any);
        assert.deepEqual(breaks(verifyAuditTrail([jsonLines(records)])), []);
        records[1] = { ...records[1], input: { ...records[1].input, inputText: `an invented prompt${TRUNCATION_MARKER}`, inputTruncated: true } };
        const found = allBreaks(verifyAuditTrail([jsonLines(records)]));
        assert.deepEqual(found.map((b) => `${b.kind}@${b.seq}`), ["edit@1"]);
        assert.match(found[0].message, /contentMode is "hash", which records no text, yet it holds input\.inputText/);
    });

    it("reports a wrapper line that names its message twice as damaged, whichever message a reader takes", () => {
        const records = trail(4).records;
        const forged = JSON.stringify({ ...records[2], userId: "someone-else" });
        const wrapped = `{"level":"INFO","message":${JSON.stringify(forged)},"message":${JSON.stringify(JSON.stringify(records[2]))}}`;
        const lines = jsonLines([records[0], records[1], wrapped, records[3]]);
        const events = filterLogEvents(records);
        const doc = JSON.parse(fs.readFileSync(events, "utf8"));
        doc.events[2].message = wrapped;
        fs.writeFileSync(events, JSON.stringify(doc));
        for (const file of [lines, events]) {
            const found = allBreaks(verifyAuditTrail([file]));
            assert.ok(found.some((b) => b.kind === "damaged" && b.message.includes("names one key twice in one object")), JSON.stringify(found));
            // Read neither way: the record is missing from its chain, so no reader's version passes for it.
            assert.ok(found.some((b) => b.kind === "gap" && b.seq === 2), JSON.stringify(found));
        }
        // The same record wrapped once is read as it is.
        const once = jsonLines([records[0], records[1], JSON.stringify({ level: "INFO", message: JSON.stringify(records[2]) }), records[3]]);
        assert.deepEqual(breaks(verifyAuditTrail([once])), []);
    });
});
