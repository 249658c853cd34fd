import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { compileTree } from "../lib/compiled-tree";
import { cores, inParallel } from "../lib/in-parallel";
import { errorLine, JsonWorkerPool } from "../lib/json-worker";
import { ShardJoin, type ResourceSummary } from "./join-shards";
import { directoryLoader, shardConfigs, shardWarnings } from "./ops-shards";
import type { WorkerInput, WorkerOutput } from "./plan-types";
import type { PriorStack } from "./preview-files";
import { listStacks, readStackFile, stackAccount, stackKind, type StackFile } from "./stack-files";

export interface PlanOptions {
    /** Folder holding `Pulumi.yaml` and the `Pulumi.<stack>.yaml` files. */
    projectDir: string;
    /** Stacks to plan; all that have a config file when omitted. */
    stacks?: string[];
    /** Program to run; `<projectDir>/<main from Pulumi.yaml>` when omitted. */
    programPath?: string;
    /** Ops stacks of more tenants are planned in shards of this many (default `SHARD_TENANTS`). */
    shardTenants?: number;
    /**
     * Plan as `pulumi preview` would, from each stack's prior state (a stack
     * without one is new). StackReferences read the prior outputs of the
     * stack they name, as a real preview reads the deployed ones, whether or
     * not that stack is planned too. `previousDir` is where the prior states
     * were read, for the message when a referenced stack has none.
     */
    preview?: { prior: ReadonlyMap<string, PriorStack>; previousDir?: string };
    /** Where the programs' own log lines (pulumi.log.info) go, each distinct line once; this process's stdout by default. */
    log?: (line: string) => void;
}

export interface StackPlan {
    stack: string;
    kind: string | undefined;
    account: string;
    file: StackFile;
    resources: readonly ResourceSummary[];
    /** Each resource as a serialised ResourceV3 record, for `writeStackExport`. */
    records: string[];
    outputs: Record<string, unknown>;
    secretOutputNames: string[];
    /** Worker time spent on the stack (its chunks' times added up: stacks and chunks plan in parallel). */
    durationMs: number;
    /** How many chunks the stack was planned in (one: whole), and the largest worker's peak RSS. */
    shards: number;
    peakRssBytes: number;
}

const WORKER = path.join(__dirname, "stack-worker.ts");

