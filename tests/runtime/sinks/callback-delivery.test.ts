import { strict as assert } from "assert";
import { RecordDelivery } from "../../../runtime/record-delivery";
import { SinkCounters, type AuditSink, type CallbackRecordSink, type SinkStats } from "../../../runtime/sinks/audit-sink";
import { HumanMessage } from "@langchain/core/messages";
import { PrivateInvocationLogger } from "../../../runtime/private-invocation-logger";
import { MemorySink } from "../../support/memory-sink";
import { collectingUncaught } from "../../support/uncaught";
import type { AuditRecord, StoredRecord } from "../../../contract";
import { LOGS_TEST_GROUP, logsTestRecord, useLocalLogsSink } from "../../support/logs-sink";

const GROUP = LOGS_TEST_GROUP;

/** A record stamped `ageMs` before now (CloudWatch refuses events over 14 days old). */
function record(i: number, ageMs = -1000): AuditRecord {
    return logsTestRecord(i, { timestamp: new Date(Date.now() + ageMs).toISOString() });
}

/** What each callback was called with, in order: "ok" or the error's message. */
function callbacks(): { calls: string[][]; settled: (i: number) => (err?: Error) => void } {
    const calls: string[][] = [];
    return {
        calls,
        settled: (i) => {
            calls[i] = [];
            return (err) => calls[i].push(err === undefined ? "ok" : err.message);
        },
    };
}

/** Takes records with a callback and settles them when told; `write` must not be used. */
class HeldSink implements CallbackRecordSink {
    readonly held: { record: StoredRecord; settled: (err?: Error) => void }[] = [];
    writes = 0;
    private readonly counters = new SinkCounters();

    enqueue(record: StoredRecord, _json: string | undefined, settled: (err?: Error) => void): void {
        this.held.push({ record, settled });
    }
    write(): Promise<void> {
        this.writes++;
        return Promise.resolve();
    }
    flush(): Promise<void> {
        return Promise.resolve();
    }
    stats(): SinkStats {
        return this.counters.snapshot();
    }
    settle(index: number, err?: Error): void {
        this.held[index].settled(err);
    }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));


