import { strict as assert } from "assert";
import { BedrockRuntimeClient, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { AuditedChatBedrockConverse } from "../../runtime/audited-chat-model";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { MemorySink } from "../support/memory-sink";
import { within } from "../support/within";

/** A client whose ConverseStream answer opens with text (no messageStart first), as a relay in front of Bedrock may send it. */
function textFirstClient(): BedrockRuntimeClient {
    const events = [
        { contentBlockDelta: { contentBlockIndex: 0, delta: { text: "first " } } },
        { contentBlockDelta: { contentBlockIndex: 0, delta: { text: "second" } } },
        { contentBlockStop: { contentBlockIndex: 0 } },
        { messageStop: { stopReason: "end_turn" } },
        { metadata: { usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 }, metrics: { latencyMs: 9 } } },
    ];
    const send = (command: unknown) => {
        if (!(command instanceof ConverseStreamCommand)) return Promise.reject(new Error("only ConverseStream here"));
        return Promise.resolve({
            $metadata: {},
            stream: (async function* () {
                yield* events;
            })(),
        });
    };
    return { send, config: {}, middlewareStack: { add: () => undefined, use: () => undefined } } as unknown as BedrockRuntimeClient;
}

describe("a stream left before the caller reads any chunk", () => {
    const modelOver = (sink: MemorySink) =>
        new AuditedChatBedrockConverse({
            model: "amazon.nova-lite-v1:0",
            region: "us-east-1",
            client: textFirstClient(),
            auditLogger: new PrivateInvocationLogger({ sink, tenantId: "customer-a", contentMode: "full", onWarning: () => undefined }),
        });

    for (const how of ["return", "cancel"] as const) {
        it(`${how}() records no text: the chunk fetched to start the stream never reached the caller`, async () => {
            const sink = new MemorySink();
            const model = modelOver(sink);
            const stream = await model.stream("hello", { runId: `unread-${how}` });

            await within<unknown>(2000, how === "return" ? stream.return() : stream.cancel(), how);
            await within(2000, model.auditLogger.runFinished(`unread-${how}`), "runFinished");

            const records = sink.records();
            assert.deepEqual(
                records.map((r) => [r.outcome, r.errorCode, r.output]),
                [["error", "StreamClosed", { outputCharCount: 0, outputText: "", outputTokenCount: 0 }]],
            );
        });
    }

    it("records the first chunk once the caller has read it", async () => {
        const sink = new MemorySink();
        const model = modelOver(sink);
        const stream = await model.stream("hello", { runId: "read-one" });

        const first = await stream.next();
        await within(2000, stream.return(), "return");
        await within(2000, model.auditLogger.runFinished("read-one"), "runFinished");

        assert.equal(first.value?.text, "first ");
        assert.deepEqual(
            sink.records().map((r) => [r.outcome, r.errorCode, (r.output as { outputText?: string }).outputText]),
            [["error", "StreamClosed", "first "]],
        );
    });

    it("records the whole answer of a stream read to its end", async () => {
        const sink = new MemorySink();
        const model = modelOver(sink);
        let received = "";

        for await (const chunk of await model.stream("hello", { runId: "read-all" })) received += chunk.text;

        assert.equal(received, "first second");
        assert.deepEqual(
            sink.records().map((r) => [r.outcome, (r.output as { outputText?: string }).outputText]),
            [["success", "first second"]],
        );
    });
});
