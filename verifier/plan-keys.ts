/**
 * A plan file that writes a key twice in one object does not say one thing:
 * JSON.parse, and so the proof, keeps the last, while another reader of the
 * same file (a reviewer's tool, the engine itself) may take the first. The
 * engine never writes a key twice, so the file is not one Pulumi wrote.
 */
import { repeatedJsonKey, writesEachKeyOnce } from "../contract/json-keys";

/** Why `text` (parsed as `doc`) is not a plan Pulumi wrote because a key repeats, or undefined. */
export function repeatedPlanKey(text: string, doc: unknown): string | undefined {
    if (writesEachKeyOnce(text, doc)) return undefined;
    const found = repeatedJsonKey(text, false);
    // The counts disagree only where a key repeats; a scan that finds none still leaves the file unproved.
    if (found === undefined) return "writes some key twice in one object";
    const urn = enclosingUrn(doc, found.steps);
    return `${found.path}${urn === undefined ? "" : ` (of ${urn})`} writes the key ${JSON.stringify(found.key)} more than once: JSON.parse keeps the last, another reader may take the first, and no file Pulumi writes repeats a key`;
}

/** The URN of the innermost resource or step on the path, so the message names what holds the key. */
function enclosingUrn(doc: unknown, steps: (string | number)[]): string | undefined {
    let urn: string | undefined;
    let at: unknown = doc;
    for (const step of [...steps, undefined]) {
        if (at === null || typeof at !== "object") break;
        const own = (at as Record<string, unknown>).urn;
        if (!Array.isArray(at) && typeof own === "string") urn = own;
        if (step === undefined) break;
        at = (at as Record<string | number, unknown>)[step];
    }
    return urn;
}
