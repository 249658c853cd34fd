import { strict as assert } from "assert";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { RECORDS_LOST_EXIT_CODE, flushOnShutdown, shutdownLoggers } from "../../runtime/shutdown";
import { AuditDeliveryError, SinkCounters, type AuditSink } from "../../runtime/sinks/audit-sink";
import type { AuditRecord } from "../../contract";
import { collectingUncaught } from "../support/uncaught";
import { HELD_RECORDS_LOGGER_SCRIPT } from "../support/shutdown-child";

/** Holds records until flushed, as a batching sink does; can be told to lose them. */
class BufferingSink implements AuditSink {
    readonly delivered: AuditRecord[] = [];
    lose = false;
    private pending: { record: AuditRecord; resolve: () => void; reject: (e: Error) => void }[] = [];
    private readonly counters = new SinkCounters();

    write(record: AuditRecord): Promise<void> {
        return new Promise((resolve, reject) => this.pending.push({ record, resolve, reject }));
    }

    async flush(): Promise<void> {
        for (const p of this.pending.splice(0)) {
            if (this.lose) {
                this.counters.lost++;
                p.reject(new AuditDeliveryError("lost"));
            } else {
                this.delivered.push(p.record);
                p.resolve();
            }
        }
    }

    stats() {
        return this.counters.snapshot();
    }
}

async function loggerWithOneBufferedRecord(sink: BufferingSink): Promise<PrivateInvocationLogger> {
    const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", onWarning: () => undefined });
    await logger.logRejection({ ids: {}, errorCode: "InvalidField", errorMessage: "bad" });
    return logger;
}

describe("flushOnShutdown", () => {
    it("stops waiting for a logger whose sink never settles its flush, counts what it held as lost and returns 1", async () => {
        const sink = new BufferingSink();
        sink.flush = () => new Promise<void>(() => undefined);
        const logger = await loggerWithOneBufferedRecord(sink);
        const warnings: string[] = [];
        const started = Date.now();

        const code = await shutdownLoggers([logger], { graceMs: 0, closeTimeoutMs: 50, onWarning: (m) => warnings.push(m) });

        assert.equal(code, RECORDS_LOST_EXIT_CODE);
        assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
        // The buffered record and the close record behind it, counted by the logger at the same deadline.
        assert.equal(logger.stats().lost, 2);
        assert.deepEqual(warnings, ["shutdown: 2 audit records were lost"]);
    });

    it("refuses a closeTimeoutMs that is no whole number of at least 1", () => {
        assert.throws(() => flushOnShutdown([], { closeTimeoutMs: 0, exit: false }), /closeTimeoutMs/);
    });

    it("refuses a closeTimeoutMs or graceMs past a Node.js timer's limit, which would fire at once", () => {
        assert.throws(() => flushOnShutdown([], { closeTimeoutMs: 2 ** 31, exit: false }), /^ArgumentError: closeTimeoutMs must be an integer from 1 to 2147483647, got 2147483648/);
        assert.throws(() => flushOnShutdown([], { graceMs: 2 ** 31, exit: false }), /^ArgumentError: graceMs must be an integer from 0 to 2147483647, got 2147483648/);
    });

    it("flushes every buffered record even when beforeFlush throws, and reports the failure", async () => {
        const sink = new BufferingSink();
        const logger = await loggerWithOneBufferedRecord(sink);
        const warnings: string[] = [];

        const code = await shutdownLoggers([logger], {
            beforeFlush: () => {
                throw new TypeError("server already closed");
            },
            onWarning: (m) => warnings.push(m),
        });

        // The call's record, then the close record that ends the writer's audit chain.
        assert.deepEqual(sink.delivered.map((r) => r.outcome ?? (r as { event?: string }).event), ["rejected", "close"]);
        assert.equal(code, 0);
        assert.deepEqual(warnings, ["shutdown: beforeFlush failed (TypeError); flushing the audit records all the same"]);
    });

    it("flushes, and ends with its exit code, even when the warning handler throws too; the handler's throws surface on their own", async () => {
        const sink = new BufferingSink();
        sink.lose = true;
        const logger = await loggerWithOneBufferedRecord(sink);
        let code: number | undefined;

        const thrown = await collectingUncaught(async () => {
            code = await shutdownLoggers([logger], {
                beforeFlush: () => {
                    throw new TypeError("server already closed");
                },
                onWarning: () => {
                    throw new Error("warning handler broke");
                },
            });
        });

        assert.equal(code, RECORDS_LOST_EXIT_CODE);
        assert.equal(logger.stats().lost, 2);
        assert.deepEqual(thrown.map((e) => (e as Error).message), ["warning handler broke", "warning handler broke"]);
    });

    it("ends with a non-zero exit code when records were lost", async () => {
        const sink = new BufferingSink();
        sink.lose = true;
        const logger = await loggerWithOneBufferedRecord(sink);
        const warnings: string[] = [];

        const code = await shutdownLoggers([logger], { onWarning: (m) => warnings.push(m) });

        assert.equal(code, RECORDS_LOST_EXIT_CODE);
        // The call's record and the close record that would have ended the writer's chain.
        assert.deepEqual(warnings, ["shutdown: 2 audit records were lost"]);
    });

    it("sets the process exit code from a signal when told not to exit", async () => {
        const sink = new BufferingSink();
        sink.lose = true;
        const logger = await loggerWithOneBufferedRecord(sink);
        const flushed = new Promise<void>((resolve) => {
            const original = sink.flush.bind(sink);
            sink.flush = async () => {
                await original();
                resolve();
            };
        });
        const previous = process.exitCode;
        const remove = flushOnShutdown(logger, { signals: ["SIGUSR2"], exit: false, beforeFlush: () => Promise.reject(new Error("x")), onWarning: () => undefined });
        try {
            process.emit("SIGUSR2", "SIGUSR2");
            await flushed;
            await new Promise((resolve) => setImmediate(resolve));
            assert.equal(process.exitCode, RECORDS_LOST_EXIT_CODE);
        } finally {
            remove();
            process.exitCode = previous;
        }
    });
});

