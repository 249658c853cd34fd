/**
 * ECS stops a task with SIGTERM and kills it with SIGKILL `stopTimeout`
 * (30 s by default) later: on SIGTERM, let the calls in progress finish and
 * deliver every buffered audit record before the process exits.
 */
import type { PrivateInvocationLogger } from "./private-invocation-logger";

export interface FlushOnShutdownOptions {
    /** Signals to handle. @default ["SIGTERM", "SIGINT"] */
    signals?: readonly NodeJS.Signals[];
    /** Runs first: stop taking new work (close the HTTP server, ...). @default - nothing */
    beforeFlush?: () => Promise<void> | void;
    /** Longest wait for calls in progress, ms; under ECS's 30 s SIGKILL. @default 20000 */
    graceMs?: number;
    /** Exit the process after the flush (with code 0). @default true */
    exit?: boolean;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 20_000;
const POLL_MS = 10;

/** Installs the handlers; returns a function that removes them. */
export function flushOnShutdown(loggers: PrivateInvocationLogger | readonly PrivateInvocationLogger[], options: FlushOnShutdownOptions = {}): () => void {
    const all = Array.isArray(loggers) ? loggers : [loggers as PrivateInvocationLogger];
    const signals = options.signals ?? ["SIGTERM", "SIGINT"];
    const graceMs = options.graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    let started = false;
    const onSignal = () => {
        if (started) {
            return;
        }
        started = true;
        void (async () => {
            try {
                await options.beforeFlush?.();
                const until = Date.now() + graceMs;
                while (all.some((l) => l.stats().activeRuns > 0) && Date.now() < until) {
                    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
                }
                // close(): flush, and end each writer's audit chain with its close record.
                await Promise.all(all.map((l) => l.close()));
            } finally {
                if (options.exit ?? true) {
                    process.exit(0);
                }
            }
        })();
    };
    signals.forEach((s) => process.on(s, onSignal));
    return () => signals.forEach((s) => process.removeListener(s, onSignal));
}
