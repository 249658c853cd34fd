import { strict as assert } from "assert";
import { ArgumentError } from "../../contract";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { RECORDS_LOST_EXIT_CODE, flushOnShutdown, shutdownLoggers } from "../../runtime/shutdown";
import { MemorySink } from "../support/memory-sink";

async function loggerWithOneRecord(): Promise<{ logger: PrivateInvocationLogger; sink: MemorySink }> {
    const sink = new MemorySink();
    const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", onWarning: () => undefined });
    await logger.logRejection({ ids: {}, errorCode: "InvalidField", errorMessage: "bad" });
    return { logger, sink };
}

/** A stand-in with the methods shutdown uses, failing as told. */
const standIn = (close: () => unknown, stats: () => unknown = () => ({ activeRuns: 0, lost: 0 })) => ({ close, stats }) as unknown as PrivateInvocationLogger;

describe("bad arguments of flushOnShutdown and shutdownLoggers", () => {
    const good = [] as PrivateInvocationLogger[];
    const cases: [string, () => unknown, string, string][] = [
        ["no loggers", () => flushOnShutdown(undefined as never, { signals: ["SIGUSR2"] }), "loggers", "undefined"],
        ["an empty object as the logger", () => flushOnShutdown({} as never, { signals: ["SIGUSR2"] }), "loggers", "{}"],
        ["an empty object in the list", () => flushOnShutdown([{}] as never, { signals: ["SIGUSR2"] }), "loggers[0]", "{}"],
        ["options null", () => flushOnShutdown(good, null as never), "flushOnShutdown options", "null"],
        ["graceMs a string", () => flushOnShutdown(good, { graceMs: "x" as never, signals: ["SIGUSR2"] }), "graceMs", '"x"'],
        ["graceMs negative", () => flushOnShutdown(good, { graceMs: -1, signals: ["SIGUSR2"] }), "graceMs", "-1"],
        ["an unknown signal", () => flushOnShutdown(good, { signals: ["SIGFOO" as never] }), "signals[0]", '"SIGFOO"'],
        ["a signal no process can handle", () => flushOnShutdown(good, { signals: ["SIGTERM", "SIGKILL"] }), "signals[1]", '"SIGKILL"'],
        ["an inherited name as a signal", () => flushOnShutdown(good, { signals: ["toString" as never] }), "signals[0]", '"toString"'],
        ["a signal twice", () => flushOnShutdown(good, { signals: ["SIGTERM", "SIGTERM"] }), "signals[1]", '"SIGTERM"'],
        ["no signals", () => flushOnShutdown(good, { signals: [] }), "signals", "[]"],
        ["signals a string", () => flushOnShutdown(good, { signals: "SIGTERM" as never }), "signals", '"SIGTERM"'],
        ["beforeFlush a number", () => flushOnShutdown(good, { beforeFlush: 1 as never, signals: ["SIGUSR2"] }), "beforeFlush", "1"],
        ["exit a string", () => flushOnShutdown(good, { exit: "no" as never, signals: ["SIGUSR2"] }), "exit", '"no"'],
        ["onWarning a string", () => flushOnShutdown(good, { onWarning: "log" as never, signals: ["SIGUSR2"] }), "onWarning", '"log"'],
    ];
    for (const [what, build, name, shown] of cases) {
        it(`flushOnShutdown refuses ${what}, installing nothing`, () => {
            const before = process.listenerCount("SIGUSR2") + process.listenerCount("SIGTERM");
            assert.throws(build, (err: unknown) => {
                assert.ok(err instanceof ArgumentError, `expected an ArgumentError, got ${String(err)}`);
                assert.ok(err.message.startsWith(name), `message should start with ${name}: ${err.message}`);
                assert.ok(err.message.includes(shown), `message should show ${shown}: ${err.message}`);
                return true;
            });
            assert.equal(process.listenerCount("SIGUSR2") + process.listenerCount("SIGTERM"), before);
        });
    }

    it("flushOnShutdown still takes good values, one logger or a list, and removes its handlers", async () => {
        const { logger } = await loggerWithOneRecord();
        const before = process.listenerCount("SIGUSR2");
        const removeOne = flushOnShutdown(logger, { signals: ["SIGUSR2"], graceMs: 0, exit: false, beforeFlush: () => undefined, onWarning: () => undefined });
        const removeList = flushOnShutdown([logger, standIn(() => undefined)], { signals: ["SIGUSR2", "SIGHUP"] });
        assert.equal(process.listenerCount("SIGUSR2"), before + 2);
        removeOne();
        removeList();
        assert.equal(process.listenerCount("SIGUSR2"), before);
    });

    it("shutdownLoggers never rejects: a non-logger is reported by its index, and the others are still closed", async () => {
        const { logger, sink } = await loggerWithOneRecord();
        const warnings: string[] = [];

        const code = await shutdownLoggers([{} as PrivateInvocationLogger, logger], { graceMs: 10, onWarning: (m) => warnings.push(m) });

        assert.equal(code, RECORDS_LOST_EXIT_CODE);
        assert.match(warnings[0], /^shutdown: loggers\[0\] must be a PrivateInvocationLogger .*got \{\}/);
        // The good logger's record and its chain's close record were delivered.
        assert.equal(sink.records().length, 1);
        assert.equal(logger.stats().lost, 0);
    });

    const failing: [string, PrivateInvocationLogger, RegExp][] = [
        ["close() rejects", standIn(() => Promise.reject(new Error("down"))), /close\(\) of loggers\[0\] failed \(Error\)/],
        ["close() throws", standIn(() => { throw new TypeError("broken"); }), /close\(\) of loggers\[0\] failed \(TypeError\)/],
        ["stats() throws", standIn(() => undefined, () => { throw new Error("no stats"); }), /stats\(\) of loggers\[0\] failed \(Error\)/],
    ];
    for (const [what, bad, warning] of failing) {
        it(`shutdownLoggers resolves to ${RECORDS_LOST_EXIT_CODE} when a logger's ${what} at run time`, async () => {
            const warnings: string[] = [];
            const code = await shutdownLoggers([bad], { graceMs: 10, onWarning: (m) => warnings.push(m) });
            assert.equal(code, RECORDS_LOST_EXIT_CODE);
            assert.ok(warnings.some((w) => warning.test(w)), warnings.join("\n"));
        });
    }

    const badArguments: [string, () => Promise<number>, RegExp][] = [
        ["no loggers", () => shutdownLoggers(undefined as never), /loggers must be a PrivateInvocationLogger or a list of them, got undefined/],
        ["graceMs a string", () => shutdownLoggers([], { graceMs: "x" as never }), /graceMs must be an integer from 0 to 2147483647, got "x"/],
        ["beforeFlush a number", () => shutdownLoggers([], { beforeFlush: 1 as never }), /beforeFlush must be a function, got 1/],
        ["onWarning a number", () => shutdownLoggers([], { onWarning: 1 as never }), /onWarning must be a function, got 1/],
        ["options null", () => shutdownLoggers([], null as never), /shutdownLoggers options must be an object, got null/],
    ];
    for (const [what, run, warning] of badArguments) {
        it(`shutdownLoggers reports ${what} and resolves to ${RECORDS_LOST_EXIT_CODE}`, async () => {
            const errors: string[] = [];
            const original = console.error;
            console.error = (m: string) => void errors.push(m);
            let code: number;
            try {
                code = await run();
            } finally {
                console.error = original;
            }
            assert.equal(code, RECORDS_LOST_EXIT_CODE);
            assert.ok(errors.some((e) => warning.test(e)), errors.join("\n"));
        });
    }

    it("shutdownLoggers takes one logger as flushOnShutdown does", async () => {
        const { logger, sink } = await loggerWithOneRecord();
        assert.equal(await shutdownLoggers(logger, { onWarning: () => undefined }), 0);
        assert.equal(sink.records().length, 1);
    });
});
