/**
 * JSON serialization for audit records and log lines. A record must always
 * serialize: metadata comes from callers and may hold errors, bigints or
 * self-references, and a throw here would lose the record.
 */

/**
 * Serializes an audit record: the runtime builds every field but `metadata`
 * from primitives, so only caller metadata can need the replacer.
 */
export function recordJson(record: { metadata?: unknown }): string {
    try {
        if (record.metadata === undefined || isPlainShallow(record.metadata)) {
            return JSON.stringify(record);
        }
    } catch {
        // A throwing getter in the metadata: the careful path reports it.
    }
    return safeStringify(record);
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
