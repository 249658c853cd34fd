/** Renders a run's results as the Markdown table committed in bench/results.md. */
import { renderArchive } from "./archive";
import { renderAuditChain } from "./audit-chain";
import { renderCallCost } from "./call-cost";
import { renderIsolationProof } from "./isolation-proof";
import type { BenchResults } from "./results";

import { renderStreaming } from "./streaming";

const ms = (v: number) => `${v} ms`;
const yes = (met: boolean) => (met ? "met" : "**missed**");

export function renderMarkdown(r: BenchResults): string {
    const { requestPath: rp, awsCalls: ac, concurrency: cc, bundle: b, planning: pl, machine: m } = r;
    const lines = [
        "# Benchmark results",
        "",
        `Measured ${r.startedAt} on ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; whole run ${Math.round(r.durationMs / 1000)} s.`,
        ...(r.rerun === undefined ? [] : [`Run alone since, and merged here: ${Object.entries(r.rerun).map(([title, at]) => `${title} (${at})`).join("; ")}.`]),
        "Every figure comes from compiled JavaScript in a fresh `node` process (ts-node only where named), with local",
        "stand-ins for Bedrock, STS and CloudWatch Logs on 127.0.0.1 in the worker process, answering at once.",
        "Other processes shared the machine; p99 figures in particular carry that noise.",
        "",
        "## 1. Request path (sequential calls)",
        "",
        `${rp.params.n} measured calls per setup after ${rp.params.warmup} warm-up calls each, interleaved (bare, Lambda sink, CloudWatch Logs sink, rotating order); worker stdout is /dev/null.`,
        "",
        "| setup | median | p99 | added median | added p99 | records |",
        "|---|---|---|---|---|---|",
        `| bare ChatBedrockConverse | ${ms(rp.bare.median)} | ${ms(rp.bare.p99)} | | | |`,
        `| handler, Lambda (stdout) sink | ${ms(rp.lambdaSink.perCall.median)} | ${ms(rp.lambdaSink.perCall.p99)} | ${ms(rp.lambdaSink.addedMedianMs)} | ${ms(rp.lambdaSink.addedP99Ms)} | ${rp.lambdaSink.records} |`,
        `| handler, CloudWatch Logs sink (flush per invocation) | ${ms(rp.cloudWatchSink.perCall.median)} | ${ms(rp.cloudWatchSink.perCall.p99)} | ${ms(rp.cloudWatchSink.addedMedianMs)} | ${ms(rp.cloudWatchSink.addedP99Ms)} | ${rp.cloudWatchSink.records} |`,
        "",
        `Target (Lambda sink adds < 0.5 ms median, < 2 ms p99): ${yes(rp.lambdaSink.meetsTarget)}. Records lost: ${rp.lost}.`,
        "",
        `## 2. AWS calls per ${ac.params.invocations} warm invocations`,
        "",
        "Counted on the local servers after one cold invocation.",
        "",
        "| setup | AssumeRole | PutLogEvents | events per PutLogEvents | wall time |",
        "|---|---|---|---|---|",
        `| handler, Lambda sink | ${ac.lambdaSink.assumeRole} | ${ac.lambdaSink.putLogEvents} | - | ${ms(ac.lambdaSink.elapsedMs)} |`,
        `| handler, CloudWatch Logs sink, flush per invocation | ${ac.cloudWatchPerInvocation.assumeRole} | ${ac.cloudWatchPerInvocation.putLogEvents} | ${ac.cloudWatchPerInvocation.eventsPerPut} | ${ms(ac.cloudWatchPerInvocation.elapsedMs)} |`,
        `| shared logger, CloudWatch Logs sink, ${ac.params.flushWindowMs} ms flush window | n/a | ${ac.cloudWatchBatched.putLogEvents} | ${ac.cloudWatchBatched.eventsPerPut} | ${ms(ac.cloudWatchBatched.elapsedMs)} |`,
        "",
        `Target (no AssumeRole after the first, no PutLogEvents with the Lambda sink): ${yes(ac.meetsTarget)}.`,
        "",
        `## 3. Concurrency: ${cc.params.concurrency} calls in flight on one shared model`,
        "",
        `${cc.params.blocks} measured blocks of ${cc.params.roundsPerBlock} rounds per setup after ${cc.params.warmupBlocks} warm-up block, alternating${(cc.loggedProcesses ?? 1) > 1 ? `, in each of ${cc.loggedProcesses} processes` : ""}${cc.forcedGc ? ", the heap left to run as a service's does (no forced collection)" : ""}; logged = the audited model createTenantChatModel builds, on a client configured as bare's (not the runtime's own client, whose handler cache the last figure below measures apart, so the ratio is the logger's cost alone), recording every call through one shared PrivateInvocationLogger (best-effort, the default: one hash-chained record per call) with a batching CloudWatch Logs sink. A block's first round is untimed (it collects the garbage the other setup's block left); the logged sink sends each round's records while the next round runs, and the block ends once all are delivered, so each setup pays for its own garbage and upload, as a service running it alone would. The CloudWatch Logs stand-in runs in a process of its own (parsing and storing the records is the service's work), and it stored every record the sink delivered. Throughput is per block (its calls over its time); the throughput ratio is the median over back-to-back block pairs.`,
        "",
        "| setup | median per call | p99 per call | throughput (median of blocks) |",
        "|---|---|---|---|",
        `| bare | ${ms(cc.bare.perCall.median)} | ${ms(cc.bare.perCall.p99)} | ${cc.bare.medianThroughput} calls/s |`,
        `| logged | ${ms(cc.logged.perCall.median)} | ${ms(cc.logged.perCall.p99)} | ${cc.logged.medianThroughput} calls/s |`,
        "",
        ...(cc.breakdown
            ? [
                  `Other setups, as throughput over bare measured the same way, each in ${cc.loggedProcesses ?? 1} process${(cc.loggedProcesses ?? 1) > 1 ? "es" : ""} of its own: ${cc.breakdown.callbackRatio === undefined ? "" : `the logger attached as a callback to a plain ChatBedrockConverse ${cc.breakdown.callbackRatio}; `}LangChain's dispatch of one handler that does nothing ${cc.breakdown.dispatchRatio}; that callback logger with a sink that sends nothing (records built and hash-chained, no upload) ${cc.breakdown.unsentRatio}. The Bedrock stand-in answers at once in the same process, so the calls are bound by one CPU and every microsecond of it shows.${cc.runtimeClientRatio === undefined ? "" : ` The same logged model on the runtime's own Bedrock client (whose calls without an abort signal reuse the SDK's handler), against the same bare model, measured the same way: ${cc.runtimeClientRatio}. That is what a service moving from a plain ChatBedrockConverse to the model createTenantChatModel builds keeps; it is not the logger's cost alone, which the headline ratio gives.`}${cc.nullRatio === undefined ? "" : ` Control: a second bare model on a client of its own against bare, measured the same way (two identical setups, so any distance from 1 is the pairing's own bias and spread): ${cc.nullRatio}.`}`,
                  "",
              ]
            : []),
        ...(cc.callCost ? renderCallCost(cc.callCost) : []),
        ...(cc.forcedGc
            ? [
                  `Stress figure, one process: with a full garbage collection forced before every round, its time left out (a heap regime no service runs in; every call is slower and every byte allocated costs more), bare ${cc.forcedGc.bareThroughput} calls/s, logged ${cc.forcedGc.loggedThroughput} calls/s, ratio ${cc.forcedGc.throughputRatio}.`,
                  "",
              ]
            : []),
        `Added: ${ms(cc.addedMedianMs)} median, ${ms(cc.addedP99Ms)} p99; throughput ratio ${cc.throughputRatio} (target >= 0.95: ${yes(cc.meetsTarget)}). Records delivered ${cc.recordsDelivered}, lost ${cc.lost}. Most connections Bedrock saw at once: ${cc.peakBedrockConnections} (the runtime's client allows 500; the SDK's default of 50 would queue every call beyond the 50th).${cc.loadAverage ? ` Load average (1 min) ${cc.loadAverage.before} before and ${cc.loadAverage.after} after the section, on ${m.cpus} CPUs.` : ""}`,
        "",
        "## 4. Lambda bundle",
        "",
        `Load time = \`import()\` of the module (cold-start configuration and client construction included), median of ${b.params.loads} fresh processes each. Both bundles are built the same way, split: raw and gzip count the entry and the chunks it imports at load; shipped counts every file, chunks loaded on first use (the archive's S3 client) included.`,
        "",
        "| module | raw | gzip | shipped | median load |",
        "|---|---|---|---|---|",
        `| ${b.lambda.file} | ${kib(b.lambda.rawBytes)} | ${kib(b.lambda.gzipBytes)} | ${b.lambda.shippedBytes === undefined ? "" : kib(b.lambda.shippedBytes)} | ${ms(b.lambda.medianLoadMs)} |`,
        `| ${b.baseline.file} | ${kib(b.baseline.rawBytes)} | ${kib(b.baseline.gzipBytes)} | ${b.baseline.shippedBytes === undefined ? "" : kib(b.baseline.shippedBytes)} | ${ms(b.baseline.medianLoadMs)} |`,
        `| ${b.unbundled.file} | | | | ${ms(b.unbundled.medianLoadMs)} |`,
        "",
        `Load ratio to the baseline: ${b.loadRatio} (target <= 1.3: ${yes(b.meetsTarget)}). Largest parts: ${b.composition.slice(0, 6).map((c) => `${c.package} ${c.kib} KiB`).join(", ")}.`,
        "",
        "## 5. Planning the ops stack under the mock engine",
        "",
        `Median of ${pl.params.runs} fresh processes per size; growth per 10x = the time factor per 10x tenants from the previous size (10 = linear).`,
        "",
        "| tenants | runner | resources | median time | per tenant | peak RSS | growth per 10x |",
        "|---|---|---|---|---|---|---|",
        ...pl.rows.map((row) => `| ${row.tenants} | ${row.runner} | ${row.resources} | ${ms(row.medianTotalMs)} | ${ms(row.medianMsPerTenant)} | ${row.medianPeakRssMiB} MiB | ${row.growthPer10x ?? ""} |`),
        "",
        `Largest policies produced: trust ${pl.largestTrustPolicyChars} of ${pl.quotas.trustPolicy} characters, permissions ${pl.largestPermissionsPolicyChars} of ${pl.quotas.inlinePolicies}.`,
        "",
        "| trust-policy quota | customer accounts per tenant | characters at that count | per further account |",
        "|---|---|---|---|",
        ...pl.trustCapacity.map((t) => `| ${t.quota} | ${t.maxAccounts} | ${t.chars} | ${t.charsPerAccount} |`),
        "",
    ];
    if (r.archive) lines.push(...renderArchive(r.archive));
    if (r.isolationProof) lines.push(...renderIsolationProof(r.isolationProof));
    if (r.streaming) lines.push(...renderStreaming(r.streaming, ms, yes));
    if (r.auditChain) lines.push(...renderAuditChain(r.auditChain, ms, yes));
    return lines.join("\n");
}

function kib(bytes: number): string {
    return `${(bytes / 1024).toFixed(0)} KiB`;
}
