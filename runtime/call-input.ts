/**
 * What a call on the audited model is handed, checked before LangChain reads
 * it: LangChain takes anything that is not a text or an array for a prompt
 * value and fails deep inside with a TypeError naming none of the caller's
 * arguments ("promptValue.toChatMessages is not a function"), or reads a
 * revoked proxy and fails the same way. Each problem names the argument.
 * Every call passes here, so a well-formed one allocates nothing.
 */
import { showBrief, thrownText, unreadableProblem, type Problem } from "../contract";

const REFUSED = "this call is refused before reaching Bedrock";

/** The model's input: a text, a non-empty array of messages, or a prompt value (what LangChain's own chains pass). */
export function modelInputProblem(input: unknown): Problem {
    if (typeof input === "string") return undefined;
    let length: number | undefined;
    let promptValue = false;
    try {
        if (Array.isArray(input)) length = input.length;
        else promptValue = typeof input === "object" && input !== null && typeof (input as { toChatMessages?: unknown }).toChatMessages === "function";
    } catch (err) {
        return `input cannot be read (${thrownText(err)}); ${REFUSED}`;
    }
    if (length === 0) return `input must hold at least one message, got []; ${REFUSED}`;
    if (length !== undefined || promptValue) return undefined;
    return `input must be a text, an array of messages or a prompt value, got ${showBrief(input)}; ${REFUSED}`;
}

/** What `generate` takes: a list of prompts, each a non-empty array of messages. */
export function promptsProblem(prompts: unknown): Problem {
    const unreadable = unreadableProblem("messages", prompts);
    if (unreadable !== undefined) return `${unreadable}; ${REFUSED}`;
    if (!Array.isArray(prompts)) return `messages must be an array of prompts, each an array of messages, got ${showBrief(prompts)}; ${REFUSED}`;
    for (let i = 0; i < prompts.length; i++) {
        let prompt: unknown;
        let length = -1;
        try {
            prompt = prompts[i];
            if (isArray(prompt)) length = (prompt as unknown[]).length;
        } catch (err) {
            return `messages[${i}] cannot be read (${thrownText(err)}); ${REFUSED}`;
        }
        if (length === 0) return `messages[${i}] holds no message, got []; ${REFUSED}`;
        if (length < 0) {
            const unreadable = unreadableProblem(`messages[${i}]`, prompt);
            return `${unreadable ?? `messages[${i}] is not an array of messages, got ${showBrief(prompt)}`}; ${REFUSED}`;
        }
    }
    return undefined;
}

/**
 * The call's options, where LangChain would read them without a check: the
 * options object itself, its `signal` (LangChain calls `throwIfAborted` on
 * it) and its `metadata` (spread into the run's: a text would become one key
 * per character). Metadata that is an object but cannot be read is not a
 * problem here: it costs the record that part, never the call.
 */
export function callOptionsProblem(options: unknown): Problem {
    if (options === undefined) return undefined;
    let signal: unknown;
    let metadata: unknown;
    try {
        if (typeof options !== "object" || options === null) return `options must be an object, got ${showBrief(options)}; ${REFUSED}`;
        // LangChain's older form: a list of stop sequences in place of the options, which it still takes.
        if (Array.isArray(options)) return undefined;
        signal = (options as { signal?: unknown }).signal;
        metadata = (options as { metadata?: unknown }).metadata;
    } catch (err) {
        return `options cannot be read (${thrownText(err)}); ${REFUSED}`;
    }
    if (signal !== undefined) {
        const unreadable = unreadableProblem("options.signal", signal);
        if (unreadable !== undefined) return `${unreadable}; ${REFUSED}`;
        if (!(signal instanceof AbortSignal)) return `options.signal must be an AbortSignal, got ${showBrief(signal)}; ${REFUSED}`;
    }
    if (metadata !== undefined && (typeof metadata !== "object" || metadata === null || isArray(metadata))) {
        return `options.metadata must be an object, got ${showBrief(metadata)}; ${REFUSED}`;
    }
    return undefined;
}

/** `Array.isArray` that a revoked proxy does not make throw: such a value is unreadable, not an array. */
function isArray(value: unknown): boolean {
    try {
        return Array.isArray(value);
    } catch {
        return false;
    }
}
