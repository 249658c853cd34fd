/**
 * `npm run bench`: every benchmark at full size, one after another, then
 * bench/results.json and bench/results.md. Takes several minutes on 2 CPUs.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { optionErrorMessage } from "../verifier/option-errors";
import { benchArchive } from "./archive";
import { benchAuditChain } from "./audit-chain";
import { benchAwsCalls } from "./aws-calls";
import { benchBundle } from "./bundle";
import { benchConcurrency } from "./concurrency";
import { benchIsolationProof } from "./isolation-proof";
import { machineInfo } from "./machine";
import { benchPlanning } from "./planning";
import { renderMarkdown } from "./report";
import { benchRequestPath } from "./request-path";
import { benchStreaming } from "./streaming";
import type { BenchResults } from "./results";


async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
    const started = Date.now();
    process.stderr.write(`${name} ... `);
    const result = await run();
    process.stderr.write(`${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    return result;
}

/** Sections `--only` can run alone (merged into the last full results). */
const SECTIONS = {
    "request-path": ["1. request path", async (r: BenchResults) => void (r.requestPath = await benchRequestPath())],
    "aws-calls": ["2. AWS calls", async (r: BenchResults) => void (r.awsCalls = await benchAwsCalls())],
    concurrency: ["3. concurrency", async (r: BenchResults) => void (r.concurrency = await benchConcurrency())],
    bundle: ["4. Lambda bundle", async (r: BenchResults) => void (r.bundle = await benchBundle())],
    "isolation-proof": ["7. plan and isolation proof at scale", async (r: BenchResults) => void (r.isolationProof = await benchIsolationProof())],
    archive: ["6. audit archive", async (r: BenchResults) => void (r.archive = await benchArchive())],
    streaming: ["8-9. streaming and fail-closed", async (r: BenchResults) => void (r.streaming = await benchStreaming())],
    "audit-chain": ["10. audit chain", async (r: BenchResults) => void (r.auditChain = await benchAuditChain())],
} as const;

/** `npm run bench -- --only bundle,concurrency`: runs those sections alone and merges them into the last full results. */
async function runOnly(sections: string | undefined): Promise<void> {
    const known = Object.keys(SECTIONS).join(", ");
    if (sections === undefined || sections.startsWith("--") || sections.trim() === "") {
        throw new UsageError(`--only takes a comma-separated list of sections: ${known}`);
    }
    const names = sections.split(",").map((s) => s.trim());
    // Every name checked before any section runs: a typo in the last must not cost the minutes of the first.
    const unknown = names.filter((name) => !(name in SECTIONS));
    if (unknown.length > 0) {
        throw new UsageError(`--only supports ${known}, got ${unknown.map((n) => JSON.stringify(n)).join(", ")}`);
    }
    const file = path.join(__dirname, "results.json");
    const results = JSON.parse(fs.readFileSync(file, "utf8")) as BenchResults;
    for (const name of names) {
        const [title, run] = SECTIONS[name as keyof typeof SECTIONS];
        await step(title, () => run(results));
        // The header's date is the whole run's: a section measured later says when.
        results.rerun = { ...results.rerun, [title]: new Date().toISOString() };
    }
    write(results);
}

/** A wrong command line: its message alone, no stack trace. */
class UsageError extends Error {}

function write(results: BenchResults): void {
    fs.writeFileSync(path.join(__dirname, "results.json"), JSON.stringify(results, null, 2) + "\n");
    const markdown = renderMarkdown(results);
    fs.writeFileSync(path.join(__dirname, "results.md"), markdown);
    process.stdout.write(markdown);
}

const USAGE = `usage: npm run bench [-- --only SECTION[,SECTION...]]

Runs every benchmark at full size (about 20 minutes on 2 CPUs) and writes bench/results.json
and bench/results.md.

  --only A,B    run only these sections and merge them into the last full results:
                ${Object.keys(SECTIONS).join(", ")}
  -h, --help    print this help`;

/** The command line; anything else (a misspelt option, a stray word) stops the run before it measures. */
function readArgs(): { only?: string; help: boolean } {
    try {
        return parseArgs({ options: { only: { type: "string" }, help: { type: "boolean", short: "h", default: false } } }).values;
    } catch (e) {
        // `--only` with no list after it (or another option in its place): say what it takes.
        if ((e as { code?: unknown }).code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && String((e as Error).message).includes("--only")) return { only: "", help: false };
        throw new UsageError(`${optionErrorMessage(e, ["only", "help"])} (npm run bench -- --help lists the options)`);
    }
}

async function main(): Promise<void> {
    const args = readArgs();
    if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return;
    }
    if (args.only !== undefined) {
        return runOnly(args.only);
    }
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    const requestPath = await step("1. request path", () => benchRequestPath());
    const awsCalls = await step("2. AWS calls", () => benchAwsCalls());
    const concurrency = await step("3. concurrency", () => benchConcurrency());
    const bundle = await step("4. Lambda bundle", () => benchBundle());
    const planning = await step("5. planning at scale", () => benchPlanning());
    const archive = await step("6. audit archive", () => benchArchive());
    const isolationProof = await step("7. plan and isolation proof at scale", () => benchIsolationProof());
    const streaming = await step("8-9. streaming and fail-closed", () => benchStreaming());
    const auditChain = await step("10. audit chain", () => benchAuditChain());
    write({ startedAt, durationMs: Date.now() - started, machine: machineInfo(), requestPath, awsCalls, concurrency, bundle, planning, archive, isolationProof, streaming, auditChain });
}

main().catch((err) => {
    if (err instanceof UsageError) {
        console.error(`npm run bench: ${err.message}`);
        process.exit(2);
    }
    console.error(err);
    process.exit(1);
});
