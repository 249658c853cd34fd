/**
 * Fail-closed, a call waits for its started record, and its signal still
 * bounds that wait: a caller's abort (its timeout, outside Lambda the only
 * bound a call has) ends the call at once with the signal's reason, before
 * Bedrock, and the call's record is written then, however long the started
 * record's write takes. `invoke` and `generate` wait as `stream` does.
 */
import { strict as assert } from "assert";
import { HumanMessage } from "@langchain/core/messages";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import type { StoredRecord } from "../../contract";
import { TENANT_ENV } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";
import { drain } from "../support/drain";
import { AuditDeliveryError } from "../../runtime/sinks/audit-sink";

type Call = [string, (model: ReturnType<typeof createTenantChatModel>, signal: AbortSignal) => Promise<unknown>];
/** The entries that wait for a call's records before they answer: invoke, generate and batch. */
const UNARY_CALLS: Call[] = [
    ["invoke", (model, signal) => model.invoke("held", { signal })],
    ["generate", (model, signal) => model.generate([[new HumanMessage("held")]], { signal })],
    ["batch", (model, signal) => model.batch(["held"], { signal })],
];

/** Holds the started records' writes open (while `holding`) until `release` or `fail`; other records are stored at once. */
class HeldStartSink extends MemorySink {
    holding = true;
    private held: { store: () => void; refuse: () => void }[] = [];
    private waiting: (() => void)[] = [];

    write(record: StoredRecord): Promise<void> {
        if ((record as { outcome?: string }).outcome !== "started" || !this.holding) return super.write(record);
        return new Promise((resolve, reject) => {
            this.held.push({ store: () => resolve(super.write(record)), refuse: () => reject(new AuditDeliveryError("the log refused the record")) });
            for (const wake of this.waiting.splice(0)) wake();
        });
    }

    /** Fails every held write, as a log that refused them. */
    fail(): void {
        for (const { refuse } of this.held.splice(0)) refuse();
    }

    /** Resolves once a started record's write is held. */
    startHeld(): Promise<void> {
        return this.held.length > 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
    }

    release(): void {
        for (const { store } of this.held.splice(0)) store();
    }
}

describe("fail-closed: an abort while the started record is being written", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    const calls: Call[] = [...UNARY_CALLS, ["stream", async (model, signal) => drain(await model.stream("held", { signal }))]];

    for (const [entry, call] of calls) {
        it(`${entry}: ends at once with the signal's reason, before Bedrock, and its error record is written`, async () => {
            const sink = new HeldStartSink();
            const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, auditMode: "fail-closed", onWarning: () => undefined });
            const controller = new AbortController();
            const reason = new Error("the caller's timeout");
            reason.name = "TimeoutError";

            const settled = call(model, controller.signal).then(() => "answered", (e: Error) => e);
            await sink.startHeld();
            controller.abort(reason);
            // The started record's write is still held: the call has not waited for it.
            const outcome = await settled;
            assert.equal(outcome, reason);
            assert.equal(aws.bedrock.calls.length, 0);

            sink.release();
            await model.auditLogger.flush();
            assert.deepEqual(sink.records().map((r) => [r.outcome, r.errorCode]), [["error", "TimeoutError"], ["started", undefined]]);
            assert.equal(model.auditLogger.stats().activeRuns, 0);
            assert.equal(sink.stats().lost, 0);
        });
    }

    it("a started record that fails after its call was aborted leaves a new call under the same run id its own record", async () => {
        const sink = new HeldStartSink();
        const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, auditMode: "fail-closed", onWarning: () => undefined });
        const controller = new AbortController();
        const first = model.invoke("first", { runId: "reused", signal: controller.signal }).then(() => "answered", (e: Error) => e.name);
        await sink.startHeld();
        controller.abort();
        assert.equal(await first, "AbortError");

        // The id is free again: a second call may take it, and its started record is stored at once.
        sink.holding = false;
        const second = model.invoke("second", { runId: "reused" });
        await new Promise((resolve) => setImmediate(resolve));
        // The first call's started record fails now, while the second call runs.
        sink.fail();
        const answer = await second;

        assert.equal(typeof answer.content, "string");
        await model.auditLogger.flush();
        assert.deepEqual(sink.records().map((r) => [r.callId, r.outcome]), [["reused", "error"], ["reused", "started"], ["reused", "success"]]);
        assert.equal(model.auditLogger.stats().lost, 1);
        assert.equal(model.auditLogger.stats().activeRuns, 0);
    });

    it("flush and close wait for the started record an aborted call left on its way", async () => {
        const sink = new HeldStartSink();
        const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, auditMode: "fail-closed", onWarning: () => undefined });
        const controller = new AbortController();
        const call = model.invoke("held", { signal: controller.signal }).catch((e: Error) => e);
        await sink.startHeld();
        controller.abort();
        await call;

        let flushed = false;
        const flush = model.auditLogger.flush().then(() => (flushed = true));
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(flushed, false, "flush returned while the started record was still being written");
        sink.release();
        await flush;
        assert.deepEqual(sink.records().map((r) => r.outcome).sort(), ["error", "started"]);
    });
});

/** Holds every completion record's write open, for ever: a log that stopped answering after the call's started record. */
class HeldCompletionSink extends MemorySink {
    private waiting: (() => void)[] = [];
    held = 0;

    write(record: StoredRecord): Promise<void> {
        if ((record as { outcome?: string }).outcome === "started") return super.write(record);
        this.held++;
        for (const wake of this.waiting.splice(0)) wake();
        return new Promise(() => undefined);
    }

    /** Resolves once a completion record's write is held. */
    completionHeld(): Promise<void> {
        return this.held > 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
    }
}

describe("fail-closed: an abort while the completion record is being written", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    for (const [entry, call] of UNARY_CALLS) {
        it(`${entry}: ends with the signal's reason and returns no completion, though the write never settles`, async () => {
            const sink = new HeldCompletionSink();
            const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, auditMode: "fail-closed", onWarning: () => undefined });
            const controller = new AbortController();
            const reason = new Error("the caller's timeout");
            reason.name = "TimeoutError";

            const settled = call(model, controller.signal).then(() => "answered", (e: Error) => e);
            await sink.completionHeld();
            controller.abort(reason);
            const outcome = await Promise.race([settled, new Promise((resolve) => setTimeout(() => resolve("still waiting"), 2000))]);
            assert.equal(outcome, reason);
            assert.equal(aws.bedrock.calls.length, 1);
        });
    }
});
