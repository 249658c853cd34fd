/**
 * The buffered (unary) Lambda handler answers DeadlineExceeded, with its one
 * completion record delivered, before the function's deadline whichever part
 * of the call is slow: AssumeRole, Bedrock, or the SDK's retry backoff. A
 * call that completes afterwards writes no second record and throws nothing
 * unhandled (Lambda would kill the function at the deadline and lose both).
 */
import { strict as assert } from "assert";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import type { AuditMode } from "../../contract";
import { event, handlerWithCapture } from "../../testing/runtime-fixtures";
import { contextWithDeadline, localLogsSink, streamRecords } from "../support/runtime-harness";

const DEADLINE_ANSWER = { error: { code: "DeadlineExceeded", message: "the model call was stopped before the function's deadline" } };

describe("unary handler deadline, whatever part of the call is slow", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    before(() => process.on("unhandledRejection", onUnhandled));
    after(() => process.removeListener("unhandledRejection", onUnhandled));
    beforeEach(() => {
        unhandled.length = 0;
    });

    const slowParts: { part: string; late: number; arrange: (aws: LocalAws) => Record<string, unknown> }[] = [
        {
            part: "AssumeRole answering after 4 s",
            late: 4000,
            arrange: (a) => {
                a.sts.failNext({ kind: "slow", ms: 4000 });
                return {};
            },
        },
        {
            part: "a throttled attempt whose retry backoff is 4 s",
            late: 4000,
            arrange: (a) => {
                a.bedrock.failNext({ kind: "throttle" });
                return { bedrockClientConfig: { retryStrategy: new ConfiguredRetryStrategy(3, () => 4000) } };
            },
        },
    ];

    for (const { part, late, arrange } of slowParts) {
        for (const auditMode of ["best-effort", "fail-closed"] as AuditMode[]) {
            it(`${part}: answers and delivers one DeadlineExceeded record before the deadline, and nothing more later (${auditMode})`, async () => {
                const options = arrange(aws);
                const sink = localLogsSink(aws, { logStreamName: `deadline-${auditMode}-${part.length}` });
                const { handler } = handlerWithCapture(aws.env, { auditMode, sink, deadlineMarginMs: 300, ...options });
                const context = contextWithDeadline(1500);

                const response = await handler(event({ requestId: "req-late" }), context);
                const answeredAt = Date.now();

                assert.deepEqual(response, DEADLINE_ANSWER);
                assert.ok(answeredAt < context.deadline, `answered ${answeredAt - context.deadline} ms after the deadline`);
                const completions = () => streamRecords(aws, sink.logStreamName).filter((r) => r.outcome !== "started");
                const first = completions();
                assert.equal(first.length, 1);
                assert.equal(first[0].errorCode, "DeadlineExceeded");
                assert.equal(first[0].clientRequestId, "req-late");

                // The slow part answers in the end: the call goes on (or fails) with no second record.
                await new Promise((resolve) => setTimeout(resolve, late + 500));
                await handler.logger.flush();
                assert.equal(completions().length, 1);
                assert.deepEqual(unhandled, []);
                assert.equal(sink.stats().lost, 0);
                // The late end of a call already recorded is expected, not an event for a run nobody started.
                assert.equal(handler.logger.stats().orphanEvents, 0);
                await sink.close();
            });
        }
    }
});