/** Plans every selected stack, ops stacks first so customer stacks can reference their outputs. */
export async function planStacks(options: PlanOptions): Promise<StackPlan[]> {
    const project = readProject(options.projectDir);
    const programPath = options.programPath ?? path.resolve(options.projectDir, project.main);
    const available = listStacks(options.projectDir);
    const selected = options.stacks ?? available;
    for (const s of selected) {
        if (!available.includes(s)) {
            throw new Error(`--stacks names "${s}", but there is no Pulumi.${s}.yaml in ${options.projectDir}`);
        }
    }
    const files = selected.map((s) => readStackFile(options.projectDir, s, project.name));
    const ordered = [...files].sort((a, b) => rank(a, project.name) - rank(b, project.name));
    // The shard stacks of one directory all name it: it is read and checked once.
    // Relative to the project folder, as `pulumi` reads it from there.
    const loadDirectory = directoryLoader(options.projectDir);
    const work = ordered.map((file) => {
        const account = stackAccount(file);
        if (!account) {
            throw new Error(`${path.basename(file.file)} must name its account with aws:allowedAccountIds: ["<12-digit id>"]`);
        }
        const kind = stackKind(file, project.name);
        try {
            return { file, kind, account, shards: shardConfigs(file, kind, options.shardTenants, loadDirectory) ?? [{ config: file.config, firstTenant: 0 }] };
        } catch (e) {
            throw new Error(`stack "${file.stack}" failed to plan:\n${errorLine(e)}`);
        }
    });
    // Workers run the repository's code compiled to JavaScript; a program outside it (a test's) runs under ts-node.
    const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
    const compiled = compileTree();
    const compiledProgram = compiled.resolve(programPath);
    const parallel = work.some((w) => w.shards.length > 1) || work.filter((w) => w.kind === "ops").length > 1;
    const pool = planWorkers(parallel, compiledProgram === undefined ? undefined : compiled.resolve(WORKER));
    try {
        const plans: StackPlan[] = [];
        // Shard stacks of one directory print (warnings) and log (pulumi.log.info) the same headroom lines: each distinct line once.
        const printed = new Set<string>();
        // Ops stacks first, all at once (one worker per core, each stack whole or
        // in chunks); then the customer stacks, which reference their outputs.
        for (const group of [work.filter((w) => w.kind === "ops"), work.filter((w) => w.kind !== "ops")]) {
            // A preview reads what is deployed, for stacks outside the plan too: a planned stack with no prior state has no outputs yet.
            const stackOutputs = options.preview
                ? Object.fromEntries([
                    ...plans.map((p): [string, WorkerInput["stackOutputs"][string]] => [p.stack, { outputs: {}, secretOutputNames: [] }]),
                    ...[...options.preview.prior].map(([stack, deployed]): [string, WorkerInput["stackOutputs"][string]] => [stack, { outputs: deployed.outputs, secretOutputNames: deployed.secretOutputNames }]),
                ])
                : Object.fromEntries(plans.map((p) => [p.stack, { outputs: p.outputs, secretOutputNames: p.secretOutputNames }]));
            const unreferenced: NonNullable<WorkerInput["unreferenced"]> = { planned: selected, preview: options.preview !== undefined, previousDir: options.preview?.previousDir };
            const jobs = group.flatMap((w) => w.shards.map((shard, index) => ({ w, shard, last: index === w.shards.length - 1 })));
            let join = new ShardJoin();
            let peakRssBytes = 0;
            let workerMs = 0;
            // Chunks repeat a stack-wide warning (a model id checked offline, say): as one process
            // would, it is printed once, for the first tenant it names, whatever the indexes.
            let warned = new Set<string>();
            await inParallel(jobs, async ({ w, shard }) => {
                const { file, account } = w;
                const prior = options.preview && { prior: options.preview.prior.get(file.stack)?.resources ?? {} };
                const input: WorkerInput = { project: project.name, projectDir: path.resolve(options.projectDir), stack: file.stack, programPath: compiledProgram ?? programPath, account, config: shard.config, secretKeys: file.secretKeys, stackOutputs, unreferenced, preview: prior };
                let stderr = "";
                let stdout = "";
                const output = await pool.run(input, { failure: `stack "${file.stack}" failed to plan`, onStderr: (text) => (stderr += text), onStdout: (text) => (stdout += text) });
                return { output, warnings: shardWarnings(stderr, shard.firstTenant), logged: [...(shard.logged ?? []), ...stdout.split("\n").filter((line) => line.trim())] };
            }, ({ output, warnings, logged }, { w, last }) => {
                join.add(output);
                peakRssBytes = Math.max(peakRssBytes, output.peakRssBytes);
                workerMs += output.durationMs;
                const fresh = warnings.filter((line) => {
                    const key = line.replace(/\[\d+\]/g, "[]");
                    return (w.shards.length === 1 || (!warned.has(key) && warned.add(key))) && !printed.has(line) && printed.add(line);
                });
                if (fresh.length > 0) process.stderr.write(`${fresh.join("\n")}\n`);
                for (const line of logged) if (!printed.has(line) && printed.add(line)) log(line);
                if (!last) return;
                const { file, kind, account, shards } = w;
                plans.push({
                    stack: file.stack, kind, account, file,
                    resources: join.resources(), records: join.records(), ...join.stackOutputs(),
                    durationMs: workerMs, shards: shards.length, peakRssBytes,
                });
                join = new ShardJoin();
                peakRssBytes = 0;
                warned = new Set<string>();
                workerMs = 0;
            });
        }
        return plans;
    } finally {
        await pool.close();
        compiled.dispose();
    }
}

function rank(file: StackFile, project: string): number {
    return stackKind(file, project) === "ops" ? 0 : 1;
}

function readProject(dir: string): { name: string; main: string } {
    const doc = parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
    return { name: String(doc.name), main: String(doc.main ?? ".") };
}

/**
 * One plan worker per core, each planning shard after shard (and stack after
 * stack). A plan of a few tenants finishes within one young generation, so
 * its short-lived objects die there instead of being copied and promoted:
 * 1,000 tenants in shards of 10, in one reused worker running alone, took
 * 13.7 s of CPU against 21.8 s in shards of 500, one fresh worker each.
 * A young generation of 128 MiB holds most of a shard of 10 tenants, and a
 * full collection is forced between plans only once more than 256 MiB of
 * heap is in use (before each plan, it marked the loaded SDKs every time):
 * 1,000 tenants in one stack took 9.0 s to plan against 13.4 to 13.6 s in
 * shards of 25 with a collection before each and 64 MiB, a worker's peak RSS
 * 510 MiB against 320 MiB; 3,000 tenants in 30 shard stacks of 100 took 35.6
 * s against 37.9 s, peak 668 MiB against 727 MiB (measured 2026-12-06, 2
 * workers, `npm start -- --tenants N [--ops-accounts 3]`).
 */
function planWorkers(parallel: boolean, compiledWorker: string | undefined): JsonWorkerPool<WorkerInput, WorkerOutput> {
    return new JsonWorkerPool<WorkerInput, WorkerOutput>(compiledWorker ?? WORKER, parallel ? cores() : 1, {
        javascript: compiledWorker !== undefined,
        // The mock engine keeps a plan's Output graph until the plan ends; an
        // unsharded stack of 500 tenants peaks under 1.5 GiB, and the limit
        // leaves room for tenants granted many more models. A larger young
        // generation suits the many short-lived promises of each registration.
        // Workers run one per core: collector threads of their own would only
        // contend with the other worker.
        nodeFlags: ["--expose-gc", "--max-old-space-size=4096", "--max-semi-space-size=128", ...(parallel ? ["--single-threaded-gc"] : [])],
    });
}
