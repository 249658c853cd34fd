import { strict as assert } from "assert";
import { setFlagsFromString } from "v8";
import { runInNewContext } from "vm";
import { useLocalAws, converseText, type LocalAws } from "../../testing/local-aws";
import type { AuditRecord } from "../../contract";
import type { InvocationResponse, RuntimeHandler } from "../../runtime/lambda/handler";
import type { CloudWatchLogsSink } from "../../runtime/sinks/cloudwatch-logs-sink";
import { CONTEXT, event, handlerWithCapture } from "../../testing/runtime-fixtures";
import { localLogsSink, streamRecords } from "../support/runtime-harness";

const INVOCATIONS = 1000;
const IN_FLIGHT = 200;
/** Padding that makes a leaked run visible on the heap: 1,000 leaked prompts hold at least 8 MB. */
const PADDING = "p".repeat(8192);
/** Heap growth allowed over the run: measured at 0.3-1.5 MB (V8's own caches), far below a leak of every prompt. */
const MAX_HEAP_GROWTH_BYTES = 4 * 1024 * 1024;

type Kind = "success" | "throttled" | "error" | "rejected";
const kindOf = (i: number): Kind => (i % 10 === 7 ? "throttled" : i % 10 === 8 ? "error" : i % 10 === 9 ? "rejected" : "success");

/** Request i carries its own id, user, seq and a prompt of a length no other request has. */
function request(i: number): Record<string, unknown> {
    const kind = kindOf(i);
    return event({
        requestId: `load-${i}`,
        userId: `user-${i % 37}`,
        prompt: `[${kind}] ${"x".repeat(i)}${PADDING}`,
        metadata: { seq: i },
        ...(kind === "rejected" ? { temperature: 5 } : {}),
    });
}

