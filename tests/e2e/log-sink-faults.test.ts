import { strict as assert } from "assert";
import type { NodeHttpHandler } from "@smithy/node-http-handler";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import type { AuditMode } from "../../contract";
import type { CloudWatchLogsSinkOptions } from "../../runtime/sinks/cloudwatch-logs-sink";
import { CONTEXT, event, handlerWithCapture } from "../../testing/runtime-fixtures";
import { RefusalWatcher, capturingConsole, localLogsSink, logsClient, streamRecords } from "../support/runtime-harness";

const DAY_MS = 86_400_000;
/** PutLogEvents tries per batch in these tests (the sink's retry budget). */
const SINK_ATTEMPTS = 4;

interface SinkCase {
    fault: string;
    /** Whether the sink gets the record through within its retry budget. */
    recovers: boolean;
    /** Sets the fault up; may return sink options (a client that watches refusals). */
    arrange(aws: LocalAws): Partial<CloudWatchLogsSinkOptions> | Promise<Partial<CloudWatchLogsSinkOptions>> | void;
}

/** The refusal watcher of the current case, if its endpoint is unreachable. */
let watcher: RefusalWatcher | undefined;

function unreachableUntil(aws: LocalAws, refusals: number): NodeHttpHandler {
    watcher = new RefusalWatcher(async (n) => (n === refusals ? aws.logs.listenAgain() : undefined));
    return watcher;
}

const CASES: SinkCase[] = [
    { fault: "throttling twice", recovers: true, arrange: (aws) => aws.logs.failNext({ kind: "throttle" }, { kind: "throttle" }) },
    {
        fault: "HTTP 500 then 503",
        recovers: true,
        arrange: (aws) => aws.logs.failNext({ kind: "error", status: 500, errorType: "InternalFailure" }, { kind: "error", status: 503, errorType: "ServiceUnavailableException" }),
    },
    { fault: "a connection reset", recovers: true, arrange: (aws) => aws.logs.failNext({ kind: "reset" }) },
    {
        fault: "an endpoint unreachable for two attempts",
        recovers: true,
        arrange: async (aws) => {
            await aws.logs.stopListening();
            return { client: logsClient(aws, unreachableUntil(aws, 2)) };
        },
    },
    { fault: "throttling past the retry budget", recovers: false, arrange: (aws) => void (aws.logs.faultFor = () => ({ kind: "throttle" })) },
    { fault: "HTTP 503 past the retry budget", recovers: false, arrange: (aws) => void (aws.logs.faultFor = () => ({ kind: "error", status: 503, errorType: "ServiceUnavailableException" })) },
    {
        fault: "an endpoint unreachable past the retry budget",
        recovers: false,
        arrange: async (aws) => {
            await aws.logs.stopListening();
            return { client: logsClient(aws, unreachableUntil(aws, SINK_ATTEMPTS)) };
        },
    },
    // A caller clock 15 days behind: CloudWatch Logs keeps the call and refuses the event as too old.
    { fault: "an event rejected as too old", recovers: false, arrange: (aws) => void (aws.logs.clockAheadMs = 15 * DAY_MS) },
];

