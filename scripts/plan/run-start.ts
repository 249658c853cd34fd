import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { counted, customersNotProved, jsonReport, markdownReport, violationLines } from "../../verifier/report";
import { makeFolder } from "../../verifier/folders";
import { readStackState } from "../../verifier/pulumi-formats";
import { verifyStates, type VerificationResult } from "../../verifier/verify";
import { crossCheckFleet } from "./cross-check-fleet";
import { countByType, renderTree } from "./resource-tree";
import { planStacks, type StackPlan } from "./run-plan";
import { SHARD_TENANTS } from "./ops-shards";
import { readPriorStack, writePreview, type PriorStack } from "./preview-files";
import { writeStackExport } from "./stack-export";
import { listStacks } from "./stack-files";
import { writeShardedProject } from "./synthetic-directory";
import { writeSyntheticProject } from "./synthetic-tenants";

export interface RunOptions {
    projectDir: string;
    stacks?: string[];
    /** Plan a synthetic ops stack of this many tenants instead of the project's stacks. */
    tenants?: number;
    /** Spread the synthetic tenants over this many ops accounts: one directory shard and one ops stack file each. */
    opsAccounts?: number;
    /** With `opsAccounts`: at most this many tenants per shard stack (default `SHARD_STACK_TENANTS`). */
    shardTenants?: number;
    outDir: string;
    log: (line: string) => void;
    /**
     * Plan as `pulumi preview` would and write `pulumi preview --json`
     * files. `previousDir` holds each stack's prior state as `<stack>.json`
     * (a stack export, such as an earlier `npm start`'s plan); a stack
     * without one there is new.
     */
    preview?: { previousDir?: string };
}

export interface RunResult {
    plans: StackPlan[];
    violations: string[];
    reportPath?: string;
    verification?: VerificationResult;
    timings: { planMs: number; proofMs: number; crossCheckMs: number };
}

/**
 * Plans every stack under the mock engine, writes each as `plan/<stack>.json`
 * in the `pulumi stack export` shape, and runs the shipped verifier on those
 * files, then the IAM evaluator as a cross-check of its reducers.
 */
