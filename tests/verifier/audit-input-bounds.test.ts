/**
 * What an input can cost to read is bounded: a line longer than any record
 * is kept only by its start and the rest skipped (a record it claims to be is
 * damaged, every other line still checked), a gzip input that decompresses
 * past the bound and a device that never ends are unreadable input, named.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { gzipSync } from "zlib";
import { callRecord, jsonLines } from "../support/audit-trail";
import { ChainWriter } from "../../runtime/chain/chain-writer";
import { readAuditInputs, UnreadableAuditInputError } from "../../verifier/audit";
import { SEGMENT_SIZES } from "../../verifier/audit/inputs";

const SMALL_LINES = { ...SEGMENT_SIZES, bytes: 1024, line: 8 * 1024, batchChars: 4096 };

describe("audit verify reading what an input can cost", () => {
    /** Five chained records of one writer, as lines. */
    const records = () => {
        const writer = new ChainWriter({ tenantId: "customer-a" });
        return Array.from({ length: 5 }, (_, i) => JSON.stringify(writer.link(callRecord(i)).record));
    };

    it("keeps only the start of a line longer than the bound, reads every line after it, and reports the record it claims to be as damaged", () => {
        const lines = records();
        const giant = `{"schemaType":"BedrockTenancyInvocationAudit","pad":"${"x".repeat(200 * 1024)}"}`;
        const file = jsonLines([lines[0], lines[1], giant, lines[2], lines[3], lines[4]]);
        const { input } = readAuditInputs([file], 1, SMALL_LINES);
        assert.deepStrictEqual(input.entries.map((e) => e.link.seq), [0, 1, 2, 3, 4]);
        assert.strictEqual(input.damaged.length, 1, JSON.stringify(input.damaged));
        assert.match(input.damaged[0].where, /:3$/);
        // The same at the end of the input, with no newline after it.
        const last = path.join(path.dirname(file), "last.jsonl");
        fs.writeFileSync(last, `${lines.join("\n")}\n${giant}`);
        const tail = readAuditInputs([last], 1, SMALL_LINES).input;
        assert.deepStrictEqual([tail.entries.length, tail.damaged.length], [5, 1]);
    });

    it("reads a 300 MiB line in bounded memory (a fresh process's peak grows by far less than the line)", function () {
        this.timeout(120_000);
        const file = jsonLines(records());
        const fd = fs.openSync(file, "a");
        fs.writeSync(fd, '{"schemaType":"BedrockTenancyInvocationAudit","pad":"');
        const chunk = Buffer.alloc(16 * 1024 * 1024, 0x78);
        for (let i = 0; i < 300 / 16; i++) fs.writeSync(fd, chunk);
        fs.writeSync(fd, '"}\n');
        fs.closeSync(fd);
        const script = `const { readAuditInputs } = require(${JSON.stringify(path.join(__dirname, "../../verifier/audit"))});
            const before = process.resourceUsage().maxRSS;
            const { input } = readAuditInputs([${JSON.stringify(file)}], 1);
            console.log(JSON.stringify({ grew: process.resourceUsage().maxRSS - before, entries: input.entries.length, damaged: input.damaged.length }));`;
        const out = JSON.parse(execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: path.join(__dirname, "../.."), encoding: "utf8" })) as { grew: number; entries: number; damaged: number };
        fs.rmSync(file);
        assert.deepStrictEqual([out.entries, out.damaged], [5, 1]);
        // maxRSS is in KiB: far under the 300 MiB line, which read whole would at least double.
        assert.ok(out.grew < 100 * 1024, `peak grew by ${Math.round(out.grew / 1024)} MiB`);
    });

    it("refuses a gzip input that decompresses past the bound, naming it", () => {
        const dir = path.dirname(jsonLines(records()));
        const bomb = path.join(dir, "events.jsonl.gz");
        fs.writeFileSync(bomb, gzipSync(Buffer.alloc(64 * 1024, 0x0a)));
        assert.throws(() => readAuditInputs([bomb], 1, { ...SMALL_LINES, gunzipped: 16 * 1024 }), (err: Error) => err instanceof UnreadableAuditInputError && err.message.startsWith(`${bomb}: decompresses to more than 16384 bytes`));
        assert.strictEqual(readAuditInputs([bomb], 1, SMALL_LINES).input.entries.length, 0);
    });

    it("refuses a device that never ends, naming it", () => {
        assert.throws(() => readAuditInputs(["/dev/zero"], 1), (err: Error) => err instanceof UnreadableAuditInputError && err.message.startsWith("/dev/zero: is neither a file nor a folder"));
    });
});
