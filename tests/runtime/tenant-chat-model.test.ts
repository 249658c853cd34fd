import { strict as assert } from "assert";
import { useLocalAws, CUSTOMER_ACCESS_KEY_ID, type LocalAws } from "../../testing/local-aws";
import { ArgumentError } from "../../runtime";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { EXTERNAL_ID, HAIKU, OPS_ROLE_ARN, TENANT_ENV } from "../../testing/runtime-fixtures";
import { localLogsSink, streamRecords } from "../support/runtime-harness";
import { MemorySink } from "../support/memory-sink";

describe("createTenantChatModel (local Bedrock, STS and CloudWatch Logs)", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    const modelWith = (sink: MemorySink | ReturnType<typeof localLogsSink>, options: Record<string, unknown> = {}) =>
        createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, userId: "user-17", ...options });

    it("calls Bedrock as the ops role with the ExternalId and tenant and user session tags, and records each call", async () => {
        const sink = new MemorySink();
        const model = modelWith(sink);

        await model.invoke("hello there", { metadata: { applicationId: "svc" } });
        const chunks: string[] = [];
        for await (const chunk of await model.stream("hello again")) {
            chunks.push(typeof chunk.content === "string" ? chunk.content : JSON.stringify(chunk.content));
        }

        assert.equal(aws.sts.assumeRoleCalls.length, 1);
        const assume = aws.sts.assumeRoleCalls[0];
        assert.equal(assume.roleArn, OPS_ROLE_ARN);
        assert.equal(assume.externalId, EXTERNAL_ID);
        assert.deepEqual(assume.tags, [{ Key: "TenantId", Value: "customer-a" }, { Key: "UserId", Value: "user-17" }]);
        assert.equal(assume.accessKeyId, CUSTOMER_ACCESS_KEY_ID);
        // Every Bedrock call is signed with the ops session, never the customer's own key.
        assert.ok(aws.bedrock.requests.every((r) => r.accessKeyId === assume.issuedAccessKeyId));
        const records = sink.records();
        assert.deepEqual(records.map((r) => [r.operation, r.userId, r.modelId, r.tenantId]), [
            ["Converse", "user-17", HAIKU, "customer-a"],
            ["ConverseStream", "user-17", HAIKU, "customer-a"],
        ]);
        assert.equal(records[0].applicationId, "svc");
        assert.deepEqual(records.map((r) => r.requestId), aws.bedrock.calls.map((c) => c.requestId));
        assert.ok(chunks.join("").length > 0);
    });

    it("renews the ops session before it expires", async () => {
        // Sessions that expire within the SDK's five-minute refresh window are renewed on the next call.
        aws.sts.credentialLifetimeMs = 4 * 60_000;
        const model = modelWith(new MemorySink());

        await model.invoke("one");
        await model.invoke("two");

        assert.ok(aws.sts.assumeRoleCalls.length >= 2);
        const [first, second] = aws.bedrock.requests.map((r) => r.accessKeyId);
        assert.notEqual(first, second, "the second call uses a renewed session");
        const issued = new Set(aws.sts.assumeRoleCalls.map((c) => c.issuedAccessKeyId));
        assert.ok(issued.has(first!) && issued.has(second!));
    });

    it("refuses a model outside the tenant's allowed models, naming the argument", () => {
        assert.throws(() => modelWith(new MemorySink(), { modelId: "amazon.titan-text-express-v1" }), (e: Error) =>
            e instanceof ArgumentError && e.name === "ArgumentError" && /^modelId must be one of the tenant's allowed models .*got "amazon.titan-text-express-v1"$/.test(e.message));
    });

    it("fail-closed with the CloudWatch Logs sink answers within one PutLogEvents, not the sink's timer", async () => {
        const sink = localLogsSink(aws, { flushIntervalMs: 5_000, logStreamName: "fail-closed" });
        const model = modelWith(sink, { auditMode: "fail-closed" });
        await model.invoke("warm up");

        const started = performance.now();
        await model.invoke("a healthy call");
        const elapsed = performance.now() - started;

        assert.ok(elapsed < 1_000, `fail-closed call took ${elapsed.toFixed(0)} ms (the sink's timer is 5000 ms)`);
        // Two calls, each a started and a completion record, each sent as soon as it is written.
        assert.deepEqual(streamRecords(aws, "fail-closed").map((r) => r.outcome), ["started", "success", "started", "success"]);
        const puts = aws.logs.requests.filter((r) => String(r.headers["x-amz-target"]).endsWith("PutLogEvents"));
        assert.equal(puts.length, 4, "one PutLogEvents per fail-closed record");
        await sink.close();
    });

    it("fail-closed with the CloudWatch Logs sink down refuses the call", async () => {
        const sink = localLogsSink(aws, { flushIntervalMs: 5_000, maxAttempts: 2 });
        const model = modelWith(sink, { auditMode: "fail-closed" });
        aws.logs.faultFor = () => ({ kind: "error", status: 500, errorType: "ServiceUnavailableException" });

        await assert.rejects(model.invoke("refused"), (err: Error) => err.name === "AuditWriteError");
        aws.logs.faultFor = undefined;
        await sink.close();
    });
});