/** Runs every request through `handler`, never more than `inFlight` at once. */
async function runPool(handler: RuntimeHandler, count: number, inFlight: number): Promise<InvocationResponse[]> {
    const responses: InvocationResponse[] = new Array(count);
    let next = 0;
    let running = 0;
    let peak = 0;
    const worker = async () => {
        while (next < count) {
            const i = next++;
            peak = Math.max(peak, ++running);
            responses[i] = await handler(request(i), CONTEXT);
            running--;
        }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    assert.equal(peak, inFlight);
    return responses;
}

/** Every record matches its own request and no other. */
function assertRecordsMatchRequests(records: AuditRecord[], responses: InvocationResponse[]): void {
    assert.equal(records.length, INVOCATIONS);
    const byRequest = new Map(records.map((r) => [r.clientRequestId, r]));
    assert.equal(byRequest.size, INVOCATIONS, "two records share a request id");
    for (let i = 0; i < INVOCATIONS; i++) {
        const kind = kindOf(i);
        const record = byRequest.get(`load-${i}`)!;
        const promptChars = `[${kind}] `.length + i + PADDING.length;
        assert.equal(record.userId, `user-${i % 37}`);
        const expectedOutcome = kind === "success" ? "success" : kind === "rejected" ? "rejected" : "error";
        assert.equal(record.outcome, expectedOutcome, `request ${i}`);
        if (kind === "rejected") {
            assert.deepEqual([record.input, record.metadata, record.errorField], [{}, undefined, "temperature"]);
            assert.deepEqual(responses[i], { error: { code: "InvalidField", field: "temperature", message: "temperature must be a number from 0 to 1, got 5" } });
            continue;
        }
        assert.equal(record.input.inputCharCount, promptChars, `request ${i} carries another prompt's length`);
        assert.deepEqual(record.metadata, { seq: i });
        if (kind === "success") {
            assert.equal(record.output.outputCharCount, `reply-${promptChars}`.length);
            assert.equal(record.input.inputTokenCount, promptChars);
            assert.deepEqual("output" in responses[i] && responses[i], { ...responses[i], output: `reply-${promptChars}`, clientRequestId: `load-${i}` });
        } else {
            assert.equal(record.throttled, kind === "throttled");
            assert.deepEqual(responses[i], kind === "throttled" ? { error: { code: "ModelThrottled", message: "ThrottlingException (HTTP 429)" } } : { error: { code: "ModelError", message: "ValidationException (HTTP 400)" } });
        }
    }
}

/** `global.gc`, exposed at run time so `npm test` needs no extra node flag. */
function collectGarbage(): () => void {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
}

function heapAfterGc(gc: () => void): number {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
}

/** The sink's queue of records not yet sent: the state a slow endpoint makes grow. */
const bufferedRecords = (sink: CloudWatchLogsSink) => (sink as unknown as { buffer: unknown[] }).buffer.length;

/** Forgets what the local servers recorded (request bodies, stored events) without touching their behaviour. */
function forgetRequests(aws: LocalAws): void {
    for (const server of [aws.bedrock, aws.sts, aws.logs]) {
        server.requests.length = 0;
    }
    aws.bedrock.calls.length = 0;
    aws.sts.assumeRoleCalls.length = 0;
    aws.logs.putCalls.length = 0;
    aws.logs.groups.clear();
}

/** A sink whose peak buffer size is sampled on every write. */
function watchedSink(aws: LocalAws, stream: string, bound: number): { sink: CloudWatchLogsSink; peak: () => number } {
    const sink = localLogsSink(aws, { logStreamName: stream, maxBufferedRecords: bound });
    let peak = 0;
    const note = () => void (peak = Math.max(peak, bufferedRecords(sink)));
    // Every way a record enters the buffer: with a promise, with its JSON, or with a callback (best-effort).
    const write = sink.write.bind(sink);
    const writeSerialized = sink.writeSerialized.bind(sink);
    const enqueue = sink.enqueue.bind(sink);
    sink.write = (record) => {
        const written = write(record);
        note();
        return written;
    };
    sink.writeSerialized = (record, json) => {
        const written = writeSerialized(record, json);
        note();
        return written;
    };
    sink.enqueue = (record, json, settled) => {
        enqueue(record, json, settled);
        note();
    };
    return { sink, peak: () => peak };
}

describe(`load: ${INVOCATIONS} invocations, ${IN_FLIGHT} in flight, through one handler instance`, () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });
    beforeEach(() => {
        aws.bedrock.reply = (call) => {
            const chars = converseText(call).length;
            return { text: `reply-${chars}`, usage: { inputTokens: chars, outputTokens: 3 } };
        };
        // Faults chosen by the request's content, so concurrency cannot hand one request's fault to another.
        aws.bedrock.faultFor = (r) =>
            r.body.includes("[throttled]") ? { kind: "throttle" } : r.body.includes("[error]") ? { kind: "error", status: 400, errorType: "ValidationException" } : undefined;
    });

    it("delivers one record per invocation with only its own request's data, within the sink's bound under a slow endpoint, leaving no state or heap behind", async () => {
        const gc = collectGarbage();
        const bound = 250;
        aws.logs.faultFor = () => ({ kind: "slow", ms: 5 });
        const { sink, peak } = watchedSink(aws, "load", bound);
        const { handler } = handlerWithCapture(aws.env, { sink, safeMetadataKeys: ["seq"] });
        // Warm the code paths first, so that what stays on the heap afterwards is state, not compiled code.
        await runPool(handler, IN_FLIGHT, IN_FLIGHT);
        forgetRequests(aws);
        aws.logs.createLogGroup(sink.logGroupName);
        const heapBefore = heapAfterGc(gc);
        const statsBefore = sink.stats();

        let responses: InvocationResponse[] = await runPool(handler, INVOCATIONS, IN_FLIGHT);
        await sink.flush();

        // The stream was recreated after the warm-up: it holds exactly this run's records.
        assertRecordsMatchRequests(streamRecords(aws, sink.logStreamName) as unknown as AuditRecord[], responses);
        assert.ok(peak() <= bound, `buffer peaked at ${peak()}`);
        assert.ok(aws.logs.putCalls.length > 1);
        assert.equal(sink.stats().delivered - statsBefore.delivered, INVOCATIONS);
        assert.deepEqual(sink.stats(), { ...statsBefore, delivered: statsBefore.delivered + INVOCATIONS });
        assert.deepEqual(handler.logger.stats(), { activeRuns: 0, records: INVOCATIONS + IN_FLIGHT, lost: 0, orphanEvents: 0, clockSteps: 0 });
        const groups = (handler.logger as unknown as { delivery: { groups: { unsettled: number }[] } }).delivery.groups;
        assert.deepEqual(groups.map((g) => g.unsettled), groups.map(() => 0));
        assert.equal(bufferedRecords(sink), 0);
        // Drop what the test itself holds (responses, the servers' request logs and stored events) before weighing the heap.
        responses = [];
        forgetRequests(aws);
        const growth = heapAfterGc(gc) - heapBefore;
        assert.ok(growth < MAX_HEAP_GROWTH_BYTES, `heap grew by ${(growth / 1048576).toFixed(1)} MiB over ${INVOCATIONS} invocations`);
        await sink.close();
    });

    it("refuses records past a small buffer bound under a slow endpoint, counting and reporting each one", async () => {
        const bound = 20;
        const count = 300;
        // The first upload is held until the buffer has refused a record: how many calls reach the buffer while an upload
        // is in flight would otherwise depend on the machine's speed, and a slow one could stay under the bound throughout.
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let held = false;
        aws.logs.faultFor = (request) => {
            if (held || !String(request.headers["x-amz-target"]).endsWith("PutLogEvents")) return { kind: "slow", ms: 40 };
            held = true;
            return { kind: "held", release: released };
        };
        const { sink, peak } = watchedSink(aws, "small-bound", bound);
        const warnings: string[] = [];
        const { handler } = handlerWithCapture(aws.env, { sink, onWarning: (m) => warnings.push(m) });

        const run = runPool(handler, count, IN_FLIGHT);
        // Bounded, so that a buffer that never refuses fails the assertion below instead of the test's timeout.
        for (const start = Date.now(); sink.stats().lost === 0 && Date.now() - start < 60_000; ) await new Promise((resolve) => setTimeout(resolve, 5));
        release();
        await run;
        await sink.close();

        const stats = sink.stats();
        assert.equal(peak(), bound);
        assert.ok(stats.lost > 0, "a bound below the concurrency refused nothing");
        assert.equal(stats.delivered + stats.lost, count);
        assert.equal(stats.pending, 0);
        assert.equal(handler.logger.stats().lost, stats.lost);
        assert.equal(warnings.filter((w) => w.startsWith("audit record lost")).length, stats.lost);
        assert.equal(streamRecords(aws, sink.logStreamName).length, stats.delivered);
    });
});