export async function runPlan(options: RunOptions): Promise<RunResult> {
    const started = performance.now();
    if (!options.tenants) return planAndProve(options, started);
    // Only the plans and reports in outDir outlive the run: the synthetic
    // project is scratch, and one left by every run would fill the temp folder.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-tenancy-synthetic-"));
    try {
        const synthetic = options.opsAccounts
            ? writeShardedProject(options.projectDir, options.tenants, options.opsAccounts, dir, options.shardTenants)
            : { ...writeSyntheticProject(options.projectDir, options.tenants, dir), stacks: ["ops"] };
        return await planAndProve(options, started, synthetic);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

async function planAndProve(options: RunOptions, started: number, synthetic?: { dir: string; stacks: string[]; notes: string[] }): Promise<RunResult> {
    synthetic?.notes.forEach((n) => options.log(n));
    const projectDir = synthetic?.dir ?? options.projectDir;
    const stacks = synthetic ? synthetic.stacks : options.stacks;
    const prior = new Map<string, PriorStack>();
    if (options.preview?.previousDir) {
        // Stacks left out of --stacks too: a planned stack's StackReference reads their deployed outputs.
        for (const stack of new Set([...(stacks ?? []), ...listStacks(projectDir)])) {
            const found = readPriorStack(options.preview.previousDir, stack);
            if (found) prior.set(stack, found);
        }
    }
    const plans = await planStacks({
        projectDir,
        stacks,
        // Always this package's program: a project folder given on the command line only supplies config.
        programPath: path.resolve(__dirname, "../../stacks"),
        preview: options.preview && { prior, previousDir: options.preview.previousDir },
        log: options.log,
    }).catch((e: unknown) => {
        throw options.preview ? withPriorState(e, options.preview.previousDir, (stacks ?? listStacks(projectDir)).filter((s) => !prior.has(s))) : e;
    });
    makeFolder(options.outDir);
    for (const removed of removeEarlierPlans(options.outDir, plans.map((p) => path.join(options.outDir, `${p.stack}.json`)))) {
        options.log(`removed ${shownPath(removed)}: an earlier run's plan of a stack this run does not plan (a folder holds one run's stacks)`);
    }
    const files: string[] = [];
    for (const plan of plans) {
        if (!synthetic) options.log(`\n${renderTree(plan.stack, plan.resources)}`);
        const workers = plan.shards > 1 ? `in ${plan.shards} chunks of at most ${SHARD_TENANTS} tenants joined into one file, largest` : "whole, its";
        options.log(`  ${counted(plan.resources.length, "resource")} in ${(plan.durationMs / 1000).toFixed(1)} s of worker time, planned ${workers} worker's peak RSS ${Math.round(plan.peakRssBytes / 2 ** 20)} MiB: ${JSON.stringify(countByType(plan.resources))}`);
        if (plan.file.placeholders.length) options.log(`  secret config replaced by offline placeholders: ${plan.file.placeholders.join(", ")}`);
        const file = path.join(options.outDir, `${plan.stack}.json`);
        if (options.preview) {
            const ops = (op: string) => plan.records.filter((r) => r.startsWith(`{"op":"${op}"`)).length;
            const { deletes } = writePreview(file, plan.records, prior.get(plan.stack));
            options.log(`  preview${prior.has(plan.stack) ? "" : " (a new stack)"}: ${ops("create")} to create, ${ops("update")} to update, ${ops("same")} unchanged, ${deletes} to delete`);
        } else {
            writeStackExport(file, plan.records);
        }
        plan.records = [];
        files.push(file);
    }
    // The fleet after the change: a stack left out of the plan is proved as --previous holds it, the state its references read.
    for (const stack of prior.keys()) {
        if (plans.some((p) => p.stack === stack) || !options.preview?.previousDir) continue;
        const file = path.join(options.preview.previousDir, `${stack}.json`);
        options.log(`  ${stack}: not planned; proved as deployed, from ${shownPath(file)}`);
        files.push(file);
    }
    const planMs = performance.now() - started;
    let states = files.map((f) => readStackState(f, fs.readFileSync(f, "utf8")));
    const verification = verifyStates(states);
    states = [];
    const proofMs = verification.durationMs;
    const checkStarted = performance.now();
    const cross = await crossCheckFleet(verification);
    const crossCheckMs = performance.now() - checkStarted;
    verification.violations.push(...cross.disagreements);
    verification.facts.push(`the IAM evaluator decided ${cross.requests} requests (a fixed handful per tenant) and agreed with the reducers on ${cross.requests - cross.disagreements.length}`);

    const reportPath = path.join(options.outDir, "isolation-report.md");
    fs.writeFileSync(reportPath, markdownReport(verification));
    fs.writeFileSync(path.join(options.outDir, "isolation-report.json"), `${JSON.stringify(jsonReport(verification), null, 2)}\n`);
    options.log(
        `\nIsolation: ${counted(verification.tenants.length, "tenant")}, ${counted(verification.customers.length, "customer stack")}, ${counted(cross.requests, "evaluator request")}, ` +
            `${counted(verification.violations.length, "violation")}; plan ${(planMs / 1000).toFixed(1)} s, proof ${(proofMs / 1000).toFixed(2)} s, ` +
            `cross-check ${(crossCheckMs / 1000).toFixed(1)} s. Report: ${shownPath(reportPath)}`,
    );
    // As `verify` says it: a tenant planned without its customer stack (--stacks) is proved on the ops side only.
    if (verification.customersNotProved.length > 0) options.log(`Customer side not proved (no customer stack planned): ${customersNotProved(verification).join(", ")}`);
    return { plans, violations: violationLines(verification), reportPath, verification, timings: { planMs, proofMs, crossCheckMs } };
}

/**
 * A stack that failed to plan in a preview, with what the preview started
 * from: the stacks `--previous` held no state for were previewed as new, and
 * a StackReference to one of them reads no outputs.
 */
function withPriorState(error: unknown, previousDir: string | undefined, missing: readonly string[]): unknown {
    if (!(error instanceof Error) || !error.message.includes("failed to plan") || missing.length === 0) return error;
    const files = missing.map((s) => `${s}.json`).join(", ");
    const note = previousDir === undefined
        ? "no --previous given: every stack was previewed as new, with no deployed outputs to reference"
        : `--previous ${previousDir} holds no state for ${missing.length === 1 ? "stack" : "stacks"} ${missing.join(", ")} (no ${files} there): previewed as new, with no deployed outputs to reference`;
    return new Error(`${error.message}\n${note}`, { cause: error });
}

/**
 * Deletes the stack files an earlier run wrote to `outDir` (as its report
 * lists them) that this run does not write again: a folder of plans then
 * holds one fleet, not the shards of a larger run beside this one's stacks.
 * Only files inside `outDir` that a report named are touched.
 */
export function removeEarlierPlans(outDir: string, writing: readonly string[]): string[] {
    const report = path.join(outDir, "isolation-report.json");
    let earlier: unknown;
    try {
        earlier = (JSON.parse(fs.readFileSync(report, "utf8")) as { stacks?: unknown }).stacks;
    } catch {
        return [];
    }
    if (!Array.isArray(earlier)) return [];
    const keep = new Set(writing.map((f) => path.resolve(f)));
    const removed: string[] = [];
    for (const entry of earlier as { file?: unknown }[]) {
        if (typeof entry?.file !== "string") continue;
        const file = path.resolve(entry.file);
        if (path.dirname(file) !== path.resolve(outDir) || !file.endsWith(".json") || keep.has(file)) continue;
        fs.rmSync(file, { force: true });
        removed.push(file);
    }
    return removed;
}

/** A file as the output names it: relative to the current folder when it is inside it, else its absolute path (not `../../../tmp/…`). */
function shownPath(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? path.resolve(file) : relative;
}
