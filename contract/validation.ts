/**
 * The one validation style of the package: a check is a small function that
 * returns a message naming the argument and the value received, or
 * `undefined` when the value is fine. Callers decide when to raise: at preview
 * time with {@link ArgumentError}, inside `apply` with `pulumi.ResourceError`,
 * in the runtime at cold start. The same rule therefore reads the same
 * wherever it is checked.
 */

/** A check's verdict: a message, or `undefined` when the value passes. */
export type Problem = string | undefined;

/**
 * A bad argument, configuration value or environment variable. Extends
 * `TypeError` so callers that catch type errors keep working; `cause` keeps
 * the original error when a check is re-wrapped with more context.
 */
export class ArgumentError extends TypeError {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "ArgumentError";
    }
}

/** Throws an {@link ArgumentError} carrying the first problem, if any. */
export function raise(...problems: Problem[]): void {
    const problem = problems.find((p) => p !== undefined);
    if (problem !== undefined) {
        throw new ArgumentError(problem);
    }
}

/** The first problem of `checks`, evaluated lazily in order. */
export function firstProblem(...checks: (() => Problem)[]): Problem {
    for (const check of checks) {
        const problem = check();
        if (problem !== undefined) return problem;
    }
    return undefined;
}

/**
 * Re-raises `error` (a check's failure) with `context` in front of its
 * message, keeping the original as `cause`.
 */
export function withContext(context: string, error: unknown): ArgumentError {
    const message = error instanceof Error ? error.message : String(error);
    return new ArgumentError(`${context}: ${message}`, { cause: error });
}

/**
 * Whether `value` is a Pulumi Output. Told by the SDK's own brand, not by
 * `instanceof`: this file loads without Pulumi, and two copies of the SDK
 * would not share a class.
 */
export function isOutputValue(value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { __pulumiOutput?: unknown }).__pulumiOutput === true;
}

/** How an Output reads in a message: its value is not known when the message is written. */
const OUTPUT_TEXT = "an Output (not known at preview)";

/** `value` must be a plain value, not an Output: the check needs it at preview. */
export function plainValueProblem(argName: string, value: unknown): Problem {
    return isOutputValue(value) ? `${argName} must be a plain value known at preview, not an Output` : undefined;
}

/**
 * A value left out says so, with what it must be: "must match …, got
 * undefined" reads as a bad value when the caller gave none (an unset
 * environment variable, a key missing from a stack's configuration).
 */
export function missingProblem(argName: string, value: unknown, what: string): Problem {
    return value === undefined || value === null ? `${argName} is required (${what}), got ${show(value)}` : undefined;
}

/** Text JSON has no form for; marked inside the JSON and unquoted afterwards. */
const NON_JSON_MARK = "\u0000";
const NON_JSON_TEXT = /"\\u0000([^"\\]*)\\u0000"/g;

function nonJsonText(value: unknown): string | undefined {
    if (typeof value === "number" && !Number.isFinite(value)) return String(value);
    if (isOutputValue(value)) return OUTPUT_TEXT;
    // JSON drops a member that is a function, and writes a Promise, a Map, a Set or an Error as {}.
    if (typeof value === "function") return `function ${textName((value as { name?: unknown }).name) || "(anonymous)"}`;
    if (isOpaqueObject(value)) return instanceName(value as object);
    return undefined;
}

/** An instance of a class that JSON would write as `{}`: it has no own enumerable member and no `toJSON`. */
function isOpaqueObject(value: unknown): boolean {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    const proto: unknown = Object.getPrototypeOf(value);
    return proto !== Object.prototype && proto !== null && typeof (value as { toJSON?: unknown }).toJSON !== "function" && Object.keys(value).length === 0;
}

/** A name fit for a message (a class or function name holds no quote or backslash, which the marking above cannot carry). */
function textName(name: unknown): string {
    return typeof name === "string" && /^[\w$]{1,60}$/.test(name) ? name : "";
}

