import { strict as assert } from "assert";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { RECORDS_LOST_EXIT_CODE, shutdownLoggers } from "../../runtime/shutdown";
import { SinkCounters, type AuditSink } from "../../runtime/sinks/audit-sink";
import type { StoredRecord } from "../../contract";
import { within } from "../support/within";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { TENANT_ENV } from "../../testing/runtime-fixtures";

/** A sink of a caller's own whose writes never settle until told to, and whose flush can be made to hang too. */
class StuckSink implements AuditSink {
    readonly held: { record: StoredRecord; resolve: () => void; reject: (err: Error) => void }[] = [];
    flushHangs = false;
    private readonly counters = new SinkCounters();

    write(record: StoredRecord): Promise<void> {
        return new Promise((resolve, reject) => this.held.push({ record, resolve, reject }));
    }

    flush(): Promise<void> {
        return this.flushHangs ? new Promise(() => undefined) : Promise.resolve();
    }

    stats() {
        return this.counters.snapshot();
    }
}

/** A sink whose writes and flush settle at once. */
class SettlingSink implements AuditSink {
    private readonly counters = new SinkCounters();
    write(): Promise<void> {
        return Promise.resolve();
    }
    flush(): Promise<void> {
        return Promise.resolve();
    }
    stats() {
        return this.counters.snapshot();
    }
}

const rejection = { ids: {}, errorCode: "InvalidField", errorMessage: "bad" };

function loggerOver(sink: AuditSink, warnings: string[], options: Record<string, unknown> = {}): PrivateInvocationLogger {
    return new PrivateInvocationLogger({ sink, tenantId: "customer-a", onWarning: (m) => warnings.push(m), ...options });
}

describe("a flush bounded by flushTimeoutMs", () => {
    it("counts the records a never-settling sink still holds as lost, reports them and resolves", async () => {
        const sink = new StuckSink();
        const warnings: string[] = [];
        const logger = loggerOver(sink, warnings, { flushTimeoutMs: 50 });
        void logger.logRejection(rejection);
        void logger.logRejection(rejection);

        await within(5000, logger.flush(), "flush");

        assert.equal(logger.stats().lost, 2);
        assert.deepEqual(warnings, ["audit flush did not finish within 50 ms (flushTimeoutMs): 2 audit records still on their way to the sink are counted as lost; 2 lost so far"]);
    });

    it("counts a record given up on once, whether the sink later stores it or loses it", async () => {
        const sink = new StuckSink();
        const warnings: string[] = [];
        const logger = loggerOver(sink, warnings, { flushTimeoutMs: 20 });
        void logger.logRejection(rejection);
        void logger.logRejection(rejection);
        await within(5000, logger.flush(), "flush");

        sink.held[0].resolve();
        sink.held[1].reject(new Error("log group gone"));
        await new Promise((resolve) => setImmediate(resolve));
        await within(5000, logger.flush(), "second flush");

        assert.equal(logger.stats().lost, 2);
        assert.equal(warnings.length, 1, warnings.join("\n"));
    });

    it("fail-closed: a write given up on fails its call, and is counted once", async () => {
        const sink = new StuckSink();
        const warnings: string[] = [];
        const logger = loggerOver(sink, warnings, { flushTimeoutMs: 20, auditMode: "fail-closed" });
        const written = logger.logRejection(rejection);
        await within(5000, logger.flush(), "flush");

        sink.held[0].reject(new Error("log group gone"));
        await assert.rejects(written, { name: "AuditWriteError" });

        assert.equal(logger.stats().lost, 1);
        assert.equal(warnings.length, 1, warnings.join("\n"));
    });

    it("resolves when only the sink's own flush never settles, with nothing lost", async () => {
        const sink = new StuckSink();
        sink.flushHangs = true;
        const warnings: string[] = [];
        const logger = loggerOver(sink, warnings, { flushTimeoutMs: 20 });

        await within(5000, logger.flush(), "flush");

        assert.equal(logger.stats().lost, 0);
        assert.deepEqual(warnings, ["audit sink flush did not finish within 20 ms (flushTimeoutMs); no record was still on its way"]);
    });

    it("waits for a slow sink that settles within the deadline, with nothing lost", async () => {
        const sink = new StuckSink();
        const warnings: string[] = [];
        const logger = loggerOver(sink, warnings);
        void logger.logRejection(rejection);
        setTimeout(() => sink.held[0].resolve(), 50);

        await within(5000, logger.flush(), "flush");

        assert.deepEqual([logger.stats().lost, warnings], [0, []]);
    });

    it("counts a close record still on its way at close's deadline as lost", async () => {
        const sink = new StuckSink();
        const warnings: string[] = [];
        const logger = loggerOver(sink, warnings, { flushTimeoutMs: 20 });
        void logger.logRejection(rejection);
        sink.held[0].resolve();
        await logger.flush();

        await within(5000, logger.close(), "close");

        assert.equal(sink.held.length, 2);
        assert.equal(logger.stats().lost, 1);
    });

    for (const bad of [0, -1, 1.5, "1000", Infinity, 2 ** 31]) {
        it(`refuses a flushTimeoutMs of ${String(bad)}, naming the option`, () => {
            assert.throws(() => loggerOver(new StuckSink(), [], { flushTimeoutMs: bad }), { name: "ArgumentError", message: /^flushTimeoutMs must be an integer from 1 to 2147483647, got / });
        });
    }

    it("refuses a close timeoutMs that is no whole number of milliseconds, and a misspelt close option", () => {
        const logger = loggerOver(new StuckSink(), []);
        assert.throws(() => logger.close({ timeoutMs: 0 }), { name: "ArgumentError", message: /^timeoutMs must be an integer from 1 to 2147483647, got 0/ });
        assert.throws(() => logger.close({ timeoutMS: 10 } as never), { name: "ArgumentError", message: /close options has no option "timeoutMS".*timeoutMs/ });
    });

    it("tells from close whether the deadline cut it short", async () => {
        const hung = new StuckSink();
        hung.flushHangs = true;
        assert.equal(await within(5000, loggerOver(hung, []).close({ timeoutMs: 20 }), "close"), false);
        assert.equal(await within(5000, loggerOver(new SettlingSink(), []).close({ timeoutMs: 1000 }), "close"), true);
    });
});

