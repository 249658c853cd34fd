/**
 * Runs stacks' real programs under the Pulumi mock engine, one plan at a time
 * per worker process (the Pulumi runtime is process-global), and returns what
 * each planned. Only Pulumi's public API is used: `setMocks` gives each plan a
 * new mock monitor and resets the runtime's per-stack state (stack resource,
 * feature flags, leak candidates), `setAllConfig` replaces the whole config,
 * and the program's own modules are loaded again (`program-modules.ts`), so a
 * reused worker plans as a fresh one would.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { serializeProperty } from "@pulumi/pulumi/runtime/rpc";
import { serveJsonWorker } from "../lib/json-worker";
import { unloadProgram } from "./program-modules";
import { sortedKeys } from "./sorted-keys";
import { CALLER_IDENTITY_TOKEN, mockCallerIdentity, mockResourceId, mockResourceState } from "../../testing/mock-state";
import { isUnknown } from "@pulumi/pulumi/output";
import { UNKNOWN_VALUE, decodeSecrets } from "../../verifier/pulumi-formats";
import type { PlannedResource, PreviewOp, PriorResource, WorkerInput, WorkerOutput } from "./plan-types";

// Pulumi reads `new Error().stack` for every resource (at unlimited depth, for
// source positions sent to the engine) and for every internal promise (for its
// leak report). Formatting those frames, under ts-node through source maps,
// dominated planning time, and a plan needs no source positions. These are
// V8's documented hooks, set only in this dedicated worker process, and no
// dependency's code is replaced: no frames are captured where the depth is
// ours to set, and a trace, where one is taken, is only the error's first line
// (the worker reports failures by message, `errorLine`).
Error.stackTraceLimit = 0;
Error.prepareStackTrace = (error: Error) => `${error.name}: ${error.message}`;

/** Heap in use above which a plan starts with a full collection (see planWorkers in run-plan.ts). */
const COLLECT_ABOVE_BYTES = 256 * 2 ** 20;
const STACK_TYPE = "pulumi:pulumi:Stack";
const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

/** Why a StackReference has no outputs to read in this run, and what to add so it has. */
function unreferencedStack(name: string, stack: string, run: WorkerInput["unreferenced"] = { planned: [], preview: false }): string {
    const withIt = `--stacks ${[stack, ...run.planned.filter((s) => s !== stack)].join(",")}`;
    const head = `stack reference to "${name}": stack "${stack}" is not planned in this run`;
    if (!run.preview) return `${head}; plan it too (${withIt})`;
    if (run.previousDir === undefined) return `${head} and no --previous was given; add --previous DIR holding its deployed state as DIR/${stack}.json, or plan it too (${withIt})`;
    return `${head} and --previous ${run.previousDir} holds no ${stack}.json; put its deployed state there (pulumi stack export --show-secrets, or an earlier npm start's plan), or plan it too (${withIt})`;
}