/** An object as its class names it, with its article: "a Promise", "an Error", "an object". */
function instanceName(value: object): string {
    const name = textName((Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name) || "object";
    return `${"AEIOUaeiou".includes(name[0]) ? "an" : "a"} ${name}`;
}

/**
 * Most characters a message shows of one value: a value of megabytes (a
 * whole document passed where a name belongs) is cut, with its length, so
 * the message stays readable and a log line holds it.
 */
const MAX_SHOWN_CHARS = 4096;

/** A value as messages show it. */
export function show(value: unknown): string {
    return cutForMessage(fullText(value));
}

/** `text` cut at {@link MAX_SHOWN_CHARS}, with its length. */
function cutForMessage(text: string): string {
    return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}... (${text.length.toLocaleString("en-US")} characters in all)` : text;
}

function fullText(value: unknown): string {
    if (value === undefined) return "undefined";
    if (typeof value === "bigint") return `${value}n`;
    if (typeof value === "symbol") return value.toString();
    // JSON would print NaN and Infinity as null, an Output as the SDK's warning about toJSON, and a Promise as {}.
    const own = nonJsonText(value);
    if (own !== undefined) return own;
    try {
        // The holder's own property is read before toJSON replaces it, so a nested Output is caught too.
        const replacer = function (this: Record<string, unknown>, key: string, v: unknown): unknown {
            const text = nonJsonText(this[key]);
            return text === undefined ? v : `${NON_JSON_MARK}${text}${NON_JSON_MARK}`;
        };
        return JSON.stringify(value, replacer).replace(NON_JSON_TEXT, "$1");
    } catch {
        // A cycle or a BigInt inside: no JSON, so the value's own text.
        return Object.prototype.toString.call(value);
    }
}

/** `value` must be a string matching `pattern`; `what`, when given, says it in words instead of the pattern. */
export function patternProblem(argName: string, value: unknown, pattern: RegExp, what?: string): Problem {
    if (typeof value === "string" && pattern.test(value)) return undefined;
    if (what !== undefined) return plainValueProblem(argName, value) ?? missingProblem(argName, value, what) ?? `${argName} must be ${what}, got ${show(value)}`;
    return plainValueProblem(argName, value) ?? `${argName} must match ${pattern}, got ${show(value)}`;
}

/** The number a string of decimal digits spells; NaN for anything else (signs, spaces, exponents and hex included). */
export function digitsValue(v: unknown): number {
    return typeof v === "string" && v !== "" && [...v].every((c) => c >= "0" && c <= "9") ? Number(v) : NaN;
}

/** `value` must be a whole number from `min` to `max`. */
export function integerProblem(argName: string, value: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): Problem {
    if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return undefined;
    return plainValueProblem(argName, value) ?? `${argName} must be an integer from ${min} to ${max}, got ${show(value)}`;
}

/** `value` when it is a whole number of at least `min`; otherwise an {@link ArgumentError} naming `argName`. */
export function integerAtLeast(argName: string, value: number, min: number): number {
    if (!Number.isInteger(value) || value < min) throw new ArgumentError(`${argName} must be an integer >= ${min}, got ${showBrief(value)}`);
    return value;
}

/** `value` must be one of `allowed`. */
export function oneOfProblem(argName: string, value: unknown, allowed: readonly unknown[]): Problem {
    if (allowed.includes(value)) return undefined;
    return plainValueProblem(argName, value) ?? `${argName} must be one of ${allowed.map(String).join(", ")}, got ${show(value)}`;
}

/** `value` must be `true` or `false`. */
export function booleanProblem(argName: string, value: unknown): Problem {
    return typeof value === "boolean" ? undefined : plainValueProblem(argName, value) ?? `${argName} must be true or false, got ${show(value)}`;
}

/** `value` must be an array; with `atLeastOne`, a non-empty one of `what` (singular: "Region"). */
export function listProblem(argName: string, value: unknown, atLeastOne = false, what = "item"): Problem {
    const unreadable = unreadableProblem(argName, value);
    if (unreadable !== undefined) return unreadable;
    if (!Array.isArray(value)) return plainValueProblem(argName, value) ?? missingProblem(argName, value, atLeastOne ? `a list of at least one ${what}` : "a list") ?? `${argName} must be a list, got ${show(value)}`;
    if (atLeastOne && value.length === 0) return `${argName} must list at least one ${what}, got []`;
    return undefined;
}

/** A list must not hold the same value twice. */
export function duplicateProblem(argName: string, values: readonly unknown[]): Problem {
    const seen = new Map<unknown, number>();
    for (const [i, v] of values.entries()) {
        const first = seen.get(v);
        if (first !== undefined) return `${argName}[${i}] repeats ${show(v)} (also ${argName}[${first}])`;
        seen.set(v, i);
    }
    return undefined;
}

/** A plain object (not an array, not null, not a class instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** `value` must be a plain object. */
export function objectProblem(argName: string, value: unknown, what = "an object"): Problem {
    return isPlainObject(value) ? undefined : plainValueProblem(argName, value) ?? `${argName} must be ${what}, got ${show(value)}`;
}

/**
 * A value as messages show it, kept short: an object of a class by its class
 * (a client or a stream would otherwise print its whole state), anything
 * else as {@link show} gives it, cut at `max` characters.
 */
export function showBrief(value: unknown, max = 120): string {
    if (typeof value === "object" && value !== null && !Array.isArray(value) && !isPlainObject(value)) {
        return instanceName(value);
    }
    const text = show(value);
    return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** Most USD a budget or cap takes: beyond it `toFixed` writes an exponent AWS Budgets cannot read. */
export const MAX_USD_LIMIT = 1e12;

/**
 * `value` must be a USD amount AWS Budgets is given to the cent: at least
 * 0.01 (less is written as "0.00", a limit every cost passes) and at most
 * {@link MAX_USD_LIMIT}.
 */
export function usdLimitProblem(argName: string, value: unknown): Problem {
    return typeof value === "number" && Number.isFinite(value) && value >= 0.01 && value <= MAX_USD_LIMIT
        ? undefined
        : `${argName} must be a number of USD from 0.01 to ${MAX_USD_LIMIT.toLocaleString("en-US")} (AWS Budgets takes it to the cent), got ${show(value)}`;
}

/** `value` must be a function (a callback the caller hands over). */
export function functionProblem(argName: string, value: unknown): Problem {
    return typeof value === "function" ? undefined : `${argName} must be a function, got ${showBrief(value)}`;
}

/**
 * Why `value` cannot be looked into, when a look throws: a revoked `Proxy`
 * throws at any look (even `Array.isArray`), and a checker that met one
 * would throw a TypeError naming nothing of the caller's.
 */
export function unreadableProblem(argName: string, value: unknown): Problem {
    if ((typeof value !== "object" && typeof value !== "function") || value === null) return undefined;
    try {
        Array.isArray(value);
        return undefined;
    } catch (err) {
        return `${argName} cannot be read (${thrownText(err)})`;
    }
}

/**
 * Every own enumerable member of `value` can be read: a getter that throws
 * (or a member that is a revoked proxy) is named by its key before a checker
 * or a spread of the object meets it with a TypeError naming nothing.
 */
export function membersUnreadableProblem(argName: string, value: unknown): Problem {
    const unreadable = unreadableProblem(argName, value);
    if (unreadable !== undefined || typeof value !== "object" || value === null) return unreadable;
    const keys = keysOf(argName, value);
    if ("problem" in keys) return keys.problem;
    const list = Array.isArray(value);
    for (const key of keys.value) {
        const member = memberOf(list ? `${argName}[${key}]` : `${argName}.${key}`, value, key);
        if ("problem" in member) return member.problem;
    }
    return undefined;
}

/** A look at a caller's value: what it gave, or the problem naming it when the look threw. */
type Look<T> = { value: T } | { problem: string };

/** `value`'s own enumerable keys; a proxy whose `ownKeys` throws is named as `argName`. */
function keysOf(argName: string, value: object): Look<string[]> {
    try {
        return { value: Object.keys(value) };
    } catch (err) {
        return { problem: `${argName} cannot be read (${thrownText(err)})` };
    }
}

/** `holder[key]`, read once; a getter that throws, or a member that is a revoked Proxy, is named as `name`. */
function memberOf(name: string, holder: object, key: string): Look<unknown> {
    let member: unknown;
    try {
        member = (holder as Record<string, unknown>)[key];
    } catch (err) {
        return { problem: `${name} cannot be read (${thrownText(err)})` };
    }
    const unreadable = unreadableProblem(name, member);
    return unreadable === undefined ? { value: member } : { problem: unreadable };
}

/** What a caller's value threw, as text, without a second throw. */
export function thrownText(err: unknown): string {
    try {
        // A caller's error message is text of any size: cut as a shown value is.
        return err instanceof Error ? cutForMessage(`${err.name}: ${err.message}`) : `it threw ${showBrief(err)}`;
    } catch {
        return "it threw";
    }
}

/** `value` must be an object (of any class, `process.env` too), not null and not an array. */
export function recordProblem(argName: string, value: unknown, what = "an object"): Problem {
    const unreadable = unreadableProblem(argName, value);
    if (unreadable !== undefined) return unreadable;
    return typeof value === "object" && value !== null && !Array.isArray(value) ? undefined : `${argName} must be ${what}, got ${showBrief(value)}`;
}

/**
 * `value` must offer every method in `methods`: what the code calls on a
 * dependency it is handed (a client, a stream, a sink), so a wrong object
 * fails at construction instead of on the first record. `what` names it ("a
 * CloudWatchLogsClient").
 */
export function methodsProblem(argName: string, value: unknown, methods: readonly string[], what: string): Problem {
    if ((typeof value !== "object" && typeof value !== "function") || value === null) return `${argName} must be ${what}, got ${showBrief(value)}`;
    const missing = methods.filter((m) => typeof (value as Record<string, unknown>)[m] !== "function");
    if (missing.length === 0) return undefined;
    return `${argName} must be ${what} (with ${methods.map((m) => `${m}()`).join(", ")}), got ${showBrief(value)}, which has no ${missing.map((m) => `${m}()`).join(", ")}`;
}

/** `value` must be an absolute http or https URL (an endpoint). */
export function httpUrlProblem(argName: string, value: unknown): Problem {
    if (typeof value === "string") {
        try {
            const url = new URL(value);
            if (url.protocol === "https:" || url.protocol === "http:") return undefined;
        } catch {
            // Not a URL at all: the message below says what is wanted.
        }
    }
    return `${argName} must be an http or https URL, got ${showBrief(value)}`;
}

/** {@link integerAtLeast} as a check, for callers that collect problems rather than throw the first. */
export function integerAtLeastProblem(argName: string, value: unknown, min: number): Problem {
    return typeof value === "number" && Number.isInteger(value) && value >= min ? undefined : `${argName} must be an integer >= ${min}, got ${showBrief(value)}`;
}

/**
 * `value`'s own keys must all be in `known`, and none may hold `null`: a
 * misspelt option (`auditmode`) or a `null` one would otherwise be ignored,
 * and its default (`best-effort`, say) taken silently. A key near a known
 * one (case, `_` or `-`, a typo or two) is named with the option meant.
 * `argName` names the object ("createTenantChatModel options", "chain");
 * `path` prefixes each key in messages ("chain." gives "chain.checkpointEvery").
 */
export function optionKeysProblem(argName: string, value: unknown, known: readonly string[], path = ""): Problem {
    if (typeof value !== "object" || value === null) return undefined;
    const keys = keysOf(argName, value);
    if ("problem" in keys) return keys.problem;
    for (const key of keys.value) {
        if (!known.includes(key)) {
            const meant = nearestName(key, known);
            return `${argName} has no option ${show(key)}${meant === undefined ? "" : `; did you mean ${show(path + meant)}?`} (options: ${known.join(", ")})`;
        }
        // Each option is read once here, so a getter that throws, or a revoked Proxy, is named by its option before any checker looks.
        const member = memberOf(`${path}${key}`, value, key);
        if ("problem" in member) return member.problem;
        if (member.value === null) return `${path}${key} must be omitted (or undefined) to take its default, got null`;
    }
    return undefined;
}

/** The name in `names` that `name` is most likely a slip for, if any is close enough. */
export function nearestName(name: string, names: readonly string[]): string | undefined {
    const plain = (s: string) => s.toLowerCase().split("_").join("").split("-").join("");
    const wanted = plain(name);
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of names) {
        const known = plain(candidate);
        // A name cut short (`grace` for `graceMs`) is a slip too.
        const d = wanted === known ? 0 : wanted.length >= 4 && known.startsWith(wanted) ? 1 : levenshtein(wanted, known);
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    // Two edits in a long name is a typo; in a short one it is another word.
    return bestDistance <= Math.min(2, Math.floor(wanted.length / 4)) ? best : undefined;
}

/** Edits between `a` and `b`; two neighbouring letters swapped (`regoin`) count as one, the commonest slip of all. */
function levenshtein(a: string, b: string): number {
    let before: number[] = [];
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const next = [i];
        for (let j = 1; j <= b.length; j++) {
            next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) next[j] = Math.min(next[j], before[j - 2] + 1);
        }
        before = row;
        row = next;
    }
    return row[b.length];
}

/**
 * The option names of `T`, from an object that names each of them once: a
 * name missing from it, or one `T` lacks, fails to compile, so the list a
 * check reads at run time cannot drift from the type the caller writes to.
 */
export function optionNames<T>(names: { [K in keyof Required<T>]: true }): readonly (keyof T & string)[] {
    return Object.freeze(Object.keys(names)) as (keyof T & string)[];
}

/**
 * `value`'s own keys must all be in `known`: a misspelt option (`regoin`)
 * would otherwise be ignored and its default taken silently. Unlike
 * {@link optionKeysProblem}, the message names the key where it sits:
 * `path` is the object as the caller wrote it (`""`, `"tenants[1]."`,
 * `"archive."`), and `what` says whose options they are ("BedrockTenantAccess").
 * Not an object: no verdict here, the value's own check says what it must be.
 */
export function unknownOptionProblem(path: string, value: unknown, known: readonly string[], what: string): Problem {
    // The arguments themselves, or an option object, that cannot be looked into (a revoked Proxy) are named, not a checker's TypeError.
    const holder = path === "" ? `the arguments of ${what}` : path.slice(0, -1);
    const unreadable = unreadableProblem(holder, value);
    if (unreadable !== undefined) return unreadable;
    if (typeof value !== "object" || value === null || Array.isArray(value) || isOutputValue(value)) return undefined;
    const keys = keysOf(holder, value);
    if ("problem" in keys) return keys.problem;
    for (const key of keys.value) {
        if (!known.includes(key)) {
            const meant = nearestName(key, known);
            return `${path}${key} is not an option of ${what}${meant === undefined ? "" : `; did you mean ${path}${meant}?`} (its options: ${known.join(", ")})`;
        }
        // Each option read once here: a getter that throws, or a revoked Proxy, is named by its option before any checker meets it.
        const member = memberOf(`${path}${key}`, value, key);
        if ("problem" in member) return member.problem;
        // No option takes null: each check would read it as left out (`??`) and plan the default, which is not what null says.
        if (member.value === null) return `${path}${key} must be omitted (or undefined) to take its default, got null`;
    }
    return undefined;
}
