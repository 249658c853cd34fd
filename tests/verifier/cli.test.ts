/** The `bedrock-tenancy` bin as a user runs it: a child process, exit codes, reports on disk, both Pulumi formats. */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { editedPlan, policyOf, shippedPlan, stackFiles } from "../support/plan-files";
import { REPO } from "../support/run-cli";
import { makeTempDir } from "../support/temp-dir";
import { MAX_PLAN_BYTES, readPlanText } from "../../verifier/plan-input";

function bin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(REPO, "verifier/cli.ts"), ...args], { cwd: REPO }, (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
    });
}

/** The same stack as `pulumi preview --json` would describe it: a step per resource with its new state. */
function asPreview(exportFile: string): string {
    const doc = JSON.parse(fs.readFileSync(exportFile, "utf8"));
    const preview = { steps: doc.deployment.resources.map((r: any) => ({ op: "create", urn: r.urn, newState: r })), changeSummary: { create: doc.deployment.resources.length } };
    const file = path.join(makeTempDir("bedrock-tenancy-preview-"), path.basename(exportFile));
    fs.writeFileSync(file, JSON.stringify(preview));
    return file;
}

describe("bedrock-tenancy verify (the bin)", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("exits 0 on the clean plan and writes the markdown and JSON reports", async () => {
        const out = makeTempDir("bedrock-tenancy-cli-");
        const run = await bin(["verify", "--out", out, ...stackFiles(plan)]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.match(run.stdout, /Isolation: 2 tenants, 1 customer stack, \d+ resources, 0 violations/);
        assert.match(fs.readFileSync(path.join(out, "isolation-report.md"), "utf8"), /\*\*Result: no violations\.\*\*/);
        assert.strictEqual(JSON.parse(fs.readFileSync(path.join(out, "isolation-report.json"), "utf8")).result, "clean");
    });

    it("exits 1 naming tenant, resource, statement and why", async () => {
        const dir = editedPlan(plan, "ops", (doc) => (policyOf(doc, "BedrockTenantAccess-customer-a").Statement[0].Action = ["bedrock:*"]));
        const run = await bin(["verify", "--out", dir, ...stackFiles(dir)]);
        assert.strictEqual(run.code, 1);
        assert.match(run.stderr, /customer-a: tenants-customer-a-role tenants-customer-a-invoke Statement 1 \(Sid "InvokeApplicationProfiles"\) \(ops\): allows the action pattern "bedrock:\*"/);
    });

    it("reads pulumi preview --json files the same way", async () => {
        const files = stackFiles(plan).map(asPreview);
        const run = await bin(["verify", "--out", path.dirname(files[0]), ...files]);
        assert.strictEqual(run.code, 0, run.stderr);
        const bad = editedPlan(plan, "ops", (doc) => (policyOf(doc, "BedrockTenantAccess-customer-b").Statement[0].Resource = "*"));
        const failing = await bin(["verify", "--out", bad, ...stackFiles(bad).map(asPreview)]);
        assert.strictEqual(failing.code, 1);
        assert.match(failing.stderr, /customer-b: .*InvokeApplicationProfiles.*resource pattern "\*"/);
    });

    it("exits 2, naming --out, when the report cannot be written", async () => {
        const file = path.join(makeTempDir("bedrock-tenancy-out-"), "taken");
        fs.writeFileSync(file, "");
        for (const out of [file, path.join(file, "sub")]) {
            const run = await bin(["verify", "--out", out, ...stackFiles(plan)]);
            assert.strictEqual(run.code, 2, run.stderr);
            assert.ok(run.stderr.startsWith(`cannot write the report to ${out} (--out): `), run.stderr);
            assert.doesNotMatch(run.stderr, /\n\s+at /);
        }
    });

    it("exits 2 before the proof when a report would overwrite a plan given, and names the isolation report a glob takes as a report", async () => {
        const out = makeTempDir("bedrock-tenancy-cli-");
        const [ops, ...rest] = stackFiles(plan);
        const planAsReport = path.join(out, "isolation-report.json");
        fs.copyFileSync(ops, planAsReport);
        const overwrite = await bin(["verify", "--out", out, planAsReport, ...rest]);
        assert.strictEqual(overwrite.code, 2, overwrite.stderr);
        assert.ok(overwrite.stderr.includes(`cannot write the report to ${out} (--out): ${planAsReport} is the input ${planAsReport}, which the report would overwrite`), overwrite.stderr);
        assert.ok(fs.readFileSync(planAsReport).equals(fs.readFileSync(ops)), "the plan is left as it was");

        // The run that writes its reports beside the plans, then a glob of that folder.
        const beside = makeTempDir("bedrock-tenancy-cli-");
        for (const file of stackFiles(plan)) fs.copyFileSync(file, path.join(beside, path.basename(file)));
        assert.strictEqual((await bin(["verify", "--quiet", "--out", beside, ...stackFiles(beside)])).code, 0);
        const globbed = fs.readdirSync(beside).filter((f) => f.endsWith(".json")).map((f) => path.join(beside, f));
        const again = await bin(["verify", "--out", makeTempDir("bedrock-tenancy-cli-"), ...globbed]);
        assert.strictEqual(again.code, 2, again.stderr);
        assert.ok(again.stderr.includes(`it is a report bedrock-tenancy wrote (schema "bedrock-tenancy/isolation-report@1"), not a plan; leave it out of the files`), again.stderr);
    });

    it("exits 2 on a misspelt option, naming the option it is near, not advising it be passed as a file", async () => {
        const verify = await bin(["verify", "--requires-customers", "plan/ops.json"]);
        assert.strictEqual(verify.code, 2);
        assert.match(verify.stderr, /^Unknown option '--requires-customers'; did you mean --require-customers\?\nusage: bedrock-tenancy verify/);
        const audit = await bin(["audit", "verify", "--thread", "2", "x.jsonl"]);
        assert.strictEqual(audit.code, 2);
        assert.match(audit.stderr, /^Unknown option '--thread'; did you mean --threads\?\n/);
        assert.doesNotMatch(verify.stderr + audit.stderr, /positional argument/);
    });

    it("exits 2 on a misspelt command, naming the command it is near", async () => {
        const verify = await bin(["verfy", "plan/ops.json"]);
        assert.strictEqual(verify.code, 2);
        assert.match(verify.stderr, /^unknown command "verfy"; did you mean verify\?\nusage: bedrock-tenancy verify/);
        const audit = await bin(["audit", "verfy", "x.jsonl"]);
        assert.strictEqual(audit.code, 2);
        assert.match(audit.stderr, /^unknown audit command "verfy"; did you mean verify\?\nusage: bedrock-tenancy audit verify/);
        // Nothing near: the command alone.
        assert.match((await bin(["deploy"])).stderr, /^unknown command "deploy"\n/);
    });

    it("exits 2 on unreadable input, naming the file", async () => {
        const dir = makeTempDir("bedrock-tenancy-bad-");
        fs.writeFileSync(path.join(dir, "ops.json"), "{ not json");
        fs.writeFileSync(path.join(dir, "other.json"), JSON.stringify({ hello: 1 }));
        for (const [file, message] of [["ops.json", /ops\.json is not JSON/], ["other.json", /other\.json is neither `pulumi stack export` JSON/], ["missing.json", /cannot read .*missing\.json/]] as const) {
            const run = await bin(["verify", "--out", dir, path.join(dir, file)]);
            assert.strictEqual(run.code, 2, file);
            assert.match(run.stderr, message);
        }
        const usage = await bin([]);
        assert.strictEqual(usage.code, 2);
        assert.match(usage.stderr, /^no command given: verify or audit verify\nusage: bedrock-tenancy verify/);
    });

    it("exits 2 with a message, never a native abort, on a folder, an endless device or a file too large to read, and reads a pipe", async () => {
        const dir = makeTempDir("bedrock-tenancy-inputs-");
        // Sparse: as long as the bound plus one byte, without writing it.
        const huge = path.join(dir, "huge.json");
        fs.writeFileSync(huge, "");
        fs.truncateSync(huge, MAX_PLAN_BYTES + 1);
        for (const [file, message] of [[dir, /is a folder: give one plan file per stack/], ["/dev/zero", /\/dev\/zero holds more than \d+ bytes/], [huge, /huge\.json holds more than \d+ bytes/]] as const) {
            const run = await bin(["verify", "--out", dir, file]);
            assert.strictEqual(run.code, 2, `${file}: ${run.stderr}`);
            assert.match(run.stderr, message);
        }
        // `verify <(pulumi stack export --show-secrets)` names a pipe: it is read as a file is.
        const piped = await new Promise<{ code: number; stdout: string }>((resolve) =>
            execFile("bash", ["-c", `"${process.execPath}" -r ts-node/register/transpile-only verifier/cli.ts verify --out "${dir}" <(cat "${stackFiles(plan)[0]}") <(cat "${stackFiles(plan)[1]}")`], { cwd: REPO }, (error, stdout) =>
                resolve({ code: error ? Number(error.code ?? 1) : 0, stdout })));
        assert.strictEqual(piped.code, 0);
        assert.match(piped.stdout, /Isolation: 2 tenants, 1 customer stack/);
    });

    it("bounds what it reads of an endless input", () => {
        assert.throws(() => readPlanText("/dev/zero", 4 << 20), (err: Error) => err.name === "UnreadableInputError" && /\/dev\/zero holds more than 4194304 bytes/.test(err.message));
    });

    it("names both commands and every option in its help, and prints its version", async () => {
        const help = await bin(["--help"]);
        assert.strictEqual(help.code, 0);
        for (const line of [/^usage: bedrock-tenancy verify /m, /^ {7}bedrock-tenancy audit verify /m, /^ {2}--out DIR /m, /^ {2}--require-customers /m, /^ {2}--quiet /m]) assert.match(help.stdout, line);
        const version = await bin(["--version"]);
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string };
        assert.deepStrictEqual([version.code, version.stdout], [0, `${pkg.version}\n`]);
    });
});
