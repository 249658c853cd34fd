/**
 * A key written twice in one object of a JSON text. `JSON.parse`, and so
 * every reader built on it, keeps the last; another reader may take the
 * first, so a text that repeats a key does not say one thing. The scan is
 * linear, keeps only the keys of the objects still open, and reads an
 * escaped key as the key it spells.
 */

/** Where a key repeats in one JSON text: the path to its object and the key. */
export interface RepeatedKey {
    path: string;
    key: string;
    /** The keys and indexes from the document down to the object, for a caller that names what the object is. */
    steps: (string | number)[];
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;

interface Frame {
    /** Keys of an object so far (lowercased when case is ignored); undefined for a list. */
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
 * The first key written twice in one object of `text`, or undefined; with
 * `ignoreCase`, keys that differ only in case are one key. `text` is read as
 * JSON; what it finds in text that is not JSON means nothing (that text is
 * the caller's to refuse).
 */
export function repeatedJsonKey(text: string, ignoreCase: boolean): RepeatedKey | undefined {
    const stack: Frame[] = [];
    const n = text.length;
    let i = 0;
    while (i < n) {
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
            // Most of a document's text is inside strings: find their ends natively, then count the backslashes before each quote.
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
                const key = ignoreCase ? spelled.toLowerCase() : spelled;
                if (top.keys.has(key)) {
                    const steps = stepsOf(stack);
                    return { path: pathOf(steps), key: spelled, steps };
                }
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

/** Where each open value sits in its parent: a key, or an index (written `[i]`, read back as the number). */
function stepsOf(stack: Frame[]): (string | number)[] {
    return stack.slice(1).map((frame, k) => (stack[k].keys === undefined ? Number(frame.at.slice(1, -1)) : frame.at));
}

function pathOf(steps: (string | number)[]): string {
    let out = "";
    for (const at of steps) out += typeof at === "number" ? `[${at}]` : out === "" ? at : `.${at}`;
    return out === "" ? "(the document)" : out;
}

/**
 * Whether `text`, which JSON.parse read as `parsed`, writes every key of
 * every object once. It counts instead of collecting: each key written is
 * followed by the one colon outside strings, and each parsed object holds
 * one property per distinct key, so the two counts agree exactly when no
 * key repeats. On a plan of hundreds of megabytes this costs a fraction of
 * keeping every object's keys, and {@link repeatedJsonKey} then finds the
 * repeat only in a text that has one.
 */
export function writesEachKeyOnce(text: string, parsed: unknown): boolean {
    return colonsOutsideStrings(text) === propertiesOf(parsed);
}

const COLON = 58;

function colonsOutsideStrings(text: string): number {
    const n = text.length;
    let colons = 0;
    let i = 0;
    while (i < n) {
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
            let end = text.indexOf('"', i + 1);
            while (end !== -1 && backslashesBefore(text, end) % 2 === 1) end = text.indexOf('"', end + 1);
            if (end === -1) return -1;
            i = end + 1;
            continue;
        }
        if (c === COLON) colons++;
        i++;
    }
    return colons;
}

/** Own properties of every object in a parsed JSON value, counted without recursion (a value may nest deeper than the stack). */
function propertiesOf(root: unknown): number {
    let total = 0;
    const pending: unknown[] = [root];
    while (pending.length > 0) {
        const value = pending.pop();
        if (value === null || typeof value !== "object") continue;
        if (Array.isArray(value)) {
            for (const item of value) if (item !== null && typeof item === "object") pending.push(item);
            continue;
        }
        const node = value as Record<string, unknown>;
        for (const k in node) {
            total++;
            const item = node[k];
            if (item !== null && typeof item === "object") pending.push(item);
        }
    }
    return total;
}

