/**
 * The Lambda's input event and its validation. Error messages never quote
 * prompt, message or metadata values (they may hold content that must not
 * reach a log in `none` mode); they name the field and describe what was
 * received.
 */
import { MODEL_ID_PATTERN } from "../../contract";
import { CALL_ID_KEYS, INVOKED_MODEL_ID_KEY, LANGCHAIN_METADATA_KEYS, LANGSMITH_PREFIX, MODEL_ID_KEY } from "../run-data";
import { safeStringify } from "../serialize";
import { nameText, snapshotEvent } from "./event-snapshot";

export interface ChatMessage {
    role: "user" | "assistant" | "system";
    content: string;
}

export interface InvocationEvent {
    /** The prompt, as one user message. Exactly one of `prompt` and `messages`. */
    prompt?: string;
    /** A conversation; it must contain a `user` message. */
    messages?: ChatMessage[];
    userId: string;
    applicationId: string;
    /** The caller's id for this request, echoed in the record as `clientRequestId`. */
    requestId?: string;
    taskType?: string;
    kbId?: string;
    /** One of the tenant's allowed models. @default - the configured default model */
    modelId?: string;
    maxTokens?: number;
    temperature?: number;
    /** Extra fields for the audit record. */
    metadata?: Record<string, unknown>;
}

/** Codes of a rejected event's `error.code`. */
export const EventErrorCode = {
    invalidEvent: "InvalidEvent",
    missingField: "MissingField",
    invalidField: "InvalidField",
    unknownField: "UnknownField",
    tooLarge: "TooLarge",
    modelNotAllowed: "ModelNotAllowed",
} as const;
export type EventErrorCode = (typeof EventErrorCode)[keyof typeof EventErrorCode];

/** Documented limits of an event. */
export const EventLimits = {
    /** Characters of `prompt`, or of all `messages` contents together. */
    maxPromptChars: 200_000,
    maxMessages: 100,
    /** Bytes of `metadata` as JSON. */
    maxMetadataBytes: 8192,
    maxMetadataKeys: 32,
    /** Levels of nested objects and arrays in `metadata`, the object itself being level 1. */
    maxMetadataDepth: 5,
    maxTokens: 100_000,
    /** Converse accepts a temperature from 0 to 1. */
    maxTemperature: 1,
} as const;

/** Ids are kept to characters STS allows in session tag values, so `userId` can tag a session. */
const ID_PATTERN = /^[\w.:/=+@-]{1,128}$/;
const ROLES: readonly ChatMessage["role"][] = ["user", "assistant", "system"];
const FIELDS: readonly (keyof InvocationEvent)[] = [
    "prompt", "messages", "userId", "applicationId", "requestId", "taskType", "kbId", "modelId", "maxTokens", "temperature", "metadata",
];
/** Keys that reach an object's prototype when a consumer copies metadata by assignment. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
/** A UTF-16 surrogate without its pair: it cannot be encoded as UTF-8, so Bedrock and CloudWatch refuse it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const RESERVED_METADATA_KEYS = new Set<string>([...Object.keys(CALL_ID_KEYS), MODEL_ID_KEY, INVOKED_MODEL_ID_KEY, ...LANGCHAIN_METADATA_KEYS]);

export interface EventError {
    code: EventErrorCode;
    message: string;
    field: string;
}

export type EventCheck = { ok: true; event: InvocationEvent & { modelId: string } } | { ok: false; error: EventError; ids: Partial<InvocationEvent> };

/** Whether `value` is an array; false for a revoked proxy, which throws when asked and is refused by the copy. */
function isList(value: object): boolean {
    try {
        return Array.isArray(value);
    } catch {
        return false;
    }
}

