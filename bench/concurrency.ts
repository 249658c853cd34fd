/**
 * 3. Concurrency, the ECS use: many calls in flight through one shared
 * logger on one model, against the same model with nothing attached.
 */
import * as os from "os";
import { compileEntry } from "./compile";
import { runChild } from "./child";
import { median, round, roundSummary, summarize, type Summary } from "./stats";
import type { ComparedSetup, ConcurrencyParams, ConcurrencySamples } from "./workers/concurrency";

export const FULL_CONCURRENCY: ConcurrencyParams = { concurrency: 200, rounds: 30, warmupRounds: 4 };

export interface ConcurrencySide {
    perCall: Summary;
    /** Calls per second over one round, median of rounds. */
    medianThroughput: number;
}

export interface ConcurrencyResult {
    params: ConcurrencyParams;
    bare: ConcurrencySide;
    logged: ConcurrencySide;
    addedMedianMs: number;
    addedP99Ms: number;
    /**
     * Logged throughput over bare: the median of the ratios of rounds run
     * back to back (each pair shares the machine's load of the moment).
     */
    throughputRatio: number;
    recordsDelivered: number;
    lost: number;
    /** Most connections Bedrock saw at once: above 50, calls no longer queue behind the SDK's default socket limit. */
    peakBedrockConnections: number;
    /**
     * Where the logged side's cost goes, as throughput over bare measured the
     * the same way, each part in a process of its own: LangChain's dispatch of one handler that does
     * nothing, and the logger with a sink that sends nothing (records built
     * and hash-chained, no upload). What `logged` loses beyond `unsent` is
     * the CloudWatch Logs sink: record lines, batching and the upload.
     */
    breakdown?: { dispatchRatio: number; unsentRatio: number };
    /** Logged throughput at least {@link CONCURRENCY_THROUGHPUT_TARGET} of bare. */
    meetsTarget: boolean;
    /** The machine's 1-minute load average before and after the section: other processes' share of its CPUs. */
    loadAverage?: { before: number; after: number };
}

export const CONCURRENCY_THROUGHPUT_TARGET = 0.95;

function side(s: { callMs: number[]; roundMs: number[] }, concurrency: number): ConcurrencySide {
    return { perCall: roundSummary(summarize(s.callMs)), medianThroughput: round(median(s.roundMs.map((ms) => (concurrency * 1000) / ms)), 0) };
}

/** Median over round pairs of logged throughput over bare (round times are inversely proportional to throughput). */
function pairedRatio(bareRoundMs: number[], loggedRoundMs: number[]): number {
    return median(bareRoundMs.map((b, i) => b / loggedRoundMs[i]));
}

export async function benchConcurrency(params: ConcurrencyParams = FULL_CONCURRENCY): Promise<ConcurrencyResult> {
    const worker = compileEntry("bench/workers/concurrency.ts");
    const loadBefore = os.loadavg()[0];
    const pair = async (compared: ComparedSetup) =>
        (await runChild<ConcurrencySamples>(worker, { args: [JSON.stringify(params), compared], execArgv: ["--expose-gc"] })).result;
    const result = await pair("logged");
    // Each part in a process of its own, paired with bare as the logged setup is: setups sharing a process slow each other.
    const dispatch = await pair("dispatch");
    const unsent = await pair("unsent");
    const bare = side(result.bare, params.concurrency);
    const logged = side(result.other, params.concurrency);
    return {
        params,
        bare,
        logged,
        addedMedianMs: round(logged.perCall.median - bare.perCall.median),
        addedP99Ms: round(logged.perCall.p99 - bare.perCall.p99),
        // Three decimals: two would show 0.95 for a ratio just under the target.
        throughputRatio: round(pairedRatio(result.bare.roundMs, result.other.roundMs), 3),
        recordsDelivered: result.recordsDelivered,
        lost: result.lost,
        peakBedrockConnections: result.peakBedrockConnections,
        breakdown: {
            dispatchRatio: round(pairedRatio(dispatch.bare.roundMs, dispatch.other.roundMs), 3),
            unsentRatio: round(pairedRatio(unsent.bare.roundMs, unsent.other.roundMs), 3),
        },
        meetsTarget: pairedRatio(result.bare.roundMs, result.other.roundMs) >= CONCURRENCY_THROUGHPUT_TARGET,
        loadAverage: { before: round(loadBefore, 2), after: round(os.loadavg()[0], 2) },
    };
}
