import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { mergedRows, renderIsolationProof, type IsolationProofResult, type IsolationProofRow } from "../../bench/isolation-proof";

const row = (tenants: number, opsAccounts: number | undefined, wallMs: number): IsolationProofRow => ({
    tenants,
    opsAccounts,
    wallMs,
    peakRssMiB: 100,
    planMs: wallMs / 2,
    proofMs: 10,
    crossCheckMs: 10,
    evaluatorRequests: tenants,
    proofAloneWallMs: 10,
    proofAlonePeakRssMiB: 50,
});

describe("bench results written by a partial run", () => {
    it("merges a run of some sizes into section 7, keeping the other sizes with the time they were measured", () => {
        const earlier: IsolationProofResult = { measuredAt: "2026-12-01T00:00:00.000Z", rows: [row(500, undefined, 9000), row(5000, undefined, 80000), row(10000, 3, 160000)] };
        const run: IsolationProofResult = { measuredAt: "2026-12-06T00:00:00.000Z", rows: [row(20, undefined, 3000), row(5000, undefined, 70000)] };
        const merged = mergedRows(earlier, run);
        assert.deepEqual(merged.rows.map((r) => [r.tenants, r.opsAccounts ?? 1, r.wallMs, r.measuredAt]), [
            [20, 1, 3000, undefined],
            [500, 1, 9000, "2026-12-01T00:00:00.000Z"],
            [5000, 1, 70000, undefined],
            [10000, 3, 160000, "2026-12-01T00:00:00.000Z"],
        ]);
        assert.equal(merged.measuredAt, run.measuredAt);
        assert.match(renderIsolationProof(merged).join("\n"), /\| 500 \(measured 2026-12-01T00:00:00.000Z\) \| 1 \|/);
        assert.deepEqual(mergedRows(undefined, run).rows.map((r) => r.tenants), [20, 5000]);
    });

    for (const [args, expected] of [
        [["--only"], /--only takes a comma-separated list of sections: request-path, /],
        [["--only", "bundle,nope"], /got "nope"/],
        [["--only", "--help"], /--only takes a comma-separated list of sections: request-path, /],
        // A misspelt option, a stray word: before, the full run started and rewrote the committed results.
        [["--onyl", "bundle"], /^npm run bench: Unknown option '--onyl'; did you mean --only\?/],
        [["bundle"], /^npm run bench: Unexpected argument 'bundle'/],
    ] as const) {
        it(`refuses \`npm run bench -- ${args.join(" ")}\` with a usage line, exit 2, before measuring anything`, () => {
            const root = path.join(__dirname, "../..");
            const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "bench/run.ts", ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });
            assert.equal(r.status, 2, r.stderr);
            assert.match(r.stderr, expected);
            assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
            assert.doesNotMatch(r.stderr, /\.\.\. /, "no section started");
        });
    }

    it("prints its usage for `npm run bench -- --help`, every section named, and measures nothing", () => {
        const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "bench/run.ts", "--help"], { cwd: path.join(__dirname, "../.."), encoding: "utf8", timeout: 60_000 });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^usage: npm run bench \[-- --only SECTION/);
        for (const section of ["request-path", "aws-calls", "concurrency", "bundle", "isolation-proof", "archive", "streaming", "audit-chain"]) assert.ok(r.stdout.includes(section), section);
        assert.equal(r.stderr, "");
    });
});
