import * as pulumi from "@pulumi/pulumi";

/**
 * Policy documents whose unknown values stay in their leaves. A document
 * passed as one `Output` is unknown as a whole at preview as soon as any of
 * its values is (a new tenant's application profile ARNs, say), so the
 * preview shows nothing to prove. Built here instead from a pure builder run
 * on stand-in strings, then handed to the resource as a plain object in which
 * only the strings that hold a stand-in are Outputs: the preview then shows
 * the whole document, unknown exactly where the new values go.
 */

/**
 * A stand-in for one late value. NUL never occurs in an IAM document, an ARN
 * or an account id, so a stand-in cannot be confused with a real value.
 */
export function standIn(key: string): string {
    return `\u0000${key}\u0000`;
}

/** Late values by the key their stand-in was made with. */
export type LateValues = Record<string, pulumi.Output<string>>;

/** A document's leaves: strings, or Outputs where a late value goes. */
export type LeafDocument = unknown;

/**
 * Replaces every string of `document` that holds stand-ins by an Output of
 * that string with the late values put in; strings without one stay plain.
 * A stand-in of a key missing from `late` fails loudly, never silently.
 */
export function withLateLeaves(document: unknown, late: LateValues): LeafDocument {
    if (typeof document === "string") return leaf(document, late);
    if (Array.isArray(document)) return document.map((v) => withLateLeaves(v, late));
    if (document !== null && typeof document === "object") {
        return Object.fromEntries(Object.entries(document).map(([k, v]) => [leafKey(k), withLateLeaves(v, late)]));
    }
    return document;
}

function leafKey(key: string): string {
    if (key.includes("\u0000")) throw new TypeError(`a late value cannot stand in a policy key, got ${JSON.stringify(key)}`);
    return key;
}

function leaf(text: string, late: LateValues): string | pulumi.Output<string> {
    if (!text.includes("\u0000")) return text;
    const parts = text.split("\u0000");
    // Odd parts are keys (the text between two NULs), even parts literal text.
    const values = parts.map((part, i) => {
        if (i % 2 === 0) return part;
        const value = late[part];
        if (value === undefined) throw new TypeError(`no late value for the stand-in ${JSON.stringify(part)}`);
        return value;
    });
    return pulumi.all(values).apply((resolved) => resolved.join(""));
}
