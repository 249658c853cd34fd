/**
 * RFC 8785 canonical JSON, the text the audit chain hashes, written the
 * short way whenever it can be. For JSON data RFC 8785 is JSON with every
 * object's keys sorted by UTF-16 code units and numbers and strings written
 * as ECMAScript's `JSON.stringify` writes them. The runtime builds its
 * records with every object's keys in that order, and a record parsed from
 * such a line enumerates them in the same order, so for both
 * `JSON.stringify` writes the canonical text itself, at a fraction of the
 * cost of sorting every object's keys: the writer hashes one record per
 * call, and `audit verify` one per line it reads. Anything else takes
 * safe-stable-stringify's deterministic mode.
 */
import { configure } from "safe-stable-stringify";

/**
 * safe-stable-stringify's deterministic mode writes exactly RFC 8785 for
 * JSON data, at twice the speed of the JCS libraries (json-canonicalize,
 * canonicalize), which build a path string per member. Strict, it throws
 * where RFC 8785 has no text (a non-finite number, a bigint, a cycle, a
 * function) instead of writing something. A test holds it byte for byte to
 * json-canonicalize over generated values.
 */
const sortingCanonicalJson = configure({ deterministic: true, strict: true });

/** The canonical JSON of `value` the long way (every object's keys sorted); undefined for a value JSON cannot hold at the top. */
export function sortedCanonicalJson(value: unknown): string | undefined {
    return sortingCanonicalJson(value);
}

/**
 * The canonical JSON of `value` as JSON would store it, and whether that text
 * is also `JSON.stringify(value)`: so it is for plain data whose every object
 * enumerates its keys in canonical order (UTF-16 code units, which is how `<`
 * compares strings); the chain hashes a record's canonical text and, when it
 * is, the writer writes the same text as its line. `undefined` when `value`
 * holds anything JSON would change on the way (a non-finite number, an
 * `undefined` or missing list element, `toJSON`, a class instance, a
 * `bigint`, a function, a cycle): the caller then takes the long way.
 */
export function canonicalForm(value: unknown): { text: string; stringified: boolean } | undefined {
    try {
        const form = formOf(value, 0);
        if (form === Form.NotPlain) return undefined;
        return form === Form.Sorted ? { text: JSON.stringify(value), stringified: true } : { text: sortingCanonicalJson(value) as string, stringified: false };
    } catch {
        // A throwing getter: the long way reports it as the line does.
        return undefined;
    }
}

const enum Form {
    /** JSON would change it on the way (see {@link canonicalForm}). */
    NotPlain,
    /** Plain, with some object's keys out of canonical order (integer-like keys enumerate first, say). */
    Unsorted,
    /** Plain, and `JSON.stringify` writes its canonical JSON. */
    Sorted,
}

/** Deeper than any record: a value nested further is taken the long way (and a cycle ends here). */
const MAX_DEPTH = 16;

/** Whether the value reads the same from JSON as it is (the library then canonicalizes it as the checker will), and whether its keys are in canonical order. */
function formOf(value: unknown, depth: number): Form {
    switch (typeof value) {
        case "string":
        case "boolean":
            return Form.Sorted;
        case "number":
            return Number.isFinite(value) ? Form.Sorted : Form.NotPlain;
        case "object": {
            if (value === null) return Form.Sorted;
            if (depth >= MAX_DEPTH) return Form.NotPlain;
            let form = Form.Sorted;
            if (Array.isArray(value)) {
                if (Object.getPrototypeOf(value) !== Array.prototype) return Form.NotPlain;
                for (let i = 0; i < value.length; i++) {
                    // JSON writes a hole or an undefined element as null; the library would not.
                    if (!(i in value)) return Form.NotPlain;
                    const element = formOf(value[i], depth + 1);
                    if (element < form) form = element;
                    if (form === Form.NotPlain) return form;
                }
                return form;
            }
            const proto: unknown = Object.getPrototypeOf(value);
            if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === "function") return Form.NotPlain;
            let previous: string | undefined;
            for (const key in value) {
                // JSON.parse turns "__proto__" into an own member; leave that rarity to the long way.
                if (key === "__proto__") return Form.NotPlain;
                if (previous !== undefined && !(previous < key)) form = Form.Unsorted;
                previous = key;
                const member = (value as Record<string, unknown>)[key];
                // JSON drops an undefined member, and so does the library.
                if (member === undefined) continue;
                const inner = formOf(member, depth + 1);
                if (inner < form) form = inner;
                if (form === Form.NotPlain) return form;
            }
            return form;
        }
        default:
            return Form.NotPlain;
    }
}
