/**
 * What `npm start` and `bedrock-tenancy verify` print: `--help`, a fleet's
 * headroom once per ops account however many shard stacks log it, counts in
 * the number they take, and the tenants whose customer side went unproved in
 * order.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Writable } from "stream";
import { main } from "../../verifier/cli";
import { editedPlan, shippedPlan } from "../support/plan-files";
import { REPO, runStart } from "../support/run-cli";
import { makeTempDir } from "../support/temp-dir";

describe("npm start --help", function () {
    this.timeout(60_000);

    it("prints every option and exits 0", async () => {
        const run = await runStart(["--help"]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.strictEqual(run.stderr, "");
        // Every option the script reads is listed.
        const source = fs.readFileSync(path.join(REPO, "scripts/start.ts"), "utf8");
        const declared = [...source.matchAll(/^\s*"?([a-z][a-z-]*)"?: \{ type: "(?:string|boolean)"/gm)].map((m) => m[1]);
        assert.ok(declared.length >= 10, declared.join());
        for (const option of declared) assert.ok(run.stdout.includes(`--${option}`), `--${option} is not in the help:\n${run.stdout}`);
        assert.match(run.stdout, /^usage: npm start -- \[options\]\n/);
    });
});

describe("npm start -- --quiet", function () {
    this.timeout(120_000);

    it("builds the bundles the stacks plan and prints nothing, their build lines included", async () => {
        const out = makeTempDir("bedrock-tenancy-plan-test-");
        const bundle = path.join(REPO, "dist", "lambda", "index.mjs");
        const before = Date.now();
        // npm itself, as the README runs it (-s keeps npm's own banner out; the script's lines are what is judged).
        const npm = process.env.npm_execpath;
        const [command, args] = npm ? [process.execPath, [npm]] : ["npm", []];
        const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
            execFile(command, [...args, "start", "-s", "--", "--quiet", "--stacks", "ops", "--out", out], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
                resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
            ),
        );
        assert.strictEqual(run.code, 0, run.stderr);
        assert.strictEqual(run.stdout, "");
        assert.strictEqual(run.stderr, "");
        assert.ok(fs.statSync(bundle).mtimeMs >= before - 1000, "the Lambda bundle was not built by npm start");
        assert.ok(fs.existsSync(path.join(out, "ops.json")));
    });
});

describe("npm start into the folder of an earlier run", function () {
    this.timeout(120_000);

    it("names each earlier plan file it removes, a stack this run does not plan", async () => {
        const earlier = await runStart(["--stacks", "ops,customer-a"]);
        assert.strictEqual(earlier.code, 0, earlier.stderr);

        const run = await runStart(["--stacks", "ops", "--out", earlier.out]);

        assert.strictEqual(run.code, 0, run.stderr);
        assert.ok(!fs.existsSync(path.join(earlier.out, "customer-a.json")));
        assert.deepStrictEqual(run.stdout.split("\n").filter((l) => l.startsWith("removed ")), [
            `removed ${path.join(earlier.out, "customer-a.json")}: an earlier run's plan of a stack this run does not plan (a folder holds one run's stacks)`,
        ]);
    });
});

describe("npm start over shard stacks of two ops accounts", function () {
    this.timeout(240_000);

    it("prints each ops account's headroom once, with 1 tenant in the singular", async () => {
        // 3 tenants over 2 accounts, a shard stack each: ops-1-1 and ops-1-2 both log account 1's headroom.
        const run = await runStart(["--tenants", "3", "--ops-accounts", "2", "--shard-tenants", "1"]);
        assert.strictEqual(run.code, 0, run.stderr);
        // A report outside the current folder is named by its absolute path, not by a climb of "../".
        assert.ok(run.stdout.includes(`Report: ${path.join(run.out, "isolation-report.md")}\n`), run.stdout.slice(-400));
        const headroom = run.stdout.split("\n").filter((l) => l.includes("ops account 9000000000"));
        assert.deepStrictEqual(headroom.map((l) => l.slice(0, l.indexOf(";"))), [
            "info: [runtime] ops account 900000000001 (ops-1-1, ops-1-2): 2 tenants",
            "info: [runtime] ops account 900000000002 (ops-2-1): 1 tenant",
        ]);
    });

    it("prints nothing of it with --quiet", async () => {
        const run = await runStart(["--tenants", "3", "--ops-accounts", "2", "--shard-tenants", "1", "--quiet"]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.strictEqual(run.stdout, "");
    });
});

describe("bedrock-tenancy verify on an ops stack without its customer stacks", function () {
    this.timeout(240_000);

    it("lists the tenants whose customer side is not proved in order, in the output and both reports", async () => {
        // Whatever order the file holds them in: here the ops stack's resources reversed, customer-b's first.
        const plans = editedPlan(await shippedPlan(), "ops", (doc) => doc.deployment.resources.reverse());
        const out = makeTempDir("bedrock-tenancy-not-proved-");
        let stdout = "";
        const sink = (append: (s: string) => void) => new Writable({ write(chunk, _encoding, done) { append(String(chunk)); done(); } });
        assert.strictEqual(main(["verify", "--out", out, path.join(plans, "ops.json")], sink((s) => (stdout += s)), sink(() => undefined)), 0);
        assert.match(stdout, /\nCustomer side not proved \(no customer stack given\): customer-a, customer-b\n/);
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(out, "isolation-report.json"), "utf8")).customersNotProved, ["customer-a", "customer-b"]);
        assert.ok(fs.readFileSync(path.join(out, "isolation-report.md"), "utf8").includes("No customer stack among the files for: customer-a, customer-b."));
    });
});
