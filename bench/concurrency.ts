/**
 * 3. Concurrency, the ECS use: many calls in flight on one model that
 * records them through one shared logger (the model `createTenantChatModel`
 * builds), against the same model with nothing attached.
 */
import * as os from "os";
import { benchCallCost, type CallCostResult } from "./call-cost";
import { compileEntry } from "./compile";
import { runChild } from "./child";
import { median, round, roundSummary, summarize, type Summary } from "./stats";
import type { ComparedSetup, ConcurrencyParams, ConcurrencySamples } from "./workers/concurrency";

export const FULL_CONCURRENCY: ConcurrencyParams = { concurrency: 200, blocks: 8, warmupBlocks: 1, roundsPerBlock: 10 };
/**
 * Processes the logged setup's block pairs are pooled from. One process
 * carries a bias of its own (where its code and heap landed) of several
 * percent either way; the target is judged on pairs from three.
 */
export const FULL_LOGGED_PROCESSES = 3;

export interface ConcurrencySide {
    perCall: Summary;
    /** Calls per second over one block, median of blocks. */
    medianThroughput: number;
}

export interface ConcurrencyResult {
    params: ConcurrencyParams;
    bare: ConcurrencySide;
    logged: ConcurrencySide;
    addedMedianMs: number;
    addedP99Ms: number;
    /**
     * Logged throughput over bare: the median of the ratios of blocks run
     * back to back (each pair shares the machine's load of the moment).
     */
    throughputRatio: number;
    recordsDelivered: number;
    lost: number;
    /** Most connections Bedrock saw at once: above 50, calls no longer queue behind the SDK's default socket limit. */
    peakBedrockConnections: number;
    /** Processes the logged setup's block pairs were pooled from. */
    loggedProcesses?: number;
    /**
     * The logged setup again, in one process, with a full garbage collection
     * forced before every round: a heap regime no service runs in (every call
     * is much slower, and every byte allocated costs more), kept as a stress
     * figure beside the main one.
     */
    forcedGc?: { throughputRatio: number; bareThroughput: number; loggedThroughput: number };
    /**
     * Other setups against bare, measured the same way, each in a process of
     * its own: the logger attached as a callback to a plain
     * ChatBedrockConverse (`callback`); LangChain's dispatch of one handler
     * that does nothing; and that callback logger with a sink that sends
     * nothing (records built and hash-chained, no upload). What `callback`
     * loses beyond `unsent` is the CloudWatch Logs sink: record lines,
     * batching and the upload.
     */
    breakdown?: { callbackRatio?: number; dispatchRatio: number; unsentRatio: number };
    /**
     * The logged model on the runtime's own Bedrock client (its handler cache)
     * over the same bare model, pooled as the headline: what a service moving
     * from a plain model to the one createTenantChatModel builds keeps, not
     * the logger's cost alone.
     */
    runtimeClientRatio?: number;
    /**
     * A second bare model, on a client of its own, over bare, measured the
     * same way: two identical setups, so what the pairing itself reads (its
     * bias and spread) where nothing differs.
     */
    nullRatio?: number;
    /**
     * The CPU the logged call adds, in microseconds per call, with the AWS
     * clients answered in process (no sockets, no stand-in servers), in the
     * same blocks and as many processes as the logged setup.
     */
    callCost?: CallCostResult;
    /** Logged throughput at least {@link CONCURRENCY_THROUGHPUT_TARGET} of bare. */
    meetsTarget: boolean;
    /** The machine's 1-minute load average before and after the section: other processes' share of its CPUs. */
    loadAverage?: { before: number; after: number };
}

export const CONCURRENCY_THROUGHPUT_TARGET = 0.95;

function side(s: { callMs: number[]; roundMs: number[] }, concurrency: number): ConcurrencySide {
    return { perCall: roundSummary(summarize(s.callMs)), medianThroughput: round(median(s.roundMs.map((ms) => (concurrency * 1000) / ms)), 0) };
}

