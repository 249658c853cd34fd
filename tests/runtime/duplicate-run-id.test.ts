/** A run id in progress is never taken over: a second call under it is refused, and a model's own logger records its call once. */
import { strict as assert } from "assert";
import { AsyncLocalStorage } from "async_hooks";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { ChatBedrockConverse } from "@langchain/aws";
import { RunnableLambda } from "@langchain/core/runnables";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { AUDIT_MODES, ArgumentError, MAX_RECORD_ID_BYTES, TRUNCATION_MARKER, type AuditMode } from "../../contract";
import { HAIKU, TENANT_ENV } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";

const RUN_ID = "11111111-2222-4333-8444-555555555555";

describe("a run id in progress is never taken over", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
        // What LangChain's Node entry does: an enclosing run's callbacks then reach a call made inside it.
        AsyncLocalStorageProviderSingleton.initializeGlobalInstance(new AsyncLocalStorage());
    });
    beforeEach(() => {
        aws.bedrock.reply = (call) => ({ text: JSON.stringify(call.body).includes("first") ? "first answer" : "second answer" });
    });

    const modelWith = (sink: MemorySink, auditMode: AuditMode) => createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, auditMode, contentMode: "full", onWarning: () => undefined });

    for (const auditMode of AUDIT_MODES) {
        it(`${auditMode}: a second concurrent call under the same runId is refused before Bedrock; the first keeps a record of its own`, async () => {
            const sink = new MemorySink();
            const model = modelWith(sink, auditMode);
            const [first, second] = await Promise.allSettled([
                model.invoke("first prompt", { runId: RUN_ID, metadata: { userId: "alice", applicationId: "app" } }),
                model.invoke("second prompt", { runId: RUN_ID, metadata: { userId: "bob", applicationId: "app" } }),
            ]);
            await model.auditLogger.flush();

            assert.equal(first.status, "fulfilled");
            assert.equal(second.status, "rejected");
            assert.ok(second.reason instanceof ArgumentError);
            assert.match(second.reason.message, new RegExp(`runId "${RUN_ID}" is already in progress`));
            assert.equal(aws.bedrock.calls.length, 1);
            const completions = sink.records().filter((r) => r.outcome !== "started");
            assert.deepEqual(
                completions.map((r) => [r.callId, r.outcome, r.userId, r.input?.inputText, r.output?.outputText]),
                [[RUN_ID, "success", "alice", "first prompt", "first answer"]],
            );
            assert.equal(sink.records().length, auditMode === "fail-closed" ? 2 : 1);
            assert.deepEqual([model.auditLogger.stats().activeRuns, model.auditLogger.stats().orphanEvents], [0, 0]);
        });

        it(`${auditMode}: a runId that is not a non-empty string is refused before Bedrock, streamed or not, and writes no record`, async () => {
            const sink = new MemorySink();
            const model = modelWith(sink, auditMode);
            for (const [runId, shown] of [[{}, "{}"], [42, "42"], ["", '""'], [["a"], '["a"]']] as [unknown, string][]) {
                const calls = [
                    () => model.invoke("a prompt", { runId } as never),
                    async () => {
                        for await (const _ of await model.stream("a prompt", { runId } as never)) void _;
                    },
                ];
                for (const call of calls) {
                    await assert.rejects(call(), (err: unknown) => {
                        assert.ok(err instanceof ArgumentError, String(err));
                        assert.ok(err.message.startsWith(`runId must be a non-empty string (omit it for a new one), got ${shown}`), err.message);
                        return true;
                    });
                }
            }
            await model.auditLogger.flush();
            assert.equal(aws.bedrock.calls.length, 0);
            assert.deepEqual(sink.records(), []);
            assert.deepEqual([model.auditLogger.stats().activeRuns, model.auditLogger.stats().orphanEvents], [0, 0]);
        });

        it(`${auditMode}: two run ids longer than a record's id that share their first KiB stay two calls, each record pair under its own callId`, async () => {
            const sink = new MemorySink();
            const model = modelWith(sink, auditMode);
            const base = "x".repeat(2 * MAX_RECORD_ID_BYTES);
            await Promise.all([model.invoke("first prompt", { runId: `${base}-A` }), model.invoke("second prompt", { runId: `${base}-B` })]);
            await model.auditLogger.flush();
            const records = sink.records();
            const byCall = new Map<string, string[]>();
            // A started record carries no text: its pair is known by the callId alone.
            for (const r of records) byCall.set(String(r.callId), [...(byCall.get(String(r.callId)) ?? []), r.outcome === "started" ? "started" : `${r.outcome} ${r.input?.inputText}`]);
            const perCall = (prompt: string) => [...(auditMode === "fail-closed" ? ["started"] : []), `success ${prompt}`];
            assert.deepEqual([...byCall.values()].sort(), [perCall("first prompt"), perCall("second prompt")]);
            for (const id of byCall.keys()) {
                assert.ok(Buffer.byteLength(id) <= MAX_RECORD_ID_BYTES, `${Buffer.byteLength(id)} bytes`);
                assert.ok(id.startsWith("xxx") && id.includes(TRUNCATION_MARKER), id.slice(-90));
            }
        });

        it(`${auditMode}: the same runId one call after another records both calls`, async () => {
            const sink = new MemorySink();
            const model = modelWith(sink, auditMode);
            await model.invoke("first prompt", { runId: "seq-run", metadata: { userId: "carol" } });
            await model.invoke("second prompt", { runId: "seq-run", metadata: { userId: "dave" } });
            await model.auditLogger.flush();
            assert.deepEqual(
                sink.records().filter((r) => r.outcome !== "started").map((r) => [r.userId, r.input?.inputText]),
                [["carol", "first prompt"], ["dave", "second prompt"]],
            );
        });

        it(`${auditMode}: the model's own auditLogger given as a callback too records the call once`, async () => {
            const sink = new MemorySink();
            const model = modelWith(sink, auditMode);
            const meta = { metadata: { userId: "u", applicationId: "a" } };
            await model.invoke("first prompt", { ...meta, callbacks: [model.auditLogger] });
            for await (const _ of await model.stream("first prompt", { ...meta, callbacks: [model.auditLogger] })) {
                // drained
            }
            // Inherited from an enclosing run, as a callback manager.
            await RunnableLambda.from((input: string) => model.invoke(input, meta)).invoke("first prompt", { callbacks: [model.auditLogger] });
            await model.auditLogger.flush();

            const outcomes = sink.records().map((r) => r.outcome);
            const perCall = auditMode === "fail-closed" ? ["started", "success"] : ["success"];
            assert.deepEqual(outcomes, [...perCall, ...perCall, ...perCall]);
            assert.equal(aws.bedrock.calls.length, 3);
        });

        it(`${auditMode}: the logger used only as a LangChain callback refuses a second call under a runId in progress`, async () => {
            const sink = new MemorySink();
            const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-a", auditMode, contentMode: "full", onWarning: () => undefined });
            const client = modelWith(new MemorySink(), auditMode).client;
            const plain = new ChatBedrockConverse({ client, model: HAIKU, region: "us-east-1" });
            const [first, second] = await Promise.allSettled([
                plain.invoke("first prompt", { runId: RUN_ID, callbacks: [logger], metadata: { userId: "alice" } }),
                plain.invoke("second prompt", { runId: RUN_ID, callbacks: [logger], metadata: { userId: "bob" } }),
            ]);
            await logger.flush();

            assert.equal(first.status, "fulfilled");
            assert.equal(second.status, "rejected");
            assert.match(String(second.reason?.message), new RegExp(`runId "${RUN_ID}" is already in progress`));
            assert.equal(aws.bedrock.calls.length, 1);
            assert.deepEqual(
                sink.records().filter((r) => r.outcome !== "started").map((r) => [r.userId, r.input?.inputText, r.output?.outputText]),
                [["alice", "first prompt", "first answer"]],
            );
        });
    }
});
