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
 * A replacer that writes `Error` as `{ name, message }`, `bigint` as a decimal
 * string, and any object already on the current path as `"[Circular]"`.
 */
export function safeReplacer(): (this: unknown, key: string, value: unknown) => unknown {
    // Ancestors of the value being serialized; a repeated sibling is not a cycle.
    const ancestors: unknown[] = [];
    return function (this: unknown, _key: string, value: unknown): unknown {
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
 * `value` as plain JSON data, what `JSON.stringify` with {@link safeReplacer}
 * would write, built once so that the record holding it always serializes
 * and hashes: objects and lists nested more than `maxDepth` deep become
 * `marker`, and a getter or `toJSON` that throws becomes {@link UNREADABLE_VALUE}.
 * A caller's metadata goes through this before it joins a record: taken as
 * it is, a value nested thousands deep overflowed the stack when the record
 * was serialized, and the record was lost.
 */
export function jsonSnapshot(value: unknown, maxDepth: number, marker: string): JsonSnapshot {
    const state = { cut: false };
    return { value: snapshotOf(value, "", 0, [], maxDepth, marker, state), cut: state.cut };
}

function snapshotOf(value: unknown, key: string, depth: number, ancestors: object[], maxDepth: number, marker: string, state: { cut: boolean }): unknown {
    if (typeof value === "object" && value !== null && typeof (value as { toJSON?: unknown }).toJSON === "function") {
        try {
            value = (value as { toJSON(key: string): unknown }).toJSON(key);
        } catch {
            state.cut = true;
            return UNREADABLE_VALUE;
        }
    }
    switch (typeof value) {
        case "string":
        case "boolean":
            return value;
        case "number":
            return Number.isFinite(value) ? value : null;
        case "bigint":
            return value.toString();
        case "object":
            break;
        default:
            // undefined, a function or a symbol: JSON leaves it out of an object and writes null in a list.
            return undefined;
    }
    if (value === null) return null;
    // Boxed primitives are written as the primitive, as JSON writes them.
    if (value instanceof Number || value instanceof String || value instanceof Boolean) return snapshotOf(value.valueOf(), key, depth, ancestors, maxDepth, marker, state);
    if (ancestors.includes(value)) return "[Circular]";
    if (depth >= maxDepth) {
        state.cut = true;
        return marker;
    }
    ancestors.push(value);
    try {
        if (value instanceof Error) {
            return { name: snapshotOf(readMember(value, "name", state), "name", depth + 1, ancestors, maxDepth, marker, state), message: snapshotOf(readMember(value, "message", state), "message", depth + 1, ancestors, maxDepth, marker, state) };
        }
        if (Array.isArray(value)) {
            const list: unknown[] = [];
            for (let i = 0; i < value.length; i++) {
                const element = snapshotOf(readMember(value, i, state), String(i), depth + 1, ancestors, maxDepth, marker, state);
                list.push(element === undefined ? null : element);
            }
            return list;
        }
        const object: Record<string, unknown> = {};
        for (const member of Object.keys(value)) {
            const inner = snapshotOf(readMember(value, member, state), member, depth + 1, ancestors, maxDepth, marker, state);
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

function readMember(holder: object, member: string | number, state: { cut: boolean }): unknown {
    try {
        return (holder as Record<string | number, unknown>)[member];
    } catch {
        state.cut = true;
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
