import { strict as assert } from "assert";
import { Writable } from "stream";
import { AIMessageChunk } from "@langchain/core/messages";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { handlerWithCapture, event, CONTEXT } from "../../testing/runtime-fixtures";
import { contextWithDeadline } from "../support/runtime-harness";
import { streamInvocation, type StreamLine } from "../../runtime/lambda/streaming";
import type { AuditSink } from "../../runtime/sinks/audit-sink";
import { AUDIT_SCHEMA_TYPE, type StoredRecord } from "../../contract";
import { MemorySink } from "../support/memory-sink";
import { timed } from "../support/within";

/**
 * A caller that takes each write only after `delayMs` (never, when
 * undefined), so the handler's writes wait for `drain`; it keeps the lines
 * it took.
 */
class SlowCaller extends Writable {
    readonly lines: StreamLine[] = [];
    constructor(private readonly delayMs: number | undefined) {
        super({ highWaterMark: 16 });
    }
    setContentType(): void {}
    _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
        for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) this.lines.push(JSON.parse(line) as StreamLine);
        if (this.delayMs !== undefined) setTimeout(callback, this.delayMs);
    }
}

/** Fail-closed, the completion of a stream cut short cannot be written. */
class RefusingErrorsSink extends MemorySink {
    write(record: StoredRecord): Promise<void> {
        if (record.schemaType === AUDIT_SCHEMA_TYPE && record.outcome === "error") return Promise.reject(new Error("log group gone"));
        return super.write(record);
    }
}


describe("Lambda streaming: a slow caller that disconnects, or the deadline, ends the call at once with its one record", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });
    beforeEach(() => {
        aws.bedrock.reply = () => ({ text: "word ".repeat(400), chunkDelayMs: 2 });
    });

    for (const auditMode of ["best-effort", "fail-closed"] as const) {
        it(`${auditMode}: a slow caller that disconnects gets a ClientDisconnected record, and the handler returns`, async () => {
            const { handler, stdout } = handlerWithCapture(aws.env, { auditMode });
            const caller = new SlowCaller(50);
            setTimeout(() => caller.destroy(), 300);

            const tookMs = await timed(3000, handler.stream(event(), caller, CONTEXT), "handler.stream");

            assert.ok(tookMs < 1000, `${tookMs} ms`);
            const completions = stdout.records().filter((r) => r.outcome !== "started");
            assert.deepEqual(completions.map((r) => [r.outcome, r.errorCode]), [["error", "ClientDisconnected"]]);
            const sent = caller.lines.filter((l): l is { type: "chunk"; text: string } => l.type === "chunk").map((l) => l.text).join("");
            const output = completions[0].output as { outputCharCount: number };
            // What the caller took is on record; the record may hold a line still in the stream's buffer when it went.
            assert.ok(output.outputCharCount >= sent.length && output.outputCharCount < 2000, `${output.outputCharCount} chars recorded, ${sent.length} sent`);
            assert.equal(handler.logger.stats().activeRuns, 0);
        });

        it(`${auditMode}: with a slow caller the deadline gives a DeadlineExceeded record and a return before the function's timeout`, async () => {
            const { handler, stdout } = handlerWithCapture(aws.env, { auditMode, deadlineMarginMs: 1000 });
            const caller = new SlowCaller(100);

            const tookMs = await timed(3000, handler.stream(event(), caller, contextWithDeadline(1500)), "handler.stream");

            assert.ok(tookMs < 1000, `${tookMs} ms`);
            const completions = stdout.records().filter((r) => r.outcome !== "started");
            assert.deepEqual(completions.map((r) => [r.outcome, r.errorCode]), [["error", "DeadlineExceeded"]]);
            assert.equal(handler.logger.stats().activeRuns, 0);
            // The last line is buffered for the caller, not waited for.
            await new Promise((resolve) => caller.once("finish", resolve));
            const last = caller.lines.at(-1);
            assert.equal(last?.type === "error" && last.error.code, "DeadlineExceeded");
        });
    }

    it("a caller that never reads again: the deadline still records and returns", async () => {
        const { handler, stdout } = handlerWithCapture(aws.env, { deadlineMarginMs: 1000 });
        const caller = new SlowCaller(undefined);

        const tookMs = await timed(3000, handler.stream(event(), caller, contextWithDeadline(1300)), "handler.stream");

        assert.ok(tookMs < 800, `${tookMs} ms`);
        assert.deepEqual(stdout.records().map((r) => [r.outcome, r.errorCode]), [["error", "DeadlineExceeded"]]);
        caller.destroy();
    });

    it("fail-closed: a deadline whose record cannot be written ends with AuditUnavailable, not DeadlineExceeded", async () => {
        const sink: AuditSink = new RefusingErrorsSink();
        const { handler } = handlerWithCapture(aws.env, { auditMode: "fail-closed", deadlineMarginMs: 1000, sink });
        const caller = new SlowCaller(100);

        await timed(3000, handler.stream(event(), caller, contextWithDeadline(1500)), "handler.stream");

        await new Promise((resolve) => caller.once("finish", resolve));
        const last = caller.lines.at(-1);
        assert.equal(last?.type === "error" && last.error.code, "AuditUnavailable");
        assert.equal(handler.logger.stats().lost, 1);
        assert.equal(handler.logger.stats().activeRuns, 0);
    });

    it("a model that stops sending: the deadline ends the stream without waiting for its next chunk", async () => {
        const caller = new SlowCaller(0);
        let finishedRun = false;
        const stalled: AsyncIterable<AIMessageChunk> = {
            [Symbol.asyncIterator]: () => ({
                next: () => new Promise<IteratorResult<AIMessageChunk>>(() => undefined),
                return: async () => ({ done: true, value: undefined }),
            }),
        };

        const tookMs = await timed(
            2000,
            streamInvocation({
                responseStream: caller,
                start: async () => stalled,
                runFinished: async () => void (finishedRun = true),
                armDeadline: (controller) => setTimeout(() => controller.abort(Object.assign(new Error("deadline"), { name: "DeadlineExceeded" })), 50),
                describe: (_err, deadlinePassed) => ({ code: deadlinePassed ? "DeadlineExceeded" : "ModelError", message: "stopped" }),
                ids: { modelId: "m" },
            }),
            "streamInvocation",
        );

        assert.ok(tookMs < 1000, `${tookMs} ms`);
        assert.ok(finishedRun);
        assert.deepEqual(caller.lines.at(-1), { type: "error", error: { code: "DeadlineExceeded", message: "stopped" } });
    });
});
