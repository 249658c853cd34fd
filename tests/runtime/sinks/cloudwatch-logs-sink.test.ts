import { strict as assert } from "assert";
import { CloudWatchLogsClient, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { AuditDeliveryError } from "../../../runtime/sinks/audit-sink";
import { ArgumentError } from "../../../contract";
import { LOGS_TEST_GROUP, logsTestRecord, useLocalLogsSink } from "../../support/logs-sink";

const GROUP = LOGS_TEST_GROUP;
const record = logsTestRecord;

describe("CloudWatchLogsSink against a local CloudWatch Logs", () => {
    const local = useLocalLogsSink();
    const { warnings, sink } = local;

    it("splits a backlog of 25,000 records into valid batches and delivers every one", async () => {
        const s = sink({ maxBufferedRecords: 30_000 });
        const writes = Array.from({ length: 25_000 }, (_, i) => s.write(record(i)));
        await s.flush();
        await Promise.all(writes);

        assert.equal(local.logs.records(GROUP).length, 25_000);
        assert.ok(local.logs.putCalls.length >= 3);
        assert.ok(local.logs.putCalls.every((c) => c.events <= 10_000 && c.bytes <= 1_048_576));
        assert.deepEqual(s.stats(), { delivered: 25_000, lost: 0, rejected: 0, pending: 0 });
    });

    it("keeps each batch under 1,048,576 bytes counting 26 bytes per event", async () => {
        const s = sink();
        const big = "b".repeat(90_000);
        const writes = Array.from({ length: 30 }, (_, i) => s.write(record(i, { output: { outputText: big } })));
        await s.flush();
        await Promise.all(writes);
        assert.equal(local.logs.records(GROUP).length, 30);
        assert.ok(local.logs.putCalls.length >= 3, `${local.logs.putCalls.length} calls`);
        assert.ok(local.logs.putCalls.every((c) => c.bytes <= 1_048_576));
    });

    it("sends out-of-order and day-apart records in chronological batches", async () => {
        const s = sink();
        const now = Date.now();
        const times = [now - 3 * 3600_000, now - 30 * 3600_000, now - 1000, now - 50 * 3600_000];
        const writes = times.map((t, i) => s.write(record(i, { timestamp: new Date(t).toISOString() })));
        await s.flush();
        await Promise.all(writes);
        assert.equal(local.logs.records(GROUP).length, 4);
        assert.ok(local.logs.putCalls.length >= 2, "records 24 h apart shared a batch");
    });

    it("creates the log stream when it is missing, and again after it is deleted", async () => {
        const s = sink();
        await Promise.all([s.write(record(1)), s.flush()]);
        local.logs.deleteLogStream(GROUP, "stream-1");
        await Promise.all([s.write(record(2)), s.flush()]);

        const targets = local.logs.requests.map((r) => String(r.headers["x-amz-target"]).split(".")[1]);
        assert.deepEqual(targets, ["CreateLogStream", "PutLogEvents", "PutLogEvents", "CreateLogStream", "PutLogEvents"]);
        assert.deepEqual(local.logs.records(GROUP).map((r) => r.clientRequestId), ["req-2"]);
        assert.equal(s.stats().delivered, 2);
    });

    it("survives throttling, 5xx and a reset connection without losing records", async () => {
        const s = sink();
        await Promise.all([s.write(record(0)), s.flush()]);
        local.logs.failNext({ kind: "throttle" }, { kind: "error", status: 503, errorType: "ServiceUnavailableException" }, { kind: "reset" }, { kind: "error", status: 500, errorType: "InternalFailure" });
        const writes = [1, 2, 3].map((i) => s.write(record(i)));
        await s.flush();
        await Promise.all(writes);
        assert.deepEqual(local.logs.records(GROUP).map((r) => r.clientRequestId), ["req-0", "req-1", "req-2", "req-3"]);
        assert.deepEqual(s.stats(), { delivered: 4, lost: 0, rejected: 0, pending: 0 });
    });

    it("takes DataAlreadyAcceptedException on a resend (an earlier attempt was stored) as delivered, not lost", async () => {
        const s = sink();
        await Promise.all([s.write(record(0)), s.flush()]);
        local.logs.failNext({ kind: "reset" }, { kind: "error", status: 400, errorType: "DataAlreadyAcceptedException" });
        const writes = [1, 2].map((i) => s.write(record(i)));
        await s.flush();
        await Promise.all(writes);
        assert.deepEqual(s.stats(), { delivered: 3, lost: 0, rejected: 0, pending: 0 });
        assert.deepEqual(warnings.filter((w) => w.includes("lost")), []);
    });

    it("counts a batch answered DataAlreadyAcceptedException on its first attempt as lost: only a resend can have been stored", async () => {
        const s = sink();
        await Promise.all([s.write(record(0)), s.flush()]);
        local.logs.failNext({ kind: "error", status: 400, errorType: "DataAlreadyAcceptedException" });
        const lost = assert.rejects(s.write(record(1)), /PutLogEvents failed: DataAlreadyAcceptedException/);
        await s.flush();
        await lost;
        assert.deepEqual(s.stats(), { delivered: 1, lost: 1, rejected: 0, pending: 0 });
    });

    it("counts records as lost, and rejects their writes, once retries run out", async () => {
        const s = sink({ maxAttempts: 2 });
        await Promise.all([s.write(record(0)), s.flush()]);
        local.logs.failNext({ kind: "throttle" }, { kind: "throttle" });
        const lost = assert.rejects(s.write(record(1)), /PutLogEvents failed: ThrottlingException/);
        await s.flush();
        await lost;
        assert.deepEqual(s.stats(), { delivered: 1, lost: 1, rejected: 0, pending: 0 });
        assert.ok(warnings.some((w) => w.includes("lost 1 audit records")));
    });

    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the client under test does
    const rejectWithNull = () => Promise.reject(null);
    for (const [what, answer, named] of [
        // What a client stubbed for other commands answers (aws-sdk-client-mock, say): no proof the batch is stored.
        ["answers PutLogEvents with no response", () => Promise.resolve(undefined), "answered PutLogEvents with undefined, not a response"],
        ["rejects PutLogEvents with null", rejectWithNull, "PutLogEvents failed: null"],
    ] as const) {
        it(`counts the batch lost and names why when the client ${what}, and delivers the next batch`, async () => {
            const real = new CloudWatchLogsClient({ region: "us-east-1", endpoint: local.logs.url, credentials: { accessKeyId: "AKIDCUSTOMERA", secretAccessKey: "secret" }, maxAttempts: 1 });
            let puts = 0;
            const client = { send: (command: object) => (command instanceof PutLogEventsCommand && ++puts === 1 ? answer() : real.send(command as never)) };
            const s = sink({ client: client as never });

            const first = s.write(record(1));
            await s.flush();
            await assert.rejects(first, (e: Error) => e instanceof AuditDeliveryError && e.message.includes(named));
            const second = s.write(record(2));
            await s.flush();
            await second;

            assert.deepEqual(local.logs.records(GROUP).map((r) => r.clientRequestId), ["req-2"]);
            assert.deepEqual(s.stats(), { delivered: 1, lost: 1, rejected: 0, pending: 0 });
            assert.ok(warnings.some((w) => w.startsWith("lost 1 audit records") && w.includes(named.replace("PutLogEvents failed: ", ""))), warnings.join("\n"));
        });
    }

    it("does not retry a request CloudWatch Logs calls invalid", async () => {
        const s = sink();
        await Promise.all([s.write(record(0)), s.flush()]);
        local.logs.failNext({ kind: "error", status: 400, errorType: "InvalidParameterException" });
        const refused = assert.rejects(s.write(record(1)), /PutLogEvents failed: InvalidParameterException/);
        await s.flush();
        await refused;
        assert.equal(local.logs.requests.length, 3);
    });

    it("reports records CloudWatch Logs rejects as too old or too new", async () => {
        const s = sink();
        // A record older than 14 days and one more than 2 hours ahead: more than 24 h apart, so two batches.
        const writes = [
            s.write(record(1, { timestamp: new Date(Date.now() - 20 * 86_400_000).toISOString() })),
            s.write(record(2)),
            s.write(record(3, { timestamp: new Date(Date.now() + 3 * 3600_000).toISOString() })),
        ];
        const settled = Promise.allSettled(writes);
        await s.flush();
        const results = await settled;
        assert.deepEqual(results.map((r) => r.status), ["rejected", "fulfilled", "rejected"]);
        assert.deepEqual(s.stats(), { delivered: 1, lost: 2, rejected: 2, pending: 0 });
        assert.deepEqual(warnings.filter((w) => w.includes("CloudWatch Logs rejected")).length, 2);
    });

    it("refuses a record when the buffer is full instead of dropping an older one", async () => {
        const s = sink({ maxBufferedRecords: 2 });
        const first = [s.write(record(1)), s.write(record(2))];
        await assert.rejects(s.write(record(3)), /buffer full/);
        await s.flush();
        await Promise.all(first);
        assert.deepEqual(local.logs.records(GROUP).map((r) => r.clientRequestId), ["req-1", "req-2"]);
        assert.deepEqual(s.stats(), { delivered: 2, lost: 1, rejected: 0, pending: 0 });
    });

    it("flushes by itself after the flush interval", async () => {
        const s = sink({ flushIntervalMs: 5 });
        await s.write(record(1));
        assert.equal(local.logs.records(GROUP).length, 1);
    });

    it("flushes what is buffered on close", async () => {
        const s = sink();
        const write = s.write(record(1));
        await s.close();
        await write;
        assert.equal(local.logs.records(GROUP).length, 1);
    });

    it("names the argument when the log group name is invalid", () => {
        assert.throws(() => sink({ logGroupName: "bad name:*" }), /^ArgumentError: logGroupName must be a CloudWatch log group name, got "bad name:\*"/);
        // One error class for every bad argument, in both wings: ArgumentError (a TypeError), never RangeError.
        assert.throws(() => sink({ maxAttempts: 0 }), (e: Error) => e instanceof ArgumentError && /^maxAttempts must be an integer >= 1, got 0$/.test(e.message));
    });
});
