/**
 * Writes a plan as `pulumi stack export --show-secrets` would: an
 * UntypedDeployment of version 3 whose resources are ResourceV3 records and
 * whose secrets are decrypted `{ sig, plaintext }` values. A mock plan and a
 * real deployment then go through the same verifier.
 */
import { SECRET_SIG, SIG_KEY } from "../../verifier/pulumi-formats";
import type { PlannedResource } from "./plan-types";

/** The wire form `{ sig, value }` becomes the export's `{ sig, plaintext: JSON }`. */
export function exportSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(exportSecrets);
    if (value === null || typeof value !== "object") return value;
    const node = value as Record<string, unknown>;
    if (node[SIG_KEY] === SECRET_SIG) return { [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(plain(node.value)) };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = exportSecrets(v);
    return out;
}

/** A secret's value with nested secret wrappers removed (the export encodes the outermost one). */
function plain(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plain);
    if (value === null || typeof value !== "object") return value;
    const node = value as Record<string, unknown>;
    if (node[SIG_KEY] === SECRET_SIG) return plain(node.value);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, plain(v)]));
}

export function stackExport(resources: PlannedResource[], time: Date = new Date()): unknown {
    return {
        version: 3,
        deployment: {
            manifest: { time: time.toISOString(), magic: "", version: "bedrock-tenancy offline plan (Pulumi mocks)" },
            resources: resources.map((r) => ({
                urn: r.urn,
                custom: r.custom,
                ...(r.id ? { id: r.id } : {}),
                type: r.type,
                ...(r.parent ? { parent: r.parent } : {}),
                inputs: exportSecrets(r.inputs),
                outputs: exportSecrets(r.outputs),
            })),
        },
    };
}
