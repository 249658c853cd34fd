/**
 * How `audit verify` reads large exports: a chunk at a time, cut between
 * lines, and on reader threads. Whatever the cut and however many threads,
 * it reads exactly what one pass over whole files reads, and names the same
 * breaks.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Writable } from "stream";
import { gzipSync } from "zlib";
import type { ChainCheckpoint, StoredRecord } from "../../contract";
import { allBreaks, readAuditInputs, verifyAuditTrail, type AuditCheck } from "../../verifier/audit";
import { packInput, unpackInput } from "../../verifier/audit/packed";
import { main } from "../../verifier/cli";
import { archiveFolder, callRecord, filterLogEvents, jsonLines, tempDir, trail } from "../support/audit-trail";
import { threadedVerifier } from "../support/threaded-verifier";

const FIXTURE = path.join(__dirname, "fixtures", "audit-trail-1.0.jsonl");

function breaks(check: AuditCheck): string[] {
    return allBreaks(check).map((b) => `${b.kind}@${b.seq}`);
}

/** Every shape of input: lines (records, wrapped records, export-to-S3 lines, platform lines, damage, checkpoints, long multibyte text), aws logs output, an archive folder with a gzip object. */
function everyKindOfInput(edit: (records: StoredRecord[], checkpoints: ChainCheckpoint[]) => void = () => undefined): string[] {
    const a = trail(120, { every: 25, close: true });
    const b = trail(120, { start: 1 });
    const c = trail(40);
    const d = trail(30, { every: 10 });
    edit(a.records, a.checkpoints);
    const long = "Ünïcödé 😂 text ".repeat(400);
    const linked = b.writer.link(callRecord(200, { contentMode: "full", input: { inputCharCount: long.length, inputText: long }, metadata: { ticket: "T-1" } })).record;
    // The flag is outside what is hashed: a log copy whose metadata was cut carries it.
    const full = { ...linked, metadataTruncated: true };
    const lines: (StoredRecord | ChainCheckpoint | string)[] = ["START RequestId: 1 Version: $LATEST", ""];
    for (let i = 0; i < Math.max(a.records.length, b.records.length); i++) {
        const r = a.records[i];
        if (r) lines.push(i % 7 === 3 ? JSON.stringify({ timestamp: Date.parse(r.chain!.at), logStreamName: "s/a", message: JSON.stringify(r) }) : r);
        // Writer b as a CloudWatch export to S3 writes it: each line after its time.
        if (b.records[i]) lines.push(`${b.records[i].chain!.at} ${JSON.stringify(b.records[i])}`);
        if (i % 13 === 0) lines.push(`REPORT RequestId: ${i}\tDuration: 1.00 ms`, "   ");
    }
    lines.push(`${full.chain!.at} ${JSON.stringify(full)}`, JSON.stringify(a.records[5]).slice(0, 90), ...a.checkpoints, ...fs.readFileSync(FIXTURE, "utf8").split("\n").filter(Boolean));
    const archive = archiveFolder(d.records.slice(0, 20), d.checkpoints);
    fs.writeFileSync(path.join(archive, "tenant=customer-a", "zz-tail.json.gz"), gzipSync(d.records.slice(20).map((r) => JSON.stringify(r)).join("\n")));
    return [jsonLines(lines), filterLogEvents(c.records), archive];
}

const SMALL = { bytes: 256, events: 7, batchChars: 2048 };

