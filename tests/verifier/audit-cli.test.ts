/** `bedrock-tenancy audit`: its usage, and a report that cannot be written (exit 2 naming the path, never 1, which means breaks). */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Writable } from "stream";
import { main } from "../../verifier/cli";
import { auditCli, jsonLines, tempDir, trail } from "../support/audit-trail";

/** `bedrock-tenancy ARGS` in this process. */
function run(args: string[]): { code: number; out: string; err: string } {
    let out = "";
    let err = "";
    const sink = (into: (s: string) => void) => new Writable({ write: (chunk, _enc, done) => (into(String(chunk)), done()) });
    const code = main(args, sink((s) => (out += s)), sink((s) => (err += s)));
    return { code, out, err };
}

describe("bedrock-tenancy audit: usage", () => {
    for (const args of [["audit", "verify", "--help"], ["audit", "verify", "-h"], ["audit", "--help"], ["audit", "-h"], ["audit", "help"]]) {
        it(`prints the usage on stdout and exits 0 for ${args.join(" ")}`, () => {
            const result = run(args);
            assert.deepStrictEqual([result.code, result.err], [0, ""]);
            assert.match(result.out, /^usage: bedrock-tenancy audit verify /);
        });
    }

    it("prints the usage on stderr and exits 2 without a command, as the usage says", () => {
        const result = run(["audit"]);
        assert.deepStrictEqual([result.code, result.out], [2, ""]);
        assert.match(result.err, /^usage: bedrock-tenancy audit verify /);
        assert.match(result.err, /`bedrock-tenancy audit` without a command prints it with exit 2/);
    });

    it("describes every option of its synopsis", () => {
        const usage = run(["audit", "--help"]).out;
        const synopsis = usage.split("\n")[0];
        for (const option of synopsis.match(/--[a-z]+/g)!) assert.match(usage, new RegExp(`^ {2}${option} +\\S`, "m"), `${option} is in the synopsis but not described`);
        assert.match(usage, /^ {2}--quiet +print no report on stdout/m);
        // Each description is whole: what happens without the option too.
        assert.match(usage.replace(/\s+/g, " "), /without it, records of more than one tenant are a tenant break --json/);
    });
});

describe("bedrock-tenancy audit verify --json: a report that cannot be written", () => {
    const input = () => jsonLines(trail(2).records);

    it("exits 2 naming the path when the report's folder does not exist, before reading the inputs", () => {
        const file = path.join(tempDir(), "nodir", "r.json");
        const result = auditCli(["--json", file, input()]);
        assert.strictEqual(result.code, 2, result.err);
        assert.strictEqual(result.err, `--json ${file}: cannot write the report: its folder ${path.dirname(file)} does not exist\n`);
        assert.strictEqual(result.out, "");
    });

    it("exits 2 naming the path when the report's folder is a file", () => {
        const notAFolder = input();
        const file = path.join(notAFolder, "r.json");
        const result = auditCli(["--quiet", "--json", file, input()]);
        assert.strictEqual(result.code, 2, result.err);
        assert.strictEqual(result.err, `--json ${file}: cannot write the report: ${notAFolder} is not a folder\n`);
    });

    it("exits 2 naming the path when the report's path is a folder, after printing the check's report", () => {
        const folder = tempDir();
        const result = auditCli(["--json", folder, input()]);
        assert.strictEqual(result.code, 2, result.err);
        assert.strictEqual(result.err, `--json ${folder}: cannot write the report: it is a folder\n`);
        assert.match(result.out, /^Audit trail: 1 writer, 2 records, .*: intact\./);
        assert.deepStrictEqual(fs.readdirSync(folder), []);
    });
});
