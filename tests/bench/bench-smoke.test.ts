import { strict as assert } from "assert";
import { benchAwsCalls } from "../../bench/aws-calls";
import { benchBundle } from "../../bench/bundle";
import { benchConcurrency } from "../../bench/concurrency";
import { machineInfo } from "../../bench/machine";
import { benchPlanning } from "../../bench/planning";
import { renderMarkdown } from "../../bench/report";
import { benchRequestPath } from "../../bench/request-path";
import type { BenchResults } from "../../bench/results";
import type { Summary } from "../../bench/stats";

/** Structure and sanity, never speed: timings on a shared CI machine prove nothing. */
function assertSummary(s: Summary, n: number): void {
    assert.equal(s.n, n);
    assert.ok(s.min > 0 && s.min <= s.median && s.median <= s.p99 && s.p99 <= s.max, JSON.stringify(s));
}

describe("benchmark suite, smoke run with tiny sizes", function () {
    this.timeout(180_000);
    const results: Partial<BenchResults> = {};

    it("times the request path of bare, Lambda-sink and CloudWatch-sink calls, one record per handler call", async () => {
        const r = await benchRequestPath({ n: 20, warmup: 5 });
        assertSummary(r.bare, 20);
        assertSummary(r.lambdaSink.perCall, 20);
        assertSummary(r.cloudWatchSink.perCall, 20);
        assert.equal(r.lambdaSink.records, 25);
        assert.equal(r.cloudWatchSink.records, 25);
        assert.equal(r.lost, 0);
        assert.equal(typeof r.lambdaSink.meetsTarget, "boolean");
        results.requestPath = r;
    });

    it("counts no AssumeRole after the first call and no PutLogEvents with the Lambda sink", async () => {
        const r = await benchAwsCalls({ invocations: 30, flushWindowMs: 50 });
        assert.equal(r.lambdaSink.assumeRole, 0);
        assert.equal(r.lambdaSink.putLogEvents, 0);
        assert.equal(r.cloudWatchPerInvocation.assumeRole, 0);
        assert.deepEqual([r.cloudWatchPerInvocation.putLogEvents, r.cloudWatchPerInvocation.events], [30, 30]);
        assert.equal(r.cloudWatchBatched.events, 30);
        assert.ok(r.cloudWatchBatched.putLogEvents >= 1 && r.cloudWatchBatched.putLogEvents <= 30);
        assert.equal(r.meetsTarget, true);
        results.awsCalls = r;
    });

    it("runs concurrent rounds on one shared logger and delivers every record", async () => {
        const r = await benchConcurrency({ concurrency: 10, blocks: 2, warmupBlocks: 1, roundsPerBlock: 2 });
        assertSummary(r.bare.perCall, 20);
        assertSummary(r.logged.perCall, 20);
        assert.ok(r.bare.medianThroughput > 0 && r.logged.medianThroughput > 0);
        // Three blocks of two rounds of ten calls, the untimed rounds recorded too.
        assert.equal(r.recordsDelivered, 60);
        assert.equal(r.lost, 0);
        // Ten calls in flight, each on its own connection (kept alive, so both setups' sockets count): nothing queues.
        assert.ok(r.peakBedrockConnections >= 10, `${r.peakBedrockConnections} connections`);
        assert.equal(typeof r.meetsTarget, "boolean");
        // The callback-attached logger and the parts of its cost, each measured against bare in a process of its own.
        assert.ok(r.breakdown && r.breakdown.callbackRatio! > 0 && r.breakdown.dispatchRatio > 0 && r.breakdown.unsentRatio > 0, JSON.stringify(r.breakdown));
        assert.equal(r.loggedProcesses, 1);
        assert.ok(r.runtimeClientRatio! > 0, JSON.stringify(r));
        assert.ok(r.nullRatio! > 0, JSON.stringify(r));
        // The CPU the logged call adds with no stand-in sharing it, every call answered (the bench refuses to report otherwise).
        const c = r.callCost!;
        assert.ok(c.bareUs > 0 && c.throughputRatio > 0, JSON.stringify(c));
        assert.ok(c.addedUsRange[0] <= c.addedUs && c.addedUs <= c.addedUsRange[1], JSON.stringify(c));
        assert.ok(c.metadataUsRange[0] <= c.metadataUs && c.metadataUs <= c.metadataUsRange[1], JSON.stringify(c));
        assert.ok(c.runtimeClientSavesUsRange[0] <= c.runtimeClientSavesUs && c.runtimeClientSavesUs <= c.runtimeClientSavesUsRange[1], JSON.stringify(c));
        assert.deepEqual([c.recordsDelivered, c.lost], [60, 0]);
        assert.ok(r.forcedGc && r.forcedGc.throughputRatio > 0 && r.forcedGc.bareThroughput > 0, JSON.stringify(r.forcedGc));
        // The figures come with the load other processes put on the machine while they were taken.
        assert.ok(r.loadAverage && r.loadAverage.before >= 0 && r.loadAverage.after >= 0, JSON.stringify(r.loadAverage));
        results.concurrency = r;
    });

    it("sizes and loads the Lambda bundle, the baseline and the unbundled runtime", async () => {
        const r = await benchBundle({ loads: 1 });
        for (const m of [r.lambda, r.baseline]) {
            assert.ok(m.gzipBytes > 0 && m.gzipBytes < m.rawBytes, JSON.stringify(m));
            assert.ok(m.medianLoadMs > 0);
        }
        assert.ok(r.lambda.rawBytes > r.baseline.rawBytes);
        assert.ok(r.unbundled.medianLoadMs > 0);
        assert.ok(r.composition.some((c) => c.package === "@langchain/core"));
        results.bundle = r;
    });

    it("plans the ops stack in fresh processes and reports policy sizes within IAM's quotas", async () => {
        const r = await benchPlanning({ sizes: [1, 10], runs: 1, tsNodeSizes: [1] });
        assert.deepEqual(r.rows.map((row) => [row.tenants, row.runner]), [[1, "compiled"], [10, "compiled"], [1, "ts-node"]]);
        // A role, its policy, its boundary and the component per tenant, plus the fleet and its one ExternalId secret.
        assert.deepEqual(r.rows.map((row) => row.resources), [6, 42, 6]);
        assert.ok(r.rows[1].growthPer10x! > 0);
        assert.ok(r.rows.every((row) => row.medianPeakRssMiB > 0 && row.medianTotalMs > 0));
        assert.ok(r.largestTrustPolicyChars > 0 && r.largestTrustPolicyChars <= r.quotas.trustPolicy);
        assert.ok(r.largestPermissionsPolicyChars > 0 && r.largestPermissionsPolicyChars <= r.quotas.inlinePolicies);
        assert.deepEqual(r.trustCapacity.map((t) => t.quota), [2048, 4096]);
        results.planning = r;
    });

    it("renders every section of the results table", () => {
        assert.equal(Object.keys(results).length, 5, "an earlier benchmark failed");
        const markdown = renderMarkdown({ startedAt: "t", durationMs: 1, machine: machineInfo(), ...(results as Omit<BenchResults, "startedAt" | "durationMs" | "machine">) });
        for (const heading of ["## 1.", "## 2.", "## 3.", "## 4.", "## 5."]) {
            assert.ok(markdown.includes(heading), heading);
        }
        assert.ok(!markdown.includes("undefined"), markdown);
        assert.match(markdown, /Load average \(1 min\) [0-9.]+ before and [0-9.]+ after the section/);
    });
});
