/**
 * ConverseStream's answer in AWS event-stream framing
 * (`application/vnd.amazon.eventstream`), encoded with the SDK's own codec so
 * the real client decodes it exactly as it decodes Bedrock's.
 */
import { EventStreamCodec } from "@smithy/core/event-streams";
import type { ConverseReply } from "./bedrock-server";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const codec = new EventStreamCodec((bytes) => decoder.decode(bytes), (text) => encoder.encode(text));

/** One event-stream message of type `event`. */
export function eventFrame(eventType: string, payload: unknown): Uint8Array {
    return codec.encode({
        headers: {
            ":event-type": { type: "string", value: eventType },
            ":content-type": { type: "string", value: "application/json" },
            ":message-type": { type: "string", value: "event" },
        },
        body: encoder.encode(JSON.stringify(payload)),
    });
}

/** The text deltas of a reply: `chunks` as given, else the text split after each space. */
export function replyChunks(reply: ConverseReply): string[] {
    return reply.chunks ?? (reply.text.match(/\S+\s*|\s+/g) ?? [reply.text]);
}

/** Every frame of a streamed reply, in Bedrock's order: start, deltas, stops, then usage and metrics. */
export function streamFrames(reply: ConverseReply): { deltas: Uint8Array[]; head: Uint8Array; tail: Uint8Array[] } {
    const usage = reply.usage ?? { inputTokens: 0, outputTokens: 0 };
    // Reasoning, when the reply has it, is the first block, as a reasoning model sends it.
    const reasoningFrames =
        reply.reasoning === undefined ? [] : [eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { reasoningContent: { text: reply.reasoning } } }), eventFrame("contentBlockStop", { contentBlockIndex: 0 })];
    const textIndex = reasoningFrames.length === 0 ? 0 : 1;
    const textDeltas = replyChunks(reply).map((text) => eventFrame("contentBlockDelta", { contentBlockIndex: textIndex, delta: { text } }));
    const tools = reply.toolUse ?? [];
    // Each tool call is a block of its own after the text: its start names it, its deltas carry the input's JSON in pieces.
    const toolFrames = tools.flatMap(({ toolUseId, name, input }, i) => {
        const index = textIndex + 1 + i;
        const json = JSON.stringify(input);
        const half = Math.ceil(json.length / 2);
        return [
            eventFrame("contentBlockStart", { contentBlockIndex: index, start: { toolUse: { toolUseId, name } } }),
            ...[json.slice(0, half), json.slice(half)].filter((piece) => piece !== "").map((piece) => eventFrame("contentBlockDelta", { contentBlockIndex: index, delta: { toolUse: { input: piece } } })),
            eventFrame("contentBlockStop", { contentBlockIndex: index }),
        ];
    });
    const textStop = eventFrame("contentBlockStop", { contentBlockIndex: textIndex });
    return {
        head: eventFrame("messageStart", { role: "assistant" }),
        deltas: tools.length === 0 ? [...reasoningFrames, ...textDeltas] : [...reasoningFrames, ...textDeltas, textStop, ...toolFrames],
        tail: [
            ...(tools.length === 0 ? [textStop] : []),
            eventFrame("messageStop", { stopReason: reply.stopReason ?? "end_turn" }),
            eventFrame("metadata", {
                usage: { totalTokens: usage.inputTokens + usage.outputTokens, ...usage },
                metrics: { latencyMs: reply.latencyMs ?? 42 },
            }),
        ],
    };
}
