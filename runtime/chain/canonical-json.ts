/**
 * RFC 8785 canonical JSON of the runtime's own values, by the contract's
 * `chainCanonicalJson` (what the checker uses), without the round trip
 * through a JSON line. The checker hashes a record as parsed from its stored line
 * (`chainCanonicalJson(JSON.parse(line))`); serializing and parsing every record
 * on its call's path only to hash it was most of the chain's cost. For plain
 * data the library gives the same text from the value itself, so only that
 * is handed to it directly.
 */
import { chainCanonicalJson } from "../../contract";

/**
 * The canonical JSON of `value` as JSON would store it, or `undefined` when
 * `value` holds anything JSON would change on the way (a non-finite number,
 * an `undefined` or missing list element, `toJSON`, a class instance, a
 * `bigint`, a function, a cycle): the caller then takes the long way
 * through `JSON.stringify` and `JSON.parse`.
 */
export function canonicalJson(value: unknown): string | undefined {
    try {
        return isPlain(value, 0) ? chainCanonicalJson(value) : undefined;
    } catch {
        // A throwing getter: the long way reports it as the line does.
        return undefined;
    }
}

/** Deeper than any record: a value nested further is taken the long way (and a cycle ends here). */
const MAX_DEPTH = 16;

/** Whether the value reads the same from JSON as it is: the library then canonicalizes it as the checker will. */
function isPlain(value: unknown, depth: number): boolean {
    switch (typeof value) {
        case "string":
        case "boolean":
            return true;
        case "number":
            return Number.isFinite(value);
        case "object": {
            if (value === null) return true;
            if (depth >= MAX_DEPTH) return false;
            if (Array.isArray(value)) {
                if (Object.getPrototypeOf(value) !== Array.prototype) return false;
                for (let i = 0; i < value.length; i++) {
                    // JSON writes a hole or an undefined element as null; the library would not.
                    if (!(i in value) || !isPlain(value[i], depth + 1)) return false;
                }
                return true;
            }
            const proto: unknown = Object.getPrototypeOf(value);
            if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
            for (const key in value) {
                // JSON.parse turns "__proto__" into an own member; leave that rarity to the long way.
                if (key === "__proto__") return false;
                const member = (value as Record<string, unknown>)[key];
                // JSON drops an undefined member, and so does the library.
                if (member !== undefined && !isPlain(member, depth + 1)) return false;
            }
            return true;
        }
        default:
            return false;
    }
}
