import { strict as assert } from "assert";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { ChatBedrockConverse } from "@langchain/aws";
import { useLocalAws } from "../../testing/local-aws";
import { HAIKU } from "../../testing/runtime-fixtures";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { MemorySink } from "../support/memory-sink";

describe("PrivateInvocationLogger with a plain ChatBedrockConverse.stream (local ConverseStream)", () => {
    const aws = useLocalAws();

    it("records ConverseStream with Bedrock's stop reason, latency and token counts, cache tokens apart", async () => {
        aws().bedrock.reply = () => ({ text: "a b c", stopReason: "max_tokens", latencyMs: 77, usage: { inputTokens: 27, outputTokens: 3, cacheReadInputTokens: 10, cacheWriteInputTokens: 6 } });
        const sink = new MemorySink();
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a" });
        const client = new BedrockRuntimeClient({ region: "us-east-1", endpoint: aws().bedrock.url, credentials: { accessKeyId: "AKIDX", secretAccessKey: "s" }, requestHandler: new NodeHttpHandler() });
        const model = new ChatBedrockConverse({ model: HAIKU, region: "us-east-1", client });

        let usage: unknown;
        for await (const chunk of await model.stream("hello", { callbacks: [logger] })) {
            usage ??= chunk.usage_metadata;
        }

        // LangChain's own count adds the cache tokens in (27 + 10 + 6); the record keeps Bedrock's.
        assert.equal((usage as { input_tokens: number }).input_tokens, 43);
        const [r] = sink.records();
        assert.equal(sink.records().length, 1);
        assert.equal(r.operation, "ConverseStream");
        assert.equal(r.stopReason, "max_tokens");
        assert.equal(r.bedrockLatencyMs, 77);
        assert.deepEqual(r.input, { inputTokenCount: 27, cacheReadInputTokenCount: 10, cacheWriteInputTokenCount: 6, inputCharCount: 5 });
        assert.deepEqual(r.output, { outputTokenCount: 3, outputCharCount: 5 });
        assert.ok(typeof r.timeToFirstTokenMs === "number");
    });
});
