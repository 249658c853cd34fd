/**
 * Values a preview cannot know yet. The engine writes one marker for every
 * such value, so two unknowns cannot be told apart. The proof reads the
 * marker as "a resource created by this update" and accepts it only where
 * that reading is sound: every resource whose ARN is unknown, and every
 * resource holding an unknown, belong to one component (one new tenant, or
 * one new customer stack). A tenant's policies naming its own new
 * profiles are then proved as its own; anything else unknown is a finding
 * named with the resource, to be proved once the update has made it known.
 */
import { BEDROCK_TENANT_ACCESS_TYPE, PRIVATE_INVOCATION_LOGGING_TYPE } from "../contract";
import { violation, type Violation } from "./findings";
import { UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";

/** Resources whose unknowns are never read by the proof: the stack's outputs and the fleet's record of every tenant. */
const NOT_READ = new Set(["pulumi:pulumi:Stack", "bedrock-tenancy:index:BedrockTenantFleet"]);
const OWNERS = new Set([BEDROCK_TENANT_ACCESS_TYPE, PRIVATE_INVOCATION_LOGGING_TYPE]);

export function unknownViolations(state: StackState): { violations: Violation[]; facts: string[] } {
    if (state.format !== "preview") return { violations: [], facts: [] };
    const byUrn = new Map(state.resources.map((r) => [r.urn, r]));
    const ownerOf = (r: StackResource): string | undefined => {
        for (let at: StackResource | undefined = r, depth = 0; at && depth < 64; at = at.parent ? byUrn.get(at.parent) : undefined, depth++) {
            if (OWNERS.has(at.type)) return at.urn;
        }
        return undefined;
    };
    const minted = state.resources.filter((r) => r.outputs.arn === UNKNOWN_VALUE);
    const holders = state.resources.filter((r) => !NOT_READ.has(r.type) && (holdsUnknown(r.inputs) || holdsUnknown(withoutOwnIds(r.outputs))));
    if (holders.length === 0) return { violations: [], facts: [] };
    const owners = new Set([...minted, ...holders].map(ownerOf));
    const violations: Violation[] = [];
    if (owners.size > 1 || owners.has(undefined)) {
        const named = [...owners].map((o) => (o === undefined ? "(no component)" : o.split("::").pop())).join(", ");
        for (const r of holders) {
            violations.push(violation("BT-PLAN-UNKNOWN-VALUE", { tenant: "(stack)", stack: state.stack, resource: r.name, urn: r.urn }, "-",
                `holds a value unknown at preview, and the resources being created with unknown ARNs belong to more than one component (${named}): which one it names cannot be told; prove the export after the update, or add one new tenant at a time`));
        }
        return { violations, facts: [] };
    }
    const owner = [...owners][0]!.split("::").pop();
    return { violations, facts: [`${holders.length} resources of ${state.stack} hold values unknown at preview; each is proved as a new resource of ${owner}, the only component creating resources whose ARNs are unknown; verify the export after the update to prove the values themselves`] };
}

/** A resource's own id and ARN are unknown while it is created; only unknowns it refers to matter here. */
function withoutOwnIds(outputs: Record<string, unknown>): Record<string, unknown> {
    const { arn: _arn, id: _id, uniqueId: _unique, keyId: _key, ...rest } = outputs;
    return rest;
}

function holdsUnknown(value: unknown, depth = 0): boolean {
    if (depth > 64) return false;
    if (typeof value === "string") return value.includes(UNKNOWN_VALUE);
    if (Array.isArray(value)) return value.some((v) => holdsUnknown(v, depth + 1));
    if (value !== null && typeof value === "object") return Object.values(value).some((v) => holdsUnknown(v, depth + 1));
    return false;
}
