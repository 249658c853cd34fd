import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { AUDIT_SCHEMA_VERSION, AuditPath, auditFieldPaths, auditFieldTable, type AuditRecord } from "../../contract";
import { ARCHIVE_COLUMNS } from "../../components/private-invocation-logging/archive-catalog";
import { auditMetricFilters } from "../../contract/audit-metric-filters";
import { describeError, errorRecord, rejectedRecord, startedRecord, successRecord, type CallStart } from "../../runtime/audit-record";
import { loggedRecord } from "../../runtime/sinks/archive-sink";
import { markStsFailure } from "../../runtime/sts-failure";
import { ChainWriter } from "../../runtime/chain/chain-writer";
import { matchesFilterPattern } from "../support/filter-pattern";
import { DEFAULT_PRICE_TABLE } from "../../runtime/pricing";

const START: CallStart = {
    callId: "6f1c1d1e-0000-4000-8000-000000000001",
    timestamp: new Date("2026-12-01T00:00:00Z"),
    tenantId: "customer-a",
    contentMode: "full",
    ids: { userId: "u", applicationId: "a", clientRequestId: "c", taskType: "t", kbId: "k" },
    modelId: "anthropic.claude-3-5-haiku-20241022-v1:0",
    invokedModelId: "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    region: "us-east-1",
    inputText: "prompt",
    metadata: { ticket: "T-1" },
};

/** One record of every kind the runtime writes, each with as many fields set as it can have. */
function everyKindOfRecord(): AuditRecord[] {
    const usage = { inputTokens: 1, outputTokens: 2, cacheReadInputTokens: 3, cacheWriteInputTokens: 4, totalTokens: 10 };
    const success = successRecord("ConverseStream", START, { outputText: "answer", usage, requestId: "r", bedrockLatencyMs: 5, stopReason: "end_turn", attempts: 1, timeToFirstTokenMs: 3 }, 9, DEFAULT_PRICE_TABLE);
    const throttled = Object.assign(new Error("slow down"), { name: "ThrottlingException", $metadata: { httpStatusCode: 429, requestId: "r2", attempts: 3 } });
    const error = errorRecord("ConverseStream", START, describeError(throttled), 9, { text: "part", deltas: 1, timeToFirstTokenMs: 2 });
    const sts = errorRecord("Converse", START, describeError(markStsFailure(Object.assign(new Error("no"), { name: "AccessDenied", $metadata: { httpStatusCode: 403, requestId: "sts-1" } }))), 9);
    const rejected = rejectedRecord({ callId: "x", timestamp: new Date(), tenantId: "customer-a", contentMode: "none", ids: {}, modelId: "m", errorCode: "InvalidField", errorMessage: "bad", errorField: "prompt" });
    const truncated = { ...success, input: { ...success.input, inputTruncated: true, inputSha256: "0".repeat(64) }, output: { ...success.output, outputTruncated: true, outputSha256: "0".repeat(64) }, metadataTruncated: true, metadataSha256: "0".repeat(64) };
    // A writer's first record carries its genesis; every record carries a chain link.
    const chained = new ChainWriter({ tenantId: "customer-a" }).link(success).record;
    return [success, error, sts, rejected, startedRecord(START), truncated, loggedRecord(success, { key: "k", sha256: "s", errorCode: "e" }), chained];
}

function pathsOf(record: AuditRecord): string[] {
    return Object.entries(record).flatMap(([key, value]) =>
        key !== "metadata" && typeof value === "object" && value !== null ? [key, ...Object.keys(value).map((sub) => `${key}.${sub}`)] : [key],
    );
}

describe("one audit schema", () => {
    it("has a field description, and the archive table a column, for every field a record can carry", () => {
        const fields = new Set(auditFieldPaths());
        const columns = new Set(ARCHIVE_COLUMNS.map((c) => c.name));
        const written = new Set(everyKindOfRecord().flatMap(pathsOf));

        for (const p of written) {
            assert.ok(fields.has(p), `record field ${p} is not described in AUDIT_FIELDS`);
            const [top, sub] = p.split(".");
            assert.ok(columns.has(top.toLowerCase()), `record field ${top} has no archive column`);
            if (sub !== undefined) {
                const column = ARCHIVE_COLUMNS.find((c) => c.name === top.toLowerCase())!;
                assert.ok(column.type.includes(`${sub.toLowerCase()}:`), `record field ${p} has no archive column`);
            }
        }
        // The records above exercise every described field, so none of them is dead either.
        assert.deepEqual([...fields].filter((f) => !written.has(f)), []);
    });

    it("writes AssumeRole failures under their own operation and STS request id", () => {
        const [, , sts] = everyKindOfRecord();
        assert.deepEqual([sts.operation, sts.stsRequestId, sts.requestId], ["AssumeRole", "sts-1", undefined]);
    });

    it("builds every metric filter from described fields", () => {
        const fields = new Set(auditFieldPaths().map((f) => `$.${f}`));
        for (const p of Object.values(AuditPath)) assert.ok(fields.has(p), `${p} is not a field`);
        for (const filter of auditMetricFilters()) {
            for (const p of filter.pattern.match(/\$\.[\w.]+/g) ?? []) assert.ok(fields.has(p), `${filter.id} matches ${p}, not a field`);
        }
    });

    it("keeps the field table in docs/runtime.md as the schema generates it", () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "runtime.md"), "utf8");
        const between = doc.split("<!-- audit-fields:begin -->\n")[1]?.split("\n<!-- audit-fields:end -->")[0];
        assert.equal(between, auditFieldTable());
    });

    it("counts no started record in any metric filter", () => {
        const started = JSON.stringify(startedRecord(START));
        for (const filter of auditMetricFilters()) {
            assert.equal(matchesFilterPattern(filter.pattern, started), false, filter.id);
        }
    });
});

describe("the schema version", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "runtime.md"), "utf8");

    it("is the version the docs' example record and the top row of their version table show", () => {
        const example = JSON.parse(doc.split("```json\n")[1].split("\n```")[0]) as { schemaVersion: string };
        const table = doc.split("### Schema versions")[1];
        const newest = /\n\| `([0-9.]+)` \|/.exec(table)?.[1];
        assert.deepEqual([example.schemaVersion, newest], [AUDIT_SCHEMA_VERSION, AUDIT_SCHEMA_VERSION]);
    });
});
