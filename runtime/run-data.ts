/**
 * Reads what LangChain's callback events carry: caller metadata, message
 * text, and the usage and response metadata ChatBedrockConverse attaches.
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import type { CallIds, CallResult } from "./audit-record";

/** Metadata keys (as passed to `invoke(..., { metadata })`) that become top-level record fields. */
export const CALL_ID_KEYS = {
    userId: "userId",
    applicationId: "applicationId",
    requestId: "clientRequestId",
    taskType: "taskType",
    kbId: "kbId",
} as const satisfies Record<string, keyof CallIds>;

const CALL_ID_FIELDS: ReadonlyMap<string, keyof CallIds> = new Map(Object.entries(CALL_ID_KEYS));

/** Metadata key naming the model as the caller knows it, when the model invoked is an inference profile. */
export const MODEL_ID_KEY = "modelId";
/** Metadata key naming what was invoked instead of `modelId` (an inference-profile ARN). */
export const INVOKED_MODEL_ID_KEY = "invokedModelId";
/** LangChain's own metadata (`ls_model_name`, `ls_provider`, ...). */
export const LANGSMITH_PREFIX = "ls_";
/** Other metadata LangChain adds to every run (package versions). */
export const LANGCHAIN_METADATA_KEYS: readonly string[] = ["versions"];

export interface SplitMetadata {
    ids: CallIds;
    modelId?: string;
    invokedModelId?: string;
    extra: Record<string, unknown>;
}

/** Separates the well-known ids and model names from the caller's other metadata. */
export function splitMetadata(metadata: Record<string, unknown>): SplitMetadata {
    const ids: CallIds = {};
    const extra: Record<string, unknown> = {};
    for (const key of Object.keys(metadata)) {
        const value = metadata[key];
        // A Map, not `key in CALL_ID_KEYS`: "constructor" or "toString" is a caller's key like any other.
        const idField = CALL_ID_FIELDS.get(key);
        if (idField !== undefined && isScalar(value)) {
            ids[idField] = String(value);
        } else if (key !== MODEL_ID_KEY && key !== INVOKED_MODEL_ID_KEY && !key.startsWith(LANGSMITH_PREFIX) && !LANGCHAIN_METADATA_KEYS.includes(key)) {
            extra[key] = value;
        }
    }
    const lsModel = stringOrUndefined(metadata.ls_model_name);
    const modelId = stringOrUndefined(metadata[MODEL_ID_KEY]) ?? lsModel;
    const invokedModelId = stringOrUndefined(metadata[INVOKED_MODEL_ID_KEY]) ?? lsModel;
    return { ids, modelId, invokedModelId, extra };
}

/** What a record holds of a message list, one message per line: each message's {@link recordedText}. */
export function messagesText(messages: readonly BaseMessage[]): string {
    return messages.map((m) => recordedText(m.content, (m as { tool_calls?: readonly ToolCallLike[] }).tool_calls)).join("\n");
}

/** A tool call as LangChain holds it: complete (`args` parsed), or one whose arguments did not parse (`args` the text). */
export interface ToolCallLike {
    id?: string;
    name?: string;
    args?: unknown;
}

/**
 * What a record holds of one message's content: its text, then every part
 * that is not text (an image, a document, reasoning, a tool result) and then
 * every tool call, each as one line of JSON, so the record of a reply that is
 * a tool call holds the call, and its digest differs with the arguments. One
 * order whatever the call's path: a streamed reply, whose text the caller
 * received first, is recorded in the same form. Bytes are written in base64.
 * Cache points carry no content and are left out.
 */
export function recordedText(content: unknown, toolCalls?: readonly ToolCallLike[]): string {
    // The common case: plain text, no tool call.
    if (typeof content === "string" && !toolCalls?.length) return content;
    const out = new RecordedText();
    if (typeof content === "string") out.text(content);
    else if (Array.isArray(content)) for (const block of content) out.block(block);
    for (const call of toolCalls ?? []) out.toolCall(call);
    return out.value;
}

/** One tool call as a record line, its keys in one order however it was built. */
export function toolCallJson(call: ToolCallLike): string {
    return JSON.stringify({ type: "tool_call", id: call.id, name: call.name, args: call.args });
}

/** The text as the model wrote it, then each other part and each tool call on a line of its own. */
export class RecordedText {
    private texts = "";
    private readonly parts: string[] = [];
    private readonly calls: string[] = [];

    get value(): string {
        const lines = [...this.parts, ...this.calls];
        if (lines.length === 0) return this.texts;
        return this.texts === "" ? lines.join("\n") : `${this.texts}\n${lines.join("\n")}`;
    }

    text(text: string): void {
        this.texts += text;
    }

    toolCall(call: ToolCallLike): void {
        this.calls.push(toolCallJson(call));
    }

    /** A content block: its text, or the block as JSON. */
    block(block: unknown, { skipText = false } = {}): void {
        if (typeof block === "string") {
            if (!skipText) this.text(block);
            return;
        }
        const typed = block as { type?: unknown; text?: unknown } | null;
        if (typed?.type === "cache_point" || (typed?.type === undefined && typeof typed === "object" && typed !== null && "cachePoint" in typed)) return;
        if (typeof typed?.text === "string" && (typed.type === undefined || typed.type === "text")) {
            if (!skipText) this.text(typed.text);
            return;
        }
        this.parts.push(partJson(block));
    }
}