describe("audit verify reading large exports", () => {
    it("reads the same whatever the size of the chunks files are cut into between lines", () => {
        const inputs = everyKindOfInput();
        const whole = readAuditInputs(inputs, 1);
        assert.ok(whole.input.entries.length > 300 && whole.input.checkpoints.length > 5 && whole.input.damaged.length === 1, JSON.stringify(whole.input.damaged));
        for (const bytes of [256, 1000, 4099]) {
            assert.deepStrictEqual(readAuditInputs(inputs, 1, { ...SMALL, bytes }).input, whole.input, `chunks of ${bytes} bytes`);
        }
    });

    it("packs what a reader thread found for the trip back without losing or changing anything", () => {
        const { input } = readAuditInputs(everyKindOfInput(), 1);
        assert.ok(input.entries.some((e) => e.content?.metadataTruncated) && input.entries.some((e) => e.content?.inputText) && input.entries.some((e) => e.storedAt !== undefined));
        assert.ok(input.entries.some((e) => e.where !== `${e.group}:${e.position}`) && input.entries.some((e) => e.link.genesis) && input.entries.some((e) => e.kind === "close"));
        assert.deepStrictEqual(unpackInput(packInput(input)), input);
    });

    it("reads on two threads exactly what one thread reads, in the same order", function () {
        this.timeout(60_000);
        const inputs = everyKindOfInput();
        const one = readAuditInputs(inputs, 1);
        const two = threadedVerifier().readAuditInputs(inputs, 2, SMALL);
        assert.equal(two.threads, 2);
        assert.deepStrictEqual(two.input, one.input);
    });

    it("names every kind of break on threads as on one thread", function () {
        this.timeout(60_000);
        const tamperings: [string, (records: StoredRecord[], checkpoints: ChainCheckpoint[]) => void, string[]][] = [
            ["edit", (r) => ((r[40] as any).userId = "someone-else"), ["edit@40"]],
            ["gap", (r) => r.splice(50, 2), ["gap@50"]],
            ["reordering", (r) => ([r[60], r[61]] = [r[61], r[60]]), ["reordered@60"]],
            ["redelivery", (r) => r.splice(75, 0, r[70], r[71]), []],
            ["duplicate", (r) => r.splice(70, 0, { ...r[70], archive: { key: "k", sha256: "0".repeat(64) } } as StoredRecord), ["duplicate@70"]],
            ["cut tail", (r) => r.splice(110), ["tail-cut@110", "missing-close@120"]],
            ["checkpoint mismatch", (_r, c) => (c[1] = { ...c[1], hash: "0".repeat(64) }), ["checkpoint-mismatch@49"]],
        ];
        const verifier = threadedVerifier();
        for (const [name, tamper, expected] of tamperings) {
            const inputs = everyKindOfInput(tamper);
            const one = verifyAuditTrail(inputs, { threads: 1 });
            const two = verifier.verifyAuditTrail(inputs, { threads: 2 });
            assert.equal(two.readerThreads, 2);
            const named = breaks(two).filter((b) => !b.startsWith("damaged"));
            assert.deepStrictEqual(named, expected, name);
            assert.deepStrictEqual({ ...two, readerThreads: 1 }, one, name);
        }
    });

    it("reads small inputs on the calling thread unless told otherwise, and refuses a thread count that is not a whole number", () => {
        const file = jsonLines(trail(3).records);
        assert.equal(threadedVerifier().verifyAuditTrail([file]).readerThreads, 1);
        assert.equal(threadedVerifier().verifyAuditTrail([file], { threads: 2 }).readerThreads, 2);
        // From sources there is no reader thread to start: the calling thread reads.
        assert.equal(verifyAuditTrail([file], { threads: 2 }).readerThreads, 1);
        assert.throws(() => verifyAuditTrail([file], { threads: 0 }), /threads must be a whole number of at least 1, not 0/);
        assert.throws(() => verifyAuditTrail([file], { threads: 1.5 }), /not 1.5/);
    });

    it("takes --threads on the command line, and refuses a count that is not a whole number from 1 to 64", () => {
        const file = jsonLines(trail(3).records);
        const run = (threads: string) => {
            let err = "";
            const sink = (into: (s: string) => void) => new Writable({ write: (chunk, _enc, done) => (into(String(chunk)), done()) });
            return { code: main(["audit", "verify", "--quiet", "--threads", threads, file], sink(() => undefined), sink((s) => (err += s))), err };
        };
        assert.equal(run("2").code, 0);
        for (const bad of ["0", "65", "two", "1.5"]) assert.deepEqual([run(bad).code, run(bad).err.split("\n")[0]], [2, `--threads takes a whole number from 1 to 64, not "${bad}"`]);
    });

    it("reads a line longer than the chunk and a file without a final newline", () => {
        const { records } = trail(3);
        const dir = tempDir();
        const file = path.join(dir, "no-newline.jsonl");
        fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n"));
        const read = readAuditInputs([file], 1, { bytes: 16, events: 1, batchChars: 1 });
        assert.deepStrictEqual(read.input.entries.map((e) => [e.link.seq, e.where]), [0, 1, 2].map((s) => [s, `${file}:${s + 1}`]));
    });
});