/** Plans one stack (exported for the test that checks no dependency is patched). */
export async function plan(input: WorkerInput): Promise<WorkerOutput> {
    const started = process.hrtime.bigint();
    const inputsByKey = new Map<string, Record<string, any>>();
    /** Resources whose inputs hold an asset or archive (a function's code), written as the engine writes them once the plan ends. */
    const withAssets: string[] = [];
    const prior = input.preview?.prior;
    const ops = new Map<string, PreviewOp>();
    // The mocks are given only a resource's type and name, and the monitor keeps
    // no parents: a resource transformation (public API) sees each resource's
    // parent, and a resource is keyed by `type::name` (its URN, in Pulumi's
    // documented format, ends in both). A preview's prior state is keyed by URN.
    const keyOf = new WeakMap<pulumi.Resource, string>();
    const known = new Map<string, { parent?: pulumi.Resource }>();
    const custom = new Set<string>();
    const stackKey = `${STACK_TYPE}::${input.project}-${input.stack}`;
    const priorByKey = new Map(Object.keys(prior ?? {}).map((urn) => [keyOfUrn(urn), urn]));

    if (input.projectDir !== undefined) process.chdir(input.projectDir);
    unloadProgram(input.programPath);
    // The last plan's graph is garbage now. Small plans' graphs are left to the
    // collector (a full collection before each one marked the loaded SDKs
    // every time; see planWorkers in run-plan.ts); once the heap holds more,
    // as after a whole shard stack, it is collected before this plan
    // allocates, which keeps a worker's peak near one plan's (`--expose-gc`).
    if (process.memoryUsage().heapUsed > COLLECT_ABOVE_BYTES) (globalThis as { gc?: () => void }).gc?.();
    pulumi.runtime.setAllConfig(input.config, input.secretKeys);
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const key = `${args.type}::${args.name}`;
                if (args.custom) custom.add(key);
                if (args.type === STACK_REFERENCE_TYPE) {
                    // Matched by the stack part of `org/project/stack`: every planned stack belongs to this project.
                    const referenced = String(args.inputs.name).split("/").pop() ?? "";
                    const target = Object.prototype.hasOwnProperty.call(input.stackOutputs, referenced) ? input.stackOutputs[referenced] : undefined;
                    if (!target) throw new Error(unreferencedStack(String(args.inputs.name), referenced, input.unreferenced));
                    return { id: args.inputs.name, state: { name: args.inputs.name, ...target } };
                }
                const inputs = input.preview ? withUnknowns(args.inputs) : args.inputs;
                inputsByKey.set(key, inputs);
                if (holdsAsset(inputs)) withAssets.push(key);
                if (input.preview) return previewState(priorByKey.get(key), inputs, prior ?? {}, ops, key);
                const id = mockResourceId(args.type, args.name, args.inputs);
                return { id, state: { ...args.inputs, ...mockResourceState(args.type, args.name, id, args.inputs, input.account) } };
            },
            call(args) {
                if (args.token === CALLER_IDENTITY_TOKEN) {
                    return mockCallerIdentity(input.account);
                }
                throw new Error(`the offline plan does not mock the data source ${args.token}`);
            },
        },
        input.project,
        input.stack,
        true,
    );
    const monitor = pulumi.runtime.getMonitor();
    if (!(monitor instanceof MockMonitor)) throw new Error("setMocks did not install Pulumi's MockMonitor");

    const secretOutputNames: string[] = [];
    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation(({ resource, type, name, opts }) => {
            const key = `${type}::${name}`;
            if (known.has(key)) throw new Error(`two resources are named ${key}: the plan keys resources by type and name`);
            keyOf.set(resource, key);
            known.set(key, { parent: opts.parent });
            return undefined;
        });
        const exported: Record<string, unknown> = require(input.programPath);
        for (const [name, value] of Object.entries(exported)) {
            if (await pulumi.isSecret(pulumi.output(value))) secretOutputNames.push(name);
        }
        return exported;
    });
    await pulumi.runtime.disconnect();

    for (const key of withAssets) {
        const written = await assetsAsWritten(inputsByKey.get(key)!);
        inputsByKey.set(key, written);
        // Compared again as written: the instance the preview compared reads as an empty archive.
        const before = priorByKey.get(key);
        if (input.preview && before !== undefined && prior?.[before]) ops.set(key, sameInputs(written, prior[before], before) ? "same" : "update");
    }
    const registered = monitor.getRegisteredResources();
    const urnOf = new Map([...registered.keys()].map((urn) => [keyOfUrn(urn), urn]));
    if (urnOf.size !== registered.size) throw new Error("two registered resources share a type and name: the plan keys resources by both");
    const parentOf = (key: string): string | undefined => {
        if (key === stackKey) return undefined;
        const seen = known.get(key);
        if (!seen) throw new Error(`the mock monitor registered ${key}, which no resource transformation saw`);
        const parentKey = seen.parent ? keyOf.get(seen.parent) : stackKey;
        const parent = parentKey === undefined ? undefined : urnOf.get(parentKey);
        if (parent === undefined) throw new Error(`the parent of ${key} was never registered`);
        return parent;
    };
    const resources: PlannedResource[] = [];
    // The monitor's own record of each resource: state a Struct after `registerResourceOutputs`
    // (component outputs reach the monitor that way, never through the mocks).
    for (const [urn, record] of registered) {
        const key = keyOfUrn(urn);
        const [type, ...rest] = key.split("::");
        if (type === STACK_REFERENCE_TYPE) continue;
        const state = typeof record.state?.toJavaScript === "function" ? record.state.toJavaScript() : (record.state ?? {});
        const planned: PlannedResource = { urn, type, name: rest.join("::"), custom: custom.has(key), id: record.id || undefined, parent: parentOf(key), inputs: inputsByKey.get(key) ?? {}, outputs: state };
        if (input.preview) planned.op = ops.get(key) ?? (prior?.[urn] ? "same" : "create");
        resources.push(planned);
    }

    return {
        stack: input.stack,
        resources,
        outputs: (outputs ?? {}),
        secretOutputNames,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
}

