/**
 * `npm start -- --preview`: the state a preview starts from, and plans
 * written as `pulumi preview --json --show-sames --show-secrets` writes them (a
 * `PreviewDigest`: `{ steps: [{ op, urn, newState }] }`, unknown values as
 * the engine's marker), so the verifier reads a mock preview and a real one
 * alike.
 */
import * as fs from "fs";
import * as path from "path";
import { SECRET_SIG, SIG_KEY, readStackState } from "../../verifier/pulumi-formats";
import { readPlanText } from "../../verifier/plan-input";
import type { PlannedResource, PriorResource } from "./plan-types";
import { exportRecord } from "./stack-export";

const STACK_TYPE = "pulumi:pulumi:Stack";

/** What a stack was before the preview: its resources by URN and its outputs, as another stack's StackReference reads them. */
export interface PriorStack {
    resources: Record<string, PriorResource>;
    /** The export's records by URN, for the steps that delete. */
    records: Map<string, unknown>;
    outputs: Record<string, unknown>;
    secretOutputNames: string[];
}

/**
 * `<dir>/<stack>.json`, a `pulumi stack export --show-secrets` of the
 * deployed stack (or an earlier `npm start` plan), or undefined when the
 * stack has none there: it is then previewed as new.
 */
export function readPriorStack(dir: string, stack: string): PriorStack | undefined {
    const file = path.join(dir, `${stack}.json`);
    if (!fs.existsSync(file)) return undefined;
    const text = readPlanText(file);
    const state = readStackState(file, text);
    if (state.format !== "stack-export") throw new Error(`--previous: ${file} must be a stack export (pulumi stack export --show-secrets), not a preview`);
    if (state.resources.length > 0 && state.stack !== stack) throw new Error(`--previous: ${file} holds stack ${JSON.stringify(state.stack)}, not ${JSON.stringify(stack)}`);
    const raw: any[] = JSON.parse(text).deployment.resources;
    const resources: Record<string, PriorResource> = {};
    for (const r of state.resources) resources[r.urn] = { id: r.id, inputs: r.inputs, outputs: r.outputs };
    const root = raw.find((r) => r?.type === STACK_TYPE);
    const rootOutputs: Record<string, unknown> = root?.outputs ?? {};
    return {
        resources,
        records: new Map(raw.map((r) => [r.urn, r])),
        outputs: state.resources.find((r) => r.type === STACK_TYPE)?.outputs ?? {},
        secretOutputNames: Object.keys(rootOutputs).filter((k) => (rootOutputs[k] as Record<string, unknown>)?.[SIG_KEY] === SECRET_SIG),
    };
}

/** One planned resource as a preview step; a plan without `op` is an export record. */
export function planRecord(r: PlannedResource): unknown {
    const state = exportRecord(r);
    return r.op ? { op: r.op, urn: r.urn, newState: state } : state;
}

/**
 * Writes the preview document from step records serialised one by one, and a
 * `delete` step for every resource of the prior state the plan no longer has.
 */
export function writePreview(file: string, records: readonly string[], prior: PriorStack | undefined): { steps: number; deletes: number } {
    const planned = new Set(records.map((r) => (JSON.parse(r) as { urn: string }).urn));
    const deletes = [...(prior?.records ?? new Map<string, unknown>())].filter(([urn]) => !planned.has(urn)).map(([urn, oldState]) => JSON.stringify({ op: "delete", urn, oldState }));
    const fd = fs.openSync(file, "w");
    try {
        fs.writeSync(fd, '{"steps":[');
        const all = [...records, ...deletes];
        for (let i = 0; i < all.length; i += 1000) fs.writeSync(fd, (i === 0 ? "" : ",") + all.slice(i, i + 1000).join(","));
        fs.writeSync(fd, "]}");
    } finally {
        fs.closeSync(fd);
    }
    return { steps: records.length + deletes.length, deletes: deletes.length };
}
