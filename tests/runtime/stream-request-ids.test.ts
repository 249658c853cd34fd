import { strict as assert } from "assert";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { ChatBedrockConverse } from "@langchain/aws";
import { HumanMessage } from "@langchain/core/messages";
import { AuditedChatBedrockConverse } from "../../runtime/audited-chat-model";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { cachingBedrockClient } from "../../runtime/wiring/ops-bedrock-client";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { HAIKU } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";
import { drain } from "../support/drain";

const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };

describe("a streamed call's request id reaches its record through the client's middleware", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    const config = () => ({ region: "us-east-1", endpoint: aws.bedrock.url, credentials: CREDENTIALS });
    const audited = (client: BedrockRuntimeClient, sink: MemorySink) =>
        new AuditedChatBedrockConverse({ model: HAIKU, region: "us-east-1", client, auditLogger: new PrivateInvocationLogger({ sink, tenantId: "acme", region: "us-east-1" }) });

    it("joins the client's middleware stack at the model's first stream, not before: unary calls build their handlers without it", async () => {
        const client = new BedrockRuntimeClient(config());
        const before = client.middlewareStack.identify();
        const sink = new MemorySink();
        const model = audited(client, sink);

        await model.invoke([new HumanMessage("unary")]);
        assert.deepEqual(client.middlewareStack.identify(), before);
        await drain(await model.stream([new HumanMessage("first stream")]));
        await drain(await audited(client, sink).stream([new HumanMessage("another model's stream")]));

        assert.equal(client.middlewareStack.identify().filter((step) => !before.includes(step)).length, 1);
        const streams = aws.bedrock.calls.slice(-2).map((c) => c.requestId);
        assert.deepEqual(sink.records().map((r) => r.requestId), [aws.bedrock.calls.at(-3)!.requestId, ...streams]);
    });

    it("on a client that reuses its handlers, a stream's record names its request id though a stream of another model built the handler first", async () => {
        const client = cachingBedrockClient(config());
        // The client's cached handler for ConverseStream is resolved here, before the audited model knows the client.
        await drain(await new ChatBedrockConverse({ model: HAIKU, region: "us-east-1", client }).stream([new HumanMessage("plain stream")]));
        const sink = new MemorySink();

        await drain(await audited(client, sink).stream([new HumanMessage("audited stream")]));

        const call = aws.bedrock.calls.at(-1)!;
        assert.deepEqual(sink.records().map((r) => [r.operation, r.outcome, r.requestId]), [["ConverseStream", "success", call.requestId]]);
    });

    it("gives each of two tenants' streams run under one caller-chosen run id at once its own request id", async () => {
        // Two tenants' models, each with its own logger, on one client: a run id is refused only while its own logger runs it.
        const client = new BedrockRuntimeClient(config());
        const [sinkA, sinkB] = [new MemorySink(), new MemorySink()];
        const [modelA, modelB] = [audited(client, sinkA), audited(client, sinkB)];
        let releaseA!: () => void;
        const heldA = new Promise<void>((resolve) => (releaseA = resolve));
        // A's answer waits until B streams: A's response (and its request id) arrives while B's stream is still open.
        aws.bedrock.faultFor = (request) => (request.body.includes("tenant A") ? { kind: "held", release: heldA } : undefined);
        aws.bedrock.reply = () => ({ text: "one two three", chunkDelayMs: 20 });
        const runId = "caller-request-42";

        // `stream` resolves at the first chunk, which A's held answer withholds.
        const a = modelA.stream([new HumanMessage("tenant A")], { runId }).then(drain);
        while (!aws.bedrock.requests.some((r) => r.body.includes("tenant A"))) await new Promise((resolve) => setTimeout(resolve, 5));
        const streamB = await modelB.stream([new HumanMessage("tenant B")], { runId });
        const b = (async () => {
            let n = 0;
            for await (const _ of streamB) if (++n === 1) releaseA();
            return n;
        })();
        await Promise.all([a, b]);

        const requestIdOf = (tenant: string) => aws.bedrock.calls.find((c) => JSON.stringify(c.body).includes(tenant))!.requestId;
        assert.notEqual(requestIdOf("tenant A"), requestIdOf("tenant B"));
        assert.deepEqual(sinkA.records().map((r) => [r.callId, r.outcome, r.requestId]), [[runId, "success", requestIdOf("tenant A")]]);
        assert.deepEqual(sinkB.records().map((r) => [r.callId, r.outcome, r.requestId]), [[runId, "success", requestIdOf("tenant B")]]);
    });

    it("takes the run id out of the request before it is built, with the caller's own request metadata kept", async () => {
        const client = cachingBedrockClient(config());
        const sink = new MemorySink();

        await drain(await audited(client, sink).stream([new HumanMessage("with metadata")], { requestMetadata: { team: "search" } }));
        await drain(await audited(client, sink).stream([new HumanMessage("without")]));

        const [withMetadata, without] = aws.bedrock.calls.slice(-2).map((c) => (c.body as { requestMetadata?: unknown }).requestMetadata);
        assert.deepEqual(withMetadata, { team: "search" });
        assert.equal(without, undefined);
        assert.deepEqual(sink.records().map((r) => r.requestId), aws.bedrock.calls.slice(-2).map((c) => c.requestId));
    });
});
