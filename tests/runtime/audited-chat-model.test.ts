import { strict as assert } from "assert";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { HumanMessage } from "@langchain/core/messages";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { AuditWriteError } from "../../runtime/private-invocation-logger";
import { AUDIT_SCHEMA_TYPE, type StoredRecord } from "../../contract";
import { TENANT_ENV } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";
import { drain } from "../support/drain";

/** Run ids another callback handler is told about, by event. */
class RunIdRecorder extends BaseCallbackHandler {
    name = "RunIdRecorder";
    readonly started: string[] = [];
    readonly ended: string[] = [];
    handleChatModelStart(_llm: unknown, _messages: unknown, runId: string): void {
        this.started.push(runId);
    }
    handleLLMEnd(_output: unknown, runId: string): void {
        this.ended.push(runId);
    }
}

/** A sink whose write throws before returning a promise: a fault in the record's way, not a refused delivery. */
class ThrowingSink extends MemorySink {
    write(record: StoredRecord): Promise<void> {
        if (record.schemaType === AUDIT_SCHEMA_TYPE) throw new TypeError("sink fault");
        return super.write(record);
    }
}

describe("the audited model records every entry point itself", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    const modelWith = (sink: MemorySink, options: Record<string, unknown> = {}) =>
        createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, userId: "user-17", ...options });

    it("records a streamEvents call without a version, which LangChain makes with no callbacks at all", async () => {
        const sink = new MemorySink();
        const model = modelWith(sink);

        const events = await drain(model.streamEvents([new HumanMessage("events, no version")]));

        assert.ok(events > 0);
        assert.equal(aws.bedrock.calls.length, 1);
        assert.deepEqual(sink.records().map((r) => [r.operation, r.outcome, r.userId]), [["ConverseStream", "success", "user-17"]]);
        assert.equal(sink.records()[0].requestId, aws.bedrock.calls[0].requestId);
    });

    it("fail-closed: a streamEvents call without a version reaches Bedrock only once its started record is durable", async () => {
        const sink = new MemorySink();
        sink.failWith = "log group gone";
        const model = modelWith(sink, { auditMode: "fail-closed", onWarning: () => undefined });

        await assert.rejects(drain(model.streamEvents([new HumanMessage("refused")])), (err: Error) => err.name === "AuditWriteError");
        assert.equal(aws.bedrock.calls.length, 0);
    });

    it("records streamEvents v2, batch, generate over several prompts and a streaming model, one record per Bedrock call", async () => {
        const sink = new MemorySink();
        const model = modelWith(sink);
        const streaming = modelWith(sink, { modelFields: { streaming: true } });

        await drain(model.streamEvents("v2 events", { version: "v2" }));
        await model.batch(["first of a batch", "second of a batch"]);
        await model.generate([[new HumanMessage("prompt one")], [new HumanMessage("prompt two")]]);
        await streaming.invoke("a streaming model, invoked");

        const records = sink.records();
        assert.equal(aws.bedrock.calls.length, 6);
        assert.equal(records.length, 6);
        assert.deepEqual(records.map((r) => r.outcome), Array(6).fill("success"));
        assert.equal(new Set(records.map((r) => r.callId)).size, 6, "each call its own record");
        assert.deepEqual(records.map((r) => r.operation).sort(), ["Converse", "Converse", "Converse", "Converse", "ConverseStream", "ConverseStream"]);
        assert.deepEqual(new Set(records.map((r) => r.requestId)), new Set(aws.bedrock.calls.map((c) => c.requestId)));
    });

    it("records each prompt of a generate call when one fails, and fails the call as LangChain does", async () => {
        const sink = new MemorySink();
        const model = modelWith(sink);
        aws.bedrock.faultFor = (request) => (request.body.includes("refused prompt") ? { kind: "error", status: 400, errorType: "ValidationException" } : undefined);

        await assert.rejects(model.generate([[new HumanMessage("answered prompt")], [new HumanMessage("refused prompt")]]), (err: Error) => err.name === "ValidationException");

        assert.deepEqual(sink.records().map((r) => [r.outcome, r.errorCode]).sort(), [["error", "ValidationException"], ["success", undefined]]);
    });

    it("gives other callbacks the record's run id, and keeps a run id the caller chose", async () => {
        const sink = new MemorySink();
        const model = modelWith(sink);
        const recorder = new RunIdRecorder();
        const chosen = "6f1c2d3e-0000-4000-8000-000000000017";

        await model.invoke("traced", { callbacks: [recorder] });
        await drain(await model.stream("traced stream", { callbacks: [recorder] }));
        await model.invoke("chosen id", { runId: chosen });

        const ids = sink.records().map((r) => r.callId);
        assert.deepEqual(recorder.started, ids.slice(0, 2));
        assert.deepEqual(recorder.ended, ids.slice(0, 2));
        assert.equal(ids[2], chosen);
    });

    it("best-effort: a fault on the record's way answers the call and counts the record as lost, with a warning", async () => {
        const warnings: string[] = [];
        const model = modelWith(new ThrowingSink(), { onWarning: (m: string) => warnings.push(m) });

        const reply = await model.invoke("answered anyway");

        assert.ok(reply.text.length > 0);
        assert.equal(model.auditLogger.stats().lost, 1);
        assert.ok(warnings.some((w) => w.startsWith("audit record lost")), warnings.join("\n"));
    });

    it("fail-closed: the same fault refuses the call", async () => {
        const model = modelWith(new ThrowingSink(), { auditMode: "fail-closed", onWarning: () => undefined });

        // The sink's own throw is the refusal's cause: the caller gets the documented AuditWriteError.
        await assert.rejects(model.invoke("refused"), (err: Error) => err instanceof AuditWriteError && (err.cause as Error).message === "sink fault");
        assert.equal(aws.bedrock.calls.length, 0);
    });
});
