/**
 * Writes a plan as `pulumi stack export --show-secrets` would: an
 * UntypedDeployment of version 3 whose resources are ResourceV3 records and
 * whose secrets are decrypted `{ sig, plaintext }` values. A mock plan and a
 * real deployment then go through the same verifier.
 */
import * as fs from "fs";
import { decodeSecrets, SECRET_SIG, SIG_KEY } from "../../verifier/pulumi-formats";
import type { PlannedResource } from "./plan-types";

/** The wire form `{ sig, value }` becomes the export's `{ sig, plaintext: JSON }`. */
export function exportSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(exportSecrets);
    if (value === null || typeof value !== "object") return value;
    const node = value as Record<string, unknown>;
    if (node[SIG_KEY] === SECRET_SIG) return { [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(decodeSecrets(node.value, "a planned secret")) };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = exportSecrets(v);
    return out;
}

/** One resource as a ResourceV3 record of the export. */
export function exportRecord(r: PlannedResource): unknown {
    return {
        urn: r.urn,
        custom: r.custom,
        ...(r.id ? { id: r.id } : {}),
        type: r.type,
        ...(r.parent ? { parent: r.parent } : {}),
        inputs: exportSecrets(r.inputs),
        outputs: exportSecrets(r.outputs),
    };
}

/**
 * Writes the export document from records already serialised one by one, so
 * a plan of 67,000 resources is never one object graph or one string in memory.
 */
export function writeStackExport(file: string, records: readonly string[], time: Date = new Date()): void {
    const head = JSON.stringify({ version: 3, deployment: { manifest: manifest(time), resources: [] } });
    const fd = fs.openSync(file, "w");
    try {
        fs.writeSync(fd, head.slice(0, -3));
        for (let i = 0; i < records.length; i += 1000) {
            fs.writeSync(fd, (i === 0 ? "" : ",") + records.slice(i, i + 1000).join(","));
        }
        fs.writeSync(fd, "]}}");
    } finally {
        fs.closeSync(fd);
    }
}

function manifest(time: Date): Record<string, string> {
    return { time: time.toISOString(), magic: "", version: "bedrock-tenancy offline plan (Pulumi mocks)" };
}
