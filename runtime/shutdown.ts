/**
 * ECS stops a task with SIGTERM and kills it with SIGKILL `stopTimeout`
 * (30 s by default) later: on SIGTERM, let the calls in progress finish and
 * deliver every buffered audit record before the process exits.
 */
import { describeError } from "./audit-record";
import type { PrivateInvocationLogger } from "./private-invocation-logger";
import { guardedWarning } from "./sinks/audit-sink";

export interface FlushOnShutdownOptions {
    /** Signals to handle. @default ["SIGTERM", "SIGINT"] */
    signals?: readonly NodeJS.Signals[];
    /**
     * Runs first: stop taking new work (close the HTTP server, ...). If it
     * throws, the failure is reported and the flush happens all the same.
     * @default - nothing
     */
    beforeFlush?: () => Promise<void> | void;
    /** Longest wait for calls in progress, ms; under ECS's 30 s SIGKILL. @default 20000 */
    graceMs?: number;
    /**
     * Exit the process after the flush: with code 0, or 1 when any logger
     * lost a record. @default true
     */
    exit?: boolean;
    /** Receives a line about each failure. @default console.error */
    onWarning?: (message: string) => void;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 20_000;
/** Exit code when a record was lost: the audit log is incomplete. */
export const RECORDS_LOST_EXIT_CODE = 1;
const POLL_MS = 10;

/**
 * Stops, waits for calls in progress (up to `graceMs`), closes every logger,
 * and resolves to the exit code: 0, or {@link RECORDS_LOST_EXIT_CODE} when a
 * logger has lost any record. Never rejects.
 */
export async function shutdownLoggers(loggers: readonly PrivateInvocationLogger[], options: Omit<FlushOnShutdownOptions, "signals" | "exit"> = {}): Promise<number> {
    // A warning handler that throws must not skip the flush; its throw surfaces on its own turn.
    const warn = guardedWarning(options.onWarning, (message) => console.error(message));
    try {
        await options.beforeFlush?.();
    } catch (err) {
        warn(`shutdown: beforeFlush failed (${describeError(err).errorCode}); flushing the audit records all the same`);
    }
    const until = Date.now() + (options.graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
    while (loggers.some((l) => l.stats().activeRuns > 0) && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const unfinished = loggers.reduce((n, l) => n + l.stats().activeRuns, 0);
    // close(): flushes, and ends each writer's audit chain with its close record and final checkpoint.
    await Promise.all(loggers.map((l) => l.close()));
    const lost = loggers.reduce((n, l) => n + l.stats().lost, 0);
    if (unfinished > 0) {
        warn(`shutdown: ${unfinished} calls still in progress after the grace period; their records are not written`);
    }
    if (lost > 0) {
        warn(`shutdown: ${lost} audit records were lost`);
        return RECORDS_LOST_EXIT_CODE;
    }
    return unfinished > 0 ? RECORDS_LOST_EXIT_CODE : 0;
}

/** Installs the handlers; returns a function that removes them. */
export function flushOnShutdown(loggers: PrivateInvocationLogger | readonly PrivateInvocationLogger[], options: FlushOnShutdownOptions = {}): () => void {
    const all = Array.isArray(loggers) ? loggers : [loggers as PrivateInvocationLogger];
    const signals = options.signals ?? ["SIGTERM", "SIGINT"];
    let started = false;
    const onSignal = () => {
        if (started) {
            return;
        }
        started = true;
        void shutdownLoggers(all, options).then((code) => {
            process.exitCode = code;
            if (options.exit ?? true) {
                process.exit(code);
            }
        });
    };
    signals.forEach((s) => process.on(s, onSignal));
    return () => signals.forEach((s) => process.removeListener(s, onSignal));
}
