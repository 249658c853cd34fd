import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { runJsonWorker } from "../lib/json-worker";
import type { WorkerInput, WorkerOutput } from "./plan-types";
import { listStacks, readStackFile, stackAccount, stackKind, type StackFile } from "./stack-files";

export interface PlanOptions {
    /** Folder holding `Pulumi.yaml` and the `Pulumi.<stack>.yaml` files. */
    projectDir: string;
    /** Stacks to plan; all that have a config file when omitted. */
    stacks?: string[];
    /** Program to run; `<projectDir>/<main from Pulumi.yaml>` when omitted. */
    programPath?: string;
}

export interface StackPlan extends WorkerOutput {
    kind: string | undefined;
    account: string;
    file: StackFile;
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
    const plans: StackPlan[] = [];
    for (const file of ordered) {
        const account = stackAccount(file);
        if (!account) {
            throw new Error(`${path.basename(file.file)} must name its account with aws:allowedAccountIds: ["<12-digit id>"]`);
        }
        const stackOutputs = Object.fromEntries(plans.map((p) => [p.stack, { outputs: p.outputs, secretOutputNames: p.secretOutputNames }]));
        const output = await runWorker({
            project: project.name,
            stack: file.stack,
            programPath,
            account,
            config: file.config,
            secretKeys: file.secretKeys,
            stackOutputs,
        });
        plans.push({ ...output, kind: stackKind(file, project.name), account, file });
    }
    return plans;
}

function rank(file: StackFile, project: string): number {
    return stackKind(file, project) === "ops" ? 0 : 1;
}

function readProject(dir: string): { name: string; main: string } {
    const doc = parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
    return { name: String(doc.name), main: String(doc.main ?? ".") };
}

function runWorker(input: WorkerInput): Promise<WorkerOutput> {
    return runJsonWorker(WORKER, input, {
        // The mock engine keeps every resource's Output graph: 5,000 tenants outgrow
        // Node's default heap (and a 6 GiB one: measured). A larger young generation
        // for the many short-lived promises of each registration cut the 500-tenant
        // plan by a fifth, when collection was 43 % of the worker's CPU.
        nodeFlags: ["--max-old-space-size=12288", "--max-semi-space-size=64"],
        failure: `stack "${input.stack}" failed to plan`,
    });
}
