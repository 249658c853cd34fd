/**
 * Part of 3. Concurrency: the CPU a logged call costs beyond a bare one, in
 * microseconds per call, with no stand-in server sharing the CPU. The
 * section's throughput ratio depends on how much CPU the bare call and the
 * stand-ins take on the machine that runs them; the added microseconds are
 * what a service pays per call whatever its own work.
 */
import { compileEntry } from "./compile";
import { runChild } from "./child";
import { median, rangeOf, round } from "./stats";
import { baseOf, type CallCostParams, type CallCostSamples, type Compared } from "./workers/call-cost";

export interface CallCostResult {
    params: CallCostParams;
    processes: number;
    /** CPU per bare call, µs: median of the blocks pooled from every process. */
    bareUs: number;
    /** Logged minus bare, µs per call: the median over processes of each process's difference of medians. */
    addedUs: number;
    /** The same difference in each process alone, lowest and highest. */
    addedUsRange: [number, number];
    /**
     * What a bare model given the logged call's metadata costs beyond one
     * given none: LangChain's handling of it, which the audited model spares
     * a call no handler sees (so it is not part of `addedUs`), and which a
     * logger attached as a callback pays. Measured as `addedUs` is, in as
     * many processes of its own.
     */
    metadataUs: number;
    metadataUsRange: [number, number];
    /**
     * What the bare call saves on the Bedrock client the runtime builds
     * (`cachingBedrockClient`: a call without a signal reuses the SDK's
     * handler) against the SDK's default client, µs per call, measured as
     * `addedUs` is, in as many processes of its own.
     */
    runtimeClientSavesUs: number;
    runtimeClientSavesUsRange: [number, number];
    /**
     * The same pair with the Bedrock SDK left out (its client's `send`
     * answers on the next turn): LangChain alone, and LangChain with the
     * whole audit, µs per call, medians over processes; `addedUs` as above.
     */
    sdkFree: { bareUs: number; loggedUs: number; addedUs: number; addedUsRange: [number, number] };
    /** Bare CPU per call over logged, median over processes: the throughput ratio of a service bound by its own CPU, stand-ins excluded. */
    throughputRatio: number;
    recordsDelivered: number;
    lost: number;
}

/** Runs the section's blocks in `processes` processes per comparison, pooled: each process carries a bias of its own. */
export async function benchCallCost(params: CallCostParams, processes: number): Promise<CallCostResult> {
    const worker = compileEntry("bench/workers/call-cost.ts");
    const measure = async (compared: Compared) => {
        const runs: CallCostSamples[] = [];
        for (let i = 0; i < processes; i++) runs.push((await runChild<CallCostSamples>(worker, { args: [JSON.stringify(params), compared] })).result);
        const calls = (params.warmupBlocks + params.blocks) * params.roundsPerBlock * params.concurrency * processes;
        for (const setup of [baseOf(compared), compared]) {
            const answered = runs.reduce((n, r) => n + r.answered[setup], 0);
            if (answered !== calls) throw new Error(`call-cost: ${answered} of ${calls} ${setup} calls answered`);
        }
        return runs;
    };
    /** Each process's difference of medians, the compared setup's minus bare's. */
    const beyondBare = (runs: CallCostSamples[], compared: Compared) => runs.map((r) => median(r.usPerCall[compared]) - median(r.usPerCall[baseOf(compared)]));
    const runs = await measure("logged");
    const added = beyondBare(runs, "logged");
    const metadata = beyondBare(await measure("bare-metadata"), "bare-metadata");
    const saved = beyondBare(await measure("bare-runtime-client"), "bare-runtime-client").map((us) => -us);
    const sdkFreeRuns = await measure("logged-sdk-free");
    const sdkFreeAdded = beyondBare(sdkFreeRuns, "logged-sdk-free");
    return {
        params,
        processes,
        bareUs: round(median(runs.flatMap((r) => r.usPerCall.bare)), 1),
        addedUs: round(median(added), 1),
        addedUsRange: rangeOf(added, 1),
        metadataUs: round(median(metadata), 1),
        metadataUsRange: rangeOf(metadata, 1),
        runtimeClientSavesUs: round(median(saved), 1),
        runtimeClientSavesUsRange: rangeOf(saved, 1),
        sdkFree: {
            bareUs: round(median(sdkFreeRuns.map((r) => median(r.usPerCall["bare-sdk-free"]))), 1),
            loggedUs: round(median(sdkFreeRuns.map((r) => median(r.usPerCall["logged-sdk-free"]))), 1),
            addedUs: round(median(sdkFreeAdded), 1),
            addedUsRange: rangeOf(sdkFreeAdded, 1),
        },
        throughputRatio: round(median(runs.map((r) => median(r.usPerCall.bare) / median(r.usPerCall.logged))), 3),
        recordsDelivered: runs.reduce((n, r) => n + r.recordsDelivered, 0),
        lost: runs.reduce((n, r) => n + r.lost, 0),
    };
}

export function renderCallCost(c: CallCostResult): string[] {
    const p = c.params;
    return [
        [
            `CPU per call, stand-ins left out: the same ${p.concurrency} calls in flight, bare and logged, with the AWS clients answered in process by request handlers that return canned replies (no socket, no stand-in server, so only the client's work is timed; every call still goes through the SDK and LangChain, and its reply comes on a later turn of the event loop).`,
            `${p.blocks} measured blocks of ${p.roundsPerBlock} rounds per setup after ${p.warmupBlocks} warm-up block, as above, in each of ${c.processes} processes.`,
            `A bare call takes ${c.bareUs} µs of CPU; the logged call adds **${c.addedUs} µs** (${c.addedUsRange[0]} to ${c.addedUsRange[1]} µs in one process alone), a throughput ratio of ${c.throughputRatio} for a service bound by its own CPU.`,
            `A bare model given the logged call's metadata pays ${c.metadataUs} µs more for LangChain's handling of it (${c.metadataUsRange[0]} to ${c.metadataUsRange[1]} µs in one process alone; bare with and without it, measured the same way in ${c.processes} processes of their own); the audited model hands LangChain the metadata only when a handler will see it, so the logged call does not pay that, and a logger attached as a callback does.`,
            `On the Bedrock client the runtime builds, whose calls without an abort signal reuse the handler the SDK resolved for the first one instead of building the middleware stack anew, the same bare call takes **${c.runtimeClientSavesUs} µs** less CPU (${c.runtimeClientSavesUsRange[0]} to ${c.runtimeClientSavesUsRange[1]} µs in one process alone; measured the same way in ${c.processes} processes of their own).`,
            `Every other setup in this section calls through a client without that cache, so no other figure includes the saving.`,
            `With the Bedrock SDK left out as well (its client's send answers the canned reply on the next turn), so that only LangChain and the audit are timed (the model's own work, the record, its chain, and its upload through the CloudWatch Logs SDK), measured the same way in ${c.processes} processes of their own: bare ${c.sdkFree.bareUs} µs, logged ${c.sdkFree.loggedUs} µs, so the audit's own work is **${c.sdkFree.addedUs} µs** a call (${c.sdkFree.addedUsRange[0]} to ${c.sdkFree.addedUsRange[1]} µs in one process alone); without the Bedrock SDK's work and garbage beside it, this figure moves far less between runs than the one above.`,
            `Records delivered ${c.recordsDelivered}, lost ${c.lost}.`,
        ].join(" "),
        "",
    ];
}
