/**
 * The HTTP service example against the local Bedrock, STS and CloudWatch Logs
 * servers. It imports `bedrock-tenancy/runtime` as an application would, so it
 * runs against the compiled package (`npm run build`).
 */
import { strict as assert } from "assert";
import { AUDIT_SCHEMA_TYPE } from "../../contract";
import { createChatService, type ChatService } from "../../examples/http-service/chat-service";
import { CUSTOMER_ACCESS_KEY_ID, converseText, useLocalAws } from "../../testing/local-aws";

const OPS_ROLE_ARN = "arn:aws:iam::999999999999:role/BedrockTenantAccess-customer-a";
const EXTERNAL_ID = "ext-id-customer-a-7f3c";
const MODEL = "amazon.nova-lite-v1:0";

describe("HTTP service example (LangChain outside Lambda)", () => {
    const aws = useLocalAws();
    let service: ChatService;
    let url: string;
    let logGroupName: string;
    let groups = 0;

    beforeEach(async () => {
        // A group per test: the local Logs server keeps events across tests.
        logGroupName = `/bedrock-tenancy/customer-a/audit-${++groups}`;
        aws().logs.createLogGroup(logGroupName);
        aws().bedrock.reply = (call) => ({ text: `echo: ${converseText(call)}`, usage: { inputTokens: 7, outputTokens: 3 } });
        // Records stay buffered until a flush, so a test sees exactly what shutdown delivers.
        service = createChatService({ tenantId: "customer-a", opsRoleArn: OPS_ROLE_ARN, externalId: EXTERNAL_ID, modelId: MODEL, logGroupName, region: "us-east-1", flushIntervalMs: 3_600_000 });
        url = await service.listen();
    });

    afterEach(async () => {
        await service.close().catch(() => undefined);
    });

    function chat(body: unknown): Promise<Response> {
        return fetch(`${url}/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    }

    it("answers POST /chat with the model's reply", async () => {
        const res = await chat({ prompt: "hello", userId: "user-17", requestId: "req-1" });

        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), { output: "echo: hello", requestId: "req-1" });
    });

    it("writes one audit record per call into the service's log group, signed with the customer's own key", async () => {
        await chat({ prompt: "first", userId: "user-17", requestId: "req-1" });
        await chat({ prompt: "second", userId: "user-18", requestId: "req-2" });
        await service.logger.flush();

        const records = aws().logs.records(logGroupName);
        assert.deepEqual(
            records.map((r) => [r.schemaType, r.outcome, r.tenantId, r.userId, r.clientRequestId, r.applicationId, r.modelId, r.totalTokenCount]),
            [
                [AUDIT_SCHEMA_TYPE, "success", "customer-a", "user-17", "req-1", "http-service", MODEL, 10],
                [AUDIT_SCHEMA_TYPE, "success", "customer-a", "user-18", "req-2", "http-service", MODEL, 10],
            ],
        );
        assert.ok(records.every((r) => !JSON.stringify(r).includes("first") && !JSON.stringify(r).includes("second")), "content mode none keeps prompts out");
        const logSigners = new Set(aws().logs.requests.map((r) => r.accessKeyId));
        assert.deepEqual(logSigners, new Set([CUSTOMER_ACCESS_KEY_ID]));
    });

    it("calls Bedrock with one ops session assumed with the ExternalId, never with the customer's key", async () => {
        await chat({ prompt: "one", userId: "user-17" });
        await chat({ prompt: "two", userId: "user-17" });

        const assumed = aws().sts.assumeRoleCalls;
        assert.equal(assumed.length, 1, "the session is cached across requests");
        assert.equal(assumed[0].roleArn, OPS_ROLE_ARN);
        assert.equal(assumed[0].externalId, EXTERNAL_ID);
        assert.equal(assumed[0].accessKeyId, CUSTOMER_ACCESS_KEY_ID);
        assert.deepEqual(aws().bedrock.requests.map((r) => r.accessKeyId), [assumed[0].issuedAccessKeyId, assumed[0].issuedAccessKeyId]);
        assert.notEqual(assumed[0].issuedAccessKeyId, CUSTOMER_ACCESS_KEY_ID);
    });

    it("delivers buffered audit records on shutdown", async () => {
        await chat({ prompt: "hello", userId: "user-17" });
        assert.equal(aws().logs.records(logGroupName).length, 0, "still buffered before shutdown");

        await service.close();

        assert.equal(aws().logs.records(logGroupName).length, 1);
        assert.equal(service.sink.stats().lost, 0);
    });

    it("answers a failed model call with the error name only and still records it", async () => {
        aws().bedrock.failNext({ kind: "error", status: 400, errorType: "ValidationException", message: "bad input: hello secret" });

        const res = await chat({ prompt: "hello secret", userId: "user-17", requestId: "req-9" });
        await service.logger.flush();

        assert.equal(res.status, 502);
        assert.deepEqual(await res.json(), { error: "ValidationException" });
        const [record] = aws().logs.records(logGroupName);
        assert.equal(record.outcome, "error");
        assert.equal(record.errorCode, "ValidationException");
        assert.equal(record.clientRequestId, "req-9");
        assert.ok(!JSON.stringify(record).includes("secret"));
    });

    it("refuses a request without userId before any model call", async () => {
        const res = await chat({ prompt: "hello" });

        assert.equal(res.status, 400);
        assert.deepEqual(await res.json(), { error: "userId must be 1-128 of A-Z a-z 0-9 _ . : / = + @ -" });
        assert.equal(aws().bedrock.requests.length, 0);
        assert.equal(aws().sts.assumeRoleCalls.length, 0);
    });
});
