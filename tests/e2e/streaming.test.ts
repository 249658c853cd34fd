import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { contextWithDeadline } from "../support/runtime-harness";
import { awslambdaHarness, invokeStreaming } from "../support/lambda-stream-harness";
import { CONTEXT, HAIKU, event, handlerWithCapture } from "../../testing/runtime-fixtures";
import type { AuditSink } from "../../runtime/sinks/audit-sink";
import { MemorySink } from "../support/memory-sink";

const CACHED_USAGE = { inputTokens: 27, outputTokens: 4, cacheReadInputTokens: 16, totalTokens: 47 };
const REPLY = { text: "one two three four", stopReason: "end_turn", usage: CACHED_USAGE, latencyMs: 42 };

describe("Lambda response streaming end to end (streamifyResponse harness, local ConverseStream)", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    function streamingHandler(options = {}) {
        const built = handlerWithCapture(aws.env, options);
        return { ...built, stream: awslambdaHarness.streamifyResponse(built.handler.stream) };
    }

    it("delivers each chunk before the end and writes one complete ConverseStream record", async () => {
        aws.bedrock.reply = () => ({ ...REPLY, chunkDelayMs: 40 });
        const { stream, stdout } = streamingHandler();

        const { stream: response, endedMs } = await invokeStreaming(stream, event({ requestId: "req-s1" }), CONTEXT);

        const chunks = response.lines.filter((l) => l.line.type === "chunk");
        assert.deepEqual(chunks.map((c) => (c.line as { text: string }).text), ["one ", "two ", "three ", "four"]);
        // The first text reached the caller while the model was still sending (3 more deltas, 40 ms apart).
        assert.ok(chunks[0].atMs + 80 < endedMs, `first chunk at ${chunks[0].atMs} ms, end at ${endedMs} ms`);
        assert.equal(response.contentType, "application/x-ndjson");
        assert.deepEqual(response.lines.at(-1)?.line, {
            type: "end",
            modelId: HAIKU,
            stopReason: "end_turn",
            usage: CACHED_USAGE,
            clientRequestId: "req-s1",
        });
        const records = stdout.records();
        assert.equal(records.length, 1);
        const r = records[0];
        assert.equal(r.operation, "ConverseStream");
        assert.equal(aws.bedrock.calls[0].operation, "ConverseStream");
        assert.equal(r.requestId, aws.bedrock.calls[0].requestId);
        assert.equal(r.stopReason, "end_turn");
        assert.equal(r.bedrockLatencyMs, 42);
        assert.ok(typeof r.timeToFirstTokenMs === "number" && r.timeToFirstTokenMs >= 0 && r.timeToFirstTokenMs < (r.latencyMs as number));
        assert.deepEqual(r.input, { inputTokenCount: 27, cacheReadInputTokenCount: 16, inputCharCount: 23 });
        assert.deepEqual(r.output, { outputTokenCount: 4, outputCharCount: 18 });
        assert.equal(r.totalTokenCount, 47);
        // The run-id marker the middleware carries never reaches Bedrock.
        assert.ok(!aws.bedrock.requests.some((q) => q.body.includes("bedrock-tenancy-run-id")));
    });

    it("records the same facts for the same prompt streamed and unary, cache tokens included", async () => {
        aws.bedrock.reply = () => REPLY;
        const { handler, stream, stdout } = streamingHandler();

        const unary = await handler(event({ requestId: "req-u" }), CONTEXT);
        const { stream: response } = await invokeStreaming(stream, event({ requestId: "req-u" }), CONTEXT);

        const [u, s] = stdout.records();
        const streamOnly = ["operation", "timeToFirstTokenMs", "latencyMs", "timestamp", "requestId", "callId", "chain"];
        const strip = (r: object) => Object.fromEntries(Object.entries(r).filter(([k]) => !streamOnly.includes(k)));
        assert.deepEqual(strip(s), strip(u));
        assert.deepEqual([u.operation, s.operation], ["Converse", "ConverseStream"]);
        assert.deepEqual([u.requestId, s.requestId], aws.bedrock.calls.map((c) => c.requestId));
        // One convention in responses and records: Bedrock's, input without the cache tokens.
        assert.ok("usage" in unary);
        assert.deepEqual(unary.usage, CACHED_USAGE);
        assert.deepEqual((response.lines.at(-1)?.line as { usage: unknown }).usage, CACHED_USAGE);
        assert.equal((u.input as { inputTokenCount: number }).inputTokenCount, unary.usage.inputTokens);
    });

    it("writes one record with the output so far when the caller disconnects mid-stream", async () => {
        aws.bedrock.reply = () => ({ ...REPLY, chunks: ["a1 ", "b2 ", "c3 ", "d4 ", "e5 ", "f6"], chunkDelayMs: 30 });
        const { stream, stdout } = streamingHandler();

        const { stream: response } = await invokeStreaming(stream, event(), CONTEXT, (line, s) => {
            if (line.type === "chunk" && line.text === "b2 ") {
                s.disconnect();
            }
        });

        assert.equal(response.lines.filter((l) => l.line.type === "chunk").length, 2);
        const records = stdout.records();
        assert.equal(records.length, 1);
        const r = records[0];
        assert.equal(r.outcome, "error");
        assert.equal(r.operation, "ConverseStream");
        assert.equal(r.errorCode, "ClientDisconnected");
        assert.equal(r.requestId, aws.bedrock.calls[0].requestId);
        const output = r.output as { outputTokenCount: number; outputCharCount: number };
        assert.ok(output.outputTokenCount >= 2 && output.outputTokenCount < 6, `outputTokenCount ${output.outputTokenCount}`);
        assert.equal(output.outputCharCount, "a1 b2 c3 d4 e5 ".slice(0, output.outputTokenCount * 3).length);
        assert.equal(handlerStats(stdout), 1);
    });

    it("writes one record with the output so far when the deadline falls mid-stream", async () => {
        aws.bedrock.reply = () => ({ ...REPLY, chunks: ["a1 ", "b2 ", "c3 ", "d4 ", "e5 ", "f6"], chunkDelayMs: 60 });
        const { stream, stdout } = streamingHandler({ deadlineMarginMs: 50 });

        const { stream: response } = await invokeStreaming(stream, event(), contextWithDeadline(50 + 200));

        const last = response.lines.at(-1)?.line;
        assert.deepEqual(last?.type === "error" && last.error.code, "DeadlineExceeded");
        const records = stdout.records();
        assert.equal(records.length, 1);
        const r = records[0];
        assert.equal(r.errorCode, "DeadlineExceeded");
        const output = r.output as { outputTokenCount: number; outputCharCount: number };
        assert.ok(output.outputTokenCount >= 1 && output.outputTokenCount < 6, `outputTokenCount ${output.outputTokenCount}`);
        assert.equal(output.outputCharCount, output.outputTokenCount * 3);
        assert.equal(response.lines.filter((l) => l.line.type === "chunk").length, output.outputTokenCount);
    });

    it("keeps concurrent streams apart: each record has its own request id, user and output", async () => {
        // Each answer echoes its user, at a different pace, so the streams interleave.
        aws.bedrock.reply = (call) => {
            const user = /user-(\d+)/.exec(JSON.stringify(call.body))?.[1] ?? "?";
            return { text: `answer for ${user} `.repeat(Number(user) % 3 + 1), chunkDelayMs: Number(user) % 4, usage: { inputTokens: 5, outputTokens: 2 } };
        };
        const { stream, stdout } = streamingHandler();
        const users = Array.from({ length: 20 }, (_, i) => i);

        const responses = await Promise.all(users.map((u) => invokeStreaming(stream, event({ userId: `user-${u}`, prompt: `question from user-${u}` }), CONTEXT)));

        const records = stdout.records();
        assert.equal(records.length, users.length);
        for (const u of users) {
            const mine = records.filter((r) => r.userId === `user-${u}`);
            assert.equal(mine.length, 1);
            const call = aws.bedrock.calls.find((c) => JSON.stringify(c.body).includes(`user-${u}"`))!;
            assert.equal(mine[0].requestId, call.requestId);
            const text = responses[u].stream.lines.filter((l) => l.line.type === "chunk").map((l) => (l.line as { text: string }).text).join("");
            assert.equal(text, `answer for ${u} `.repeat((u % 3) + 1));
            assert.equal((mine[0].output as { outputCharCount: number }).outputCharCount, text.length);
        }
        assert.equal(new Set(records.map((r) => r.requestId)).size, users.length);
    });

    it("fail-closed: the started record is durable before the first chunk, and the completion record pairs with it", async () => {
        aws.bedrock.reply = () => ({ ...REPLY, chunkDelayMs: 5 });
        const events: string[] = [];
        const inner = new MemorySink();
        // Each record resolves only after a pause, as a remote write does; the log shows what was durable when.
        const slowSink: AuditSink = {
            write: async (record) => {
                await new Promise((resolve) => setTimeout(resolve, 30));
                await inner.write(record);
                if ("outcome" in record) events.push(`record:${record.outcome}`);
            },
            flush: async () => undefined,
            stats: () => inner.stats(),
        };
        const { stream } = streamingHandler({ auditMode: "fail-closed", sink: slowSink });

        const { stream: response } = await invokeStreaming(stream, event({ requestId: "req-wa" }), CONTEXT, (line) => events.push(line.type));

        assert.deepEqual(events, ["record:started", "chunk", "chunk", "chunk", "chunk", "record:success", "end"]);
        const [started, done] = inner.records();
        assert.equal(started.callId, done.callId);
        assert.match(String(started.callId), /^[0-9a-f-]{36}$/);
        assert.deepEqual([started.clientRequestId, started.modelId, started.operation], ["req-wa", HAIKU, undefined]);
        assert.deepEqual(started.input, { inputCharCount: 23 });
        assert.equal(done.operation, "ConverseStream");
        assert.equal(response.lines.at(-1)?.line.type, "end");
    });

    it("fail-closed: streams nothing and never calls Bedrock when the started record cannot be written", async () => {
        const sink = new MemorySink();
        sink.failWith = "log group unavailable";
        const { handler, stream } = streamingHandler({ auditMode: "fail-closed", sink });
        const bedrockCalls = aws.bedrock.calls.length;

        const { stream: response } = await invokeStreaming(stream, event(), CONTEXT);

        assert.deepEqual(response.lines.map((l) => l.line), [
            { type: "error", error: { code: "AuditUnavailable", message: "the audit record could not be written, so no completion is returned" } },
        ]);
        assert.equal(aws.bedrock.calls.length, bedrockCalls);
        assert.equal(handler.logger.stats().activeRuns, 0);
    });

    it("answers a refused event with one error line and a rejection record", async () => {
        const { stream, stdout } = streamingHandler();

        const { stream: response } = await invokeStreaming(stream, { requestContext: {}, body: JSON.stringify(event({ modelId: "amazon.titan-text-express-v1" })) }, CONTEXT);

        assert.deepEqual(response.lines.map((l) => l.line.type), ["error"]);
        assert.equal((response.lines[0].line as { error: { code: string } }).error.code, "ModelNotAllowed");
        assert.deepEqual(stdout.records().map((r) => r.outcome), ["rejected"]);
        assert.equal(aws.bedrock.calls.length, 0);
    });
});

function handlerStats(stdout: { records(): unknown[] }): number {
    return stdout.records().length;
}
