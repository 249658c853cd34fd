/**
 * Fail-closed: the deadline comes while the `started` record is still being
 * written. `handler.stream` ends the answer with `DeadlineExceeded`, and the
 * buffered handler answers it, before the function's timeout and once that
 * answer's record is durable; Bedrock is never called and nothing is
 * streamed; the call's records are its `started` record and one
 * DeadlineExceeded record.
 */
import { strict as assert } from "assert";
import { PassThrough } from "stream";
import { useLocalAws, type LocalAws } from "../../../testing/local-aws";
import { event, handlerWithCapture } from "../../../testing/runtime-fixtures";
import type { StreamLine } from "../../../runtime/lambda/streaming";
import { contextWithDeadline } from "../../support/runtime-harness";
import { DelayingSink, stillRunningAfter } from "../../support/archive-rig";
import type { PrivateInvocationLogger } from "../../../runtime/private-invocation-logger";

const FUNCTION_TIMEOUT_MS = 1500;
const MARGIN_MS = 600;
const STARTED_DELAY_MS = 3000;

describe("fail-closed handler, started record still being written at the deadline", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    /** Once the started record lands: the call's two records, Bedrock never called, and the run over. */
    async function startedRecordLands(sink: DelayingSink, logger: PrivateInvocationLogger): Promise<void> {
        await new Promise((resolve) => setTimeout(resolve, STARTED_DELAY_MS));
        assert.equal(aws.bedrock.calls.length, 0);
        assert.deepEqual(sink.records.map((r) => r.outcome).sort(), ["error", "started"]);
        assert.equal(new Set(sink.records.map((r) => r.callId)).size, 1);
        assert.equal(logger.stats().activeRuns, 0);
        assert.equal(logger.stats().orphanEvents, 0);
    }

    it("handler.stream: ends the stream with DeadlineExceeded and returns before the function's timeout; Bedrock is not called", async () => {
        const sink = new DelayingSink((record) => (record.outcome === "started" ? STARTED_DELAY_MS : 0));
        const { handler } = handlerWithCapture(aws.env, { auditMode: "fail-closed", sink, deadlineMarginMs: MARGIN_MS });
        const out = new PassThrough();
        let text = "";
        out.on("data", (d: Buffer) => (text += d.toString("utf8")));
        const context = contextWithDeadline(FUNCTION_TIMEOUT_MS);

        const returned = await Promise.race([handler.stream(event(), out, context), stillRunningAfter(FUNCTION_TIMEOUT_MS + 1000)]);
        const returnedAt = Date.now();

        assert.notEqual(returned, "still running", "handler.stream was still waiting for the started record a second after the function's timeout");
        assert.ok(returnedAt < context.deadline, `returned ${returnedAt - context.deadline} ms after the function's timeout`);
        const lines = text.trim().split("\n").map((l) => JSON.parse(l) as StreamLine);
        assert.deepEqual(lines, [{ type: "error", error: { code: "DeadlineExceeded", message: "the model call was stopped before the function's deadline" } }]);
        // The DeadlineExceeded record is durable at the answer; the started record lands later.
        assert.deepEqual(sink.records.map((r) => [r.outcome, r.errorCode]), [["error", "DeadlineExceeded"]]);

        await startedRecordLands(sink, handler.logger);
    });

    it("the buffered handler: answers DeadlineExceeded with its record durable, before the function's timeout; Bedrock is not called", async () => {
        const sink = new DelayingSink((record) => (record.outcome === "started" ? STARTED_DELAY_MS : 0));
        const { handler } = handlerWithCapture(aws.env, { auditMode: "fail-closed", sink, deadlineMarginMs: MARGIN_MS });
        const context = contextWithDeadline(FUNCTION_TIMEOUT_MS);

        const answer = await Promise.race([handler(event(), context), stillRunningAfter(FUNCTION_TIMEOUT_MS + 1000)]);
        const answeredAt = Date.now();

        assert.notEqual(answer, "still running", "the handler was still waiting for the started record a second after the function's timeout");
        assert.ok(answeredAt < context.deadline, `answered ${answeredAt - context.deadline} ms after the function's timeout`);
        assert.deepEqual(answer, { error: { code: "DeadlineExceeded", message: "the model call was stopped before the function's deadline" } });
        assert.deepEqual(sink.records.map((r) => [r.outcome, r.errorCode]), [["error", "DeadlineExceeded"]]);

        await startedRecordLands(sink, handler.logger);
    });
});
