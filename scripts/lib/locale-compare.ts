/**
 * `String.prototype.localeCompare` with its collator kept. The language
 * defines `a.localeCompare(b, locales, options)` as building
 * `new Intl.Collator(locales, options)` and comparing with it, and Node
 * builds that collator anew on every call that passes options: about 5 µs a
 * call, against a few nanoseconds for the comparison itself. The IAM
 * evaluator compares every condition operator's name that way
 * (`{ sensitivity: "accent" }`), dozens of times per request, which was a
 * quarter of the evaluator cross-check's CPU. Here a collator is kept per
 * locale and option values and the result is the one the built-in gives;
 * any other call (not two strings, a list of locales, option values of
 * another type than text or true/false) takes the built-in.
 * Installed only in processes that run the evaluator (never in the package).
 */

/** Every option a collator reads; it reads nothing else of the options object. */
const COLLATOR_OPTIONS = ["usage", "localeMatcher", "collation", "numeric", "caseFirst", "sensitivity", "ignorePunctuation"] as const;
const INSTALLED = Symbol.for("bedrock-tenancy.locale-compare-cache");
const MAX_LOCALES = 64;

type LocaleCompare = (this: string, that: string, locales?: string | string[], options?: Intl.CollatorOptions) => number;
interface Kept {
    locales: string | undefined;
    /** The options' values the collator was built from, in {@link COLLATOR_OPTIONS} order. */
    values: unknown[];
    collator: Intl.Collator;
}

/** Replaces `String.prototype.localeCompare` with the caching form, once per process; returns the built-in. */
export function installLocaleCompareCache(): LocaleCompare {
    const proto = String.prototype as unknown as Record<symbol, LocaleCompare | undefined> & { localeCompare: LocaleCompare };
    const already = proto[INSTALLED];
    if (already) return already;
    const builtIn = proto.localeCompare;
    const withoutOptions = new Map<string | undefined, Intl.Collator>();
    // By the options object itself, its values checked on every call: an object changed since gets a new collator.
    const byOptions = new WeakMap<object, Kept>();
    const cached: LocaleCompare = function (this: string, that, locales, options) {
        // A method called on a string primitive sees it boxed in sloppy code, which a compiled worker may be.
        const text = textOf(this);
        if (text === undefined || typeof that !== "string" || (locales !== undefined && typeof locales !== "string")) return builtIn.call(this, that, locales, options);
        if (options === undefined) {
            let collator = withoutOptions.get(locales);
            if (!collator) {
                collator = new Intl.Collator(locales);
                // Bounded: a caller cycling through many locales gets a collator per call, as from the built-in.
                if (withoutOptions.size < MAX_LOCALES) withoutOptions.set(locales, collator);
            }
            return collator.compare(text, that);
        }
        if (typeof options !== "object" || options === null) return builtIn.call(this, that, locales, options);
        const kept = byOptions.get(options);
        if (kept !== undefined && kept.locales === locales && sameValues(kept.values, options)) return kept.collator.compare(text, that);
        const values = COLLATOR_OPTIONS.map((name) => (options as Record<string, unknown>)[name]);
        // A value of another type is converted by the collator (a number read as text, say): the built-in's own way.
        if (!values.every((v) => v === undefined || typeof v === "string" || typeof v === "boolean")) return builtIn.call(this, that, locales, options);
        const collator = new Intl.Collator(locales, options);
        byOptions.set(options, { locales, values, collator });
        return collator.compare(text, that);
    };
    Object.defineProperty(proto, INSTALLED, { value: builtIn });
    Object.defineProperty(proto, "localeCompare", { value: cached, writable: true, configurable: true, enumerable: false });
    return builtIn;
}

function textOf(self: unknown): string | undefined {
    return typeof self === "string" ? self : self instanceof String ? self.valueOf() : undefined;
}

function sameValues(values: readonly unknown[], options: object): boolean {
    for (let i = 0; i < COLLATOR_OPTIONS.length; i++) if ((options as Record<string, unknown>)[COLLATOR_OPTIONS[i]] !== values[i]) return false;
    return true;
}
