import type { ResourceSummary } from "./join-shards";

const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Renders planned resources as a tree nested by parent, the way
 * `pulumi preview` lists them: `+ type  name`.
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
    const lines = [`+ ${STACK_TYPE}  ${stack}`];
    const walk = (parent: string | undefined, indent: string): void => {
        const list = children.get(parent) ?? [];
        list.forEach((r, i) => {
            const last = i === list.length - 1;
            lines.push(`${indent}${last ? "└─" : "├─"} + ${r.type}  ${r.name}`);
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
