/** Any fault of a sink loses the record the same way: counted, reported, and in fail-closed mode the call refused with AuditWriteError. */
import { strict as assert } from "assert";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import type { StoredRecord } from "../../contract";
import { AuditWriteError, PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { RecordDelivery } from "../../runtime/record-delivery";
import { SinkCounters, type AuditSink, type CallbackRecordSink, type SinkStats } from "../../runtime/sinks/audit-sink";
import { callRecord } from "../support/audit-trail";

const stats = (): SinkStats => new SinkCounters().snapshot();
const reply = { generations: [[{ text: "ok", message: new AIMessage("ok") } as never]] };

/* eslint-disable @typescript-eslint/only-throw-error, @typescript-eslint/prefer-promise-reject-errors -- a sink of someone else's may throw anything */
const faulty: [string, () => AuditSink][] = [
    ["throws an Error synchronously", () => ({ write: () => { throw new Error("disk full"); }, flush: () => Promise.resolve(), stats })],
    ["throws a string synchronously", () => ({ write: () => { throw "disk full"; }, flush: () => Promise.resolve(), stats })],
    ["rejects with undefined", () => ({ write: () => Promise.reject(undefined), flush: () => Promise.resolve(), stats })],
    ["returns no promise", () => ({ write: () => undefined as never, flush: () => Promise.resolve(), stats })],
];
/* eslint-enable @typescript-eslint/only-throw-error, @typescript-eslint/prefer-promise-reject-errors */

describe("a sink fault of any kind", () => {
    it("fail-closed, a started record that fails while someone waits for the call: the wait ends", async () => {
        // A sink that fails a little later, as one retrying its write would.
        const slowFailure: AuditSink = { write: () => new Promise((_resolve, reject) => setTimeout(() => reject(new Error("unreachable")), 50)), flush: () => Promise.resolve(), stats };
        const logger = new PrivateInvocationLogger({ sink: slowFailure, tenantId: "customer-a", auditMode: "fail-closed", onWarning: () => undefined });
        const started = Promise.resolve(logger.runStarted("run-1", [new HumanMessage("hi")], {})).catch(() => undefined);
        // The Lambda's streaming handler waits for the call when the caller disconnects while the started record is on its way.
        const finished = logger.runFinished("run-1");
        const outcome = await Promise.race([finished.then(() => "finished"), new Promise((resolve) => setTimeout(() => resolve("still waiting"), 1000))]);
        await started;
        assert.equal(outcome, "finished");
    });

    for (const [what, make] of faulty) {
        it(`fail-closed, a sink that ${what}: the call is refused with AuditWriteError, the record counted lost and reported`, async () => {
            const warnings: string[] = [];
            const logger = new PrivateInvocationLogger({ sink: make(), tenantId: "customer-a", auditMode: "fail-closed", onWarning: (w) => warnings.push(w) });
            await assert.rejects(Promise.resolve(logger.runStarted("run-1", [new HumanMessage("hi")], {})), AuditWriteError);
            // The same through LangChain's callback, as `invoke` calls it.
            await assert.rejects(logger.handleChatModelStart(undefined, [[new HumanMessage("hi")]], "run-2"), AuditWriteError);
            assert.deepEqual([logger.stats().lost, logger.stats().activeRuns], [2, 0]);
            assert.equal(warnings.filter((w) => w.startsWith("audit record lost")).length, 2, warnings.join("\n"));
        });

        it(`best-effort, a sink that ${what}: the call goes on, the record counted lost and reported`, async () => {
            const warnings: string[] = [];
            const logger = new PrivateInvocationLogger({ sink: make(), tenantId: "customer-a", onWarning: (w) => warnings.push(w) });
            assert.equal(logger.runStarted("run-1", [new HumanMessage("hi")], {}), undefined);
            assert.equal(logger.runEnded("run-1", reply), undefined);
            await logger.logRejection({ ids: {}, errorCode: "BadRequest", errorMessage: "bad" });
            await logger.flush();
            assert.equal(logger.stats().lost, 2);
            assert.equal(warnings.filter((w) => w.startsWith("audit record lost")).length, 2, warnings.join("\n"));
        });
    }

    it("a sink that calls a record's callback twice, or calls it and then throws, settles the record once", async () => {
        const calls: ((err?: Error) => void)[] = [];
        const sink: CallbackRecordSink = {
            enqueue(record: StoredRecord, _json: string | undefined, settled: (err?: Error) => void) {
                calls.push(settled);
                if ((record as { clientRequestId?: string }).clientRequestId === "throws") {
                    settled(new Error("refused"));
                    throw new Error("and threw");
                }
            },
            write: () => Promise.resolve(),
            flush: () => Promise.resolve(),
            stats,
        };
        const warnings: string[] = [];
        const delivery = new RecordDelivery({ sink, tenantId: "customer-a", auditMode: "best-effort", warn: (w) => warnings.push(w) });
        void delivery.deliver(callRecord(0));
        void delivery.deliver(callRecord(1, { clientRequestId: "throws" }));
        void delivery.deliver(callRecord(2));
        calls[0]();
        calls[0](new Error("late"));
        let flushed = false;
        const flushing = delivery.flush().then(() => (flushed = true));
        await new Promise((resolve) => setImmediate(resolve));
        // The third record has not settled: a second call of the first one's callback must not stand in for it.
        assert.equal(flushed, false);
        calls[2]();
        await flushing;
        assert.deepEqual(delivery.records, { handed: 3, lost: 1 });
        assert.equal(warnings.length, 1);
    });
});
