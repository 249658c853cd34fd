/**
 * An output folder that cannot be created (under /proc, which refuses new
 * entries) stops each command at once with exit 2 and one line naming it,
 * where Node's recursive mkdir would retry forever.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { shippedPlan } from "../support/plan-files";
import { REPO } from "../support/run-cli";
import { makeTempDir } from "../support/temp-dir";

const UNDER_PROC = `/proc/bedrock-tenancy-no-such-${process.pid}/reports`;

interface Run { code: number | null; signal: string | null; stdout: string; stderr: string }

/** Runs an entry point of the repository from its sources (a built dist/ may be older), killed after 60 s. */
function run(args: string[]): Promise<Run> {
    return new Promise((resolve) => {
        execFile(process.execPath, ["-r", "ts-node/register/transpile-only", ...args], { cwd: REPO, timeout: 60_000, killSignal: "SIGKILL" }, (error, stdout, stderr) => {
            resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, signal: error?.signal ?? null, stdout, stderr });
        });
    });
}

function assertOneLine(result: Run, named: string): void {
    assert.strictEqual(result.signal, null, "killed after 60 s: it never returned");
    assert.strictEqual(result.code, 2, result.stderr);
    const lines = result.stderr.trim().split("\n");
    assert.strictEqual(lines.length, 1, result.stderr);
    assert.ok(lines[0].includes(named), result.stderr);
}

describe("an output folder that cannot be created", function () {
    this.timeout(240_000);

    it("bedrock-tenancy verify --out under /proc exits 2 naming it", async () => {
        const plans = await shippedPlan();
        const result = await run(["verifier/cli.ts", "verify", "--out", UNDER_PROC, path.join(plans, "ops.json"), path.join(plans, "customer-a.json")]);
        assertOneLine(result, `cannot write the report to ${UNDER_PROC} (--out): cannot create the folder ${path.dirname(UNDER_PROC)}`);
    });

    it("npm start --out under /proc exits 2 naming it, before planning", async () => {
        const result = await run(["scripts/start.ts", "--out", UNDER_PROC]);
        assertOneLine(result, `--out ${UNDER_PROC}: cannot create the folder ${path.dirname(UNDER_PROC)}`);
        assert.strictEqual(result.stdout, "");
    });

    it("audit verify --json under /proc exits 2 naming it", async () => {
        const input = path.join(makeTempDir("bedrock-tenancy-audit-"), "empty.log");
        fs.writeFileSync(input, "");
        const result = await run(["verifier/cli.ts", "audit", "verify", "--json", `${UNDER_PROC}/audit.json`, input]);
        assertOneLine(result, `--json ${UNDER_PROC}/audit.json: cannot write the report`);
        fs.rmSync(path.dirname(input), { recursive: true, force: true });
    });

    it("writeStackExport under /proc throws naming it", async () => {
        const script = `require(${JSON.stringify(path.join(REPO, "testing/plan-file.ts"))}).writeStackExport(${JSON.stringify(`${UNDER_PROC}/ops.json`)}, { version: 3, deployment: { manifest: {}, resources: [] } })`;
        const result = await run(["-e", `try { ${script} } catch (e) { process.stderr.write(e.message + "\\n"); process.exit(2); }`]);
        assertOneLine(result, `cannot create the folder ${path.dirname(UNDER_PROC)}`);
    });
});
