/**
 * The root `pulumi:pulumi:Stack` resource every file Pulumi writes for a
 * stack with resources holds, for tests that write a file by hand: the
 * verifier refuses one without it, as it would a stack cut out of its file.
 */

const ROOT_TYPE = "pulumi:pulumi:Stack";

/** The root resource of the stack and project `urn` is in, as an export holds it (named PROJECT-STACK, as `pulumi new` names it). */
export function stackRoot(urn: string): { urn: string; type: string; custom: false; outputs: Record<string, unknown> } {
    const [stack, project] = urn.slice("urn:pulumi:".length).split("::");
    return { urn: `urn:pulumi:${stack}::${project}::${ROOT_TYPE}::${project}-${stack}`, type: ROOT_TYPE, custom: false, outputs: {} };
}

/**
 * `doc`, a stack export (`deployment.resources`) or a preview (`steps`), with
 * the root of the stack its first resource is in put first, as the engine
 * registers it; a preview writes a `same` step for it. A file with no
 * resources, or one that holds a root already, is returned as it is.
 */
export function rooted<T>(doc: T): T {
    const d = doc as any;
    if (Array.isArray(d?.steps)) {
        // A step whose own URN is not text (a test of that) still names its stack by the state it holds.
        const urns = d.steps.flatMap((step: any) => [step?.urn, step?.newState?.urn, step?.oldState?.urn]).filter((urn: unknown) => typeof urn === "string");
        if (urns.length === 0 || d.steps.some((step: any) => isRoot(step?.urn))) return doc;
        const root = stackRoot(urns[0]);
        return { ...d, steps: [{ op: "same", urn: root.urn, newState: root }, ...d.steps] };
    }
    const resources = d?.deployment?.resources;
    if (!Array.isArray(resources)) return doc;
    const first = resources.find((r: any) => typeof r?.urn === "string");
    if (first === undefined || resources.some((r: any) => isRoot(r.urn))) return doc;
    return { ...d, deployment: { ...d.deployment, resources: [stackRoot(first.urn), ...resources] } };
}

function isRoot(urn: unknown): boolean {
    return typeof urn === "string" && urn.split("::")[2] === ROOT_TYPE;
}
