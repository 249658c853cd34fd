/**
 * RFC 8785 canonical JSON written straight from the runtime's own values.
 * The checker hashes a record as parsed from its stored line
 * (`canonicalize(JSON.parse(line))`); for plain data the same text comes
 * from one walk that sorts keys and writes primitives as `JSON.stringify`
 * does, without serializing and parsing the record first. Every record is
 * hashed on its call's path, so that round trip was most of the chain's cost.
 */

/**
 * The canonical JSON of `value` as JSON would store it (undefined object
 * members dropped, non-finite numbers as `null`), or `undefined` when
 * `value` holds anything whose JSON form needs a replacer or `toJSON`
 * (class instances, `bigint`, functions, cycles): the caller then takes the
 * long way through `JSON.stringify` and `JSON.parse`.
 */
export function canonicalJson(value: unknown): string | undefined {
    try {
        return write(value, 0);
    } catch {
        // A throwing getter: the long way reports it as the line does.
        return undefined;
    }
}

/** Deeper than any record: a value nested further is taken the long way (and a cycle ends here). */
const MAX_DEPTH = 16;

function write(value: unknown, depth: number): string | undefined {
    switch (typeof value) {
        case "string":
            return JSON.stringify(value);
        case "number":
            // ECMAScript's number to string is RFC 8785's; JSON writes non-finite numbers as null.
            return Number.isFinite(value) ? String(value) : "null";
        case "boolean":
            return value ? "true" : "false";
        case "object":
            if (value === null) return "null";
            if (depth >= MAX_DEPTH) return undefined;
            return Array.isArray(value) ? writeArray(value, depth + 1) : writeObject(value as Record<string, unknown>, depth + 1);
        default:
            return undefined;
    }
}

function writeArray(values: readonly unknown[], depth: number): string | undefined {
    if (Object.getPrototypeOf(values) !== Array.prototype) return undefined;
    let out = "[";
    for (let i = 0; i < values.length; i++) {
        const v = values[i];
        // JSON writes a hole or an undefined element as null.
        const text = v === undefined ? "null" : write(v, depth);
        if (text === undefined) return undefined;
        out += i === 0 ? text : "," + text;
    }
    return out + "]";
}

function writeObject(object: Record<string, unknown>, depth: number): string | undefined {
    const proto: unknown = Object.getPrototypeOf(object);
    if ((proto !== Object.prototype && proto !== null) || typeof object.toJSON === "function") return undefined;
    let out = "{";
    let first = true;
    for (const key of sortedKeys(object)) {
        const v = object[key];
        if (v === undefined) continue;
        // JSON.parse turns "__proto__" into an own member; leave that rarity to the long way.
        if (key === "__proto__") return undefined;
        const text = write(v, depth);
        if (text === undefined) return undefined;
        out += (first ? "" : ",") + quotedKey(key) + text;
        first = false;
    }
    return out + "}";
}

/**
 * Records come in a handful of shapes (one per outcome, the chain link, the
 * writer's identity), each with its keys in one order: their sorted key
 * lists are kept, found again by comparing the (interned) keys in order.
 */
const SHAPES_KEPT = 32;
const shapes: { keys: string[]; sorted: string[] }[] = [];

function sortedKeys(object: object): string[] {
    const keys = Object.keys(object);
    next: for (const shape of shapes) {
        if (shape.keys.length !== keys.length) continue;
        for (let i = 0; i < keys.length; i++) {
            if (shape.keys[i] !== keys[i]) continue next;
        }
        return shape.sorted;
    }
    // Default sort: by UTF-16 code units, as RFC 8785 orders members.
    const sorted = [...keys].sort();
    if (shapes.length < SHAPES_KEPT) shapes.push({ keys, sorted });
    return sorted;
}

const KEYS_KEPT = 512;
const quotedKeys = new Map<string, string>();

/** `"key":`, kept for the few keys records use. */
function quotedKey(key: string): string {
    let quoted = quotedKeys.get(key);
    if (quoted === undefined) {
        quoted = JSON.stringify(key) + ":";
        if (quotedKeys.size < KEYS_KEPT) quotedKeys.set(key, quoted);
    }
    return quoted;
}
