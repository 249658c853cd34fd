/**
 * Whether two recorded values say the same: equal as JSON, object keys in any
 * order, a policy held as JSON text equal to the same policy held as an
 * object. What AWS holds (`outputs`) is compared so with what the program
 * asked for (`inputs`), property by property, over every resource.
 */
export function sameValue(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    // A policy held as JSON text equals the same policy held as an object; text never equals a number or a boolean.
    if (typeof a === "string" && typeof b !== "string") return sameParsed(a, b);
    if (typeof b === "string" && typeof a !== "string") return sameParsed(b, a);
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    // Every value of every resource is compared: plain loops, and no call for two equal items.
    if (Array.isArray(a) || Array.isArray(b)) {
        if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
        for (let i = 0; i < a.length; i++) {
            if (!(i in a)) continue;
            const x: unknown = a[i];
            const y: unknown = b[i];
            if (x !== y && !sameValue(x, y)) return false;
        }
        return true;
    }
    // Own keys as `Object.keys` lists them, counted and read without building the lists.
    if (ownKeyCount(a) !== ownKeyCount(b)) return false;
    for (const k in a) {
        if (!Object.prototype.hasOwnProperty.call(a, k)) continue;
        if (!(k in b)) return false;
        const x = (a as Record<string, unknown>)[k];
        const y = (b as Record<string, unknown>)[k];
        if (x !== y && !sameValue(x, y)) return false;
    }
    return true;
}

function ownKeyCount(value: object): number {
    let n = 0;
    for (const k in value) if (Object.prototype.hasOwnProperty.call(value, k)) n++;
    return n;
}

function sameParsed(text: string, value: unknown): boolean {
    const parsed = parsedText(text);
    return typeof parsed === "object" && parsed !== null && sameValue(parsed, value);
}

/** JSON text parsed; undefined for text that is not JSON. */
function parsedText(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/**
 * The objects and lists held under one property in both `inputs` and
 * `outputs` (each property `for…in` lists in `outputs`) that say the same,
 * added to `pairs` as `[input, output]`. Text and numbers are left out: they
 * compare at once wherever the proof reads them. A comparison that cannot be
 * finished (a value nested past the stack's depth) adds nothing: the proof
 * makes it again where it reads the property, and fails there as it would.
 */
export function addSamePairs(inputs: Record<string, unknown>, outputs: Record<string, unknown>, pairs: object[]): void {
    // A side that is no object of properties (a secret holding the whole side decodes to anything) is compared where the proof reads it.
    if (typeof inputs !== "object" || inputs === null || typeof outputs !== "object" || outputs === null) return;
    for (const k in outputs) {
        if (!(k in inputs)) continue;
        const a = inputs[k];
        const b = outputs[k];
        if (a === b || typeof a !== "object" || typeof b !== "object" || a === null || b === null) continue;
        try {
            if (sameValue(a, b)) pairs.push(a, b);
        } catch {
            // Compared again where the proof reads it.
        }
    }
}

/**
 * Per stack as read from a file, for each of its resources by position: the
 * pairs {@link addSamePairs} found, resource `i`'s ending at `ends[i]`. They
 * are found while both sides were just read; the proof compares every
 * property it reads over every resource, and a pair found the same need not
 * be walked again. Held by the values themselves: a property given another
 * value since, or a resource not at that position when it was read, is
 * compared as any other. Held weakly: they go with the plan.
 */
const samePairs = new WeakMap<object, { resources: readonly object[]; pairs: readonly object[]; ends: readonly number[] }>();

export function noteSamePairs(state: object, resources: readonly object[], pairs: readonly object[], ends: readonly number[]): void {
    samePairs.set(state, { resources: resources.slice(), pairs, ends });
}

/** Whether `input` and `output`, one property of the resource at `index` of the stack, were found the same when it was read. */
export type SameWhenRead = (resource: object, index: number, input: unknown, output: unknown) => boolean;

const NOTHING_NOTED: SameWhenRead = () => false;

/** The test of `state`'s resources (nothing is known the same for a stack not read from a file). */
export function sameWhenRead(state: object): SameWhenRead {
    const noted = samePairs.get(state);
    if (noted === undefined) return NOTHING_NOTED;
    const { resources, pairs, ends } = noted;
    return (resource, index, input, output) => {
        if (resources[index] !== resource || typeof input !== "object" || input === null) return false;
        for (let k = index === 0 ? 0 : ends[index - 1]; k < ends[index]; k += 2) if (pairs[k] === input && pairs[k + 1] === output) return true;
        return false;
    };
}
