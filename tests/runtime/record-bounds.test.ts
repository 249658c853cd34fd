/** Every field a caller fills is bounded: no record line exceeds the limit, whatever the input, and the trail still verifies. */
import { strict as assert } from "assert";
import { createHash } from "crypto";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { MAX_RECORD_ID_BYTES, TRUNCATION_MARKER, recordChainHash, type AuditRecord, type StoredRecord } from "../../contract";
import { ChainWriter } from "../../runtime/chain/chain-writer";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { MAX_RECORD_LINE_BYTES, recordLine } from "../../runtime/record-line";
import { allBreaks, verifyAuditTrail } from "../../verifier/audit";
import { callRecord, jsonLines } from "../support/audit-trail";
import { MemorySink } from "../support/memory-sink";

const huge = (n: number) => "r".repeat(n);

function assertBounded(sink: MemorySink): StoredRecord[] {
    assert.ok(sink.lines.length > 0);
    for (const line of sink.lines) assert.ok(Buffer.byteLength(line + "\n") <= MAX_RECORD_LINE_BYTES, `a line of ${Buffer.byteLength(line)} bytes`);
    assert.deepEqual(allBreaks(verifyAuditTrail([jsonLines(sink.lines)])), []);
    return sink.stored();
}

describe("record lines bound what a caller controls", () => {
    it("bounds a caller's run id, which becomes the call id, in both records of a call", async () => {
        const sink = new MemorySink();
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", auditMode: "fail-closed", onWarning: () => undefined });
        const runId = huge(1100 * 1024);
        await logger.runStarted(runId, [new HumanMessage("hi")], {});
        await logger.runEnded(runId, { generations: [[{ text: "ok", message: new AIMessage("ok") } as never]] });

        const records = assertBounded(sink) as AuditRecord[];
        assert.deepEqual(records.map((r) => r.outcome), ["started", "success"]);
        for (const r of records) {
            assert.ok(Buffer.byteLength(r.callId!) <= MAX_RECORD_ID_BYTES);
            // Cut, marked, and told apart from every other run id by the SHA-256 of the whole.
            assert.ok(r.callId!.endsWith(TRUNCATION_MARKER + createHash("sha256").update(runId).digest("hex")), r.callId!.slice(-90));
        }
        assert.equal(records[0].callId, records[1].callId);
    });

    it("bounds a long call id in a record built elsewhere, and the chain hash still matches the line", () => {
        const linked = new ChainWriter({ tenantId: "customer-a" }).link(callRecord(1, { callId: huge(400 * 1024) }));
        const line = recordLine(linked.record);
        assert.ok(Buffer.byteLength(line) < 4 * MAX_RECORD_ID_BYTES);
        assert.ok((JSON.parse(line) as AuditRecord).callId!.endsWith(TRUNCATION_MARKER));
        assert.equal(recordChainHash(JSON.parse(line) as Record<string, unknown>), linked.hash);
    });

    it("keeps only numbers and strings of the right type from a reply or an error, whatever the model or SDK put there", async () => {
        const sink = new MemorySink();
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", onWarning: () => undefined });
        const big = huge(600 * 1024);
        void logger.runStarted("run-1", [new HumanMessage("hi")], {});
        const usage = { inputTokens: big, outputTokens: { big }, totalTokens: [big] };
        void logger.runEnded("run-1", {
            generations: [[{ text: "ok", message: { content: "ok", response_metadata: { usage, stopReason: { big }, metrics: { latencyMs: big }, $metadata: { requestId: { big }, attempts: big } } } } as never]],
        });
        void logger.runStarted("run-2", [new HumanMessage("hi")], {});
        void logger.runFailed("run-2", Object.assign(new Error("x"), { name: "ThrottlingException", $metadata: { httpStatusCode: big, requestId: [big], attempts: { big } } }));
        await logger.flush();

        const [success, error] = (assertBounded(sink) as AuditRecord[]).filter((r) => r.outcome !== "started");
        assert.equal(success.outcome, "success");
        assert.deepEqual([success.input.inputTokenCount, success.output.outputTokenCount, success.totalTokenCount, success.stopReason, success.bedrockLatencyMs, success.requestId, success.attempts], [
            undefined, undefined, undefined, undefined, undefined, undefined, undefined,
        ]);
        assert.equal(error.outcome, "error");
        assert.deepEqual([error.httpStatusCode, error.requestId, error.attempts, error.errorMessage], [undefined, undefined, undefined, "ThrottlingException"]);
    });

    it("bounds the writer's identity taken from a caller's chain.env", async () => {
        const sink = new MemorySink();
        const env = { AWS_LAMBDA_FUNCTION_NAME: huge(400 * 1024), AWS_LAMBDA_LOG_STREAM_NAME: huge(400 * 1024), ECS_CONTAINER_METADATA_URI_V4: `http://169.254.170.2/v4/${huge(400 * 1024)}` };
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", chain: { env }, onWarning: () => undefined });
        void logger.runStarted("run-1", [new HumanMessage("hi")], {});
        void logger.runEnded("run-1", { generations: [[{ text: "ok", message: new AIMessage("ok") } as never]] });
        await logger.flush();

        const [first] = assertBounded(sink);
        const genesis = first.chain!.genesis!;
        for (const value of [genesis.function, genesis.instance, genesis.task]) assert.ok(Buffer.byteLength(value!) <= MAX_RECORD_ID_BYTES, `${value!.length} characters`);
    });

    it("refuses a rejection whose fields are not strings, naming the field, rather than writing a line of any size", async () => {
        const logger = new PrivateInvocationLogger({ sink: new MemorySink(), tenantId: "customer-a", onWarning: () => undefined });
        await assert.rejects(logger.logRejection({ ids: { userId: { big: huge(10) } as never }, errorCode: "BadRequest", errorMessage: "bad" }), {
            name: "ArgumentError",
            message: 'rejection.ids.userId must be a string, got {"big":"rrrrrrrrrr"}',
        });
        await assert.rejects(logger.logRejection({ ids: {}, errorCode: "BadRequest", errorMessage: "bad", timestamp: new Date(NaN) }), { name: "ArgumentError", message: /^rejection\.timestamp must be a valid Date/ });
    });
});