/**
 * A block as JSON, bytes (an image's, a document's) as base64 rather than one
 * key per byte, and without its stream position (see {@link withoutStreamPosition}).
 */
function partJson(block: unknown): string {
    try {
        return JSON.stringify(block, function (this: Record<string, unknown>, key: string, value: unknown) {
            const original = key === "" ? value : this[key];
            if (original instanceof Uint8Array) return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString("base64");
            return key === "" ? withoutStreamPosition(value) : value;
        }) ?? "null";
    } catch {
        // A block that cannot be written (a cycle, a BigInt) is still marked where it was.
        return JSON.stringify({ type: typeof (block as { type?: unknown })?.type === "string" ? (block as { type: string }).type : "unknown", unserializable: true });
    }
}

/**
 * A streamed reply's blocks carry their place in the reply (`index`, a number
 * or string: Bedrock's content block index), which LangChain's chunk merging
 * matches pieces on and keeps in the merged block; a block of a reply
 * received whole has none. It is no part of the content, so the record leaves
 * it out and one reply has one form, streamed or not.
 */
function withoutStreamPosition(block: unknown): unknown {
    if (typeof block !== "object" || block === null || Array.isArray(block) || !Object.hasOwn(block, "index")) return block;
    const { index, ...rest } = block as Record<string, unknown>;
    return typeof index === "number" || typeof index === "string" ? rest : block;
}

/** Text of a message's content, whether a string or a list of blocks. */
export function contentText(content: unknown): string {
    if (typeof content === "string") {
        return content;
    }
    if (Array.isArray(content)) {
        return content
            .map((block: unknown) => (typeof block === "string" ? block : typeof (block as { text?: unknown } | null)?.text === "string" ? (block as { text: string }).text : ""))
            .join("");
    }
    return "";
}

type BedrockUsage = { inputTokens?: number; outputTokens?: number; totalTokens?: number; cacheReadInputTokens?: number; cacheWriteInputTokens?: number };

interface ConverseResponseMetadata {
    usage?: BedrockUsage;
    metrics?: { latencyMs?: number };
    stopReason?: string;
    $metadata?: { requestId?: string; attempts?: number };
    /** A streamed reply: ConverseStream's `metadata` event. */
    metadata?: { usage?: BedrockUsage; metrics?: { latencyMs?: number } };
    /** A streamed reply: ConverseStream's `messageStop` event. */
    messageStop?: { stopReason?: string };
}

/** A reply message as ChatBedrockConverse builds it (response metadata read loosely: its shape differs when streamed). */
interface ReplyMessage {
    content?: unknown;
    tool_calls?: readonly ToolCallLike[];
    response_metadata?: object;
    usage_metadata?: UsageMetadata;
}

/**
 * Token counts in Bedrock's convention: `inputTokens` excludes the cache
 * tokens, which have their own fields. Bedrock's own usage comes first (unary
 * replies carry it at the top of `response_metadata`, streamed ones under
 * `metadata`); LangChain's `usage_metadata.input_tokens` adds the cache tokens
 * in, so they are taken out again when only that is present.
 */
export function bedrockUsage(message: ReplyMessage | undefined): BedrockUsage {
    const meta = (message?.response_metadata ?? {}) as ConverseResponseMetadata;
    const own = meta.usage ?? meta.metadata?.usage;
    if (own) {
        return own;
    }
    const lc = message?.usage_metadata;
    if (!lc) {
        return {};
    }
    const cacheRead = lc.input_token_details?.cache_read;
    const cacheWrite = lc.input_token_details?.cache_creation;
    return {
        inputTokens: lc.input_tokens === undefined ? undefined : lc.input_tokens - (cacheRead ?? 0) - (cacheWrite ?? 0),
        outputTokens: lc.output_tokens,
        totalTokens: lc.total_tokens,
        cacheReadInputTokens: cacheRead,
        cacheWriteInputTokens: cacheWrite,
    };
}

/** Bedrock's stop reason, unary or streamed. */
export function replyStopReason(message: ReplyMessage | undefined): string | undefined {
    const meta = message?.response_metadata as ConverseResponseMetadata | undefined;
    return meta?.stopReason ?? meta?.messageStop?.stopReason;
}

/** Usage and ids of a finished call, tokens in Bedrock's convention ({@link bedrockUsage}). */
export function extractOutput(output: LLMResult): CallResult {
    const generation = output.generations?.[0]?.[0] as { text?: string; message?: ReplyMessage } | undefined;
    const message = generation?.message;
    const meta = (message?.response_metadata ?? {}) as ConverseResponseMetadata;
    return {
        outputText: message ? recordedText(message.content, message.tool_calls) : (generation?.text ?? ""),
        usage: bedrockUsage(message),
        requestId: meta.$metadata?.requestId,
        attempts: meta.$metadata?.attempts,
        bedrockLatencyMs: meta.metrics?.latencyMs ?? meta.metadata?.metrics?.latencyMs,
        stopReason: replyStopReason(message),
    };
}

interface UsageMetadata {
    input_tokens?: number;
    output_tokens?: number;
    total_tokens?: number;
    input_token_details?: { cache_read?: number; cache_creation?: number };
}

function isScalar(value: unknown): value is string | number | boolean {
    return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function stringOrUndefined(value: unknown): string | undefined {
    return typeof value === "string" && value.length > 0 ? value : undefined;
}
