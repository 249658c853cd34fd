/**
 * EventBridge pattern matching, the part of it the enforcer's rule uses, as
 * the EventBridge user guide ("Creating event patterns", "Content filtering")
 * states it: every field of the pattern must match the event's field of the
 * same name; a nested object matches field by field; a leaf is a list that
 * matches when the event's value (or, for an array, any of its elements)
 * equals one of its values or starts with one `{ "prefix": … }`. A field the
 * event lacks matches nothing. Any other operator throws, so a rule that grows
 * one cannot pass these tests unexamined.
 *
 * Written here because no EventBridge pattern library is installed; it is
 * test-only and deliberately small.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
    if (!isObject(pattern)) throw new TypeError(`an event pattern must be an object, got ${JSON.stringify(pattern)}`);
    return Object.entries(pattern).every(([key, expected]) => {
        const actual = isObject(event) ? event[key] : undefined;
        if (Array.isArray(expected)) return matchesLeaf(expected, actual);
        if (isObject(expected)) return isObject(actual) && matchesPattern(expected, actual);
        throw new TypeError(`pattern field ${key} must be a list or an object, got ${JSON.stringify(expected)}`);
    });
}

function matchesLeaf(matchers: unknown[], actual: unknown): boolean {
    if (actual === undefined) return false;
    const values = Array.isArray(actual) ? actual : [actual];
    return matchers.some((m) => values.some((v) => matchesValue(m, v)));
}

function matchesValue(matcher: unknown, value: unknown): boolean {
    if (!isObject(matcher)) return matcher === value;
    const keys = Object.keys(matcher);
    if (keys.length === 1 && keys[0] === "prefix" && typeof matcher.prefix === "string") {
        return typeof value === "string" && value.startsWith(matcher.prefix);
    }
    throw new TypeError(`unsupported pattern operator ${JSON.stringify(matcher)}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
