/**
 * ECS stops a task with SIGTERM and kills it with SIGKILL `stopTimeout`
 * (30 s by default) later: on SIGTERM, let the calls in progress finish and
 * deliver every buffered audit record before the process exits.
 */
import { constants } from "os";
import { booleanProblem, duplicateProblem, firstProblem, functionProblem, listProblem, optionKeysProblem, raise, recordProblem, show, showBrief, unreadableProblem, type Problem } from "../contract";
import { describeError } from "./audit-record";
import type { PrivateInvocationLogger } from "./private-invocation-logger";
import { settledWithin, timerMsProblem } from "./record-delivery";
import { guardedWarning, holdCallbackThrows } from "./sinks/audit-sink";
import { auditLoggerProblem } from "./wiring/audit-logger";

export interface FlushOnShutdownOptions {
    /** Signals to handle. @default ["SIGTERM", "SIGINT"] */
    signals?: readonly NodeJS.Signals[];
    /**
     * Runs first: stop taking new work (close the HTTP server, ...). If it
     * throws, or has not finished when `graceMs` is up, the failure is
     * reported and the flush happens all the same.
     * @default - nothing
     */
    beforeFlush?: () => Promise<void> | void;
    /**
     * Longest wait for `beforeFlush` and then for calls in progress, ms, both
     * within this one period; under ECS's 30 s SIGKILL. @default 20000
     */
    graceMs?: number;
    /**
     * Longest wait for each logger's close (its flush, close record and final
     * checkpoint), ms: a sink that never settles must not hold the process
     * until SIGKILL, with no exit code and no warning. The logger counts the
     * records still on their way then as lost, and reports them. With the
     * default grace, 28 s in all, under ECS's 30 s. @default 8000
     */
    closeTimeoutMs?: number;
    /**
     * Exit the process after the flush: with code 0, or 1 when any logger
     * lost a record. @default true
     */
    exit?: boolean;
    /** Receives a line about each failure. @default console.error */
    onWarning?: (message: string) => void;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 20_000;
export const DEFAULT_CLOSE_TIMEOUT_MS = 8_000;
/** Exit code when a record was lost: the audit log is incomplete. */
export const RECORDS_LOST_EXIT_CODE = 1;
const POLL_MS = 10;

/** What shutdown calls on a logger: a stand-in with these works as well as a {@link PrivateInvocationLogger}. */
const SHUTDOWN_LOGGER_METHODS = ["stats", "close"] as const;
/** Signals no process can handle: listening for them throws. */
const UNCATCHABLE_SIGNALS = ["SIGKILL", "SIGSTOP"];

/**
 * Stops (`beforeFlush`), waits for calls in progress (the two together up
 * to `graceMs`), closes every logger (each up to `closeTimeoutMs`),
 * and resolves to the exit code: 0, or {@link RECORDS_LOST_EXIT_CODE} when a
 * logger has lost any record, or when an argument was bad or a logger failed
 * (the audit log may then be incomplete). Never rejects.
 */
export async function shutdownLoggers(loggers: PrivateInvocationLogger | readonly PrivateInvocationLogger[], options: Omit<FlushOnShutdownOptions, "signals" | "exit"> = {}): Promise<number> {
    // Records first: a warning handler (shutdown's own, a logger's, a sink's) or a record's callback that throws meanwhile
    // would, in a process without an uncaughtException handler, end it before the flush. Its throw surfaces once all is closed.
    const release = holdCallbackThrows();
    try {
        return await closeLoggers(loggers, options);
    } catch (err) {
        // Only a stand-in logger that throws where none is expected (a getter) gets here; the caller still gets its exit code.
        console.error(`shutdown: failed (${describeError(err).errorCode}); the audit log may be incomplete`);
        return RECORDS_LOST_EXIT_CODE;
    } finally {
        release();
    }
}

async function closeLoggers(loggers: unknown, options: Omit<FlushOnShutdownOptions, "signals" | "exit">): Promise<number> {
    // Shutdown is the last chance to deliver records: a bad argument is reported and every usable logger is still closed, rather than thrown.
    const problems: string[] = [];
    const note = (problem: string | undefined) => void (problem !== undefined && problems.push(problem));
    const optionsProblem = recordProblem("shutdownLoggers options", options);
    note(optionsProblem);
    // A misspelt option is reported, and the options spelt right still apply.
    note(optionKeysProblem("shutdownLoggers options", options, SHUTDOWN_LOGGERS_OPTIONS));
    const given: Omit<FlushOnShutdownOptions, "signals" | "exit"> = optionsProblem === undefined ? options : {};
    const onWarningProblem = given.onWarning === undefined ? undefined : functionProblem("onWarning", given.onWarning);
    note(onWarningProblem);
    // A warning handler that throws must not skip the flush; its throw surfaces once shutdownLoggers is done.
    const warn = guardedWarning(onWarningProblem === undefined ? given.onWarning : undefined, (message) => console.error(message));
    const beforeFlushProblem = given.beforeFlush === undefined ? undefined : functionProblem("beforeFlush", given.beforeFlush);
    note(beforeFlushProblem);
    const graceProblem = given.graceMs === undefined ? undefined : timerMsProblem("graceMs", given.graceMs, 0);
    note(graceProblem);
    const closeProblem = given.closeTimeoutMs === undefined ? undefined : timerMsProblem("closeTimeoutMs", given.closeTimeoutMs);
    note(closeProblem);
    const closeTimeoutMs = given.closeTimeoutMs !== undefined && closeProblem === undefined ? given.closeTimeoutMs : DEFAULT_CLOSE_TIMEOUT_MS;
    const usable = usableLoggers(loggers, note);
    let failures = problems.length;
    for (const problem of problems) warn(`shutdown: ${problem}; closing the other loggers all the same`);
    const graceMs = given.graceMs !== undefined && graceProblem === undefined ? given.graceMs : DEFAULT_SHUTDOWN_GRACE_MS;
    // One grace period for beforeFlush and the calls in progress together: a beforeFlush that
    // never settles (a server.close() held by a keep-alive or long-poll connection) must not
    // hold the records until SIGKILL. It is left running; the flush goes ahead.
    const until = Date.now() + graceMs;
    const beforeFlush = given.beforeFlush;
    if (beforeFlush !== undefined && beforeFlushProblem === undefined) {
        try {
            const finished = await settledWithin(
                Promise.resolve().then(() => beforeFlush()),
                graceMs,
            );
            if (!finished) warn(`shutdown: beforeFlush did not finish within ${graceMs} ms (graceMs); flushing the audit records all the same`);
        } catch (err) {
            warn(`shutdown: beforeFlush failed (${describeError(err).errorCode}); flushing the audit records all the same`);
        }
    }
    // A logger whose stats() throws counts as failed once, and as idle so it is not waited for.
    const broken = new Set<number>();
    const stat = (i: number, key: "activeRuns" | "lost"): number => {
        try {
            const value = usable[i].stats()[key];
            return typeof value === "number" && Number.isFinite(value) ? value : 0;
        } catch (err) {
            if (!broken.has(i)) warn(`shutdown: stats() of loggers[${i}] failed (${describeError(err).errorCode})`);
            broken.add(i);
            return 0;
        }
    };
    const total = (key: "activeRuns" | "lost") => usable.reduce((n, _l, i) => n + stat(i, key), 0);
    while (total("activeRuns") > 0 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const unfinished = total("activeRuns");
    // close(): flushes, and ends each writer's audit chain with its close record and final checkpoint.
    await Promise.all(
        usable.map((l, i) =>
            settledWithin(
                closing(l, closeTimeoutMs).then((complete) => {
                    // Every write settled while the sink's own flush never did: what it buffers is not known to be stored. (With
                    // records counted lost, the loss is reported below.)
                    if (complete !== false || stat(i, "lost") > 0) return;
                    failures++;
                    warn(`shutdown: the sink of loggers[${i}] did not finish its flush within ${closeTimeoutMs} ms; records it holds may be lost`);
                }),
                closeTimeoutMs,
            ).then(
                (finished) => {
                    if (finished) return;
                    failures++;
                    warn(`shutdown: close() of loggers[${i}] did not finish within ${closeTimeoutMs} ms; its records may be lost`);
                },
                (err: unknown) => {
                    failures++;
                    warn(`shutdown: close() of loggers[${i}] failed (${describeError(err).errorCode}); its records may be lost`);
                },
            ),
        ),
    );
    const lost = total("lost");
    failures += broken.size;
    if (unfinished > 0) {
        warn(`shutdown: ${unfinished} calls still in progress after the grace period; their records are not written`);
    }
    if (lost > 0) {
        warn(`shutdown: ${lost} audit records were lost`);
        return RECORDS_LOST_EXIT_CODE;
    }
    return unfinished > 0 || failures > 0 ? RECORDS_LOST_EXIT_CODE : 0;
}

/**
 * `logger.close()` with the same deadline as shutdown's wait for it, so the
 * logger counts and reports the records still on their way then, rather than
 * shutdown only saying they may be lost. Called before shutdown's own timer
 * is set: with the same delay, the logger's fires first. A stand-in logger
 * that ignores the deadline is still bounded by shutdown's timer.
 */
async function closing(logger: Pick<PrivateInvocationLogger, "close">, closeTimeoutMs: number): Promise<boolean | undefined> {
    // Called at once (an async function runs to its first await): a throw becomes the rejection shutdown reports.
    return logger.close({ timeoutMs: closeTimeoutMs });
}

/** The loggers shutdown can close; every other entry is reported through `note` by its index. */
function usableLoggers(loggers: unknown, note: (problem: string | undefined) => void): readonly Pick<PrivateInvocationLogger, "stats" | "close">[] {
    if (!Array.isArray(loggers)) {
        // One logger is taken as flushOnShutdown takes it.
        const single = auditLoggerProblem("loggers", loggers, SHUTDOWN_LOGGER_METHODS);
        note(single === undefined ? undefined : `loggers must be a PrivateInvocationLogger or a list of them, got ${showBrief(loggers)}`);
        return single === undefined ? [loggers as PrivateInvocationLogger] : [];
    }
    return loggers.filter((l, i) => {
        const problem = auditLoggerProblem(`loggers[${i}]`, l, SHUTDOWN_LOGGER_METHODS);
        note(problem);
        return problem === undefined;
    }) as PrivateInvocationLogger[];
}

const FLUSH_ON_SHUTDOWN_OPTIONS: readonly (keyof FlushOnShutdownOptions)[] = ["signals", "beforeFlush", "graceMs", "closeTimeoutMs", "exit", "onWarning"];
const SHUTDOWN_LOGGERS_OPTIONS: readonly string[] = ["beforeFlush", "graceMs", "closeTimeoutMs", "onWarning"];

/** Every problem of `flushOnShutdown`'s arguments, first one first. */
function flushOnShutdownProblem(loggers: unknown, options: unknown): Problem {
    const unreadable = unreadableProblem("loggers", loggers);
    if (unreadable !== undefined) return unreadable;
    const loggerProblems = Array.isArray(loggers)
        ? loggers.map((l, i) => () => auditLoggerProblem(`loggers[${i}]`, l, SHUTDOWN_LOGGER_METHODS))
        : [() => (auditLoggerProblem("loggers", loggers, SHUTDOWN_LOGGER_METHODS) === undefined ? undefined : `loggers must be a PrivateInvocationLogger or a list of them, got ${showBrief(loggers)}`)];
    const o = options as FlushOnShutdownOptions;
    return firstProblem(
        ...loggerProblems,
        () => recordProblem("flushOnShutdown options", options),
        () => optionKeysProblem("flushOnShutdown options", options, FLUSH_ON_SHUTDOWN_OPTIONS),
        () => (o.signals === undefined ? undefined : signalsProblem(o.signals)),
        () => (o.beforeFlush === undefined ? undefined : functionProblem("beforeFlush", o.beforeFlush)),
        () => (o.graceMs === undefined ? undefined : timerMsProblem("graceMs", o.graceMs, 0)),
        () => (o.closeTimeoutMs === undefined ? undefined : timerMsProblem("closeTimeoutMs", o.closeTimeoutMs)),
        () => (o.exit === undefined ? undefined : booleanProblem("exit", o.exit)),
        () => (o.onWarning === undefined ? undefined : functionProblem("onWarning", o.onWarning)),
    );
}

/** Signal names this platform knows and lets a process handle, each once. */
function signalsProblem(signals: unknown): Problem {
    const notList = listProblem("signals", signals, true, "signal");
    if (notList !== undefined) return notList;
    for (const [i, s] of (signals as unknown[]).entries()) {
        // hasOwn: an inherited name such as "toString" is no signal.
        if (typeof s !== "string" || !Object.hasOwn(constants.signals, s)) return `signals[${i}] must be a signal name such as "SIGTERM", got ${showBrief(s)}`;
        if (UNCATCHABLE_SIGNALS.includes(s)) return `signals[${i}] must be a signal a process can handle, got ${show(s)}`;
    }
    return duplicateProblem("signals", signals as unknown[]);
}

/** Installs the handlers; returns a function that removes them. Throws an `ArgumentError` for a bad argument. */
export function flushOnShutdown(loggers: PrivateInvocationLogger | readonly PrivateInvocationLogger[], options: FlushOnShutdownOptions = {}): () => void {
    // Checked now: on the signal, a bad argument would leave the process neither flushed nor exited.
    raise(flushOnShutdownProblem(loggers, options));
    const all = Array.isArray(loggers) ? loggers : [loggers as PrivateInvocationLogger];
    const signals = options.signals ?? ["SIGTERM", "SIGINT"];
    const { signals: _signals, exit: _exit, ...closing } = options;
    let started = false;
    const onSignal = () => {
        if (started) {
            return;
        }
        started = true;
        void shutdownLoggers(all, closing)
            // shutdownLoggers never rejects; should it ever, the process must still exit, and say the log may be incomplete.
            .catch(() => RECORDS_LOST_EXIT_CODE)
            .then((code) => {
                process.exitCode = code;
                if (options.exit ?? true) {
                    process.exit(code);
                }
            });
    };
    signals.forEach((s) => process.on(s, onSignal));
    return () => signals.forEach((s) => process.removeListener(s, onSignal));
}
