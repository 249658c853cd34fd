/**
 * The folder `npm start -- --out DIR` writes plans to: plans hold each
 * tenant's ExternalId in the clear, so a folder the command creates keeps
 * itself out of git wherever it is; a folder that was there is left as it was.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runStart } from "../support/run-cli";
import { makeTempDir } from "../support/temp-dir";

/** Whether git, in a repository made at `root`, ignores `file`. */
function ignoredByGit(root: string, file: string): boolean {
    if (!fs.existsSync(path.join(root, ".git"))) execFileSync("git", ["init", "-q", root]);
    try {
        execFileSync("git", ["-C", root, "check-ignore", "-q", file]);
        return true;
    } catch {
        return false;
    }
}

describe("npm start --out", function () {
    this.timeout(240_000);

    it("keeps a folder it creates, nested ones included, out of git", async () => {
        const root = makeTempDir("start-out-");
        const out = path.join(root, "reviews", "plans");

        const run = await runStart(["--tenants", "2", "--quiet", "--out", out]);

        assert.strictEqual(run.code, 0, run.stderr);
        assert.ok(fs.existsSync(path.join(out, "ops.json")), fs.readdirSync(out).join(", "));
        for (const file of fs.readdirSync(out)) assert.ok(ignoredByGit(root, path.join(out, file)), `${file} is not ignored`);
    });

    it("writes nothing of its own into a folder that was there", async () => {
        const root = makeTempDir("start-out-");
        const out = path.join(root, "mine");
        fs.mkdirSync(out);
        fs.writeFileSync(path.join(out, "notes.md"), "kept in git\n");

        const run = await runStart(["--tenants", "2", "--quiet", "--out", out]);

        assert.strictEqual(run.code, 0, run.stderr);
        assert.ok(!fs.existsSync(path.join(out, ".gitignore")));
        assert.ok(!ignoredByGit(root, path.join(out, "notes.md")));
    });
});
