import * as assert from "assert";
import { PrivateInvocationLogging } from "../../../components/private-invocation-logging/private-invocation-logging";
import { AUDIT_SCHEMA_TYPE, AUDIT_SCHEMA_VERSION, type AuditRecord } from "../../../contract";
import { dimensionValues, matchesFilterPattern, metricValue } from "../../support/filter-pattern";
import { CUSTOMER_A_ACCOUNT, US_HAIKU_35, customerAArgs, fixtureBundle, settle } from "../../support/customer-fixtures";
import { installMocks, ofType } from "../../../testing/pulumi-mocks";

function record(fields: Partial<AuditRecord>): AuditRecord {
    return {
        schemaType: AUDIT_SCHEMA_TYPE,
        schemaVersion: AUDIT_SCHEMA_VERSION,
        timestamp: "2026-01-15T10:00:00.000Z",
        outcome: "success",
        tenantId: "customer-a",
        userId: "user-42",
        modelId: US_HAIKU_35,
        input: {},
        output: {},
        estimatedCostUsd: null,
        contentMode: "none",
        ...fields,
    };
}

const SUCCESS = record({ input: { inputTokenCount: 120, inputCharCount: 480 }, output: { outputTokenCount: 35, outputCharCount: 140 }, totalTokenCount: 155, estimatedCostUsd: 0.0003 });
const ERROR = record({ outcome: "error", errorCode: "ModelTimeoutException", httpStatusCode: 408, throttled: false });
const THROTTLED = record({ outcome: "error", errorCode: "ThrottlingException", httpStatusCode: 429, throttled: true, attempts: 3 });
const REJECTED = record({ outcome: "rejected", errorCode: "ModelNotAllowed", errorField: "modelId", modelId: "amazon.titan-text-express-v1" });

/** Lines Lambda itself writes into the same log group with `logFormat: JSON`. */
const LAMBDA_LINES = {
    // console.log(JSON.stringify(record)) is wrapped: the record becomes a string in "message".
    consoleWrappedRecord: JSON.stringify({ timestamp: "2026-01-15T10:00:00.000Z", level: "INFO", requestId: "r-1", message: JSON.stringify(THROTTLED) }),
    consoleObject: JSON.stringify({ timestamp: "2026-01-15T10:00:00.000Z", level: "ERROR", requestId: "r-1", message: { outcome: "error", throttled: true } }),
    platformReport: JSON.stringify({ time: "2026-01-15T10:00:01.000Z", type: "platform.report", record: { requestId: "r-1", metrics: { durationMs: 812.5 } } }),
    // Same fields as a throttled record but without the schema marker.
    lookalike: JSON.stringify({ ...THROTTLED, schemaType: "SomethingElse" }),
    text: "2026-01-15T10:00:00.000Z r-1 INFO throttled=true outcome=error",
};

describe("audit metric filters as deployed", () => {
    const filters: Record<string, { pattern: string; value: string; dimensions?: Record<string, string> }> = {};

    before(async () => {
        const recorded = await installMocks({ account: CUSTOMER_A_ACCOUNT });
        await settle(new PrivateInvocationLogging("filters", customerAArgs({ lambdaBundlePath: fixtureBundle() })));
        for (const f of ofType(recorded, "aws:cloudwatch/logMetricFilter:LogMetricFilter")) {
            const t = f.inputs.metricTransformation;
            filters[t.name] = { pattern: f.inputs.pattern, value: t.value, dimensions: t.dimensions };
        }
    });

    const matching = (name: string, line: string) => matchesFilterPattern(filters[name].pattern, line);

    it("counts a throttled call as throttled and failed, with value 1", () => {
        const line = JSON.stringify(THROTTLED);
        assert.strictEqual(matching("ThrottledCalls", line), true);
        assert.strictEqual(matching("FailedCalls", line), true);
        assert.strictEqual(metricValue(filters.ThrottledCalls.value, line), 1);
    });

    it("counts another error as failed but not throttled", () => {
        const line = JSON.stringify(ERROR);
        assert.strictEqual(matching("FailedCalls", line), true);
        assert.strictEqual(matching("ThrottledCalls", line), false);
    });

    it("publishes the token counts of a successful call under its model id", () => {
        const line = JSON.stringify(SUCCESS);
        assert.strictEqual(matching("InputTokens", line), true);
        assert.strictEqual(matching("OutputTokens", line), true);
        assert.strictEqual(metricValue(filters.InputTokens.value, line), 120);
        assert.strictEqual(metricValue(filters.OutputTokens.value, line), 35);
        assert.deepStrictEqual(dimensionValues(filters.InputTokens.dimensions, line), { ModelId: US_HAIKU_35 });
        assert.strictEqual(matching("FailedCalls", line), false);
        assert.strictEqual(matching("ThrottledCalls", line), false);
    });

    it("never publishes a user id as a dimension", () => {
        for (const f of Object.values(filters)) {
            const values = Object.values(dimensionValues(f.dimensions, JSON.stringify(SUCCESS)));
            assert.ok(!values.includes("user-42"));
        }
    });

    it("does not count a rejected request as a failed, throttled or token-using call", () => {
        const line = JSON.stringify(REJECTED);
        for (const name of ["FailedCalls", "ThrottledCalls", "InputTokens", "OutputTokens"]) {
            assert.strictEqual(matching(name, line), false, name);
        }
    });

    it("does not count calls without token counts as token usage", () => {
        assert.strictEqual(matching("InputTokens", JSON.stringify(ERROR)), false);
    });

    for (const [kind, line] of Object.entries(LAMBDA_LINES)) {
        it(`ignores a non-audit line (${kind})`, () => {
            for (const name of Object.keys(filters)) {
                assert.strictEqual(matching(name, line), false, name);
            }
        });
    }
});
