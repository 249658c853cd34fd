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

/** Where a key repeats in one JSON text: the path to its object and the key. */
export interface RepeatedKey {
    path: string;
    key: string;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;

interface Frame {
    /** Keys of an object so far (lowercased); undefined for a list. */
    keys?: Set<string>;
    /** The key or index this value sits under in its parent, for the path. */
    at: string;
    /** In an object: whether the next string is a key. In a list: the index of the current item. */
    expectKey: boolean;
    index: number;
    /** The key last read in this object, under which the next value sits. */
    lastKey: string;
}

/**
 * The first key written twice in one object of `text`, or undefined. `text`
 * is read as JSON; what it finds in text that is not JSON means nothing (a
 * text `JSON.parse` refuses is no policy at all, and is the parsers'
 * finding). The scan is linear and keeps only the keys of the objects still
 * open.
 */
export function repeatedKey(text: string): RepeatedKey | undefined {
    const stack: Frame[] = [];
    const n = text.length;
    let i = 0;
    while (i < n) {
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
            // Most of a policy's text is inside strings: find their ends natively, then count the backslashes before each quote.
            const start = i + 1;
            let end = text.indexOf('"', start);
            while (end !== -1 && backslashesBefore(text, end) % 2 === 1) end = text.indexOf('"', end + 1);
            if (end === -1) return undefined;
            i = end + 1;
            const top = stack[stack.length - 1];
            if (top?.keys !== undefined && top.expectKey) {
                const raw = text.slice(start, end);
                // An escaped key (`"\u0045ffect"`) is the key it spells, as JSON.parse reads it.
                const spelled = raw.includes("\\") ? unescaped(raw) : raw;
                const key = spelled.toLowerCase();
                if (top.keys.has(key)) return { path: pathOf(stack), key: spelled };
                top.keys.add(key);
                top.lastKey = spelled;
                top.expectKey = false;
            }
            continue;
        }
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
            const parent = stack[stack.length - 1];
            const at = parent === undefined ? "" : parent.keys !== undefined ? parent.lastKey : `[${parent.index}]`;
            stack.push({ keys: c === OPEN_BRACE ? new Set() : undefined, at, expectKey: c === OPEN_BRACE, index: 0, lastKey: "" });
        } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
            stack.pop();
        } else if (c === COMMA) {
            const top = stack[stack.length - 1];
            if (top !== undefined) {
                if (top.keys !== undefined) top.expectKey = true;
                else top.index++;
            }
        }
        i++;
    }
    return undefined;
}

function backslashesBefore(text: string, at: number): number {
    let k = at - 1;
    while (k >= 0 && text.charCodeAt(k) === BACKSLASH) k--;
    return at - 1 - k;
}

function unescaped(raw: string): string {
    try {
        return JSON.parse(`"${raw}"`) as string;
    } catch {
        return raw;
    }
}

function pathOf(stack: Frame[]): string {
    let out = "";
    for (let k = 1; k < stack.length; k++) {
        const at = stack[k].at;
        out += at.startsWith("[") ? at : out === "" ? at : `.${at}`;
    }
    return out === "" ? "(the document)" : out;
}

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
    const raw = repeatedKey(text);
    const found = raw && isJson(text) ? raw : undefined;
    if (seen.size >= SEEN_LIMIT) seen.clear();
    seen.set(text, found ?? null);
    return found;
}