describe("shutdown over a sink whose flush never settles, every write settled", () => {
    it("reports it and returns 1: what the sink buffers is not known to be stored", async () => {
        const sink = new StuckSink();
        sink.flushHangs = true;
        const logger = loggerOver(sink, []);
        const warnings: string[] = [];

        const code = await within(5000, shutdownLoggers([logger], { graceMs: 0, closeTimeoutMs: 50, onWarning: (m) => warnings.push(m) }), "shutdown");

        assert.equal(code, RECORDS_LOST_EXIT_CODE);
        assert.ok(warnings.some((w) => w.includes("shutdown: the sink of loggers[0] did not finish its flush within 50 ms")), warnings.join("\n"));
    });
});

describe("shutdown over a sink that never settles", () => {
    it("counts the records still on their way at closeTimeoutMs as lost, reports them and returns 1", async () => {
        const sink = new StuckSink();
        const logger = loggerOver(sink, []);
        void logger.logRejection(rejection);
        void logger.logRejection(rejection);
        const warnings: string[] = [];

        const code = await within(5000, shutdownLoggers([logger], { graceMs: 0, closeTimeoutMs: 50, onWarning: (m) => warnings.push(m) }), "shutdown");

        assert.equal(code, RECORDS_LOST_EXIT_CODE);
        // Both records, and the close record handed over behind them.
        assert.equal(logger.stats().lost, 3);
        assert.deepEqual(warnings, ["shutdown: 3 audit records were lost"]);
    });
});

describe("flushTimeoutMs through createTenantChatModel", () => {
    const env = { ...TENANT_ENV, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "AKIDCUSTOMERA", AWS_SECRET_ACCESS_KEY: "secret" };

    it("bounds the flush of the logger the model builds", async () => {
        const sink = new StuckSink();
        const warnings: string[] = [];
        const model = createTenantChatModel({ sink, env, flushTimeoutMs: 30, onWarning: (m) => warnings.push(m) });
        void model.auditLogger.logRejection(rejection);
        await within(5000, model.auditLogger.flush(), "flush");
        assert.equal(model.auditLogger.stats().lost, 1);
        assert.match(warnings.join("\n"), /did not finish within 30 ms \(flushTimeoutMs\)/);
    });

    it("refuses a value that is no whole number of ms within a timer's limit, and one beside a shared logger", () => {
        for (const bad of [0, 1.5, 2 ** 31, "100"]) {
            assert.throws(() => createTenantChatModel({ sink: new StuckSink(), env, flushTimeoutMs: bad as number }), /^ArgumentError: flushTimeoutMs must be an integer from 1 to 2147483647/);
        }
        const shared = createTenantChatModel({ sink: new StuckSink(), env }).auditLogger;
        assert.throws(() => createTenantChatModel({ logger: shared, env, flushTimeoutMs: 1000 } as never), /^ArgumentError: flushTimeoutMs is an option of the logger that records, and logger is given/);
    });
});
