/**
 * 7. `npm start -- --tenants N` at scale: wall time and peak RSS of plan plus
 * complete proof (the shipped verifier, then the IAM evaluator cross-check),
 * and the proof alone (`bedrock-tenancy verify` on the written plan files).
 * Peak RSS is the resident memory of the whole process tree at once, sampled
 * every 100 ms (`tree-rss.ts`): at scale, plan workers run one per core. The
 * largest single process (`/usr/bin/time -v`'s maximum resident set size) is
 * recorded beside it.
 *
 * Rows `NxK` plan N tenants over K ops accounts (`--ops-accounts K`): shard
 * stacks, each planned into its own file, all proved together; their
 * growth per 10x is taken from the previous row over as many accounts.
 *
 * Run alone with `npm run bench -- --only isolation-proof` or
 * `npx ts-node --transpile-only bench/isolation-proof.ts [500 5000 1000x3 …]`:
 * either merges its rows into bench/results.json and bench/results.md.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PACKAGE_ROOT } from "./compile";
import { sampleTreeRss } from "./tree-rss";

export interface IsolationProofRow {
    tenants: number;
    /** Spread over this many ops accounts in shard stacks (`--ops-accounts`); one ops stack when absent. */
    opsAccounts?: number;
    /** How many ops stack files were planned and proved. */
    stackFiles?: number;
    wallMs: number;
    /** All processes of the run at once (sampled). */
    peakTreeRssMiB?: number;
    /** The largest single process. */
    peakRssMiB: number;
    planMs: number;
    proofMs: number;
    crossCheckMs: number;
    evaluatorRequests: number;
    /** `bedrock-tenancy verify` on the plan files in a fresh process: wall time and peak RSS. */
    proofAloneWallMs: number;
    proofAlonePeakRssMiB: number;
    /** Time growth of the whole run per 10x tenants from the previous size (10 = linear). */
    growthPer10x?: number;
    /** Reading and `JSON.parse` of ops.json, and the whole-account proof of it, side by side in one process (medians of 5). */
    readParseMs?: number;
    wholeProofMs?: number;
    /** wholeProofMs / readParseMs; target ≤ 2. */
    proofToParse?: number;
    /** Growth of the whole-account proof per 10x tenants (10 = linear). */
    proofGrowthPer10x?: number;
    /** When the row was measured, if not in the section's run (a row kept from an earlier run that measured other sizes). */
    measuredAt?: string;
}

export interface IsolationProofResult {
    measuredAt: string;
    /** 1-minute load average when the run ended: other processes share these 2 cores. */
    loadAverage?: number;
    rows: IsolationProofRow[];
}

export interface IsolationProofSize {
    tenants: number;
    opsAccounts?: number;
}

export const FULL_SIZES: IsolationProofSize[] = [{ tenants: 500 }, { tenants: 5000 }, { tenants: 1000, opsAccounts: 3 }, { tenants: 10000, opsAccounts: 3 }];

/** `5000` or `10000x3`. */
export function parseSize(text: string): IsolationProofSize {
    const [n, k] = text.split("x").map(Number);
    if (!Number.isInteger(n) || n < 1 || (k !== undefined && (!Number.isInteger(k) || k < 1))) throw new RangeError(`a size is N or NxK (N tenants over K ops accounts), got ${JSON.stringify(text)}`);
    return k === undefined ? { tenants: n } : { tenants: n, opsAccounts: k };
}

function timed(args: string[]): Promise<{ stdout: string; wallMs: number; peakRssMiB: number; peakTreeRssMiB: number }> {
    return new Promise((resolve, reject) => {
        let tree: { stop(): number } | undefined;
        const child = execFile("/usr/bin/time", ["-v", process.execPath, "-r", "ts-node/register/transpile-only", ...args], { cwd: PACKAGE_ROOT, maxBuffer: 256 * 2 ** 20 }, (error, stdout, stderr) => {
            const peakTreeRssMiB = tree?.stop() ?? 0;
            if (error) return reject(new Error(`${args.join(" ")} failed: ${stderr.slice(-2000)}`));
            const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
            const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
            if (!wall || !rss) return reject(new Error(`no /usr/bin/time figures in: ${stderr.slice(-500)}`));
            const wallMs = (Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3])) * 1000;
            resolve({ stdout, wallMs: Math.round(wallMs), peakRssMiB: Math.round(Number(rss[1]) / 1024), peakTreeRssMiB });
        });
        if (child.pid !== undefined) tree = sampleTreeRss(child.pid);
    });
}

