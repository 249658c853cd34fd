/**
 * RFC 8785 canonical JSON of the runtime's own values, by the contract's
 * `chainCanonicalJson` (what the checker uses), without the round trip
 * through a JSON line. The checker hashes a record as parsed from its stored line
 * (`chainCanonicalJson(JSON.parse(line))`); serializing and parsing every record
 * on its call's path only to hash it was most of the chain's cost. For plain
 * data the library gives the same text from the value itself, so only that
 * is handed to it directly. The runtime builds its records with every
 * object's keys in canonical order; for such a value `JSON.stringify` writes
 * the canonical text itself (RFC 8785 writes strings and numbers as
 * ECMAScript's `JSON.stringify` does), and that text is also the record's line.
 */
import { chainCanonicalJson } from "../../contract";

/**
 * The canonical JSON of `value` as JSON would store it, and whether that text
 * is also `JSON.stringify(value)`: so it is for plain data whose every object
 * enumerates its keys in canonical order (UTF-16 code units, which is how `<`
 * compares strings); the chain hashes a record's canonical text and, when it
 * is, writes the same text as its line. `undefined` when `value` holds
 * anything JSON would change on the way (a non-finite number, an `undefined`
 * or missing list element, `toJSON`, a class instance, a `bigint`, a
 * function, a cycle): the caller then takes the long way through
 * `JSON.stringify` and `JSON.parse`.
 */
export function canonicalForm(value: unknown): { text: string; stringified: boolean } | undefined {
    try {
        const form = formOf(value, 0);
        if (form === Form.NotPlain) return undefined;
        return form === Form.Sorted ? { text: JSON.stringify(value), stringified: true } : { text: chainCanonicalJson(value), stringified: false };
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
