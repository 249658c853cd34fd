/**
 * `npm run twin:check` given a bad argument: exit 2 with one line naming it,
 * and nothing about calls that never settle (none was made).
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

function twinCheck(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(ROOT, "scripts", "twin-check.ts"), ...args], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) =>
            resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
    });
}

describe("npm run twin:check with a bad argument", function () {
    this.timeout(60_000);

    for (const [what, args, message] of [
        ["a --plans folder that does not exist", ["--plans", "/nonexistent-plans"], /^twin:check could not run: --plans \/nonexistent-plans: no such folder\n$/],
        ["a --plans that is a file", ["--plans", "package.json"], /^twin:check could not run: --plans package\.json: not a folder\n$/],
        ["an unknown option", ["--bogus"], /^twin:check could not run: Unknown option '--bogus'/],
        ["a misspelt option", ["--plan", "plan"], /^twin:check could not run: Unknown option '--plan'; did you mean --plans\?\n$/],
    ] as const) {
        it(`exits 2 on ${what}, with the one line that names it`, async () => {
            const result = await twinCheck([...args]);
            assert.equal(result.code, 2, result.stderr);
            assert.match(result.stderr, message);
            assert.doesNotMatch(result.stderr, /never settle|stopped before/);
            assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
        });
    }

    it("prints its usage for --help and exits 0, checking nothing", async () => {
        const result = await twinCheck(["--help"]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /^usage: npm run twin:check -- \[--plans DIR\]\n/);
        assert.equal(result.stderr, "");
    });
});
