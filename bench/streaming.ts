/**
 * 8. Streaming through the runtime versus a bare `ChatBedrockConverse.stream`
 * (time to first token and per call), and 7. fail-closed with the CloudWatch
 * Logs sink versus best-effort, against one PutLogEvents round trip.
 */
import { compileEntry } from "./compile";
import { runChild } from "./child";
import { round, roundSummary, summarize, type Summary } from "./stats";
import type { StreamingParams, StreamingSamples } from "./workers/streaming";

export const STREAMING_TARGETS = { addedTtftMedianMs: 1, addedPerCallMedianMs: 0.5, failClosedSlackMs: 2 } as const;
export const FULL_STREAMING: StreamingParams = { n: 1000, warmup: 100 };

export interface StreamingResult {
    params: StreamingParams;
    bare: { ttft: Summary; perCall: Summary };
    tenant: { ttft: Summary; perCall: Summary };
    addedTtftMedianMs: number;
    addedPerCallMedianMs: number;
    streamingMeetsTarget: boolean;
    bestEffort: Summary;
    failClosed: Summary;
    putLogEvents: Summary;
    /** Fail-closed median minus best-effort median minus one PutLogEvents round trip. */
    failClosedExcessMs: number;
    failClosedMeetsTarget: boolean;
    records: StreamingSamples["records"];
    lost: number;
}

export async function benchStreaming(params: StreamingParams = FULL_STREAMING): Promise<StreamingResult> {
    const worker = compileEntry("bench/workers/streaming.ts");
    const { result: s } = await runChild<StreamingSamples>(worker, { args: [JSON.stringify(params)] });
    const bare = { ttft: summarize(s.bare.ttftMs), perCall: summarize(s.bare.totalMs) };
    const tenant = { ttft: summarize(s.tenant.ttftMs), perCall: summarize(s.tenant.totalMs) };
    const bestEffort = summarize(s.bestEffortMs);
    const failClosed = summarize(s.failClosedMs);
    const putLogEvents = summarize(s.putLogEventsMs);
    const addedTtftMedianMs = round(tenant.ttft.median - bare.ttft.median);
    const addedPerCallMedianMs = round(tenant.perCall.median - bare.perCall.median);
    // Fail-closed waits for two records (the write-ahead `started` record and the completion), each one PutLogEvents.
    const failClosedExcessMs = round(failClosed.median - bestEffort.median - 2 * putLogEvents.median);
    return {
        params,
        bare: { ttft: roundSummary(bare.ttft), perCall: roundSummary(bare.perCall) },
        tenant: { ttft: roundSummary(tenant.ttft), perCall: roundSummary(tenant.perCall) },
        addedTtftMedianMs,
        addedPerCallMedianMs,
        streamingMeetsTarget: addedTtftMedianMs < STREAMING_TARGETS.addedTtftMedianMs && addedPerCallMedianMs < STREAMING_TARGETS.addedPerCallMedianMs,
        bestEffort: roundSummary(bestEffort),
        failClosed: roundSummary(failClosed),
        putLogEvents: roundSummary(putLogEvents),
        failClosedExcessMs,
        failClosedMeetsTarget: failClosedExcessMs <= STREAMING_TARGETS.failClosedSlackMs,
        records: s.records,
        lost: s.lost,
    };
}

/** Sections 6 and 7 of bench/results.md. */
export function renderStreaming(r: StreamingResult, ms: (v: number) => string, yes: (v: boolean) => string): string[] {
    return [
        "## 8. Streaming through the runtime (sequential calls)",
        "",
        `${r.params.n} measured streamed calls per setup after ${r.params.warmup} warm-up calls, interleaved with section 7's; 8 text deltas per answer, sent at once.`,
        "",
        "| setup | TTFT median | TTFT p99 | per call median | per call p99 |",
        "|---|---|---|---|---|",
        `| bare ChatBedrockConverse.stream | ${ms(r.bare.ttft.median)} | ${ms(r.bare.ttft.p99)} | ${ms(r.bare.perCall.median)} | ${ms(r.bare.perCall.p99)} |`,
        `| createTenantChatModel .stream (ops session, logger, stdout sink) | ${ms(r.tenant.ttft.median)} | ${ms(r.tenant.ttft.p99)} | ${ms(r.tenant.perCall.median)} | ${ms(r.tenant.perCall.p99)} |`,
        "",
        `Added at the median: ${ms(r.addedTtftMedianMs)} to TTFT, ${ms(r.addedPerCallMedianMs)} per call. Target (< 1 ms TTFT, < 0.5 ms per call): ${yes(r.streamingMeetsTarget)}. Records: ${r.records.streamed}.`,
        "",
        "## 9. Fail-closed with the CloudWatch Logs sink",
        "",
        "The same model and sink (1000 ms batching timer) in both audit modes, and one bare PutLogEvents for reference.",
        "",
        "| setup | median | p99 |",
        "|---|---|---|",
        `| best-effort invoke | ${ms(r.bestEffort.median)} | ${ms(r.bestEffort.p99)} |`,
        `| fail-closed invoke | ${ms(r.failClosed.median)} | ${ms(r.failClosed.p99)} |`,
        `| one PutLogEvents round trip | ${ms(r.putLogEvents.median)} | ${ms(r.putLogEvents.p99)} |`,
        "",
        `Fail-closed minus best-effort minus two round trips (its started and completion records), at the median: ${ms(r.failClosedExcessMs)}. Target (≤ 2 ms): ${yes(r.failClosedMeetsTarget)}. Records: ${r.records.bestEffort} + ${r.records.failClosed}, lost ${r.lost}.`,
        "",
    ];
}
