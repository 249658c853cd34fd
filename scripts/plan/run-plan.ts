import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { compileTree } from "../lib/compiled-tree";
import { cores, inParallel } from "../lib/in-parallel";
import { errorLine, JsonWorkerPool } from "../lib/json-worker";
import { ShardJoin, type ResourceSummary } from "./join-shards";
import { shardConfigs, shardWarnings } from "./ops-shards";
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
     * stack they name, as a real preview reads the deployed ones.
     */
    preview?: { prior: ReadonlyMap<string, PriorStack> };
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
    durationMs: number;
    /** How many workers planned the stack (one per shard), and the largest one's peak RSS. */
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
    const work = ordered.map((file) => {
        const account = stackAccount(file);
        if (!account) {
            throw new Error(`${path.basename(file.file)} must name its account with aws:allowedAccountIds: ["<12-digit id>"]`);
        }
        const kind = stackKind(file, project.name);
        try {
            return { file, kind, account, shards: shardConfigs(file, kind, options.shardTenants) ?? [{ config: file.config, firstTenant: 0 }] };
        } catch (e) {
            throw new Error(`stack "${file.stack}" failed to plan:\n${errorLine(e)}`);
        }
    });
    // Workers run the repository's code compiled to JavaScript; a program outside it (a test's) runs under ts-node.
    const compiled = compileTree();
    const compiledProgram = compiled.resolve(programPath);
    const pool = planWorkers(work.some((w) => w.shards.length > 1), compiledProgram === undefined ? undefined : compiled.resolve(WORKER));
    try {
        const plans: StackPlan[] = [];
        for (const { file, kind, account, shards } of work) {
            // A preview reads what is deployed: a stack with no prior state has no outputs yet.
            const stackOutputs = Object.fromEntries(plans.map((p) => {
                if (!options.preview) return [p.stack, { outputs: p.outputs, secretOutputNames: p.secretOutputNames }];
                const deployed = options.preview.prior.get(p.stack);
                return [p.stack, { outputs: deployed?.outputs ?? {}, secretOutputNames: deployed?.secretOutputNames ?? [] }];
            }));
            const prior = options.preview && { prior: options.preview.prior.get(file.stack)?.resources ?? {} };
            const input: WorkerInput = { project: project.name, stack: file.stack, programPath: compiledProgram ?? programPath, account, config: file.config, secretKeys: file.secretKeys, stackOutputs, preview: prior };
            const started = performance.now();
            const join = new ShardJoin();
            let peakRssBytes = 0;
            // Shards repeat a stack-wide warning (a model id checked offline, say): as one process
            // would, it is printed once, for the first tenant it names, whatever the indexes.
            const warned = new Set<string>();
            await inParallel(shards, async ({ config, firstTenant }) => {
                let stderr = "";
                const output = await pool.run({ ...input, config }, { failure: `stack "${file.stack}" failed to plan`, onStderr: (text) => (stderr += text) });
                peakRssBytes = Math.max(peakRssBytes, output.peakRssBytes);
                return { output, warnings: shardWarnings(stderr, firstTenant) };
            }, ({ output, warnings }) => {
                join.add(output);
                const fresh = warnings.filter((line) => {
                    const key = line.replace(/\[\d+\]/g, "[]");
                    return shards.length === 1 || (!warned.has(key) && warned.add(key));
                });
                if (fresh.length > 0) process.stderr.write(`${fresh.join("\n")}\n`);
            });
            plans.push({
                stack: file.stack, kind, account, file,
                resources: join.resources(), records: join.records(), ...join.stackOutputs(),
                durationMs: performance.now() - started, shards: shards.length, peakRssBytes,
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
 */
function planWorkers(sharded: boolean, compiledWorker: string | undefined): JsonWorkerPool<WorkerInput, WorkerOutput> {
    return new JsonWorkerPool<WorkerInput, WorkerOutput>(compiledWorker ?? WORKER, sharded ? cores() : 1, {
        javascript: compiledWorker !== undefined,
        // The mock engine keeps a plan's Output graph until the plan ends; an
        // unsharded stack of 500 tenants peaks under 1.5 GiB, and the limit
        // leaves room for tenants granted many more models. A larger young
        // generation suits the many short-lived promises of each registration.
        // Workers run one per core: collector threads of their own would only
        // contend with the other worker.
        nodeFlags: ["--max-old-space-size=4096", "--max-semi-space-size=64", ...(sharded ? ["--single-threaded-gc"] : [])],
    });
}
