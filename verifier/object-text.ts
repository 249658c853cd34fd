/**
 * JSON text of an object, wherever a resource holds it: what a policy parser
 * reads as a document, and what the duplicate-key scan (policy-text.ts)
 * looks for. Reading a file already walks every value of every resource (to
 * decode its secrets); the properties that walk finds free of such text are
 * noted here, so that the scan does not walk them a second time.
 */

const OPEN_BRACE = 123;

/** Whether text is JSON of an object: what a policy parser reads as a document. */
export function objectText(value: string): boolean {
    for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c === 32 || c === 9 || c === 10 || c === 13) continue;
        return c === OPEN_BRACE;
    }
    return false;
}

/**
 * Whether a text may be {@link objectText}, decided from its first character
 * for nearly every text of a plan: one that starts with neither a brace nor
 * whitespace is not.
 */
export function mayBeObjectText(value: string): boolean {
    const c = value.charCodeAt(0);
    return c === OPEN_BRACE || ((c === 32 || c === 9 || c === 10 || c === 13) && objectText(value));
}

/**
 * Per stack as read from a file, for each of its resources by position: the
 * objects and lists its properties hold (in `inputs` or `outputs`) that
 * hold no object text at any depth. Held by the value itself, not by the
 * property's name: a property given another value after the read is
 * scanned as any other, and so is a resource the stack did not hold at
 * that position when it was read. Held weakly: they go with the plan. One
 * list for the whole stack: resource `i`'s values end at `ends[i]`.
 */
const textFree = new WeakMap<object, { resources: readonly object[]; values: readonly object[]; ends: readonly number[] }>();

export function noteTextFree(state: object, resources: readonly object[], values: readonly object[], ends: readonly number[]): void {
    textFree.set(state, { resources: resources.slice(), values, ends });
}

/** Whether a value of the resource at `index` of the stack was found free of object text when it was read. */
export type TextFreeTest = (resource: object, index: number, value: unknown) => boolean;

const NOTHING_NOTED: TextFreeTest = () => false;

/** The test of the values of `state`'s resources (none is known free of object text for a stack not read from a file). */
export function textFreeTest(state: object): TextFreeTest {
    const noted = textFree.get(state);
    if (noted === undefined) return NOTHING_NOTED;
    const { resources, values, ends } = noted;
    return (resource, index, value) => {
        if (resources[index] !== resource || typeof value !== "object" || value === null) return false;
        for (let k = index === 0 ? 0 : ends[index - 1]; k < ends[index]; k++) if (values[k] === value) return true;
        return false;
    };
}
