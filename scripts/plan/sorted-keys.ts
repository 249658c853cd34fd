/** Plain objects with their keys sorted at every depth (as a protobuf `Struct` gives them back); class instances (assets, archives) as they are. */
export function sortedKeys<T>(value: T): T {
    if (Array.isArray(value)) return value.map(sortedKeys) as T;
    if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortedKeys((value as Record<string, unknown>)[key]);
    return out as T;
}
