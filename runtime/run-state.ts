/**
 * What the logger keeps about one model call between its start and its end
 * or error event: what the start knew, the stream so far, and Bedrock's
 * response ids. One per run id, dropped when the run ends.
 */
import type { AIMessageChunk } from "@langchain/core/messages";
import type { BedrockOperation, CallStart } from "./audit-record";
import { RecordedText } from "./run-data";

export interface RunState {
    start: CallStart;
    startedMs: number;
    /** The call's abort signal: its reason says why an aborted call stopped. */
    signal?: AbortSignal;
    /** Set once the call is known to be a ConverseStream call. */
    stream?: StreamProgress;
    /** Bedrock's request id and attempts, when the client reported them (streamed replies do not carry them). */
    response?: { requestId?: string; attempts?: number };
}

/** What a stream has delivered so far: a stream cut short is recorded with it. */
export interface StreamProgress {
    /** Chunks are counted by the model wrapper, so token events are not counted twice. */
    observed: boolean;
    firstTokenMs?: number;
    deltas: number;
    text: string[];
    /** What the stream sent besides text (tool calls, reasoning), merged as it arrives: the record holds it too. */
    parts?: AIMessageChunk;
}

/** Records a streamed delta (`observed`: counted by the model wrapper, so token events are not counted twice). */
export function noteDelta(run: RunState, text: string | undefined, observed: boolean, message?: AIMessageChunk): void {
    const stream = (run.stream ??= { observed, deltas: 0, text: [] });
    stream.observed ||= observed;
    if (text) {
        stream.firstTokenMs ??= elapsed(run);
        stream.deltas++;
        stream.text.push(text);
    }
    if (message !== undefined && carriesParts(message)) stream.parts = stream.parts ? stream.parts.concat(message) : message;
}

/** A chunk holding more than text: a piece of a tool call, or a block such as reasoning. */
function carriesParts(message: AIMessageChunk): boolean {
    if ((message.tool_call_chunks?.length ?? 0) > 0) return true;
    return Array.isArray(message.content) && message.content.some((b) => typeof b !== "string" && !(b.type === "text" && typeof (b as { text?: unknown }).text === "string"));
}

/** What a record holds of a stream so far, in the form of {@link recordedText}: tool calls whole or as far as they came. */
export function streamText(stream: StreamProgress): string {
    const text = stream.text.join("");
    const parts = stream.parts;
    if (parts === undefined) return text;
    const out = new RecordedText();
    out.text(text);
    // Text blocks are in `text` already, as the caller received them.
    if (Array.isArray(parts.content)) for (const block of parts.content) out.block(block, { skipText: true });
    for (const call of parts.tool_calls ?? []) out.toolCall(call);
    for (const call of parts.invalid_tool_calls ?? []) out.toolCall(call);
    return out.value;
}

export function operationOf(run: RunState): BedrockOperation {
    return run.stream ? "ConverseStream" : "Converse";
}

/** Whole milliseconds since the call started. */
export function elapsed(run: RunState): number {
    return Math.round(performance.now() - run.startedMs);
}