/** Median over block pairs of logged throughput over bare (mean round times are inversely proportional to throughput). */
function pairedRatio(bareRoundMs: number[], loggedRoundMs: number[]): number {
    return median(bareRoundMs.map((b, i) => b / loggedRoundMs[i]));
}

/** One process's paired ratio, to three decimals. */
function ratioOf(samples: ConcurrencySamples): number {
    return round(pairedRatio(samples.bare.roundMs, samples.other.roundMs), 3);
}

export async function benchConcurrency(params: ConcurrencyParams = FULL_CONCURRENCY, loggedProcesses = params === FULL_CONCURRENCY ? FULL_LOGGED_PROCESSES : 1): Promise<ConcurrencyResult> {
    const worker = compileEntry("bench/workers/concurrency.ts");
    compileEntry("bench/workers/logs-stand-in.ts");
    const loadBefore = os.loadavg()[0];
    // No forced collection: the heap runs as a service's does. Blocks alternate in ABBA order.
    const pair = async (compared: ComparedSetup, execArgv: string[] = []) =>
        (await runChild<ConcurrencySamples>(worker, { args: [JSON.stringify(params), compared], execArgv })).result;
    /** One setup against bare in `loggedProcesses` processes, one after another. */
    const inProcesses = async (compared: ComparedSetup) => {
        const runs: ConcurrencySamples[] = [];
        for (let i = 0; i < loggedProcesses; i++) runs.push(await pair(compared));
        return runs;
    };
    const logged = await inProcesses("logged");
    // Each part in processes of its own, as many as the logged setup's and pooled the same way: setups sharing a
    // process slow each other, and one process alone carries a bias of several percent either way.
    const pooledRatio = async (compared: ComparedSetup) => {
        const runs = await inProcesses(compared);
        return round(pairedRatio(runs.flatMap((r) => r.bare.roundMs), runs.flatMap((r) => r.other.roundMs)), 3);
    };
    const callbackRatio = await pooledRatio("callback");
    const dispatchRatio = await pooledRatio("dispatch");
    const unsentRatio = await pooledRatio("unsent");
    const runtimeClientRatio = await pooledRatio("logged-runtime-client");
    const nullRatio = await pooledRatio("bare-again");
    const forced = await pair("logged", ["--expose-gc"]);
    const callCost = await benchCallCost(params, loggedProcesses);
    const bareRounds = { callMs: logged.flatMap((r) => r.bare.callMs), roundMs: logged.flatMap((r) => r.bare.roundMs) };
    const loggedRounds = { callMs: logged.flatMap((r) => r.other.callMs), roundMs: logged.flatMap((r) => r.other.roundMs) };
    const bare = side(bareRounds, params.concurrency);
    const loggedSide = side(loggedRounds, params.concurrency);
    const ratio = pairedRatio(bareRounds.roundMs, loggedRounds.roundMs);
    return {
        params,
        bare,
        logged: loggedSide,
        addedMedianMs: round(loggedSide.perCall.median - bare.perCall.median),
        addedP99Ms: round(loggedSide.perCall.p99 - bare.perCall.p99),
        // Three decimals: two would show 0.95 for a ratio just under the target.
        throughputRatio: round(ratio, 3),
        recordsDelivered: logged.reduce((n, r) => n + r.recordsDelivered, 0),
        lost: logged.reduce((n, r) => n + r.lost, 0),
        peakBedrockConnections: Math.max(...logged.map((r) => r.peakBedrockConnections)),
        loggedProcesses,
        forcedGc: {
            throughputRatio: ratioOf(forced),
            bareThroughput: side(forced.bare, params.concurrency).medianThroughput,
            loggedThroughput: side(forced.other, params.concurrency).medianThroughput,
        },
        breakdown: { callbackRatio, dispatchRatio, unsentRatio },
        runtimeClientRatio,
        nullRatio,
        callCost,
        meetsTarget: ratio >= CONCURRENCY_THROUGHPUT_TARGET,
        loadAverage: { before: round(loadBefore, 2), after: round(os.loadavg()[0], 2) },
    };
}