function seconds(stdout: string, label: string): number {
    const m = new RegExp(`${label} ([\\d.]+) s`).exec(stdout);
    if (!m) throw new Error(`no "${label}" time in: ${stdout.slice(-500)}`);
    return Math.round(Number(m[1]) * 1000);
}

export async function benchIsolationProof(sizes: IsolationProofSize[] = FULL_SIZES): Promise<IsolationProofResult> {
    const rows: IsolationProofRow[] = [];
    for (const { tenants, opsAccounts } of sizes) {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-tenancy-bench-plan-"));
        // Plans of up to 10,000 tenants: removed when a run fails too.
        try {
            const run = await timed(["scripts/start.ts", "--tenants", String(tenants), ...(opsAccounts ? ["--ops-accounts", String(opsAccounts)] : []), "--out", out]);
            const summary = /Isolation: .*/.exec(run.stdout)?.[0] ?? "";
            const files = fs.readdirSync(out).filter((f) => f.endsWith(".json") && !f.startsWith("isolation-report")).sort().map((f) => path.join(out, f));
            const alone = await timed(["verifier/cli.ts", "verify", "--quiet", "--out", out, ...files]);
            // The whole-account proof against reading ops.json is measured on the one-stack rows.
            const sideBySide = opsAccounts ? undefined : JSON.parse((await timed(["bench/workers/proof-vs-parse.ts", path.join(out, "ops.json")])).stdout) as { readParseMs: number; proofMs: number; ratio: number };
            const previous = [...rows].reverse().find((r) => r.opsAccounts === opsAccounts);
            const growth = (now: number, before: number | undefined) =>
                previous && before ? Math.round(10 * (now / before) ** (1 / Math.log10(tenants / previous.tenants))) / 10 : undefined;
            rows.push({
                tenants,
                ...(opsAccounts ? { opsAccounts } : {}),
                stackFiles: files.length,
                wallMs: run.wallMs,
                peakTreeRssMiB: run.peakTreeRssMiB,
                peakRssMiB: run.peakRssMiB,
                planMs: seconds(summary, "plan"),
                proofMs: seconds(summary, "proof"),
                crossCheckMs: seconds(summary, "cross-check"),
                evaluatorRequests: Number(/(\d+) evaluator requests/.exec(summary)?.[1] ?? NaN),
                proofAloneWallMs: alone.wallMs,
                proofAlonePeakRssMiB: Math.max(alone.peakRssMiB, alone.peakTreeRssMiB),
                growthPer10x: growth(run.wallMs, previous?.wallMs),
                ...(sideBySide ? {
                    readParseMs: sideBySide.readParseMs,
                    wholeProofMs: sideBySide.proofMs,
                    proofToParse: sideBySide.ratio,
                    proofGrowthPer10x: growth(sideBySide.proofMs, previous?.wholeProofMs),
                } : {}),
            });
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    }
    return { measuredAt: new Date().toISOString(), loadAverage: Math.round(os.loadavg()[0] * 10) / 10, rows };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function renderIsolationProof(r: IsolationProofResult): string[] {
    return [
        "## 7. Plan and complete isolation proof at scale (`npm start -- --tenants N`)",
        "",
        `Measured ${r.measuredAt}, one run per size, \`npm start\` under ts-node (its plan and cross-check workers run the repository compiled to JavaScript). Targets: 5,000 tenants in one ops stack, whole run ≤ 60 s and ≤ 3 GiB; 10,000 tenants over 3 ops accounts (shard stacks, each planned into its own file), ≤ 120 s and ≤ 3 GiB, linear per 10x; proof alone ≤ 10 s.`,
        "",
        "| tenants | ops accounts | ops stack files | whole run | peak RSS, all processes at once | largest process | plan | proof (verifier) | evaluator cross-check | evaluator requests | proof alone (fresh process) | its peak RSS | growth per 10x |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ...r.rows.map((x) => `| ${x.tenants}${x.measuredAt ? ` (measured ${x.measuredAt})` : ""} | ${x.opsAccounts ?? 1} | ${x.stackFiles ?? 1} | ${s(x.wallMs)} | ${x.peakTreeRssMiB === undefined ? "not sampled" : `${x.peakTreeRssMiB} MiB`} | ${x.peakRssMiB} MiB | ${s(x.planMs)} | ${s(x.proofMs)} | ${s(x.crossCheckMs)} | ${x.evaluatorRequests} | ${s(x.proofAloneWallMs)} | ${x.proofAlonePeakRssMiB} MiB | ${x.growthPer10x ?? ""} |`),
        "",
        "The whole-account proof of `ops.json` against reading and parsing it, side by side in one process (medians of 5; target, on the 5,000-tenant file: the proof takes at most twice its read and parse, and grows linearly):",
        "",
        "| tenants | read + JSON.parse | whole-account proof | ratio | proof growth per 10x |",
        "|---|---|---|---|---|",
        ...r.rows.filter((x) => x.wholeProofMs !== undefined).map((x) => `| ${x.tenants} | ${x.readParseMs} ms | ${x.wholeProofMs} ms | ${x.proofToParse} | ${x.proofGrowthPer10x ?? ""} |`),
        "",
        ...r.rows.map((x) => {
            const pct = (ms: number) => `${Math.round((100 * ms) / x.wallMs)} %`;
            return `What dominates at ${x.tenants} tenants${x.opsAccounts ? ` over ${x.opsAccounts} ops accounts` : ""}: planning under the mock engine ${pct(x.planMs)} of the run, the evaluator cross-check ${pct(x.crossCheckMs)}, the verifier's proof ${pct(x.proofMs)}.`;
        }),
        "",
        r.loadAverage === undefined ? "Load average not recorded for this run." : `1-minute load average at the end of the run: ${r.loadAverage} on 2 cores (other work shared the machine).`,
        "",
    ];
}

/**
 * The rows of `result` in place of the same sizes among `earlier`'s, the
 * other sizes kept with the time they were measured, in order of size.
 */
export function mergedRows(earlier: IsolationProofResult | undefined, result: IsolationProofResult): IsolationProofResult {
    const key = (row: IsolationProofRow) => `${row.tenants}/${row.opsAccounts ?? 1}`;
    const fresh = new Set(result.rows.map(key));
    const kept = (earlier?.rows ?? []).filter((row) => !fresh.has(key(row))).map((row) => ({ ...row, measuredAt: row.measuredAt ?? earlier!.measuredAt }));
    const rows = [...kept, ...result.rows].sort((a, b) => (a.opsAccounts ?? 1) - (b.opsAccounts ?? 1) || a.tenants - b.tenants);
    return { ...result, rows };
}

/** Merges this run's rows into section 7 of results.md and the `isolationProof` key of results.json (other sizes kept). */
export function mergeIsolationProof(result: IsolationProofResult): void {
    const jsonFile = path.join(__dirname, "results.json");
    const json = fs.existsSync(jsonFile) ? JSON.parse(fs.readFileSync(jsonFile, "utf8")) : {};
    result = mergedRows(json.isolationProof as IsolationProofResult | undefined, result);
    json.isolationProof = result;
    fs.writeFileSync(jsonFile, `${JSON.stringify(json, null, 2)}\n`);
    const mdFile = path.join(__dirname, "results.md");
    const md = fs.existsSync(mdFile) ? fs.readFileSync(mdFile, "utf8") : "# Benchmark results\n";
    const start = md.indexOf("## 7. Plan and complete isolation proof");
    const before = start < 0 ? md.trimEnd() : md.slice(0, start).trimEnd();
    const afterStart = start < 0 ? -1 : md.indexOf("\n## ", start + 1);
    const after = afterStart < 0 ? "" : md.slice(afterStart);
    fs.writeFileSync(mdFile, `${before}\n\n${renderIsolationProof(result).join("\n")}${after}`);
}

if (require.main === module) {
    const sizes = process.argv.slice(2).map(parseSize);
    benchIsolationProof(sizes.length > 0 ? sizes : FULL_SIZES).then(
        (result) => {
            mergeIsolationProof(result);
            process.stdout.write(`${renderIsolationProof(result).join("\n")}\n`);
        },
        (err) => {
            console.error(err);
            process.exit(1);
        },
    );
}
