/**
 * A call that ends while AssumeRole is still pending (its deadline, an abort,
 * a client that went away) is recorded as ended at AssumeRole: Bedrock never
 * saw it. One that ends in Bedrock is recorded as the Bedrock call it was.
 */
import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { TENANT_ENV, event, handlerWithCapture } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";
import { contextWithDeadline } from "../support/runtime-harness";

describe("a call that ends before the ops session is obtained", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    it("is recorded with operation AssumeRole when the handler's deadline comes while AssumeRole is pending", async () => {
        aws.sts.failNext({ kind: "slow", ms: 3000 });
        const { handler, stdout } = handlerWithCapture(aws.env, { deadlineMarginMs: 300 });

        const response = await handler(event({ requestId: "req-sts" }), contextWithDeadline(1200));

        assert.equal((response as { error?: { code: string } }).error?.code, "DeadlineExceeded");
        const [record] = stdout.records().filter((r) => r.outcome !== "started");
        assert.deepEqual([record.outcome, record.errorCode, record.operation, record.requestId], ["error", "DeadlineExceeded", "AssumeRole", undefined]);
        assert.equal(aws.bedrock.calls.length, 0);
    });

    it("is recorded with operation Converse when the deadline comes while Bedrock is answering", async () => {
        aws.bedrock.reply = () => ({ text: "late", delayMs: 3000 });
        const { handler, stdout } = handlerWithCapture(aws.env, { deadlineMarginMs: 300 });

        await handler(event({ requestId: "req-bedrock" }), contextWithDeadline(1200));

        const [record] = stdout.records().filter((r) => r.outcome !== "started");
        assert.deepEqual([record.errorCode, record.operation], ["DeadlineExceeded", "Converse"]);
        assert.equal(aws.bedrock.calls.length, 1);
    });

    it("is recorded with operation AssumeRole when the caller of createTenantChatModel aborts while AssumeRole is pending", async () => {
        aws.sts.failNext({ kind: "slow", ms: 1000 });
        const sink = new MemorySink();
        const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, onWarning: () => undefined });
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error("caller left")), 200);

        await assert.rejects(model.invoke("hi", { signal: controller.signal }));
        await model.auditLogger.flush();

        const [record] = sink.records().filter((r) => r.outcome !== "started");
        assert.deepEqual([record.outcome, record.operation], ["error", "AssumeRole"]);
        assert.equal(aws.bedrock.calls.length, 0);
    });
});
