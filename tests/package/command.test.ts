/**
 * `npx bedrock-tenancy` runs the package's command file: in an installed
 * package, in a built clone, and in a clone right after `npm ci`, before any
 * build, as the README's first steps leave it.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { jsonLines, trail } from "../support/audit-trail";
import { shippedPlan, stackFiles } from "../support/plan-files";
import { unbuiltClone } from "../support/unbuilt-clone";
import { makeTempDir } from "../support/temp-dir";

const REPO = path.resolve(__dirname, "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { bin: Record<string, string>; files: string[] };
const command = manifest.bin["bedrock-tenancy"];

function run(file: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(process.execPath, [file, ...args], { cwd }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
    });
}

describe("the bedrock-tenancy command", function () {
    this.timeout(120_000);

    it("is a file kept in the repository, executable and shipped, not a build output", () => {
        assert.ok(!command.startsWith("dist/"), `bin is ${command}: a rebuild recreates dist/ without the execute bit`);
        assert.ok(manifest.files.includes(command), `files does not ship ${command}`);
        assert.ok((fs.statSync(path.join(REPO, command)).mode & 0o111) !== 0, `${command} is not executable`);
    });

    it("proves the shipped plans in a clone that has not been built", async () => {
        const plans = stackFiles(await shippedPlan());
        const clone = unbuiltClone();
        const out = makeTempDir("bedrock-tenancy-unbuilt-out-");

        const result = await run(path.join(clone, command), ["verify", "--out", out, ...plans], clone);

        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /0 violations/);
        assert.ok(fs.existsSync(path.join(out, "isolation-report.md")));
        assert.ok(!fs.existsSync(path.join(clone, "dist")));
    });

    it("runs the compiled CLI in a built tree, with the same exit codes", async () => {
        const bad = path.join(makeTempDir("bedrock-tenancy-bad-plan-"), "ops.json");
        fs.writeFileSync(bad, "not json");

        const help = await run(path.join(REPO, command), ["--help"], REPO);
        const unreadable = await run(path.join(REPO, command), ["verify", bad], REPO);

        assert.equal(help.code, 0);
        assert.match(help.stdout, /^usage: bedrock-tenancy verify/);
        assert.equal(unreadable.code, 2, unreadable.stderr);
    });

    it("exits 2 naming the path, never 1 (breaks), when audit verify cannot write its --json report", async () => {
        const clone = unbuiltClone(["bin"]);
        const report = path.join(makeTempDir("bedrock-tenancy-unwritable-"), "nodir", "r.json");

        const audit = await run(path.join(clone, command), ["audit", "verify", jsonLines(trail(2).records), "--json", report], clone);

        assert.equal(audit.code, 2, audit.stderr);
        assert.equal(audit.stderr, `--json ${report}: cannot write the report: its folder ${path.dirname(report)} does not exist\n`);
    });

    it("exits 2, never 1 (violations, breaks), when the CLI throws: a system error as one line, any other error with its stack", async () => {
        const clone = unbuiltClone(["bin"]);
        // A stand-in for the compiled CLI, which the command prefers: its main throws what the argument names.
        fs.mkdirSync(path.join(clone, "dist", "verifier"), { recursive: true });
        fs.writeFileSync(path.join(clone, "dist", "verifier", "cli.js"), [
            "exports.main = ([what]) => {",
            "    if (what === \"system\") throw Object.assign(new Error(\"EEXIST: file already exists, mkdir '/tmp/taken'\"), { code: \"EEXIST\" });",
            "    throw new Error(\"a bug\");",
            "};",
        ].join("\n"));

        const system = await run(path.join(clone, command), ["system"], clone);
        const bug = await run(path.join(clone, command), ["bug"], clone);

        assert.equal(system.code, 2, system.stderr);
        assert.equal(system.stderr, "bedrock-tenancy: EEXIST: file already exists, mkdir '/tmp/taken'\n");
        assert.equal(bug.code, 2, bug.stderr);
        assert.match(bug.stderr, /^bedrock-tenancy: Error: a bug\n\s+at /);
    });
});
