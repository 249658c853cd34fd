/** A clock stepped forward and corrected: records after the correction still reach CloudWatch Logs, and the trail still verifies. */
import { strict as assert } from "assert";
import { AUDIT_MODES } from "../../contract";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { allBreaks, verifyAuditTrail } from "../../verifier/audit";
import { filterLogEvents } from "../support/audit-trail";
import { LOGS_TEST_GROUP, useLocalLogsSink } from "../support/logs-sink";

const HOUR_MS = 3600_000;

describe("the audit chain after the clock steps back", () => {
    const local = useLocalLogsSink();
    const realNow = Date.now;
    let offsetMs = 0;
    /** The host's clock off by `ms`; the local CloudWatch Logs keeps the true time, as the real one does. */
    const clockOff = (ms: number) => {
        offsetMs = ms;
        local.logs.clockAheadMs = -ms;
    };
    beforeEach(() => {
        offsetMs = 0;
        Date.now = () => realNow() + offsetMs;
    });
    afterEach(() => {
        Date.now = realNow;
    });

    for (const auditMode of AUDIT_MODES) {
        it(`${auditMode}: a 3 h step forward, corrected, costs only the record written during the step`, async () => {
            const warnings: string[] = [];
            const logger = new PrivateInvocationLogger({ sink: local.sink(), tenantId: "customer-a", auditMode, onWarning: (m) => warnings.push(m) });
            const write = (i: number) =>
                logger.logRejection({ ids: { userId: `u${i}` }, errorCode: "InvalidField", errorMessage: "bad" }).then(
                    () => "ok",
                    (err: Error) => err.name,
                );
            const results = [await write(0)];
            clockOff(3 * HOUR_MS);
            const stepped = write(1);
            await logger.flush();
            results.push(await stepped);
            clockOff(0);
            for (let i = 2; i < 12; i++) {
                const written = write(i);
                await logger.flush();
                results.push(await written);
            }
            await logger.flush();

            const failedDuringStep = auditMode === "fail-closed" ? "AuditWriteError" : "ok";
            assert.deepEqual(results, ["ok", failedDuringStep, ...Array(10).fill("ok")]);
            assert.equal(local.logs.eventCount(LOGS_TEST_GROUP), 11);
            assert.equal(logger.stats().lost, 1);
            assert.equal(logger.stats().clockSteps, 1);
            assert.ok(warnings.some((w) => w.includes("stepped back")), warnings.join("\n"));

            // Within a writer, stored order is still chain order; the chain cut short by the step verifies as a writer that stopped.
            const stored = local.logs.records(LOGS_TEST_GROUP) as never[];
            const check = verifyAuditTrail([filterLogEvents(stored)]);
            assert.deepEqual(allBreaks(check), []);
            assert.equal(check.writers.length, 2);
            for (const r of stored as { chain: { at: string } }[]) assert.ok(Date.parse(r.chain.at) <= realNow() + 60_000, r.chain.at);
        });
    }

    it("a clock stepped back less than a minute keeps the chain, stamped no later than its last record", async () => {
        const logger = new PrivateInvocationLogger({ sink: local.sink(), tenantId: "customer-a", onWarning: () => undefined });
        await logger.logRejection({ ids: {}, errorCode: "InvalidField", errorMessage: "bad" });
        clockOff(-30_000);
        await logger.logRejection({ ids: {}, errorCode: "InvalidField", errorMessage: "bad" });
        await logger.flush();
        const stored = local.logs.records(LOGS_TEST_GROUP) as { chain: { at: string; writer: string; seq: number } }[];
        assert.deepEqual(stored.map((r) => r.chain.seq), [0, 1]);
        assert.equal(stored[0].chain.writer, stored[1].chain.writer);
        assert.ok(stored[1].chain.at >= stored[0].chain.at);
        assert.equal(logger.stats().clockSteps, 0);
    });
});