/** `type::name` of a URN (`urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`). */
function keyOfUrn(urn: string): string {
    const parts = urn.split("::");
    const qualified = parts[2] ?? "";
    return `${qualified.slice(qualified.lastIndexOf("$") + 1)}::${parts.slice(3).join("::")}`;
}

const isAssetOrArchive = (value: unknown) => value instanceof pulumi.asset.Asset || value instanceof pulumi.asset.Archive;

/** Whether a resource's inputs hold an asset or archive, as a function's `code` does (the only place the components put one). */
function holdsAsset(inputs: Record<string, unknown>): boolean {
    for (const k in inputs) if (isAssetOrArchive(inputs[k])) return true;
    return false;
}

/**
 * The inputs with each asset and archive as the engine writes it in a state
 * (its signature, and its path or assets), by the SDK's own serializer: as
 * JSON, an archive's assets (held in a promise) would be written as `{}`.
 */
async function assetsAsWritten(inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = { ...inputs };
    for (const k in inputs) if (isAssetOrArchive(inputs[k])) out[k] = await serializeProperty(`inputs.${k}`, inputs[k]);
    return out;
}

/** The engine's marker for a value not known until deployment, where the SDK left its own `unknown`. */
function withUnknowns(value: any): any {
    if (isUnknown(value)) return UNKNOWN_VALUE;
    // Kept whole, for the engine's serializer: copied field by field, an archive's assets (held in a
    // promise) would be lost, and with them a function's code in the state a preview shows.
    if (isAssetOrArchive(value)) return value;
    if (Array.isArray(value)) return value.map(withUnknowns);
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) out[k] = withUnknowns(v);
    return out;
}

/**
 * What a preview knows of one resource. One that exists (in `prior`) keeps
 * its id and recorded outputs, with the inputs as now given: `same` when they
 * equal the recorded ones, else `update`. One to be created has no id yet
 * (the SDK then reads it as unknown) and only its inputs as state: every
 * output the provider computes (an ARN, a generated value) is unknown.
 */
function previewState(urn: string | undefined, inputs: Record<string, any>, prior: Record<string, PriorResource>, ops: Map<string, PreviewOp>, key: string): { id: string; state: Record<string, any> } {
    const before = urn === undefined ? undefined : prior[urn];
    if (!before) {
        ops.set(key, "create");
        return { id: "", state: inputs };
    }
    ops.set(key, sameInputs(inputs, before, urn!) ? "same" : "update");
    return { id: before.id ?? "", state: { ...before.outputs, ...inputs } };
}

/** Whether a resource's inputs now are those it was deployed with. */
function sameInputs(inputs: Record<string, any>, before: PriorResource, urn: string): boolean {
    return JSON.stringify(sortedKeys(decodeSecrets(inputs, urn))) === JSON.stringify(sortedKeys(before.inputs));
}

if (require.main === module) serveJsonWorker(plan);
