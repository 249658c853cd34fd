/**
 * 10. Audit chain: what chaining adds to a call's records (the same records
 * through the same sink with and without the chain, interleaved), and how
 * fast `audit verify` reads a trail (as shipped, with its reader threads, and
 * on one thread, beside a bare read-and-parse of it).
 */
import * as os from "os";
import { compileEntry } from "./compile";
import { runChild } from "./child";
import { median, round, roundSummary, summarize, type Summary } from "./stats";
import type { AuditChainParams, AuditChainSamples } from "./workers/audit-chain";

export const AUDIT_CHAIN_TARGETS = { addedMedianMsPerCall: 0.05, verifyRecordsPerSecond: 100_000 } as const;
export const FULL_AUDIT_CHAIN: AuditChainParams = { calls: 20_000, warmup: 2_000, records: 200_000, reads: 5 };

export interface AuditChainResult {
    params: AuditChainParams;
    plain: Summary;
    chained: Summary;
    addedMedianMsPerCall: number;
    verifyRecordsPerSecond: number;
    /** Reader threads `verifyAuditTrail` chose for the trail. */
    readerThreads: number;
    /** With `threads: 1`. */
    oneThreadRecordsPerSecond: number;
    parseRecordsPerSecond: number;
    /** Verify time over bare read-and-parse time, medians. */
    verifyToParseRatio: number;
    trailMiB: number;
    /** 1-minute load average before and after the section: the machine's other work, which these figures share 2 cores with. */
    loadAverage: [number, number];
    breaks: number;
    meetsTarget: boolean;
}

export async function benchAuditChain(params: AuditChainParams = FULL_AUDIT_CHAIN): Promise<AuditChainResult> {
    const loadBefore = os.loadavg()[0];
    const worker = compileEntry("bench/workers/audit-chain.ts");
    // The checker's reader thread, beside the bundle as it ships beside verify.js.
    compileEntry("verifier/audit/read-worker.ts", "read-worker.js");
    const { result: r } = await runChild<AuditChainSamples>(worker, { args: [JSON.stringify(params)] });
    const plain = summarize(r.plainMs);
    const chained = summarize(r.chainedMs);
    const addedMedianMsPerCall = round(chained.median - plain.median, 4);
    const verifyRecordsPerSecond = Math.round(params.records / median(r.verifySeconds));
    return {
        params,
        plain: roundSummary(plain, 4),
        chained: roundSummary(chained, 4),
        addedMedianMsPerCall,
        verifyRecordsPerSecond,
        readerThreads: r.readerThreads,
        oneThreadRecordsPerSecond: Math.round(params.records / median(r.oneThreadSeconds)),
        parseRecordsPerSecond: Math.round(params.records / median(r.parseSeconds)),
        verifyToParseRatio: round(median(r.verifySeconds) / median(r.parseSeconds), 2),
        trailMiB: round(r.trailBytes / 1024 / 1024, 1),
        loadAverage: [round(loadBefore, 2), round(os.loadavg()[0], 2)],
        breaks: r.breaks,
        meetsTarget: addedMedianMsPerCall <= AUDIT_CHAIN_TARGETS.addedMedianMsPerCall && verifyRecordsPerSecond >= AUDIT_CHAIN_TARGETS.verifyRecordsPerSecond && r.breaks === 0,
    };
}

export function renderAuditChain(a: AuditChainResult, ms: (v: number) => string, yes: (met: boolean) => string): string[] {
    return [
        "## 10. Audit chain",
        "",
        `Per call: the started and completion records of one fail-closed call written to a stdout sink (/dev/null), ${a.params.calls} calls per setup after ${a.params.warmup} warm-up calls, interleaved.`,
        `Verify: \`verifyAuditTrail\` on a file of ${a.params.records} chained records from 4 writers (${a.trailMiB} MiB, platform lines mixed in), as it chooses to read it (${a.readerThreads} reader threads) and with \`threads: 1\`, median of ${a.params.reads} reads each, interleaved, beside reading and \`JSON.parse\`-ing each line of the same file.`,
        "",
        "| setup | median per call | p99 per call |",
        "|---|---|---|",
        `| records, no chain | ${ms(a.plain.median)} | ${ms(a.plain.p99)} |`,
        `| records, chained | ${ms(a.chained.median)} | ${ms(a.chained.p99)} |`,
        "",
        `Chain adds ${ms(a.addedMedianMsPerCall)} per call at the median. \`audit verify\` reads ${a.verifyRecordsPerSecond.toLocaleString("en-US")} records/s (on one thread: ${a.oneThreadRecordsPerSecond.toLocaleString("en-US")}/s; read-and-parse alone: ${a.parseRecordsPerSecond.toLocaleString("en-US")}/s; ratio ${a.verifyToParseRatio}); breaks found in the clean trail: ${a.breaks}. Load average (1 min) before and after: ${a.loadAverage.join(" and ")}.`,
        `Target (chain adds <= ${AUDIT_CHAIN_TARGETS.addedMedianMsPerCall} ms per call at the median, verify >= ${AUDIT_CHAIN_TARGETS.verifyRecordsPerSecond.toLocaleString("en-US")} records/s): ${yes(a.meetsTarget)}.`,
        "",
    ];
}
