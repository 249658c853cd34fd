import { strict as assert } from "assert";
import { useLocalAws, type Fault, type LocalAws } from "../../testing/local-aws";
import type { AuditMode } from "../../contract";
import { CONTEXT, event, fastRetries, handlerWithCapture } from "../../testing/runtime-fixtures";
import { contextWithDeadline, localLogsSink, streamRecords } from "../support/runtime-harness";

const throttle: Fault = { kind: "throttle" };
const reset: Fault = { kind: "reset" };
const error = (status: number, errorType: string): Fault => ({ kind: "error", status, errorType });

interface BedrockCase {
    fault: string;
    /** Faults for the next Bedrock requests; the SDK makes at most 3 attempts. */
    faults: Fault[];
    /** What the caller gets: the completion, or this error. */
    response: { output: string } | { error: { code: string; message: string } };
    requests: number;
    record: { outcome: string; attempts?: number; errorCode?: string; httpStatusCode?: number; throttled?: boolean };
}

const CASES: BedrockCase[] = [
    {
        fault: "throttling for 2 attempts, then success",
        faults: [throttle, throttle],
        response: { output: "ok" },
        requests: 3,
        record: { outcome: "success", attempts: 3 },
    },
    {
        fault: "throttling on every attempt",
        faults: [throttle, throttle, throttle],
        response: { error: { code: "ModelThrottled", message: "ThrottlingException (HTTP 429)" } },
        requests: 3,
        record: { outcome: "error", attempts: 3, errorCode: "ThrottlingException", httpStatusCode: 429, throttled: true },
    },
    {
        fault: "HTTP 500 once, then success",
        faults: [error(500, "InternalServerException")],
        response: { output: "ok" },
        requests: 2,
        record: { outcome: "success", attempts: 2 },
    },
    {
        fault: "HTTP 503 on every attempt",
        faults: [error(503, "ServiceUnavailableException"), error(503, "ServiceUnavailableException"), error(503, "ServiceUnavailableException")],
        response: { error: { code: "ModelError", message: "ServiceUnavailableException (HTTP 503)" } },
        requests: 3,
        record: { outcome: "error", attempts: 3, errorCode: "ServiceUnavailableException", httpStatusCode: 503, throttled: false },
    },
    {
        // The SDK does not retry a model timeout: the model may still be working on it.
        fault: "a 408 model timeout",
        faults: [error(408, "ModelTimeoutException")],
        response: { error: { code: "ModelError", message: "ModelTimeoutException (HTTP 408)" } },
        requests: 1,
        record: { outcome: "error", attempts: 1, errorCode: "ModelTimeoutException", httpStatusCode: 408, throttled: false },
    },
    {
        fault: "a connection reset once, then success",
        faults: [reset],
        response: { output: "ok" },
        requests: 2,
        record: { outcome: "success", attempts: 2 },
    },
];

describe("Bedrock faults: what the caller gets and what is recorded", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    for (const auditMode of ["best-effort", "fail-closed"] as AuditMode[]) {
        for (const c of CASES) {
            it(`answers ${c.fault} as expected and writes its one record (${auditMode})`, async () => {
                aws.bedrock.failNext(...c.faults);
                const { handler, stdout } = handlerWithCapture(aws.env, { auditMode, bedrockClientConfig: fastRetries(3) });

                const response = await handler(event({ requestId: "req-fault" }), CONTEXT);

                if ("output" in c.response) {
                    assert.ok("output" in response, JSON.stringify(response));
                    assert.equal(response.output, c.response.output);
                } else {
                    assert.deepEqual(response, c.response);
                }
                assert.equal(aws.bedrock.requests.length, c.requests);
                const [started, ...records] = auditMode === "fail-closed" ? stdout.records() : [undefined, ...stdout.records()];
                assert.equal(records.length, 1);
                const record = records[0]!;
                if (started) assert.deepEqual([started.outcome, started.callId], ["started", record.callId]);
                assert.equal(record.clientRequestId, "req-fault");
                assert.deepEqual(
                    { outcome: record.outcome, attempts: record.attempts, errorCode: record.errorCode, httpStatusCode: record.httpStatusCode, throttled: record.throttled },
                    { attempts: undefined, errorCode: undefined, httpStatusCode: undefined, throttled: undefined, ...c.record },
                );
                assert.deepEqual(handler.logger.stats(), { activeRuns: 0, records: auditMode === "fail-closed" ? 2 : 1, lost: 0, orphanEvents: 0, clockSteps: 0 });
            });
        }
    }

    it("answers a connection reset on every attempt with a model error and records it", async () => {
        aws.bedrock.failNext(reset, reset, reset);
        const { handler, stdout } = handlerWithCapture(aws.env);

        const response = await handler(event(), CONTEXT);

        assert.ok("error" in response);
        assert.equal(response.error.code, "ModelError");
        assert.equal(aws.bedrock.requests.length, 3);
        const [record] = stdout.records();
        assert.equal(record.outcome, "error");
        assert.equal(record.throttled, false);
        assert.equal(record.errorCode, response.error.message.split(" ")[0]);
    });

    for (const auditMode of ["best-effort", "fail-closed"] as AuditMode[]) {
        it(`stops a reply slower than the remaining time, answers DeadlineExceeded and delivers the record before the deadline (${auditMode})`, async () => {
            aws.bedrock.failNext({ kind: "slow", ms: 10_000 });
            const sink = localLogsSink(aws, { logStreamName: `deadline-${auditMode}` });
            const { handler } = handlerWithCapture(aws.env, { auditMode, sink, deadlineMarginMs: 300 });
            const context = contextWithDeadline(800);

            const response = await handler(event({ requestId: "req-slow" }), context);
            const answeredAt = Date.now();

            assert.deepEqual(response, { error: { code: "DeadlineExceeded", message: "the model call was stopped before the function's deadline" } });
            assert.ok(answeredAt < context.deadline, `answered ${answeredAt - context.deadline} ms after the deadline`);
            // Delivered to CloudWatch Logs, not merely buffered, by the time the handler returned.
            const all = streamRecords(aws, sink.logStreamName);
            const stored = all.filter((r) => r.outcome !== "started");
            assert.equal(all.length - stored.length, auditMode === "fail-closed" ? 1 : 0);
            assert.equal(stored.length, 1);
            assert.equal(stored[0].outcome, "error");
            assert.equal(stored[0].clientRequestId, "req-slow");
            // The record names the same cause as the caller's answer, not the abort it led to.
            assert.equal(stored[0].errorCode, "DeadlineExceeded");
            assert.ok((stored[0].latencyMs as number) < 800);
            assert.deepEqual(sink.stats(), { delivered: all.length, lost: 0, rejected: 0, pending: 0 });
            await sink.close();
        });
    }
});
