/**
 * 6. What the audit archive adds per call: the Lambda handler with and
 * without one S3 PutObject per call, at the median and p99.
 */
import { compileEntry } from "./compile";
import { runChild } from "./child";
import { round, roundSummary, summarize, type Summary } from "./stats";
import type { ArchiveParams, ArchiveSamples } from "./workers/archive";

export const FULL_ARCHIVE: ArchiveParams = { n: 2000, warmup: 200 };
/** The CloudWatch Logs sink's default batching timer, which no call may wait for. */
const LOGS_SINK_TIMER_MS = 1000;

export interface ArchiveResult {
    params: ArchiveParams;
    without: Summary;
    with: Summary;
    addedMedianMs: number;
    addedP99Ms: number;
    /** The handler with the CloudWatch Logs sink (1000 ms batching timer), without and with the archive. */
    logsWithout: Summary;
    logsWith: Summary;
    logsAddedMedianMs: number;
    /** No call waits for the sink's timer: the median with archive and Logs sink stays under a tenth of it. */
    meetsTarget: boolean;
    objects: number;
    lost: number;
}

export async function benchArchive(params: ArchiveParams = FULL_ARCHIVE): Promise<ArchiveResult> {
    const worker = compileEntry("bench/workers/archive.ts");
    const { result } = await runChild<ArchiveSamples>(worker, { args: [JSON.stringify(params)] });
    const without = summarize(result.withoutMs);
    const withArchive = summarize(result.withMs);
    const logsWithout = summarize(result.logsWithoutMs);
    const logsWith = summarize(result.logsWithMs);
    return {
        params,
        without: roundSummary(without),
        with: roundSummary(withArchive),
        addedMedianMs: round(withArchive.median - without.median),
        addedP99Ms: round(withArchive.p99 - without.p99),
        logsWithout: roundSummary(logsWithout),
        logsWith: roundSummary(logsWith),
        logsAddedMedianMs: round(logsWith.median - logsWithout.median),
        meetsTarget: logsWith.median < LOGS_SINK_TIMER_MS / 10,
        objects: result.objects,
        lost: result.lost,
    };
}

/** The section of bench/results.md. */
export function renderArchive(a: ArchiveResult): string[] {
    const ms = (v: number) => `${v} ms`;
    return [
        "## 6. Audit archive: one S3 PutObject per call",
        "",
        `${a.params.n} measured calls per setup after ${a.params.warmup} warm-up calls each, interleaved; the S3 stand-in on 127.0.0.1 verifies every SHA-256 checksum and answers at once, so the figures are the client-side cost (hashing, signing, one HTTP round trip), not S3's latency.`,
        "",
        "| setup | median | p99 | added median | added p99 |",
        "|---|---|---|---|---|",
        `| handler, Lambda sink, no archive | ${ms(a.without.median)} | ${ms(a.without.p99)} | | |`,
        `| handler, Lambda sink, archive | ${ms(a.with.median)} | ${ms(a.with.p99)} | ${ms(a.addedMedianMs)} | ${ms(a.addedP99Ms)} |`,
        `| handler, CloudWatch Logs sink (1000 ms batching timer), no archive | ${ms(a.logsWithout.median)} | ${ms(a.logsWithout.p99)} | | |`,
        `| handler, CloudWatch Logs sink (1000 ms batching timer), archive | ${ms(a.logsWith.median)} | ${ms(a.logsWith.p99)} | ${ms(a.logsAddedMedianMs)} | |`,
        "",
        `Objects archived: ${a.objects} (one per archived call, warm-up included). Records lost: ${a.lost}. Target (archive with the CloudWatch Logs sink: median under a tenth of the sink's timer, so no call waits for it): ${a.meetsTarget ? "met" : "NOT met"}.`,
        "",
    ];
}
