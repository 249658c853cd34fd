/**
 * A test's folders are gone once its process exits: a suite run makes about
 * a thousand, and left in the OS temp folder they add up to gigabytes.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir } from "./temp-dir";

const MODULE = path.join(__dirname, "temp-dir.ts");

/** Runs `body` in a new Node process (TypeScript through ts-node) with `tmpdir` as its temp folder; returns what it printed. */
function child(tmpdir: string, body: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const script = `const { makeTempDir } = require(${JSON.stringify(MODULE)});\n${body}`;
    return new Promise((resolve) => {
        execFile(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { env: { ...process.env, TMPDIR: tmpdir }, timeout: 60_000 }, (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
    });
}

describe("makeTempDir", function () {
    this.timeout(120_000);

    for (const [how, exit, code] of [
        ["when the process ends by itself", "", 0],
        ["when it calls process.exit, as mocha --exit does", "process.exit(0);", 0],
        ["when it exits with a failure", "process.exitCode = 3;", 3],
    ] as const) {
        it(`leaves no folder of its own in the temp folder ${how}`, async () => {
            const tmpdir = makeTempDir("temp-dir-test-");
            const run = await child(tmpdir, [
                `const dir = makeTempDir("bedrock-tenancy-example-");`,
                `require("fs").writeFileSync(require("path").join(dir, "plan.json"), "{}");`,
                `process.stdout.write(dir);`,
                exit,
            ].join("\n"));
            assert.strictEqual(run.code, code, run.stderr);
            assert.ok(run.stdout.startsWith(tmpdir + path.sep), `made outside the temp folder: ${run.stdout}`);
            assert.match(path.basename(run.stdout), /^bedrock-tenancy-example-/);
            assert.strictEqual(fs.existsSync(run.stdout), false, `${run.stdout} is still there`);
            // ts-node keeps its compile cache there too, shared by every run.
            assert.deepStrictEqual(fs.readdirSync(tmpdir).filter((name) => name.startsWith("bedrock-tenancy-")), []);
        });
    }

    it("gives a new empty folder on every call", () => {
        const [a, b] = [makeTempDir("bedrock-tenancy-example-"), makeTempDir("bedrock-tenancy-example-")];
        assert.notStrictEqual(a, b);
        assert.deepStrictEqual([fs.readdirSync(a), fs.readdirSync(b)], [[], []]);
    });
});
