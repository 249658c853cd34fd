import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { auditMetricFilters, AuditMetric } from "../../contract/audit-metric-filters";
import { CONTEXT, event, handlerWithCapture } from "../../testing/runtime-fixtures";
import { matchesFilterPattern, metricValue } from "../support/filter-pattern";
import { capturingConsole } from "../support/runtime-harness";

/** How Lambda's JSON log format wraps a `console` call's text. */
const lambdaWrapped = (level: string, message: string) => JSON.stringify({ timestamp: new Date().toISOString(), level, requestId: "8f5d0c1e-lambda", message });

describe("metric filters against the records the handler really writes", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    /** Lines the handler printed raw on stdout, by outcome, plus the console lines Lambda would wrap. */
    async function producedLines() {
        const { handler, stdout } = handlerWithCapture(aws.env, { onWarning: (m) => console.warn(m) });
        const { printed } = await capturingConsole(async () => {
            await handler(event({ requestId: "ok" }), CONTEXT);
            aws.bedrock.failNext({ kind: "error", status: 408, errorType: "ModelTimeoutException" });
            await handler(event({ requestId: "failed" }), CONTEXT);
            aws.bedrock.failNext({ kind: "throttle" }, { kind: "throttle" }, { kind: "throttle" });
            await handler(event({ requestId: "throttled" }), CONTEXT);
            await handler(event({ requestId: "rejected", modelId: "amazon.titan-text-express-v1" }), CONTEXT);
            // A lost record makes the logger warn through the console.
            await handlerWithCapture(aws.env, { onWarning: (m) => console.warn(m), sink: { write: async () => Promise.reject(new Error("down")), flush: async () => undefined, stats: () => ({ delivered: 0, lost: 1, rejected: 0, pending: 0 }) } }).handler(event(), CONTEXT);
        });
        const raw = stdout.text.join("").split("\n").filter(Boolean);
        const byRequest: Record<string, string> = Object.fromEntries(raw.map((line) => [JSON.parse(line).clientRequestId, line]));
        const consoleLines = printed.split("\n").filter(Boolean).map((m) => lambdaWrapped("WARN", m));
        // The same records, had they gone through console.log: Lambda wraps them, and they must not count twice.
        const wrappedRecords = raw.map((line) => lambdaWrapped("INFO", line));
        return { byRequest, other: [...consoleLines, ...wrappedRecords] };
    }

    const matching = (metric: string, lines: string[]) => {
        const filter = auditMetricFilters().find((f) => f.metricName === metric)!;
        return lines.filter((line) => matchesFilterPattern(filter.pattern, line));
    };

    it("counts the handler's real records by outcome, and tokens of the successful call", async () => {
        const { byRequest } = await producedLines();
        const all = Object.values(byRequest);
        assert.deepEqual(Object.keys(byRequest).sort(), ["failed", "ok", "rejected", "throttled"]);

        assert.deepEqual(matching(AuditMetric.failedCalls, all), [byRequest.failed, byRequest.throttled]);
        assert.deepEqual(matching(AuditMetric.throttledCalls, all), [byRequest.throttled]);
        assert.deepEqual(matching(AuditMetric.inputTokens, all), [byRequest.ok]);
        assert.deepEqual(matching(AuditMetric.outputTokens, all), [byRequest.ok]);
        const input = auditMetricFilters().find((f) => f.metricName === AuditMetric.inputTokens)!;
        assert.equal(metricValue(input.value, byRequest.ok), 23);
    });

    it("matches none of Lambda's JSON-wrapped console lines", async () => {
        const { other } = await producedLines();
        assert.ok(other.some((l) => l.includes("audit record lost")), "the control warning was not printed");
        for (const filter of auditMetricFilters()) {
            assert.deepEqual(other.filter((line) => matchesFilterPattern(filter.pattern, line)), [], filter.metricName);
        }
    });
});
