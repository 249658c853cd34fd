/**
 * A ConverseStream answer that ends cleanly before its `messageStop` and
 * `metadata` events (an empty body, or a stream cut between frames by
 * something that closed it cleanly; without `metadata` its usage is unknown)
 * never completed: the caller gets an error after whatever text
 * came, and the call's record is an `error`, never a `success` with no stop
 * reason or usage, in both audit modes and for a streaming model's invoke.
 */
import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import type { AuditMode } from "../../contract";
import { TENANT_ENV } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";

describe("a streamed answer that ends before its messageStop", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    const modelWith = (sink: MemorySink, auditMode: AuditMode, streaming = false) =>
        createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, auditMode, onWarning: () => undefined, modelFields: { streaming } });

    for (const auditMode of ["best-effort", "fail-closed"] as AuditMode[]) {
        // "one two three" streams as the head, three deltas, the block's stop, messageStop and metadata.
        for (const [what, endAfterFrames, text] of [["an empty body", 0, ""], ["the head and two deltas", 3, "one two "], ["every frame but metadata (no usage)", 6, "one two three"]] as const) {
            it(`stream, ${what}: the caller gets IncompleteStream after the text that came, and the record is an error (${auditMode})`, async () => {
                aws.bedrock.reply = () => ({ text: "one two three", endAfterFrames });
                const sink = new MemorySink();
                const model = modelWith(sink, auditMode);
                let received = "";
                const outcome = await (async () => {
                    for await (const chunk of await model.stream("hi")) received += chunk.text;
                })().then(() => "completed", (e: Error) => e.name);

                await model.auditLogger.flush();
                assert.equal(outcome, "IncompleteStream");
                assert.equal(received, text);
                const completions = sink.records().filter((r) => r.outcome !== "started");
                assert.deepEqual(completions.map((r) => [r.outcome, r.errorCode]), [["error", "IncompleteStream"]]);
            });
        }

        it(`invoke of a streaming model, an empty body: fails with IncompleteStream, and the record is an error (${auditMode})`, async () => {
            aws.bedrock.reply = () => ({ text: "one two three", endAfterFrames: 0 });
            const sink = new MemorySink();
            const model = modelWith(sink, auditMode, true);

            const outcome = await model.invoke("hi").then(() => "answered", (e: Error) => e.name);

            await model.auditLogger.flush();
            assert.equal(outcome, "IncompleteStream");
            assert.deepEqual(sink.records().filter((r) => r.outcome !== "started").map((r) => [r.outcome, r.errorCode]), [["error", "IncompleteStream"]]);
        });
    }

    it("a whole answer still completes, with its stop reason (control)", async () => {
        aws.bedrock.reply = () => ({ text: "one two three" });
        const sink = new MemorySink();
        let received = "";
        for await (const chunk of await modelWith(sink, "fail-closed").stream("hi")) received += chunk.text;
        assert.equal(received, "one two three");
        assert.deepEqual(sink.records().filter((r) => r.outcome !== "started").map((r) => [r.outcome, r.stopReason]), [["success", "end_turn"]]);
    });
});
