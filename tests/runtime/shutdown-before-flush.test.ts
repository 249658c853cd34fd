/** `beforeFlush` is bounded by the grace period: one that never settles cannot hold the audit records until SIGKILL. */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { RECORDS_LOST_EXIT_CODE, shutdownLoggers } from "../../runtime/shutdown";
import { MemorySink } from "../support/memory-sink";
import { HELD_RECORDS_LOGGER_SCRIPT } from "../support/shutdown-child";

const never = () => new Promise<void>(() => undefined);

describe("shutdown with a beforeFlush that does not finish", () => {
    it("stops waiting for it when the grace period is up, flushes, reports it and exits 0 when nothing was lost", async () => {
        const sink = new MemorySink();
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", onWarning: () => undefined });
        await logger.logRejection({ ids: {}, errorCode: "InvalidField", errorMessage: "bad" });
        const warnings: string[] = [];
        const started = Date.now();

        const code = await shutdownLoggers([logger], { beforeFlush: never, graceMs: 200, onWarning: (m) => warnings.push(m) });

        assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
        assert.equal(code, 0);
        // The call's record, then the close record that ends the writer's audit chain.
        assert.deepEqual(sink.stored().map((r) => (r as { outcome?: string }).outcome ?? (r as { event?: string }).event), ["rejected", "close"]);
        assert.deepEqual(warnings, ["shutdown: beforeFlush did not finish within 200 ms (graceMs); flushing the audit records all the same"]);
    });

    it("shares one grace period with the calls in progress, so shutdown still ends within graceMs + closeTimeoutMs", async () => {
        const busy = { stats: () => ({ activeRuns: 1, lost: 0 }), close: () => Promise.resolve() } as unknown as PrivateInvocationLogger;
        const warnings: string[] = [];
        const started = Date.now();

        const code = await shutdownLoggers([busy], { beforeFlush: never, graceMs: 400, closeTimeoutMs: 50, onWarning: (m) => warnings.push(m) });

        const took = Date.now() - started;
        assert.ok(took >= 390 && took < 1_500, `took ${took} ms`);
        // Unfinished calls are what make the code 1, as before.
        assert.equal(code, RECORDS_LOST_EXIT_CODE);
        assert.deepEqual(warnings, [
            "shutdown: beforeFlush did not finish within 400 ms (graceMs); flushing the audit records all the same",
            "shutdown: 1 calls still in progress after the grace period; their records are not written",
        ]);
    });

    it("gives a beforeFlush that finishes in time the rest of the grace period for the calls in progress", async () => {
        let active = 1;
        const logger = { stats: () => ({ activeRuns: active, lost: 0 }), close: () => Promise.resolve() } as unknown as PrivateInvocationLogger;
        const warnings: string[] = [];
        const code = await shutdownLoggers([logger], {
            beforeFlush: () =>
                new Promise<void>((resolve) =>
                    setTimeout(() => {
                        setTimeout(() => (active = 0), 100);
                        resolve();
                    }, 100),
                ),
            graceMs: 1_000,
            onWarning: (m) => warnings.push(m),
        });
        assert.equal(code, 0);
        assert.deepEqual(warnings, []);
    });

    it("a beforeFlush that fails after the grace period is up surfaces nowhere else", async () => {
        const warnings: string[] = [];
        const unhandled: unknown[] = [];
        const onUnhandled = (reason: unknown) => void unhandled.push(reason);
        process.on("unhandledRejection", onUnhandled);
        try {
            const code = await shutdownLoggers([], { beforeFlush: () => new Promise<void>((_, reject) => setTimeout(() => reject(new Error("late")), 80)), graceMs: 20, onWarning: (m) => warnings.push(m) });
            await new Promise((resolve) => setTimeout(resolve, 150));
            assert.equal(code, 0);
        } finally {
            process.removeListener("unhandledRejection", onUnhandled);
        }
        assert.deepEqual(unhandled, []);
        assert.deepEqual(warnings, ["shutdown: beforeFlush did not finish within 20 ms (graceMs); flushing the audit records all the same"]);
    });
});

describe("flushOnShutdown in a process whose server.close() waits for a long-poll request", () => {
    it("flushes the buffered record and exits on its own, long before the request would end", async () => {
        const script = [
            'const http = require("http");',
            ...HELD_RECORDS_LOGGER_SCRIPT,
            "const server = http.createServer((req, res) => setTimeout(() => res.end('ok'), 60000)).listen(0, '127.0.0.1', async () => {",
            "    http.get({ host: '127.0.0.1', port: server.address().port }, (res) => res.resume()).on('error', () => undefined);",
            "    await logger.logRejection({ ids: {}, errorCode: 'InvalidField', errorMessage: 'bad' });",
            "    await new Promise((resolve) => setTimeout(resolve, 100));",
            "    flushOnShutdown(logger, { graceMs: 500, beforeFlush: () => new Promise((resolve) => server.close(() => resolve())), onWarning: (m) => console.log(m) });",
            "    process.kill(process.pid, 'SIGTERM');",
            "});",
        ].join("\n");
        const started = Date.now();
        const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
            const child = execFile(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: process.cwd(), timeout: 50_000 }, (err, out) =>
                resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout: out }),
            );
            child.stdin?.end();
        });
        assert.equal(code, 0, stdout);
        assert.ok(Date.now() - started < 40_000, `took ${Date.now() - started} ms`);
        assert.match(stdout, /beforeFlush did not finish within 500 ms/);
        assert.match(stdout, /delivered rejected\ndelivered close/);
    });
});