describe("delivery through callbacks: each record's settled callback, and the warning handler", () => {
    describe("CloudWatchLogsSink.enqueue against a local CloudWatch Logs", () => {
        const local = useLocalLogsSink();
        const { sink } = local;

        it("calls each record's callback once, without an argument, once its batch is stored; the line is the JSON given", async () => {
            const s = sink();
            const { calls, settled } = callbacks();
            const given = record(1);
            s.enqueue(given, JSON.stringify(given), settled(0));
            s.enqueue(record(2), undefined, settled(1));
            assert.deepEqual(calls, [[], []]);
            await s.flush();
            assert.deepEqual(calls, [["ok"], ["ok"]]);
            assert.deepEqual(local.logs.records(GROUP).map((r) => r.clientRequestId), ["req-1", "req-2"]);
            assert.deepEqual(s.stats(), { delivered: 2, lost: 0, rejected: 0, pending: 0 });
        });

        it("calls it once with the error when retries run out, and at once when the buffer is full", async () => {
            const s = sink({ maxAttempts: 2, maxBufferedRecords: 1 });
            const { calls, settled } = callbacks();
            local.logs.failNext({ kind: "throttle" }, { kind: "throttle" });
            s.enqueue(record(1), undefined, settled(0));
            s.enqueue(record(2), undefined, settled(1));
            assert.deepEqual(calls[1], ["audit buffer full (1 records); record not accepted"]);
            await s.flush();
            assert.deepEqual(calls, [["PutLogEvents failed: ThrottlingException"], ["audit buffer full (1 records); record not accepted"]]);
            assert.deepEqual(s.stats(), { delivered: 0, lost: 2, rejected: 0, pending: 0 });
        });

        const puts = () => local.logs.requests.filter((r) => String(r.headers["x-amz-target"]).endsWith(".PutLogEvents")).length;

        it("a warning handler that throws neither resends a batch nor stops the flush; its throw surfaces on its own", async () => {
            const s = sink({ onWarning: () => { throw new Error("warning handler broke"); } });
            const writes = [s.write(record(1, -20 * 86_400_000)), s.write(record(2))];
            const thrown = await collectingUncaught(async () => {
                await s.flush();
            });
            const results = await Promise.allSettled(writes);
            assert.deepEqual(results.map((r) => r.status), ["rejected", "fulfilled"]);
            assert.equal(puts(), 2, "one PutLogEvents per batch, none sent again");
            assert.deepEqual(local.logs.records(GROUP).map((r) => r.clientRequestId), ["req-2"]);
            assert.deepEqual(s.stats(), { delivered: 1, lost: 1, rejected: 1, pending: 0 });
            assert.deepEqual(thrown.map((e) => (e as Error).message), ["warning handler broke"]);
        });

        it("a record's callback that throws does not keep the records after it from settling", async () => {
            const s = sink();
            const { calls, settled } = callbacks();
            const thrown = await collectingUncaught(async () => {
                s.enqueue(record(1), undefined, () => {
                    throw new Error("callback broke");
                });
                s.enqueue(record(2), undefined, settled(0));
                await s.flush();
            });
            assert.deepEqual(calls, [["ok"]]);
            assert.equal(puts(), 1);
            assert.equal(local.logs.records(GROUP).length, 2);
            assert.deepEqual(thrown.map((e) => (e as Error).message), ["callback broke"]);
        });
    });

    describe("best-effort delivery", () => {
        /** Best-effort delivery into `sink`; its warnings go into `warnings`, or to `warn` when given. */
        const delivery = (sink: AuditSink, warnings: string[] = [], warn = (m: string) => void warnings.push(m)) =>
            new RecordDelivery({ sink, tenantId: "customer-a", auditMode: "best-effort", warn });

        it("hands each record to a sink that takes a callback without asking it for a promise", () => {
            const sink = new HeldSink();
            const d = delivery(sink);
            for (let i = 0; i < 3; i++) assert.equal(d.deliver(record(i)), undefined);
            assert.equal(sink.writes, 0);
            assert.deepEqual(sink.held.map((h) => (h.record as AuditRecord).clientRequestId), ["req-0", "req-1", "req-2"]);
            assert.deepEqual(sink.held.map((h) => h.record.chain?.seq), [0, 1, 2]);
        });

        it("counts and reports a record lost through its callback, once", () => {
            const sink = new HeldSink();
            const warnings: string[] = [];
            const d = delivery(sink, warnings);
            void d.deliver(record(0));
            void d.deliver(record(1));
            sink.settle(0);
            sink.settle(1, new Error("gone"));
            assert.deepEqual(d.records, { handed: 2, lost: 1 });
            assert.equal(warnings.length, 1);
        });

        it("a warning handler that throws does not leave a flush waiting for the lost record", async () => {
            const sink = new HeldSink();
            const d = delivery(sink, [], () => {
                throw new Error("warning handler broke");
            });
            void d.deliver(record(0));
            const flushing = d.flush();
            assert.throws(() => sink.settle(0, new Error("gone")), /warning handler broke/);
            await flushing;
            assert.deepEqual(d.records, { handed: 1, lost: 1 });
        });

        it("flush waits for the records handed over before it, not for those after", async () => {
            const sink = new HeldSink();
            const d = delivery(sink);
            void d.deliver(record(0));
            let flushed = false;
            const flushing = d.flush().then(() => (flushed = true));
            void d.deliver(record(1));
            await nextTurn();
            assert.equal(flushed, false, "flush ended before the record handed over before it settled");
            sink.settle(0);
            await flushing;
            assert.equal(flushed, true);
            // A second flush waits for the later record, and for nothing settled already.
            let again = false;
            const second = d.flush().then(() => (again = true));
            await nextTurn();
            assert.equal(again, false);
            sink.settle(1);
            await second;
        });

        it("a sink that only returns promises still gets every record, and a refusal of any kind counts as lost", async () => {
            const warnings: string[] = [];
            let n = 0;
            const refusing: AuditSink = {
                // A sink of someone else's may refuse with anything; the record still counts as lost.
                // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
                write: () => (n++ === 0 ? Promise.resolve() : Promise.reject("refused, with no Error")),
                flush: () => Promise.resolve(),
                stats: () => new SinkCounters().snapshot(),
            };
            const d = delivery(refusing, warnings);
            void d.deliver(record(0));
            void d.deliver(record(1));
            await d.flush();
            assert.equal(n, 2);
            assert.deepEqual(d.records, { handed: 2, lost: 1 });
            assert.equal(warnings.length, 1);
        });
    });

    it("a logger whose warning handler throws still counts the lost record and flushes; the throw surfaces on its own", async () => {
        const sink = new MemorySink();
        sink.failWith = "refused";
        const logger = new PrivateInvocationLogger({
            sink,
            tenantId: "customer-a",
            onWarning: () => {
                throw new Error("warning handler broke");
            },
        });
        const thrown = await collectingUncaught(async () => {
            assert.equal(logger.runStarted("run-1", [new HumanMessage("hi")], {}), undefined);
            assert.equal(logger.runEnded("run-1", { generations: [[{ text: "ok" }]] }), undefined);
            await logger.flush();
        });
        assert.equal(logger.stats().lost, 1);
        assert.deepEqual(thrown.map((e) => (e as Error).message), ["warning handler broke"]);
    });
});
