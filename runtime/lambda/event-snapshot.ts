/**
 * The event as JSON would carry it, read once. Lambda always hands the
 * handler parsed JSON; a handler called directly (a test, another service in
 * the same process, a framework's adapter) may be handed anything: a getter
 * or proxy that throws, a value that reads differently the second time, a
 * function, a `bigint`, `NaN`, a `Date`. JSON would drop some of these
 * silently and change others, so the record would not hold what the caller
 * passed. The event is copied here, and only the copy is checked and used.
 */

/** Deeper than any event a caller builds (metadata has its own, stricter limit); a cycle ends here too. */
export const MAX_EVENT_DEPTH = 32;

/**
 * More values (strings, numbers, booleans, nulls, objects, lists) than any
 * valid event holds: 100 messages of 3, and metadata of at most 8 KiB of JSON
 * (under 4,100). An event whose parts are shared (one object under many keys,
 * at many levels) is copied once per reference, as JSON would carry it, so a
 * small one can stand for millions of values; the copy stops here instead.
 */
export const MAX_EVENT_VALUES = 10_000;

export type EventSnapshot =
    | { ok: true; value: Record<string, unknown> }
    /**
     * `field`: the top-level field the problem is in, or `event`; `partial`: what was copied before it;
     * `tooLarge`: the event holds more than {@link MAX_EVENT_VALUES} values.
     */
    | { ok: false; field: string; message: string; partial: Record<string, unknown>; tooLarge?: true };

interface Pending {
    /** The object or array the value is read from, when its turn comes (a read may throw, and is then named). */
    source: object;
    /** Where its copy goes. */
    into: Record<string, unknown> | unknown[];
    key: string | number;
    path: (string | number)[];
    /** Inside an array, where JSON would write `undefined` as `null`. */
    inList: boolean;
}

/** What the copy refuses, at `path`, with a message of its own (never the caller's text). */
class EventProblem extends Error {
    constructor(
        readonly path: (string | number)[],
        message: string,
    ) {
        super(message);
    }
}

class TooManyValues extends EventProblem {
    constructor(path: (string | number)[]) {
        super(path, `${path.length === 0 ? "the event" : pathText(path)} holds more than ${MAX_EVENT_VALUES} values, counting each reference to a shared object or list as JSON would carry it; no valid event holds as many`);
    }
}

class NotJson extends EventProblem {
    constructor(path: (string | number)[], what: string) {
        super(path, `${pathText(path)} is ${what}, which JSON cannot carry; the event must be JSON data`);
    }
}

/** Copies a plain object whose every value is JSON data, without recursion. Never throws. */
export function snapshotEvent(raw: object): EventSnapshot {
    const root: Record<string, unknown> = {};
    let path: (string | number)[] = [];
    try {
        if (!isPlainObject(raw)) throw new NotJson([], `${kindOf(raw)}, not a plain object`);
        const pending: Pending[] = [];
        // Counted as members are queued, so neither the queue nor the copy ever holds more than the budget.
        let values = 0;
        const children = (source: object, into: Record<string, unknown> | unknown[], at: (string | number)[]) => {
            if (at.length >= MAX_EVENT_DEPTH) throw new NotJson(at, `nested deeper than ${MAX_EVENT_DEPTH} levels`);
            if (Array.isArray(source)) {
                values += source.length;
                if (values > MAX_EVENT_VALUES) throw new TooManyValues(at);
                for (let i = source.length - 1; i >= 0; i--) pending.push({ source, into, key: i, path: [...at, i], inList: true });
            } else {
                const keys = Object.keys(source);
                values += keys.length;
                if (values > MAX_EVENT_VALUES) throw new TooManyValues(at);
                for (let i = keys.length - 1; i >= 0; i--) pending.push({ source, into, key: keys[i], path: [...at, keys[i]], inList: false });
            }
        };
        children(raw, root, []);
        while (pending.length > 0) {
            const next = pending.pop()!;
            path = next.path;
            const value: unknown = (next.source as Record<string | number, unknown>)[next.key];
            const copy = copyOf(value, next.path, next.inList);
            if (copy === SKIP) continue;
            place(next.into, next.key, copy);
            if (typeof copy === "object" && copy !== null) children(value as object, copy as Record<string, unknown> | unknown[], next.path);
        }
        return { ok: true, value: root };
    } catch (err) {
        const at = err instanceof EventProblem ? err.path : path;
        // The thrown error's own text is the caller's and may quote content: only that reading threw is told.
        const message = err instanceof EventProblem ? err.message : `reading ${at.length === 0 ? "the event" : pathText(at)} threw ${kindOf(err)}; the event must be JSON data`;
        return { ok: false, field: at.length === 0 ? "event" : String(at[0]), message, partial: root, ...(err instanceof TooManyValues ? { tooLarge: true as const } : {}) };
    }
}

