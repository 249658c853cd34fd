import type { ResourceSummary } from "./join-shards";

const STACK_TYPE = "pulumi:pulumi:Stack";

/** What `pulumi preview` marks each step with; a plan without steps creates everything. */
const MARKS: Record<NonNullable<ResourceSummary["op"]>, string> = { create: "+", update: "~", same: " " };
const mark = (r: ResourceSummary | undefined) => MARKS[r?.op ?? "create"];

/**
 * Renders planned resources as a tree nested by parent, the way
 * `pulumi preview` lists them: `+ type  name` for a resource it creates,
 * `~` for one it updates, no mark for one it leaves as it is.
 */
export function renderTree(stack: string, resources: readonly ResourceSummary[]): string {
    const stackUrn = resources.find((r) => r.type === STACK_TYPE)?.urn;
    const children = new Map<string | undefined, ResourceSummary[]>();
    for (const r of resources) {
        if (r.type === STACK_TYPE) continue;
        const parent = r.parent === stackUrn ? undefined : r.parent;
        const list = children.get(parent) ?? [];
        list.push(r);
        children.set(parent, list);
    }
    const lines = [`${mark(resources.find((r) => r.type === STACK_TYPE))} ${STACK_TYPE}  ${stack}`];
    const walk = (parent: string | undefined, indent: string): void => {
        const list = children.get(parent) ?? [];
        list.forEach((r, i) => {
            const last = i === list.length - 1;
            lines.push(`${indent}${last ? "└─" : "├─"} ${mark(r)} ${r.type}  ${r.name}`);
            walk(r.urn, indent + (last ? "   " : "│  "));
        });
    };
    walk(undefined, "  ");
    return lines.join("\n");
}

/** Resource counts by type, sorted by type. */
export function countByType(resources: readonly ResourceSummary[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
