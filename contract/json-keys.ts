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

