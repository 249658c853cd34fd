/**
 * JSON serialization for audit records and log lines. A record must always
 * serialize: metadata comes from callers and may hold errors, bigints or
 * self-references, and a throw here would lose the record.
 */

/**
 * Serializes an audit record: the runtime builds every field but `metadata`
 * from primitives, so only caller metadata can need the replacer. Throws
 * {@link UnserializableRecordError} rather than writing a stand-in.
 */
export function recordJson(record: { metadata?: unknown }): string {
    try {
        if (record.metadata === undefined || isPlainShallow(record.metadata)) {
            return JSON.stringify(record);
        }
    } catch {
        // A throwing getter in the metadata: the careful path reports it.
    }
    return stringifyRecord(record);
}

/**
 * A record that has no JSON text (a string past the engine's limit, a value
 * from outside the runtime with a throwing getter): it is lost, and counted
 * and reported as such, never written as a stand-in that passes for delivered.
 */
export class UnserializableRecordError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "UnserializableRecordError";
    }
}

/** {@link safeStringify} for a whole record: throws {@link UnserializableRecordError} where that writes a stand-in. */
export function stringifyRecord(value: unknown): string {
    try {
        return isPlainShallow(value) ? JSON.stringify(value) : JSON.stringify(value, safeReplacer());
    } catch (err) {
        throw new UnserializableRecordError(`the audit record cannot be written as JSON (${errorName(err)})`, { cause: err });
    }
}

/** Serializes `value` to one line of JSON, never throwing. */
export function safeStringify(value: unknown): string {
    try {
        if (isPlainShallow(value)) {
            // The common record: nothing a replacer would change, so skip its per-key cost.
            return JSON.stringify(value);
        }
        return JSON.stringify(value, safeReplacer());
    } catch (err) {
        // Only a throwing toJSON or getter can get here; keep a trace of what failed.
        return JSON.stringify({ unserializable: true, reason: errorName(err) });
    }
}

/**
 * Most values {@link safeReplacer} lets one serialization write: ten times
 * what a record the logger builds can hold (its metadata is copied within
 * `MAX_RECORD_METADATA_VALUES`). Only a value built elsewhere whose parts
 * are shared reaches it, and JSON would write such a value out once per
 * reference, without limit.
 */
export const MAX_SERIALIZED_VALUES = 1_000_000;

/** A value JSON would write as more than {@link MAX_SERIALIZED_VALUES} values. */
export class SerializationBudgetError extends RangeError {
    constructor() {
        super(`the value holds more than ${MAX_SERIALIZED_VALUES} values as JSON`);
        this.name = "SerializationBudgetError";
    }
}

/**
 * A replacer that writes `Error` as `{ name, message }`, `bigint` as a decimal
 * string, and any object already on the current path as `"[Circular]"`, and
 * throws {@link SerializationBudgetError} past `maxValues` values.
 */
export function safeReplacer(maxValues = MAX_SERIALIZED_VALUES): (this: unknown, key: string, value: unknown) => unknown {
    // Ancestors of the value being serialized; a repeated sibling is not a cycle.
    const ancestors: unknown[] = [];
    let values = 0;
    return function (this: unknown, _key: string, value: unknown): unknown {
        if (++values > maxValues) throw new SerializationBudgetError();
        if (typeof value === "bigint") {
            return value.toString();
        }
        if (typeof value !== "object" || value === null) {
            return value;
        }
        while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) {
            ancestors.pop();
        }
        if (ancestors.includes(value)) {
            return "[Circular]";
        }
        ancestors.push(value);
        if (value instanceof Error) {
            return { name: value.name, message: value.message };
        }
        return value;
    };
}

/** Stands for a value whose reading threw (a getter, a `toJSON`). */
export const UNREADABLE_VALUE = "[unreadable]";

/** What {@link jsonSnapshot} gives: the JSON data, and whether any of it was cut or unreadable. */
export interface JsonSnapshot {
    /** `undefined` when JSON leaves the value out (a function, a symbol). */
    value: unknown;
    cut: boolean;
}

/**
 * What {@link jsonSnapshot} may still copy, spent as it goes and shared by
 * every snapshot given the same budget. A value that shares its parts (the
 * same object under many keys, at many levels) is written out in full by
 * JSON, once per reference: a few kilobytes in memory can stand for more
 * values than any process holds. Counting what is copied, not what is held,
 * bounds the copy, the record and its hash.
 */
export interface SnapshotBudget {
    /** Values still to copy: every string, number, boolean, null, object and list counts one. */
    values: number;
    /** UTF-16 code units still to copy, of strings and object keys. */
    chars: number;
}

/**
 * `value` as plain JSON data, what `JSON.stringify` with {@link safeReplacer}
 * would write, built once so that the record holding it always serializes
 * and hashes: objects and lists nested more than `maxDepth` deep become
 * `marker`, and a getter or `toJSON` that throws becomes {@link UNREADABLE_VALUE}.
 * Once `budget` is spent, the value reached becomes `marker` and every list
 * and object it is in ends there (an object keeps the keys before it).
 * A caller's metadata goes through this before it joins a record: taken as
 * it is, a value nested thousands deep overflowed the stack when the record
 * was serialized, and one that shares its parts was expanded without limit.
 */
