/**
 * BEDROCK_TENANCY_BEDROCK_REQUEST_TIMEOUT_MS fails a Bedrock attempt whose
 * socket stays silent that long: the SDK retries it, and the call ends as a
 * recorded error. It bounds silence, not a whole stream: a long stream that
 * keeps sending is not cut.
 */
import { strict as assert } from "assert";
import { RuntimeEnv } from "../../contract";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { CONTEXT, TENANT_ENV, event, handlerWithCapture } from "../../testing/runtime-fixtures";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { MemorySink } from "../support/memory-sink";
import { awslambdaHarness, invokeStreaming } from "../support/lambda-stream-harness";

const TIMEOUT_ENV = { [RuntimeEnv.bedrockRequestTimeoutMs]: "1000", [RuntimeEnv.bedrockMaxAttempts]: "2" };

describe("the Bedrock request timeout per attempt", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    it("the handler fails an attempt silent past the timeout, retries it, and records the error", async () => {
        aws.bedrock.failNext({ kind: "slow", ms: 4000 }, { kind: "slow", ms: 4000 });
        const { handler, stdout } = handlerWithCapture({ ...aws.env, ...TIMEOUT_ENV }, { bedrockClientConfig: {} });
        const started = Date.now();

        const response = await handler(event(), CONTEXT);

        assert.ok("error" in response, `expected an error, got ${JSON.stringify(response)}`);
        assert.equal(response.error.code, "ModelError");
        assert.equal(aws.bedrock.requests.length, 2);
        assert.ok(Date.now() - started < 3900, `took ${Date.now() - started} ms`);
        const records = stdout.records();
        assert.equal(records.length, 1);
        assert.equal(records[0].outcome, "error");
        assert.equal(records[0].errorCode, "TimeoutError");
        assert.equal(records[0].attempts, 2);
    });

    it("createTenantChatModel fails an attempt silent past the timeout, retries it, and records the error", async () => {
        aws.bedrock.failNext({ kind: "slow", ms: 4000 }, { kind: "slow", ms: 4000 });
        const sink = new MemorySink();
        const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV, ...TIMEOUT_ENV } });

        await assert.rejects(model.invoke("Summarise the contract."), (err: Error) => err.name === "TimeoutError");
        await model.auditLogger.flush();

        assert.equal(aws.bedrock.requests.length, 2);
        const records = sink.records().filter((r) => r.outcome !== "started");
        assert.equal(records.length, 1);
        assert.equal(records[0].outcome, "error");
        assert.equal(records[0].errorCode, "TimeoutError");
    });

    it("does not cut a healthy stream that runs longer than the timeout", async () => {
        aws.bedrock.reply = () => ({ text: "a b c d e f", chunks: ["a ", "b ", "c ", "d ", "e ", "f"], chunkDelayMs: 400, usage: { inputTokens: 3, outputTokens: 6 } });
        const built = handlerWithCapture({ ...aws.env, ...TIMEOUT_ENV }, { bedrockClientConfig: {} });
        const stream = awslambdaHarness.streamifyResponse(built.handler.stream);

        const { stream: response } = await invokeStreaming(stream, event(), CONTEXT);

        assert.equal(response.lines.at(-1)?.line.type, "end");
        assert.equal(response.lines.filter((l) => l.line.type === "chunk").length, 6);
        assert.equal(built.stdout.records()[0].outcome, "success");
    });
});
