/**
 * JSON serialization for audit records and log lines. A record must always
 * serialize: metadata comes from callers and may hold errors, bigints or
 * self-references, and a throw here would lose the record.
 */

/** Serializes `value` to one line of JSON, never throwing. */
export function safeStringify(value: unknown): string {
    try {
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