const SKIP = Symbol("skip");

/** The value's copy (an empty container for an object or array, filled as the walk goes on), or SKIP for what JSON leaves out. */
function copyOf(value: unknown, path: (string | number)[], inList: boolean): unknown {
    switch (typeof value) {
        case "string":
        case "boolean":
            return value;
        case "number":
            if (!Number.isFinite(value)) throw new NotJson(path, String(value));
            return value;
        case "undefined":
            // An absent member, as JSON leaves it; in a list JSON would write null, which is not what was passed.
            if (inList) throw new NotJson(path, "undefined");
            return SKIP;
        case "object":
            if (value === null) return null;
            if (Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype) return [];
            if (isPlainObject(value)) return {};
            throw new NotJson(path, kindOf(value));
        default:
            throw new NotJson(path, kindOf(value));
    }
}

function isPlainObject(value: object): boolean {
    const proto: unknown = Object.getPrototypeOf(value);
    return (proto === Object.prototype || proto === null) && !Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

function place(into: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
    // Assigning "__proto__" would set the copy's prototype; the checks after refuse the key by name.
    if (key === "__proto__") Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
    else (into as Record<string | number, unknown>)[key] = value;
}

/** What a value is, never what it holds. */
function kindOf(value: unknown): string {
    try {
        return kindOfValue(value);
    } catch {
        // A proxy may throw even when asked what it is.
        return "a value that cannot be inspected";
    }
}

function kindOfValue(value: unknown): string {
    if (typeof value === "bigint") return "a bigint";
    if (typeof value === "symbol") return "a symbol";
    if (typeof value === "function") return "a function";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "object" && value !== null) {
        if (typeof (value as { toJSON?: unknown }).toJSON === "function") return "an object with toJSON";
        const tag = Object.prototype.toString.call(value).slice(8, -1);
        return tag === "Object" ? "an object of a class" : `${/^[AEIOU]/.test(tag) ? "an" : "a"} ${tag}`;
    }
    return typeof value;
}

/** UTF-16 units of a caller's name an error repeats: enough to find it, never the whole of a huge one. */
const NAME_UNITS = 64;

/**
 * A caller's name (a field, a metadata key) as an error repeats it: its first
 * {@link NAME_UNITS} UTF-16 units, never ending inside a surrogate pair, so
 * the reply and the record never hold a lone surrogate the cut made.
 */
export function nameText(name: string): string {
    if (name.length <= NAME_UNITS) return name;
    const last = name.charCodeAt(NAME_UNITS - 1);
    return name.slice(0, last >= 0xd800 && last <= 0xdbff ? NAME_UNITS - 1 : NAME_UNITS);
}

/** `metadata.user[2]`, names of any shape quoted and cut as {@link nameText} cuts them. */
function pathText(path: (string | number)[]): string {
    return path
        .map((k, i) => (typeof k === "number" ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `${i === 0 ? "" : "."}${k}` : `${i === 0 ? "" : "."}${JSON.stringify(nameText(k))}`))
        .join("");
}
