/**
 * Fail-closed, the model call has ended but its completion record is still
 * being written when the deadline comes: that record is the call's one
 * completion record, so the answer follows it. The caller is never told
 * DeadlineExceeded while the trail says `success`; no second completion
 * record is written; and the answer still comes before the function's timeout.
 */
import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../../../testing/local-aws";
import { event, handlerWithCapture } from "../../../testing/runtime-fixtures";
import { contextWithDeadline } from "../../support/runtime-harness";
import { ARCHIVE_BUCKET, DelayingSink, stillRunningAfter, useLocalArchive } from "../../support/archive-rig";

const FUNCTION_TIMEOUT_MS = 1500;
const MARGIN_MS = 600;

/** A sink that takes `delayMs` to make a completion record durable (a started record at once). */
const slowCompletionSink = (delayMs: number) => new DelayingSink((record) => (record.outcome === "started" ? 0 : delayMs));

describe("fail-closed Lambda handler, completion record still being written at the deadline", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    const archive = useLocalArchive();
    before(() => {
        aws = localAws();
    });

    it("archive slow for the success record: answers AuditUnavailable in time, and the one completion record says its archive write was cut", async () => {
        const { s3 } = archive();
        s3.faultFor = (request) => (/-success\.json/.test(request.path) ? { kind: "slow", ms: 3000 } : undefined);
        const { handler, stdout } = handlerWithCapture(aws.env, {
            auditMode: "fail-closed",
            ...archive().options,
            deadlineMarginMs: MARGIN_MS,
        });
        const context = contextWithDeadline(FUNCTION_TIMEOUT_MS);

        const answer = await Promise.race([handler(event(), context), stillRunningAfter(FUNCTION_TIMEOUT_MS + 2500)]);
        const answeredAt = Date.now();

        assert.notEqual(answer, "still running");
        assert.ok(answeredAt < context.deadline, `answered ${answeredAt - context.deadline} ms after the function's timeout`);
        assert.deepEqual(answer, { error: { code: "AuditUnavailable", message: "the audit record could not be written, so no completion is returned" } });
        const atAnswer = stdout.records();
        assert.deepEqual(atAnswer.map((r) => r.outcome), ["started", "success"]);
        assert.equal(atAnswer[1].archive?.errorCode, "DeadlineExceeded");
        assert.equal(atAnswer[1].callId, atAnswer[0].callId);

        // S3's late answer changes nothing: still one completion record, and no object for it.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        await handler.logger.flush();
        assert.equal(stdout.records().length, 2);
        assert.equal(s3.records(ARCHIVE_BUCKET).filter((o) => o.record.outcome === "success").length, 0);
    });

    it("a sink slow for the success record: answers AuditUnavailable in time, never DeadlineExceeded over a success record, and writes no second completion", async () => {
        const sink = slowCompletionSink(2500);
        const warnings: string[] = [];
        const { handler } = handlerWithCapture(aws.env, { auditMode: "fail-closed", sink, deadlineMarginMs: MARGIN_MS, onWarning: (w) => warnings.push(w) });
        const context = contextWithDeadline(FUNCTION_TIMEOUT_MS);

        const answer = await Promise.race([handler(event(), context), stillRunningAfter(FUNCTION_TIMEOUT_MS + 2500)]);
        const answeredAt = Date.now();

        assert.notEqual(answer, "still running");
        assert.ok(answeredAt < context.deadline, `answered ${answeredAt - context.deadline} ms after the function's timeout`);
        assert.deepEqual(answer, {
            error: { code: "AuditUnavailable", message: "the audit record was not confirmed written before the function's deadline, so no completion is returned" },
        });
        assert.ok(warnings.some((w) => /not confirmed written by the function's deadline/.test(w)), JSON.stringify(warnings));

        await new Promise((resolve) => setTimeout(resolve, 2500));
        const completions = sink.records.filter((r) => r.outcome !== "started");
        assert.deepEqual(
            completions.map((r) => r.outcome),
            ["success"],
        );
        assert.equal(sink.records.filter((r) => r.outcome === "started")[0].callId, completions[0].callId);
    });

    it("a completion record that becomes durable before the last moment is answered with the completion", async () => {
        // Durable 300 ms after the deadline (900 ms), before the handler stops waiting for records (1350 ms).
        const { handler } = handlerWithCapture(aws.env, { auditMode: "fail-closed", sink: slowCompletionSink(1200), deadlineMarginMs: MARGIN_MS });
        const context = contextWithDeadline(FUNCTION_TIMEOUT_MS);

        const answer = await handler(event(), context);

        assert.ok(Date.now() < context.deadline);
        assert.equal((answer as { output?: string }).output, "ok");
    });
});