describe("shutdown in a process with nothing else to do", () => {
    it("still reports a close that never settles, and exits 1, rather than letting the process end with 0", async () => {
        const { execFile } = await import("child_process");
        const script = [
            'const { shutdownLoggers } = require("./runtime/shutdown");',
            "const parked = { stats: () => ({ activeRuns: 0, lost: 0 }), close: () => new Promise(() => undefined) };",
            'shutdownLoggers([parked], { graceMs: 0, closeTimeoutMs: 200, onWarning: (m) => console.log(m) }).then((code) => console.log("code", code));',
        ].join("\n");
        const out = await new Promise<string>((resolve) =>
            execFile(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: process.cwd() }, (_err, stdout) => resolve(stdout)),
        );
        assert.match(out, /did not finish within 200 ms/);
        assert.match(out, /code 1/);
    });
});

describe("shutdown with warning handlers that throw", () => {
    it("surfaces their throws only once every record is flushed and the loggers closed", async () => {
        const sink = new BufferingSink();
        // The logger's own handler throws too: it warns while closing when a record is lost.
        sink.lose = true;
        const logger = new PrivateInvocationLogger({
            sink,
            tenantId: "customer-a",
            onWarning: () => {
                throw new Error("logger's handler broke");
            },
        });
        await logger.logRejection({ ids: {}, errorCode: "InvalidField", errorMessage: "bad" });
        let closed = false;
        const close = logger.close.bind(logger);
        logger.close = () => close().then((complete) => ((closed = true), complete));
        const closedAtThrow: boolean[] = [];
        const note = () => void closedAtThrow.push(closed);
        let code: number | undefined;

        const thrown = await collectingUncaught(async () => {
            process.on("uncaughtException", note);
            code = await shutdownLoggers([logger], {
                beforeFlush: () => {
                    throw new TypeError("server already closed");
                },
                onWarning: () => {
                    throw new Error("shutdown's handler broke");
                },
            });
        });
        process.removeListener("uncaughtException", note);

        const messages = thrown.map((e) => (e as Error).message);
        assert.equal(code, RECORDS_LOST_EXIT_CODE);
        assert.ok(messages.includes("shutdown's handler broke") && messages.includes("logger's handler broke"), messages.join(", "));
        assert.ok(closedAtThrow.every((c) => c), `a throw surfaced before close() ended: ${closedAtThrow.join(", ")}`);
    });

    it("in a process without an uncaughtException handler, delivers every record and the close record before the throw ends it", async () => {
        const { execFile } = await import("child_process");
        const script = [
            ...HELD_RECORDS_LOGGER_SCRIPT,
            "void logger.logRejection({ ids: {}, errorCode: 'InvalidField', errorMessage: 'bad' });",
            "void logger.logRejection({ ids: {}, errorCode: 'InvalidField', errorMessage: 'bad' });",
            "flushOnShutdown(logger, { graceMs: 500, beforeFlush: () => { throw new Error('x'); }, onWarning: () => { throw new Error('onWarning threw'); } });",
            // Work still to do, as a server has: without it the process would end before the signal arrives.
            "setTimeout(() => console.log('not ended by the shutdown'), 20000);",
            "process.kill(process.pid, 'SIGTERM');",
        ].join("\n");

        const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
            execFile(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: process.cwd(), timeout: 50_000 }, (err, out, errOut) =>
                resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout: out, stderr: errOut }),
            );
        });

        assert.deepEqual(stdout.trim().split("\n"), ["delivered rejected", "delivered rejected", "delivered close"], stderr);
        assert.notEqual(code, 0);
        assert.match(stderr, /onWarning threw/);
    });
});
