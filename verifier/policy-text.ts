/**
 * Policies held as JSON text with a key written twice. `JSON.parse`, and so
 * every reader of the proof, keeps the last of them; whether AWS reads the
 * first, the last or refuses the document is not something the files can
 * show, so a statement whose `Effect` is written `Allow` and then `Deny` is
 * proved as a Deny that AWS may hold as an Allow. Every text a policy parser
 * could be given (JSON text of an object, in any property of any resource)
 * is scanned once, and a key twice in any object, at any depth, is a finding.
 * Keys are compared without case: IAM reads condition keys without it.
 */
import { isRecord } from "../contract";
import { objectText } from "./object-text";
import { MAX_NESTING, type StackResource } from "./pulumi-formats";
import { repeatedJsonKey, type RepeatedKey } from "../contract/json-keys";

export type { RepeatedKey };

function isJson(text: string): boolean {
    try {
        JSON.parse(text);
        return true;
    } catch {
        return false;
    }
}

const NOT_KNOWN = () => false;

/**
 * Every JSON text of an object that the resource holds, at any depth of its
 * properties (`inlinePolicies[0].policy`), with a key written twice:
 * `[property path, why]`. Properties are read as the proof reads them
 * (`inputs`, falling back to `outputs`); the view of what AWS holds reads
 * the outputs. A value `textFree` knows to hold no object text needs no
 * scan.
 */
export function repeatedKeys(r: StackResource, textFree: (value: unknown) => boolean = NOT_KNOWN): [string, string][] {
    let out: [string, string][] | undefined;
    const add = (key: string, value: unknown) => {
        for (const [path, why] of findingsIn(value)) (out ??= []).push([`${key}${path}`, why]);
    };
    // A value the read found free of object text (see object-text.ts) holds nothing to scan.
    for (const k in r.inputs) if (!TAG_PROPERTIES.has(k) && !textFree(r.inputs[k])) add(k, r.inputs[k]);
    for (const k in r.outputs) if (!TAG_PROPERTIES.has(k) && (r.inputs[k] === undefined || r.inputs[k] === null) && !textFree(r.outputs[k])) add(k, r.outputs[k]);
    return out ?? [];
}

/** Tags label a resource: no reader, the proof's or AWS's, takes a tag's value for a document. */
const TAG_PROPERTIES: ReadonlySet<string> = new Set(["tags", "tagsAll", "defaultTags"]);
const NONE: [string, string][] = [];
/**
 * Findings of each object or list once: the view of what AWS holds is built
 * from the same values (a resource's properties are copied, not what they
 * hold), so its walk finds them here. Held weakly: they go with the plan.
 */
const subtrees = new WeakMap<object, [string, string][]>();

/** `[path below the value, why]` of every text in `value` with a key written twice. */
function findingsIn(value: unknown): [string, string][] {
    if (typeof value === "string") {
        const found = objectText(value) ? scanned(value) : undefined;
        return found ? [["", repeatedWhy(found)]] : NONE;
    }
    if (typeof value !== "object" || value === null) return NONE;
    const known = subtrees.get(value);
    if (known) return known;
    const walk: Walk = { trail: [], out: undefined };
    walkValue(walk, value, 0);
    const found = walk.out ?? NONE;
    subtrees.set(value, found);
    return found;
}

/** One walk of {@link findingsIn}: the path is built only for a finding (an ops stack holds millions of values, nearly all clean). */
interface Walk {
    trail: (string | number)[];
    out: [string, string][] | undefined;
}

function walkValue(walk: Walk, inner: unknown, depth: number): void {
    if (depth > MAX_NESTING) return;
    if (typeof inner === "string") {
        const found = objectText(inner) ? scanned(inner) : undefined;
        if (found) (walk.out ??= []).push([walk.trail.map((step) => (typeof step === "number" ? `[${step}]` : `.${step}`)).join(""), repeatedWhy(found)]);
    } else if (Array.isArray(inner)) {
        for (let k = 0; k < inner.length; k++) {
            const item: unknown = inner[k];
            // Numbers, flags and null hold no text.
            if (typeof item !== "string" && (typeof item !== "object" || item === null)) continue;
            walk.trail.push(k);
            walkValue(walk, item, depth + 1);
            walk.trail.pop();
        }
    } else if (isRecord(inner)) {
        for (const k in inner) {
            const item = inner[k];
            if (typeof item !== "string" && (typeof item !== "object" || item === null)) continue;
            walk.trail.push(k);
            walkValue(walk, item, depth + 1);
            walk.trail.pop();
        }
    }
}

function repeatedWhy(found: RepeatedKey): string {
    return `holds JSON text whose ${found.path === "(the document)" ? "top level" : found.path} has the key ${JSON.stringify(found.key)} twice (keys compared without case, as IAM compares condition keys): the proof reads the last, and which one AWS reads cannot be proved`;
}

/**
 * Each text's finding, once: the proof reads what AWS holds as a second
 * view of the same resources, whose texts are mostly the same strings.
 * Only JSON text is a document; a text JSON.parse refuses (a filter pattern
 * in braces) is not read as one, and the scan proved nothing of it.
 */
const seen = new Map<string, RepeatedKey | null>();
const SEEN_LIMIT = 100_000;

/** Lets go of the texts of a finished proof. */
export function forgetScannedTexts(): void {
    seen.clear();
}

function scanned(text: string): RepeatedKey | undefined {
    const known = seen.get(text);
    if (known !== undefined) return known ?? undefined;
    // IAM reads condition keys without case: two keys that differ only in it are one to AWS.
    const raw = repeatedJsonKey(text, true);
    const found = raw && isJson(text) ? raw : undefined;
    if (seen.size >= SEEN_LIMIT) seen.clear();
    seen.set(text, found ?? null);
    return found;
}
