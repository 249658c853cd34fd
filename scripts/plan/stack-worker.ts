/**
 * Runs stacks' real programs under the Pulumi mock engine, one plan at a time
 * per worker process (the Pulumi runtime is process-global), and returns what
 * each planned. Each plan starts from a fresh runtime store and a freshly
 * loaded program (`fresh-runtime.ts`).
 */
import * as pulumi from "@pulumi/pulumi";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";
import { serveJsonWorker } from "../lib/json-worker";
import { freshPulumiStore, unloadProgram } from "./fresh-runtime";
import { carryStructs, sortedKeys } from "./plain-structs";
import { CALLER_IDENTITY_TOKEN, mockCallerIdentity, mockResourceId, mockResourceState } from "../../testing/mock-state";
import { isUnknown } from "@pulumi/pulumi/output";
import { UNKNOWN_VALUE, decodeSecrets } from "../../verifier/pulumi-formats";
import type { PlannedResource, PreviewOp, PriorResource, WorkerInput, WorkerOutput } from "./plan-types";

// Pulumi captures a stack trace for every internal promise and a full-depth one
// for every resource (source positions for the engine); capturing the frames,
// and under ts-node mapping them through source maps, dominated planning time.
// A plan needs no source positions, so no frames are taken: a trace is then just
// the error's name and message. `callsites` would lift the depth limit itself.
Error.stackTraceLimit = 0;
(pulumi.Resource as unknown as { callsites: () => unknown[] }).callsites = () => [];
// Pulumi also wraps four promises per output property in a leak detector that
// tags each with a descriptive string and chains two more promises; that cost a
// third of the 5,000-tenant plan's time and a fifth of its memory. The plan
// waits for every registration anyway, and the detector only prints a warning
// at exit; the runtime's modules look the wrapper up through the module at
// each call, so the identity replaces it everywhere.
(require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: unknown }).debuggablePromise = <T>(p: Promise<T>) => p;

interface Registration {
    type: string;
    name: string;
    custom: boolean;
    parent?: string;
    inputs: Record<string, any>;
}

/** The mock monitor's own record of each resource: `{ urn, state }`, state a Struct after `registerResourceOutputs`. */
interface MockMonitor {
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: any, callback: unknown): Promise<void>;
    getRegisteredResources(): Map<string, { urn: string; id: string | null; state: any }>;
}

async function plan(input: WorkerInput): Promise<WorkerOutput> {
    const started = process.hrtime.bigint();
    const registrations = new Map<string, Registration>();
    const inputsByKey = new Map<string, Record<string, any>>();
    const prior = input.preview?.prior;
    const ops = new Map<string, PreviewOp>();
    // The URN of the registration being handed to the mocks (they are not given it).
    let registering: string | undefined;

    freshPulumiStore();
    unloadProgram(input.programPath);
    carryStructs(input.protobufStructs ? "protobuf" : "plain");
    pulumi.runtime.setAllConfig(input.config, input.secretKeys);
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                if (!input.protobufStructs) args = { ...args, inputs: sortedKeys(args.inputs) };
                if (args.type === "pulumi:pulumi:StackReference") {
                    // Matched by the stack part of `org/project/stack`: every planned stack belongs to this project.
                    const target = input.stackOutputs[String(args.inputs.name).split("/").pop() ?? ""];
                    if (!target) {
                        throw new Error(`stack reference to "${args.inputs.name}", which is not part of this plan`);
                    }
                    return { id: args.inputs.name, state: { name: args.inputs.name, ...target } };
                }
                if (input.preview) {
                    const inputs = withUnknowns(args.inputs);
                    inputsByKey.set(`${args.type}::${args.name}`, inputs);
                    return previewState(registering!, inputs, prior ?? {}, ops);
                }
                const id = mockResourceId(args.type, args.name, args.inputs);
                inputsByKey.set(`${args.type}::${args.name}`, args.inputs);
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
    // The engine's own URNs and parents, as `pulumi stack export` records them; component
    // outputs reach the monitor through registerResourceOutputs, never through the mocks.
    const monitor = getMonitor() as unknown as MockMonitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
        registrations.set(urn, { type: req.getType(), name: req.getName(), custom: req.getCustom(), parent: req.getParent() || undefined, inputs: {} });
        // The mock monitor hands the request to the mocks before its first await.
        registering = urn;
        try {
            return register(req, callback);
        } finally {
            registering = undefined;
        }
    };

    const secretOutputNames: string[] = [];
    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
        const exported: Record<string, unknown> = require(input.programPath);
        for (const [name, value] of Object.entries(exported)) {
            if (await pulumi.isSecret(pulumi.output(value))) secretOutputNames.push(name);
        }
        return exported;
    });
    await pulumi.runtime.disconnect();

    const resources: PlannedResource[] = [];
    for (const [urn, record] of monitor.getRegisteredResources()) {
        const r = registrations.get(urn);
        if (!r || r.type === "pulumi:pulumi:StackReference") continue;
        const state = typeof record.state?.toJavaScript === "function" ? sortedKeys(record.state.toJavaScript()) : (record.state ?? {});
        const planned: PlannedResource = { urn, type: r.type, name: r.name, custom: r.custom, id: record.id || undefined, parent: r.parent, inputs: inputsByKey.get(`${r.type}::${r.name}`) ?? {}, outputs: state };
        if (input.preview) planned.op = ops.get(urn) ?? (prior?.[urn] ? "same" : "create");
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

/** The engine's marker for a value not known until deployment, where the SDK left its own `unknown`. */
function withUnknowns(value: any): any {
    if (isUnknown(value)) return UNKNOWN_VALUE;
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
function previewState(urn: string, inputs: Record<string, any>, prior: Record<string, PriorResource>, ops: Map<string, PreviewOp>): { id: string; state: Record<string, any> } {
    const before = prior[urn];
    if (!before) {
        ops.set(urn, "create");
        return { id: "", state: inputs };
    }
    const now = decodeSecrets(inputs, urn);
    ops.set(urn, JSON.stringify(sortedKeys(now)) === JSON.stringify(sortedKeys(before.inputs)) ? "same" : "update");
    return { id: before.id ?? "", state: { ...before.outputs, ...inputs } };
}

serveJsonWorker(plan);