/** Validates `raw` against the event format and the tenant's allowed models; the event it returns is a copy, read once. */
export function validateEvent(raw: unknown, allowedModels: readonly string[], defaultModel: string): EventCheck {
    if (typeof raw !== "object" || raw === null || isList(raw)) {
        return fail({}, EventErrorCode.invalidEvent, "event", `the event must be a JSON object, got ${describe(raw)}`);
    }
    const snapshot = snapshotEvent(raw);
    if (!snapshot.ok) {
        const code = snapshot.tooLarge ? EventErrorCode.tooLarge : snapshot.field === "event" ? EventErrorCode.invalidEvent : EventErrorCode.invalidField;
        return fail(safeIds(snapshot.partial), code, nameText(snapshot.field), snapshot.message);
    }
    const e = snapshot.value;
    const ids = safeIds(e);
    const unknown = Object.keys(e).find((k) => !(FIELDS as readonly string[]).includes(k));
    if (unknown !== undefined) {
        return fail(ids, EventErrorCode.unknownField, nameText(unknown), `unknown field; allowed fields are ${FIELDS.join(", ")}`);
    }
    for (const field of ["userId", "applicationId"] as const) {
        if (e[field] === undefined) {
            return fail(ids, EventErrorCode.missingField, field, `${field} is required`);
        }
    }
    for (const field of ["userId", "applicationId", "requestId", "taskType", "kbId"] as const) {
        if (e[field] !== undefined && (typeof e[field] !== "string" || !ID_PATTERN.test(e[field]))) {
            return fail(ids, EventErrorCode.invalidField, field, `${field} must match ${ID_PATTERN}, got ${describe(e[field])}`);
        }
    }
    const content = checkContent(e);
    if (content) {
        return fail(ids, content.code, content.field, content.message);
    }
    // Only an absent modelId means the default: null is a wrong value, refused as every other field refuses it.
    const modelId = e.modelId === undefined ? defaultModel : e.modelId;
    if (typeof modelId !== "string" || !MODEL_ID_PATTERN.test(modelId)) {
        return fail(ids, EventErrorCode.invalidField, "modelId", `modelId must match ${MODEL_ID_PATTERN}, got ${describe(modelId)}`);
    }
    if (!allowedModels.includes(modelId)) {
        return fail(ids, EventErrorCode.modelNotAllowed, "modelId", `model ${JSON.stringify(modelId)} is not allowed for this tenant; allowed: ${allowedModels.join(", ")}`);
    }
    if (e.maxTokens !== undefined && (!Number.isInteger(e.maxTokens) || (e.maxTokens as number) < 1 || (e.maxTokens as number) > EventLimits.maxTokens)) {
        return fail(ids, EventErrorCode.invalidField, "maxTokens", `maxTokens must be an integer from 1 to ${EventLimits.maxTokens}, got ${describe(e.maxTokens)}`);
    }
    if (e.temperature !== undefined && (typeof e.temperature !== "number" || !(e.temperature >= 0 && e.temperature <= EventLimits.maxTemperature))) {
        return fail(ids, EventErrorCode.invalidField, "temperature", `temperature must be a number from 0 to ${EventLimits.maxTemperature}, got ${describe(e.temperature)}`);
    }
    const metadata = checkMetadata(e.metadata);
    if (metadata) {
        return fail(ids, metadata.code, "metadata", metadata.message);
    }
    return { ok: true, event: { ...(e as unknown as InvocationEvent), modelId } };
}

/** The event's messages, with a bare `prompt` turned into one user message. */
export function eventMessages(event: InvocationEvent): ChatMessage[] {
    return event.messages ?? [{ role: "user", content: event.prompt ?? "" }];
}

function checkContent(e: Record<string, unknown>): EventError | undefined {
    const hasPrompt = e.prompt !== undefined;
    const hasMessages = e.messages !== undefined;
    if (hasPrompt === hasMessages) {
        return { code: hasPrompt ? EventErrorCode.invalidField : EventErrorCode.missingField, field: "prompt", message: "exactly one of prompt and messages is required" };
    }
    if (hasPrompt) {
        if (typeof e.prompt !== "string" || e.prompt.length === 0) {
            return { code: EventErrorCode.invalidField, field: "prompt", message: `prompt must be a non-empty string, got ${describe(e.prompt)}` };
        }
        if (LONE_SURROGATE.test(e.prompt)) {
            return { code: EventErrorCode.invalidField, field: "prompt", message: "prompt must be well-formed UTF-16, got a lone surrogate" };
        }
        return e.prompt.length > EventLimits.maxPromptChars
            ? { code: EventErrorCode.tooLarge, field: "prompt", message: `prompt is ${e.prompt.length} characters; the limit is ${EventLimits.maxPromptChars}` }
            : undefined;
    }
    const messages = e.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
        return { code: EventErrorCode.invalidField, field: "messages", message: `messages must be a non-empty array, got ${describe(messages)}` };
    }
    if (messages.length > EventLimits.maxMessages) {
        return { code: EventErrorCode.tooLarge, field: "messages", message: `${messages.length} messages; the limit is ${EventLimits.maxMessages}` };
    }
    let chars = 0;
    for (const [i, item] of (messages as unknown[]).entries()) {
        const field = `messages[${i}]`;
        const m = item as { role?: unknown; content?: unknown } | null;
        if (typeof m !== "object" || m === null || !ROLES.includes(m.role as ChatMessage["role"]) || typeof m.content !== "string" || m.content.length === 0 || Object.keys(m).length !== 2) {
            return { code: EventErrorCode.invalidField, field, message: `${field} must be { role: ${ROLES.join("|")}, content: non-empty string }` };
        }
        if (LONE_SURROGATE.test(m.content)) {
            return { code: EventErrorCode.invalidField, field, message: `${field}.content must be well-formed UTF-16, got a lone surrogate` };
        }
        chars += m.content.length;
    }
    if (!messages.some((m: ChatMessage) => m.role === "user")) {
        return { code: EventErrorCode.invalidField, field: "messages", message: "messages must contain a user message" };
    }
    return chars > EventLimits.maxPromptChars
        ? { code: EventErrorCode.tooLarge, field: "messages", message: `messages hold ${chars} characters; the limit is ${EventLimits.maxPromptChars}` }
        : undefined;
}

