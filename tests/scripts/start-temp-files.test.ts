/**
 * `npm start -- --tenants N` writes its synthetic project to the temp folder
 * and removes it when the run ends, passed or failed: only the plans and
 * reports in --out stay.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { projectWith, runStart, type CliResult } from "../support/run-cli";
import { makeTempDir } from "../support/temp-dir";

/** `npm start` with the given options and a temp folder of its own, returned with what it left there. */
async function startIn(args: string[]): Promise<{ run: CliResult; left: string[] }> {
    const tmpdir = makeTempDir("start-tmpdir-");
    const run = await runStart(args, { TMPDIR: tmpdir });
    return { run, left: fs.readdirSync(tmpdir).filter((name) => name.startsWith("bedrock-tenancy-")) };
}

describe("npm start --tenants N in the temp folder", function () {
    this.timeout(240_000);

    it("leaves no synthetic project behind after a run that passes", async () => {
        const { run, left } = await startIn(["--tenants", "2", "--quiet"]);
        assert.strictEqual(run.code, 0, run.stderr);
        const report = JSON.parse(fs.readFileSync(path.join(run.out, "isolation-report.json"), "utf8"));
        assert.strictEqual(report.tenants.length, 2);
        assert.deepStrictEqual(left, []);
    });

    it("leaves none behind for a fleet over ops accounts, whose project holds the tenant directory", async () => {
        const { run, left } = await startIn(["--tenants", "3", "--ops-accounts", "2", "--shard-tenants", "1", "--quiet"]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.ok(fs.existsSync(path.join(run.out, "ops-1-1.json")), fs.readdirSync(run.out).join(", "));
        assert.deepStrictEqual(left, []);
    });

    it("leaves none behind when the run fails", async () => {
        const project = projectWith((yaml) => yaml.replace("bedrock-tenancy:tenants:", "bedrock-tenancy:no-tenants:"));
        const { run, left } = await startIn(["--tenants", "2", "--project", project, "--quiet"]);
        assert.strictEqual(run.code, 2, run.stderr);
        assert.match(run.stderr, /has no bedrock-tenancy:tenants to copy synthetic tenants from/);
        assert.deepStrictEqual(left, []);
    });
});
