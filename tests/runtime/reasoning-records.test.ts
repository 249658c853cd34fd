/**
 * One reply that holds more than text (reasoning, its signature, redacted
 * reasoning) is recorded in one form whether it was streamed or not: the
 * position LangChain's stream chunks carry (`index`) is no part of it.
 */
import { strict as assert } from "assert";
import { createHash, randomUUID } from "crypto";
import { ConverseStreamCommand, type BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { ChatBedrockConverse } from "@langchain/aws";
import { AIMessage, AIMessageChunk, HumanMessage } from "@langchain/core/messages";
import { useLocalAws } from "../../testing/local-aws";
import { HAIKU, TENANT_ENV } from "../../testing/runtime-fixtures";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { recordedText } from "../../runtime/run-data";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import type { ContentMode } from "../../contract";
import { MemorySink } from "../support/memory-sink";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const REDACTED = new Uint8Array([1, 2, 3, 4, 5]);
const ANSWER = "The answer is 4.";

/**
 * A Bedrock client that answers Converse and ConverseStream with one reply: signed
 * reasoning (streamed in two pieces, then its signature), redacted reasoning, then text.
 */
function replyingClient(): BedrockRuntimeClient {
    const usage = { inputTokens: 5, outputTokens: 7, totalTokens: 12 };
    const events = [
        { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: "2+2 " } } } },
        { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: "is 4" } } } },
        { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { signature: "sig-abc" } } } },
        { contentBlockStop: { contentBlockIndex: 0 } },
        { contentBlockDelta: { contentBlockIndex: 1, delta: { reasoningContent: { redactedContent: REDACTED } } } },
        { contentBlockStop: { contentBlockIndex: 1 } },
        { contentBlockDelta: { contentBlockIndex: 2, delta: { text: "The answer " } } },
        { contentBlockDelta: { contentBlockIndex: 2, delta: { text: "is 4." } } },
        { contentBlockStop: { contentBlockIndex: 2 } },
        { messageStop: { stopReason: "end_turn" } },
        { metadata: { usage, metrics: { latencyMs: 9 } } },
    ];
    const send = (command: unknown) =>
        Promise.resolve(
            command instanceof ConverseStreamCommand
                ? {
                      $metadata: {},
                      stream: (async function* () {
                          yield* events;
                      })(),
                  }
                : {
                      $metadata: { requestId: "req-1", attempts: 1 },
                      output: {
                          message: {
                              role: "assistant",
                              content: [{ reasoningContent: { reasoningText: { text: "2+2 is 4", signature: "sig-abc" } } }, { reasoningContent: { redactedContent: REDACTED } }, { text: ANSWER }],
                          },
                      },
                      stopReason: "end_turn",
                      usage,
                      metrics: { latencyMs: 9 },
                  },
        );
    return { send, config: {}, middlewareStack: { add: () => undefined, use: () => undefined } } as unknown as BedrockRuntimeClient;
}

const modelOf = () => new ChatBedrockConverse({ model: HAIKU, region: "us-east-1", client: replyingClient() });

describe("records of a reply with reasoning, streamed or not", () => {
    it("a logger attached as a callback records the unary and the streamed reply alike", async () => {
        const sink = new MemorySink();
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", contentMode: "full", onWarning: () => undefined });
        await modelOf().invoke("2+2?", { callbacks: [logger] });
        for await (const _ of await modelOf().stream("2+2?", { callbacks: [logger] })) void _;
        await logger.flush();

        const [unary, streamed] = sink.records();
        assert.deepEqual([unary.operation, streamed.operation], ["Converse", "ConverseStream"]);
        const text = unary.output.outputText ?? "";
        assert.ok(text.startsWith(`${ANSWER}\n`), text);
        assert.match(text, /"reasoning":"2\+2 is 4","signature":"sig-abc"/);
        assert.match(text, new RegExp(`"redactedContent":"${Buffer.from(REDACTED).toString("base64")}"`));
        assert.doesNotMatch(streamed.output.outputText ?? "", /"index"/);
        assert.equal(streamed.output.outputText, text);
        assert.equal(streamed.output.outputCharCount, unary.output.outputCharCount);
    });

    it("the record the audited model builds from the chunks it passes on is the form of the unary reply", async () => {
        const unary = await modelOf().invoke("2+2?");
        const logger = new PrivateInvocationLogger({ sink: new MemorySink(), tenantId: "customer-a", contentMode: "full", onWarning: () => undefined });
        const runId = randomUUID();
        void logger.runStarted(runId, [new HumanMessage("2+2?")], {});
        logger.observeStream(runId);
        for await (const chunk of await modelOf().stream("2+2?")) logger.observeStream(runId, chunk.text, chunk);
        const streamed = logger.streamedText(runId);
        void logger.runFailed(runId, new Error("end"));

        assert.doesNotMatch(streamed, /"index"/);
        assert.equal(streamed, recordedText(unary.content, unary.tool_calls));
    });

    it("a prompt holding a reply records it alike whether that reply was streamed or not", async () => {
        const unary = await modelOf().invoke("2+2?");
        let merged: AIMessageChunk | undefined;
        for await (const chunk of await modelOf().stream("2+2?")) merged = merged ? merged.concat(chunk) : chunk;
        assert.ok(merged);
        const fromStream = new AIMessage({ content: merged.content });
        assert.equal(recordedText(fromStream.content), recordedText(unary.content));
    });

    it("keeps a key named index inside a block, and an index that is no stream position", () => {
        const block = { type: "citations_content", citationsContent: { citations: [{ location: { index: 3 } }] }, index: { page: 2 } };
        assert.equal(recordedText([block]), JSON.stringify(block));
    });
});

describe("records of a reply with reasoning through createTenantChatModel (local Bedrock)", () => {
    const aws = useLocalAws();

    for (const contentMode of ["full", "hash"] as ContentMode[]) {
        it(`${contentMode} mode: invoke and stream of one reply give one character count and one text or digest`, async () => {
            aws().bedrock.reply = () => ({ text: ANSWER, reasoning: "2+2 is 4" });
            const sink = new MemorySink();
            const model = createTenantChatModel({ sink, env: { ...aws().env, ...TENANT_ENV }, contentMode, onWarning: () => undefined });
            await model.invoke("2+2?");
            for await (const _ of await model.stream("2+2?")) void _;
            await model.auditLogger.flush();

            const [unary, streamed] = sink.records();
            assert.deepEqual([unary.operation, streamed.operation], ["Converse", "ConverseStream"]);
            const expected = `${ANSWER}\n${JSON.stringify({ type: "reasoning", reasoning: "2+2 is 4" })}`;
            assert.equal(unary.output.outputCharCount, expected.length);
            assert.deepEqual(streamed.output, unary.output);
            if (contentMode === "hash") assert.equal(streamed.output.outputSha256, sha(expected));
            else assert.equal(streamed.output.outputText, expected);
        });
    }
});
