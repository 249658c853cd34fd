import { strict as assert } from "assert";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { ChatBedrockConverse } from "@langchain/aws";
import { LocalBedrockServer } from "../../testing/local-aws";
import { MemorySink } from "../support/memory-sink";
import { PrivateInvocationLogger, AuditWriteError } from "../../runtime/private-invocation-logger";
import type * as auditRecord from "../../runtime/audit-record";
import { withReplacedExport } from "../support/replaced-export";
import type { AuditSink } from "../../runtime/sinks/audit-sink";

describe("PrivateInvocationLogger in a LangChain application", () => {
    let bedrock: LocalBedrockServer;
    let model: ChatBedrockConverse;

    before(async () => {
        bedrock = await new LocalBedrockServer().start();
        model = new ChatBedrockConverse({
            model: "amazon.nova-micro-v1:0",
            region: "us-east-1",
            client: new BedrockRuntimeClient({
                region: "us-east-1",
                endpoint: bedrock.url,
                credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
                requestHandler: new NodeHttpHandler(),
                maxAttempts: 1,
            }),
        });
    });
    after(() => bedrock.close());

    it("records the ids and extra metadata passed to invoke", async () => {
        const sink = new MemorySink();
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-b", safeMetadataKeys: ["channel"], onWarning: () => undefined });

        await model.invoke("Hello there", { callbacks: [logger], metadata: { userId: "u-1", applicationId: "app", requestId: "r-1", kbId: "KB1", taskType: "chat", channel: "web" } });
        await logger.flush();

        const [record] = sink.records();
        assert.equal(record.tenantId, "customer-b");
        assert.deepEqual([record.userId, record.applicationId, record.clientRequestId, record.kbId, record.taskType], ["u-1", "app", "r-1", "KB1", "chat"]);
        assert.deepEqual(record.metadata, { channel: "web" });
        assert.equal(record.modelId, "amazon.nova-micro-v1:0");
        assert.equal(record.invokedModelId, undefined);
        assert.equal(record.input.inputTokenCount, 11);
        assert.equal(logger.stats().activeRuns, 0);
    });

    it("flushes a buffering sink at once instead of waiting for the sink's own timer", async () => {
        // Like CloudWatchLogsSink: a write settles only when the sink sends its buffer.
        const sink = new MemorySink();
        const held: (() => void)[] = [];
        const buffering: AuditSink = {
            write: (record) => new Promise<void>((resolve) => held.push(() => void sink.write(record).then(resolve))),
            flush: async () => held.splice(0).forEach((send) => send()),
            stats: () => sink.stats(),
        };
        const logger = new PrivateInvocationLogger({ sink: buffering, tenantId: "customer-b", onWarning: () => undefined });

        await model.invoke("Hello", { callbacks: [logger] });
        assert.equal(sink.records().length, 0);
        await logger.flush();

        assert.equal(sink.records().length, 1);
    });

    it("throws the audit failure to the caller in fail-closed mode", async () => {
        const sink = new MemorySink();
        sink.failWith = "log group unavailable";
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-b", auditMode: "fail-closed", onWarning: () => undefined });
        const quiet = console.error;
        console.error = () => undefined;
        try {
            await assert.rejects(model.invoke("Hello", { callbacks: [logger] }), AuditWriteError);
        } finally {
            console.error = quiet;
        }
        assert.equal(logger.stats().lost, 1);
        assert.equal(logger.stats().activeRuns, 0);
    });

    it("counts, reports and survives a failed write in best-effort mode", async () => {
        const sink = new MemorySink();
        sink.failWith = "log group unavailable";
        const warnings: string[] = [];
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-b", onWarning: (m) => warnings.push(m) });
        const reply = await model.invoke("Hello", { callbacks: [logger] });
        await logger.flush();
        assert.equal(reply.content, "ok");
        assert.equal(logger.stats().lost, 1);
        assert.ok(warnings.some((w) => w.includes("audit record lost (AuditDeliveryError)")));
    });

    for (const { why, reason, errorCode } of [
        { why: "the reason of its abort signal", reason: Object.assign(new Error("the Lambda deadline is near"), { name: "DeadlineExceeded" }), errorCode: "DeadlineExceeded" },
        { why: "AbortError when the signal gives no reason", reason: undefined, errorCode: "AbortError" },
    ]) {
        it(`records a call aborted in flight under ${why}`, async () => {
            const sink = new MemorySink();
            const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-b", onWarning: () => undefined });
            const controller = new AbortController();
            // Abort once the request has reached Bedrock, so the SDK (not LangChain) reports it.
            bedrock.faultFor = () => {
                controller.abort(reason);
                return { kind: "slow", ms: 10_000 };
            };
            try {
                await assert.rejects(model.invoke("Hello", { callbacks: [logger], signal: controller.signal }));
            } finally {
                bedrock.faultFor = undefined;
            }
            await logger.flush();

            const [record] = sink.records();
            assert.equal(record.outcome, "error");
            assert.equal(record.errorCode, errorCode);
            assert.equal(logger.stats().activeRuns, 0);
        });
    }

    it("warns about an end event without a start and writes nothing", async () => {
        const sink = new MemorySink();
        const warnings: string[] = [];
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-b", onWarning: (m) => warnings.push(m) });
        await logger.handleLLMEnd({ generations: [] }, "run-without-start");
        await logger.handleLLMError(new Error("x"), "another-orphan");
        assert.equal(sink.lines.length, 0);
        assert.equal(logger.stats().orphanEvents, 2);
        assert.equal(warnings.length, 2);
    });

    it("releases a run's waiters and counts the record as lost when the record cannot be built", async () => {
        const reply = { generations: [[{ text: "ok", message: { content: "ok", response_metadata: { usage: { inputTokens: 1, outputTokens: 1 } } } } as never]] };
        // No input makes a success record fail to build (a bad live price gives a null cost), so the fault is put in its builder.
        const failing = () => () => {
            throw new Error("record cannot be built");
        };
        await withReplacedExport<{ PrivateInvocationLogger: typeof PrivateInvocationLogger }, typeof auditRecord.successRecord>(
            "runtime/private-invocation-logger",
            "runtime/audit-record",
            "successRecord",
            failing,
            async (loaded) => {
                const warnings: string[] = [];
                const logger = new loaded.PrivateInvocationLogger({ sink: new MemorySink(), tenantId: "customer-b", onWarning: (m) => warnings.push(m) });
                // As a callback (best-effort: LangChain would swallow a rejection) and as the audited model calls it.
                await logger.handleChatModelStart(undefined, [[]], "run-1", undefined, undefined, undefined, { modelId: "acme.any-v1" });
                const first = logger.runFinished("run-1");
                const ended = await logger.handleLLMEnd(reply, "run-1").then(() => "resolved", () => "rejected");
                assert.equal(logger.runStarted("run-2", [], { modelId: "acme.any-v1" }), undefined);
                const second = logger.runFinished("run-2");
                assert.equal(logger.runEnded("run-2", reply), undefined);

                const waiting = (p: Promise<void>) => Promise.race([p.then(() => "released"), new Promise((resolve) => setTimeout(() => resolve("still waiting"), 1_000))]);
                assert.deepEqual([ended, await waiting(first), await waiting(second)], ["resolved", "released", "released"]);
                assert.equal(logger.stats().lost, 2);
                assert.equal(logger.stats().activeRuns, 0);
                assert.equal(warnings.filter((w) => w.startsWith("audit record lost")).length, 2, warnings.join("\n"));
            },
        );
    });

    it("rejects bad options, naming them", () => {
        const sink = new MemorySink();
        assert.throws(() => new PrivateInvocationLogger({ sink, tenantId: "Tenant A" }), /tenantId must be 1 to 32 lowercase letters, digits and hyphens.*got "Tenant A"/);
        assert.throws(() => new PrivateInvocationLogger({ sink, tenantId: "a", contentMode: "all" as never }), /contentMode must be one of none, hash, full, got "all"/);
        assert.throws(() => new PrivateInvocationLogger({ sink, tenantId: "a", auditMode: "strict" as never }), /auditMode must be one of best-effort, fail-closed, got "strict"/);
    });
});
