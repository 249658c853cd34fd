import * as pulumi from "@pulumi/pulumi";
import { nearestName, type Problem } from "../contract";

/**
 * The keys set in `namespace`, without it: from the whole stack config as
 * the program sees it (`Pulumi.<stack>.yaml` under `pulumi up`, the mocks'
 * config under `npm start`).
 */
export function keysInNamespace(namespace: string, all: Record<string, string> = pulumi.runtime.allConfig()): string[] {
    const prefix = `${namespace}:`;
    return Object.keys(all).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}

/**
 * The first of `keys` (set in `namespace`) that the stack does not read:
 * a misspelt key (`logRetentionDay`) would otherwise be ignored and the
 * component's default taken. `stack` says which program reads `known`.
 */
export function unknownConfigKeyProblem(namespace: string, keys: readonly string[], known: readonly string[], stack: string): Problem {
    for (const key of keys) {
        if (known.includes(key)) continue;
        const meant = nearestName(key, known);
        return `${namespace}:${key} is not a key ${stack} reads${meant === undefined ? "" : `; did you mean ${namespace}:${meant}?`} (its keys: ${known.join(", ")})`;
    }
    return undefined;
}
