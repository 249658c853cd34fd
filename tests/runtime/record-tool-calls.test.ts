/** A reply that is a tool call, and a prompt that holds one, are in the record: the call's name and arguments, not an empty text. */
import { strict as assert } from "assert";
import { createHash } from "crypto";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { ChatBedrockConverse } from "@langchain/aws";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { useLocalAws } from "../../testing/local-aws";
import { HAIKU, TENANT_ENV } from "../../testing/runtime-fixtures";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { recordedText } from "../../runtime/run-data";
import type { ContentMode } from "../../contract";
import { MemorySink } from "../support/memory-sink";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const transfer = tool(async () => "done", { name: "transfer_funds", description: "moves money", schema: z.object({ to: z.string(), amountUsd: z.number() }) });
const callOf = (amountUsd: number) => ({ toolUseId: "tu-1", name: "transfer_funds", input: { to: "acct-9", amountUsd } });
const callJson = (amountUsd: number) => JSON.stringify({ type: "tool_call", id: "tu-1", name: "transfer_funds", args: { to: "acct-9", amountUsd } });

describe("records of tool calls", () => {
    const aws = useLocalAws();
    const modelWith = (sink: MemorySink, contentMode: ContentMode) =>
        createTenantChatModel({ sink, env: { ...aws().env, ...TENANT_ENV }, contentMode, onWarning: () => undefined });

    it("full mode: a reply that is a tool call holds the call, with its arguments", async () => {
        const sink = new MemorySink();
        const model = modelWith(sink, "full");
        aws().bedrock.reply = () => ({ text: "", stopReason: "tool_use", toolUse: [callOf(1_000_000)] });
        const reply = await model.bindTools([transfer]).invoke("pay the invoice");
        assert.equal(reply.tool_calls?.[0].args.amountUsd, 1_000_000);
        const [record] = sink.records();
        assert.equal(record.stopReason, "tool_use");
        assert.equal(record.output.outputText, callJson(1_000_000));
        assert.equal(record.output.outputCharCount, callJson(1_000_000).length);
    });

    it("hash mode: two tool calls that differ in their arguments have different digests, neither that of the empty text", async () => {
        const sink = new MemorySink();
        const model = modelWith(sink, "hash").bindTools([transfer]);
        for (const amount of [10, 1_000_000]) {
            aws().bedrock.reply = () => ({ text: "", stopReason: "tool_use", toolUse: [callOf(amount)] });
            await model.invoke("pay the invoice");
        }
        const [small, large] = sink.records().map((r) => r.output.outputSha256);
        assert.equal(small, sha(callJson(10)));
        assert.equal(large, sha(callJson(1_000_000)));
        assert.notEqual(small, sha(""));
    });

    it("text before a tool call stays, and the call follows on a line of its own", async () => {
        const sink = new MemorySink();
        aws().bedrock.reply = () => ({ text: "Paying now.", stopReason: "tool_use", toolUse: [callOf(10)] });
        await modelWith(sink, "full").bindTools([transfer]).invoke("pay the invoice");
        assert.equal(sink.records()[0].output.outputText, `Paying now.\n${callJson(10)}`);
    });

    it("a prompt holding an earlier tool call and its result records both", async () => {
        const sink = new MemorySink();
        const history = [
            new HumanMessage("pay"),
            new AIMessage({ content: "", tool_calls: [{ id: "tu-1", name: "transfer_funds", args: { to: "acct-9", amountUsd: 1_000_000 } }] }),
            new ToolMessage({ tool_call_id: "tu-1", content: "done" }),
        ];
        await modelWith(sink, "full").invoke(history);
        assert.equal(sink.records()[0].input.inputText, `pay\n${callJson(1_000_000)}\ndone`);
    });

    it("a streamed tool call is recorded whole, its arguments joined from their pieces", async () => {
        const sink = new MemorySink();
        aws().bedrock.reply = () => ({ text: "Paying now.", chunks: ["Paying ", "now."], stopReason: "tool_use", toolUse: [callOf(1_000_000)] });
        let text = "";
        for await (const chunk of await modelWith(sink, "full").bindTools([transfer]).stream("pay the invoice")) text += chunk.text;
        assert.equal(text, "Paying now.");
        const [record] = sink.records();
        assert.equal(record.operation, "ConverseStream");
        assert.equal(record.output.outputText, `Paying now.\n${callJson(1_000_000)}`);
    });

    it("records one streamed reply alike whichever way it was streamed", async () => {
        aws().bedrock.reply = () => ({ text: "Paying now.", chunks: ["Paying ", "now."], reasoning: "the invoice is due", stopReason: "tool_use", toolUse: [callOf(10)] });
        const recorded = async (call: (sink: MemorySink) => Promise<unknown>) => {
            const sink = new MemorySink();
            await call(sink);
            const [record] = sink.records();
            assert.equal(record.operation, "ConverseStream");
            return record.output.outputText;
        };
        const viaStream = await recorded(async (sink) => {
            for await (const _ of await modelWith(sink, "full").bindTools([transfer]).stream("pay the invoice")) void _;
        });
        const viaStreamingInvoke = await recorded((sink) =>
            createTenantChatModel({ sink, env: { ...aws().env, ...TENANT_ENV }, contentMode: "full", modelFields: { streaming: true }, onWarning: () => undefined }).bindTools([transfer]).invoke("pay the invoice"));
        const viaCallback = await recorded(async (sink) => {
            const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", contentMode: "full" });
            const client = new BedrockRuntimeClient({ region: "us-east-1", endpoint: aws().bedrock.url, credentials: { accessKeyId: "AKIDX", secretAccessKey: "s" }, requestHandler: new NodeHttpHandler() });
            for await (const _ of await new ChatBedrockConverse({ model: HAIKU, region: "us-east-1", client }).stream("pay the invoice", { tools: [transfer], callbacks: [logger] })) void _;
            await logger.flush();
        });
        assert.ok(viaStream?.startsWith("Paying now.\n{"), viaStream);
        assert.match(viaStream ?? "", /the invoice is due/);
        assert.ok(viaStream?.endsWith(callJson(10)), viaStream);
        assert.equal(viaStreamingInvoke, viaStream);
        assert.equal(viaCallback, viaStream);
    });

    it("structured output (a tool call under the hood) is recorded", async () => {
        const sink = new MemorySink();
        aws().bedrock.reply = () => ({ text: "", stopReason: "tool_use", toolUse: [{ toolUseId: "tu-1", name: "extract", input: { to: "acct-9", amountUsd: 42 } }] });
        const structured = modelWith(sink, "full").withStructuredOutput(z.object({ to: z.string(), amountUsd: z.number() }), { name: "extract" });
        assert.deepEqual(await structured.invoke("who gets paid?"), { to: "acct-9", amountUsd: 42 });
        assert.match(sink.records()[0].output.outputText ?? "", /"name":"extract","args":\{"to":"acct-9","amountUsd":42\}/);
    });

    it("a stream cut short inside a tool call records the call as far as it came", async () => {
        const sink = new MemorySink();
        aws().bedrock.reply = () => ({ text: "", chunks: [], chunkDelayMs: 30, stopReason: "tool_use", toolUse: [callOf(1_000_000)] });
        const controller = new AbortController();
        const audited = modelWith(sink, "full");
        const model = audited.bindTools([transfer]);
        await assert.rejects(async () => {
            for await (const chunk of await model.stream("pay the invoice", { signal: controller.signal })) {
                if (chunk.tool_call_chunks?.some((c) => c.args)) controller.abort();
            }
        });
        await audited.auditLogger.flush();
        const [record] = sink.records();
        assert.equal(record.outcome, "error");
        assert.match(record.output.outputText ?? "", /^\{"type":"tool_call","id":"tu-1","name":"transfer_funds","args":/);
    });

    it("a logger attached to a plain model records a streamed tool call", async () => {
        const sink = new MemorySink();
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", contentMode: "full" });
        const client = new BedrockRuntimeClient({ region: "us-east-1", endpoint: aws().bedrock.url, credentials: { accessKeyId: "AKIDX", secretAccessKey: "s" }, requestHandler: new NodeHttpHandler() });
        aws().bedrock.reply = () => ({ text: "", stopReason: "tool_use", toolUse: [callOf(10)] });
        const model = new ChatBedrockConverse({ model: HAIKU, region: "us-east-1", client });
        for await (const _ of await model.stream("pay the invoice", { tools: [transfer], callbacks: [logger] })) void _;
        await logger.flush();
        assert.equal(sink.records()[0].output.outputText, callJson(10));
    });
});

describe("recordedText", () => {
    it("keeps plain text as it is", () => {
        assert.equal(recordedText("hello"), "hello");
        assert.equal(recordedText([{ type: "text", text: "a" }, { type: "text", text: "b" }]), "ab");
    });

    it("writes an image's bytes in base64, not one key per byte", () => {
        const bytes = new Uint8Array([104, 105]);
        const text = recordedText([{ type: "text", text: "what is this?" }, { type: "image", image: { format: "png", source: { bytes } } }]);
        assert.equal(text, `what is this?\n${JSON.stringify({ type: "image", image: { format: "png", source: { bytes: "aGk=" } } })}`);
    });

    it("keeps reasoning, after the text whatever the blocks' order, tool calls last", () => {
        const text = recordedText([{ type: "reasoning", reasoning: "think" }, { type: "text", text: "ans" }, { type: "text", text: "wer" }], [{ id: "t", name: "f", args: {} }]);
        assert.equal(text, `answer\n${JSON.stringify({ type: "reasoning", reasoning: "think" })}\n${JSON.stringify({ type: "tool_call", id: "t", name: "f", args: {} })}`);
    });

    it("leaves out cache points, which carry no content", () => {
        assert.equal(recordedText([{ type: "text", text: "system" }, { type: "cache_point", cachePoint: { type: "default" } }, { cachePoint: { type: "default" } }]), "system");
    });

    it("marks a part that cannot be written instead of failing the record", () => {
        const cyclic: Record<string, unknown> = { type: "document" };
        cyclic.self = cyclic;
        assert.equal(recordedText([cyclic]), JSON.stringify({ type: "document", unserializable: true }));
    });
});