describe("CloudWatch Logs sink faults: no record lost unaccounted", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });
    beforeEach(() => {
        watcher = undefined;
    });

    async function invoke(auditMode: AuditMode, c: SinkCase, stream: string) {
        const warnings: string[] = [];
        const sinkOptions = (await c.arrange(aws)) ?? {};
        const sink = localLogsSink(aws, { logStreamName: stream, maxAttempts: SINK_ATTEMPTS, onWarning: (m) => warnings.push(m), ...sinkOptions });
        const { handler } = handlerWithCapture(aws.env, { auditMode, sink, onWarning: (m) => warnings.push(m) });
        // LangChain prints the fail-closed refusal; Lambda would forward it to the log group.
        const { result: response } = await capturingConsole(() => handler(event({ requestId: stream }), CONTEXT));
        await sink.close();
        return { response, sink, handler, warnings, stored: streamRecords(aws, stream) };
    }

    for (const auditMode of ["best-effort", "fail-closed"] as AuditMode[]) {
        for (const [i, c] of CASES.entries()) {
            const outcome = c.recovers ? "delivers the record" : auditMode === "best-effort" ? "answers and counts the record as lost" : "returns no completion";
            it(`${outcome} after ${c.fault} (${auditMode})`, async () => {
                const { response, sink, handler, warnings, stored } = await invoke(auditMode, c, `${auditMode}-${i}`);

                const sinkStats = sink.stats();
                // Fail-closed writes a started record first; a call that cannot write it stops there.
                const written = auditMode === "fail-closed" && c.recovers ? 2 : 1;
                assert.equal(sinkStats.delivered + sinkStats.lost, written, "a record is neither delivered nor counted as lost");
                assert.equal(sinkStats.pending, 0);
                assert.equal(stored.length, sinkStats.delivered);
                assert.equal(handler.logger.stats().lost, sinkStats.lost);
                if (watcher) {
                    assert.ok(watcher.refused >= 2, `${watcher.refused} refused connections`);
                }
                if (c.recovers) {
                    assert.ok("output" in response, JSON.stringify(response));
                    assert.equal(stored[0].clientRequestId, `${auditMode}-${i}`);
                    assert.equal(sinkStats.lost, 0);
                } else if (auditMode === "best-effort") {
                    assert.ok("output" in response, JSON.stringify(response));
                    assert.equal(sinkStats.lost, 1);
                    assert.ok(warnings.some((w) => w.includes("audit record lost")), warnings.join("\n"));
                } else {
                    assert.deepEqual(response, { error: { code: "AuditUnavailable", message: "the audit record could not be written, so no completion is returned" } });
                    assert.equal(sinkStats.lost, 1);
                }
            });
        }
    }

    it("recreates a log stream deleted mid-run and delivers every record", async () => {
        const stream = "deleted-mid-run";
        const sink = localLogsSink(aws, { logStreamName: stream });
        const { handler } = handlerWithCapture(aws.env, { auditMode: "fail-closed", sink });

        const before = await handler(event({ requestId: "before-delete" }), CONTEXT);
        aws.logs.deleteLogStream(sink.logGroupName, stream);
        const after = await handler(event({ requestId: "after-delete" }), CONTEXT);
        await sink.close();

        assert.ok("output" in before && "output" in after, JSON.stringify(after));
        // The first record went down with the stream; the stream now holds the one written after.
        assert.deepEqual(streamRecords(aws, stream).map((r) => [r.clientRequestId, r.outcome]), [["after-delete", "started"], ["after-delete", "success"]]);
        assert.deepEqual(sink.stats(), { delivered: 4, lost: 0, rejected: 0, pending: 0 });
    });

    it("returns no completion in fail-closed mode when the record of a failed call cannot be written either", async () => {
        aws.logs.faultFor = () => ({ kind: "throttle" });
        aws.bedrock.failNext({ kind: "error", status: 400, errorType: "ValidationException" });
        const sink = localLogsSink(aws, { logStreamName: "both-fail", maxAttempts: 2 });
        const { handler } = handlerWithCapture(aws.env, { auditMode: "fail-closed", sink });

        const { result: response } = await capturingConsole(() => handler(event(), CONTEXT));
        await sink.close();

        assert.deepEqual(response, { error: { code: "AuditUnavailable", message: "the audit record could not be written, so no completion is returned" } });
        assert.equal(sink.stats().lost, 1);
        assert.equal(handler.logger.stats().lost, 1);
    });

    it("refuses a bad event with AuditUnavailable in fail-closed mode when its rejection cannot be recorded", async () => {
        aws.logs.faultFor = () => ({ kind: "throttle" });
        const sink = localLogsSink(aws, { logStreamName: "rejection-lost", maxAttempts: 2 });
        const { handler } = handlerWithCapture(aws.env, { auditMode: "fail-closed", sink });

        const response = await handler(event({ temperature: 9 }), CONTEXT);
        await sink.close();

        assert.deepEqual(response, { error: { code: "AuditUnavailable", message: "the audit record could not be written" } });
        assert.equal(sink.stats().lost, 1);
    });
});