/** What to do instead of using a reserved metadata key: each is reserved for its own reason. */
function reservedKeyHint(key: string): string {
    if ((FIELDS as readonly string[]).includes(key)) return `pass it as the event's top-level field ${JSON.stringify(key)}`;
    if (key === INVOKED_MODEL_ID_KEY) return "the record takes it from the tenant's model routes";
    return `LangChain and LangSmith set "versions" and keys starting with ${JSON.stringify(LANGSMITH_PREFIX)} themselves: choose another name`;
}

function checkMetadata(metadata: unknown): Omit<EventError, "field"> | undefined {
    if (metadata === undefined) {
        return undefined;
    }
    if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
        return { code: EventErrorCode.invalidField, message: `metadata must be a JSON object, got ${describe(metadata)}` };
    }
    const keys = Object.keys(metadata);
    const reserved = keys.find((k) => RESERVED_METADATA_KEYS.has(k) || k.startsWith(LANGSMITH_PREFIX));
    if (reserved !== undefined) {
        return { code: EventErrorCode.invalidField, message: `metadata must not use the reserved key ${JSON.stringify(nameText(reserved))}; ${reservedKeyHint(reserved)}` };
    }
    const shape = metadataShapeProblem(metadata);
    if (shape) {
        return { code: EventErrorCode.invalidField, message: shape };
    }
    const bytes = Buffer.byteLength(safeStringify(metadata), "utf8");
    if (keys.length > EventLimits.maxMetadataKeys || bytes > EventLimits.maxMetadataBytes) {
        return {
            code: EventErrorCode.tooLarge,
            message: `metadata has ${keys.length} keys and ${bytes} bytes of JSON; the limits are ${EventLimits.maxMetadataKeys} keys and ${EventLimits.maxMetadataBytes} bytes`,
        };
    }
    return undefined;
}

/**
 * Walks `metadata` without recursion (a deep value must not exhaust the
 * stack) and reports the first prototype key, lone surrogate or level past
 * the depth limit. Stops after as many values as the byte limit could hold.
 */
function metadataShapeProblem(metadata: object): string | undefined {
    const pending: [unknown, number][] = [[metadata, 1]];
    for (let seen = 0; pending.length > 0 && seen <= EventLimits.maxMetadataBytes; seen++) {
        const [value, depth] = pending.pop()!;
        if (typeof value === "string" && LONE_SURROGATE.test(value)) {
            return "metadata must be well-formed UTF-16, got a string with a lone surrogate";
        }
        if (typeof value !== "object" || value === null) {
            continue;
        }
        if (depth > EventLimits.maxMetadataDepth) {
            return `metadata nests deeper than ${EventLimits.maxMetadataDepth} levels`;
        }
        for (const [key, child] of Object.entries(value)) {
            if (PROTOTYPE_KEYS.has(key)) {
                return `metadata must not use the key ${JSON.stringify(key)}`;
            }
            if (LONE_SURROGATE.test(key)) {
                return "metadata must be well-formed UTF-16, got a key with a lone surrogate";
            }
            pending.push([child, depth + 1]);
        }
    }
    return undefined;
}

/** Ids that passed their own check, so a rejection record can still say whose request it was. */
function safeIds(e: Record<string, unknown>): Partial<InvocationEvent> {
    const ids: Partial<InvocationEvent> = {};
    for (const field of ["userId", "applicationId", "requestId", "taskType", "kbId"] as const) {
        const value = e[field];
        if (typeof value === "string" && ID_PATTERN.test(value)) {
            ids[field] = value;
        }
    }
    if (typeof e.modelId === "string" && MODEL_ID_PATTERN.test(e.modelId)) {
        ids.modelId = e.modelId;
    }
    return ids;
}

/** The type and size of a value, never the value itself. */
function describe(value: unknown): string {
    if (typeof value === "string") {
        return `a string of ${value.length} characters`;
    }
    if (Array.isArray(value)) {
        return `an array of ${value.length} items`;
    }
    if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) {
        return String(value);
    }
    return typeof value;
}

function fail(ids: Partial<InvocationEvent>, code: EventErrorCode, field: string, message: string): EventCheck {
    return { ok: false, error: { code, field, message }, ids };
}