export function jsonSnapshot(value: unknown, maxDepth: number, marker: string, budget: SnapshotBudget): JsonSnapshot {
    const walk: Walk = { maxDepth, marker, budget, ancestors: [], cut: false, spent: false };
    return { value: snapshotOf(value, "", 0, walk), cut: walk.cut };
}

interface Walk {
    maxDepth: number;
    marker: string;
    budget: SnapshotBudget;
    /** Objects on the path to the value being copied: a cycle, not a shared part. */
    ancestors: object[];
    cut: boolean;
    /** The budget ran out: the containers being filled take nothing more. */
    spent: boolean;
}

/** Takes `chars` and `values` from the budget; false, and the walk marked spent, when they are not there. */
function charge(walk: Walk, chars: number, values = 1): boolean {
    const { budget } = walk;
    if (walk.spent || budget.values < values || budget.chars < chars) {
        walk.spent = true;
        walk.cut = true;
        return false;
    }
    budget.values -= values;
    budget.chars -= chars;
    return true;
}

function snapshotOf(value: unknown, key: string, depth: number, walk: Walk): unknown {
    // Charged before a toJSON runs: a shared object's toJSON is called once per reference, as JSON calls it.
    if (!charge(walk, typeof value === "string" ? value.length : 0)) return walk.marker;
    if (typeof value !== "object" || value === null) return primitiveSnapshot(value);
    try {
        return objectSnapshot(value, key, depth, walk);
    } catch {
        // A proxy whose traps throw, or a revoked one, throws at whatever asks about it: its type, its keys, its members.
        walk.cut = true;
        return UNREADABLE_VALUE;
    }
}

function primitiveSnapshot(value: unknown): unknown {
    switch (typeof value) {
        case "string":
        case "boolean":
            return value;
        case "number":
            return Number.isFinite(value) ? value : null;
        case "bigint":
            return value.toString();
        default:
            // undefined, a function or a symbol: JSON leaves it out of an object and writes null in a list.
            return undefined;
    }
}

function objectSnapshot(value: object, key: string, depth: number, walk: Walk): unknown {
    if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
        let json: unknown;
        try {
            json = (value as { toJSON(key: string): unknown }).toJSON(key);
        } catch {
            walk.cut = true;
            return UNREADABLE_VALUE;
        }
        // What toJSON gives is copied in its place, and a string it gives is as long as it is.
        if (typeof json === "string" && !charge(walk, json.length, 0)) return walk.marker;
        if (typeof json !== "object" || json === null) return primitiveSnapshot(json);
        value = json;
    }
    // Boxed primitives are written as the primitive, as JSON writes them.
    if (value instanceof Number || value instanceof String || value instanceof Boolean) return primitiveOf(value.valueOf(), walk);
    const { ancestors } = walk;
    if (ancestors.includes(value)) return "[Circular]";
    if (depth >= walk.maxDepth) {
        walk.cut = true;
        return walk.marker;
    }
    // JSON writes a Map or a Set as `{}`: entries it held are lost on the way, and the record says so.
    if ((value instanceof Map || value instanceof Set) && value.size > 0) walk.cut = true;
    ancestors.push(value);
    try {
        if (value instanceof Error) {
            const name = snapshotOf(readMember(value, "name", walk), "name", depth + 1, walk);
            const message = walk.spent ? walk.marker : snapshotOf(readMember(value, "message", walk), "message", depth + 1, walk);
            return { name, message };
        }
        if (Array.isArray(value)) {
            const list: unknown[] = [];
            for (let i = 0; i < value.length && !walk.spent; i++) {
                const element = snapshotOf(readMember(value, i, walk), String(i), depth + 1, walk);
                list.push(element === undefined ? null : element);
            }
            return list;
        }
        const object: Record<string, unknown> = {};
        for (const member of Object.keys(value)) {
            if (!charge(walk, member.length, 0)) break;
            const inner = snapshotOf(readMember(value, member, walk), member, depth + 1, walk);
            if (inner === undefined) continue;
            // An own "__proto__" member, as JSON.parse makes one: assigning it would set the prototype instead.
            if (member === "__proto__") Object.defineProperty(object, member, { value: inner, enumerable: true, writable: true, configurable: true });
            else object[member] = inner;
        }
        return object;
    } finally {
        ancestors.pop();
    }
}

/** A boxed primitive's value, charged as the string it may be. */
function primitiveOf(value: unknown, walk: Walk): unknown {
    if (typeof value === "string") return charge(walk, value.length, 0) ? value : walk.marker;
    return typeof value === "number" && !Number.isFinite(value) ? null : value;
}

function readMember(holder: object, member: string | number, walk: Walk): unknown {
    try {
        return (holder as Record<string | number, unknown>)[member];
    } catch {
        walk.cut = true;
        return UNREADABLE_VALUE;
    }
}

function errorName(err: unknown): string {
    return err instanceof Error ? err.name : typeof err;
}

/**
 * True when `value` is an object whose values are primitives or objects of
 * primitives (a record without caller metadata, or with flat metadata):
 * `JSON.stringify` writes it exactly as the replacer would.
 */
function isPlainShallow(value: unknown, depth = 0): boolean {
    if (typeof value !== "object" || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) {
        return false;
    }
    for (const key in value) {
        const v = (value as Record<string, unknown>)[key];
        const t = typeof v;
        if (t === "bigint" || t === "function" || t === "symbol") return false;
        if (t === "object" && v !== null && !(depth < 2 && isPlainShallow(v, depth + 1))) return false;
    }
    return true;
}
