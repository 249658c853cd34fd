/**
 * Joins the plans of one stack's shards (see `ops-shards.ts`) into the plan
 * the whole stack would give. Each resource below a `BedrockTenantAccess`
 * belongs to one tenant, so to one shard: it is serialised as an export record
 * at once and its parsed form is dropped. Every other resource (the stack,
 * the fleet, the quota enforcer) is planned by each shard that needs it and
 * joined: the shards must agree on every value, except that objects (the
 * fleet's per-tenant record) are the union of their keys.
 */
import { BEDROCK_TENANT_ACCESS_TYPE } from "../../contract/naming";
import type { PlannedResource, WorkerOutput } from "./plan-types";
import { planRecord } from "./preview-files";

/** What the log and the resource tree need of a resource. */
export type ResourceSummary = Pick<PlannedResource, "urn" | "type" | "name" | "custom" | "parent" | "op">;

export class ShardJoin {
    private readonly shared = new Map<string, PlannedResource>();
    private readonly tenantRecords: string[] = [];
    private readonly owner = new Map<string, number>();
    private readonly summaries: ResourceSummary[] = [];
    private outputs: Record<string, unknown> = {};
    private readonly secretOutputNames = new Set<string>();
    private shards = 0;

    /** Adds one shard's plan; throws when shards disagree or plan the same tenant resource. */
    add(shard: WorkerOutput): void {
        const index = this.shards++;
        const parents = new Map(shard.resources.map((r) => [r.urn, r.parent]));
        const types = new Map(shard.resources.map((r) => [r.urn, r.type]));
        for (const r of shard.resources) {
            if (belowTenant(r.urn, parents, types)) {
                const first = this.owner.get(r.urn);
                if (first !== undefined) throw new Error(`shards ${first + 1} and ${index + 1} both planned ${r.urn}`);
                this.owner.set(r.urn, index);
                this.tenantRecords.push(JSON.stringify(planRecord(r)));
                this.summaries.push(summary(r));
                continue;
            }
            const seen = this.shared.get(r.urn);
            if (!seen) {
                this.shared.set(r.urn, r);
                this.summaries.push(summary(r));
                continue;
            }
            for (const key of ["type", "name", "custom", "id", "parent", "op"] as const) {
                if (seen[key] !== r[key]) throw new Error(`shards disagree on ${key} of ${r.urn}: ${JSON.stringify(seen[key])} and ${JSON.stringify(r[key])}`);
            }
            seen.inputs = joinValues(seen.inputs, r.inputs, `${r.urn} inputs`) as PlannedResource["inputs"];
            seen.outputs = joinValues(seen.outputs, r.outputs, `${r.urn} outputs`) as PlannedResource["outputs"];
        }
        this.outputs = joinValues(this.outputs, shard.outputs, "the stack outputs") as Record<string, unknown>;
        shard.secretOutputNames.forEach((n) => this.secretOutputNames.add(n));
    }

    /** The export records, shared resources first so that every parent precedes its children. */
    records(): string[] {
        return [...[...this.shared.values()].map((r) => JSON.stringify(planRecord(r))), ...this.tenantRecords];
    }

    resources(): readonly ResourceSummary[] {
        return this.summaries;
    }

    stackOutputs(): { outputs: Record<string, unknown>; secretOutputNames: string[] } {
        return { outputs: this.outputs, secretOutputNames: [...this.secretOutputNames] };
    }
}

function belowTenant(urn: string, parents: Map<string, string | undefined>, types: Map<string, string>): boolean {
    for (let at: string | undefined = urn; at; at = parents.get(at)) {
        if (types.get(at) === BEDROCK_TENANT_ACCESS_TYPE) return true;
    }
    return false;
}

function summary(r: PlannedResource): ResourceSummary {
    return { urn: r.urn, type: r.type, name: r.name, custom: r.custom, parent: r.parent, ...(r.op ? { op: r.op } : {}) };
}

/**
 * Objects join by key; anything else must be the same in both. `b` is joined
 * into `a`, which is changed and returned: copying `a` instead made joining
 * the fleet's per-tenant record quadratic in the number of shards.
 */
export function joinValues(a: unknown, b: unknown, where: string): unknown {
    if (isObject(a) && isObject(b)) {
        for (const [k, v] of Object.entries(b)) a[k] = k in a ? joinValues(a[k], v, `${where}.${k}`) : v;
        return a;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) {
        throw new Error(`shards disagree on ${where}: ${JSON.stringify(a)?.slice(0, 200)} and ${JSON.stringify(b)?.slice(0, 200)}`);
    }
    return a;
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}
