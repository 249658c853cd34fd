import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { CONTEXT, event, handlerWithCapture } from "../../testing/runtime-fixtures";

const SESSION = "arn:aws:sts::999999999999:assumed-role/BedrockTenantAccess-customer-a/customer-a-runtime";
const blocked = (tail: string) => ({ kind: "error" as const, status: 403, errorType: "AccessDeniedException", message: `User: ${SESSION} is not authorized to perform: bedrock:InvokeModel ${tail}` });

describe("a tenant blocked by its quota: what the caller gets and what is recorded", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    it("answers TenantQuotaExhausted and records errorCode TenantQuotaExhausted", async () => {
        aws.bedrock.failNext(blocked("with an explicit deny in an identity-based policy"));
        const { handler, stdout } = handlerWithCapture(aws.env);

        const response = await handler(event({ requestId: "req-quota" }), CONTEXT);

        assert.ok("error" in response, JSON.stringify(response));
        assert.equal(response.error.code, "TenantQuotaExhausted");
        assert.match(response.error.message, /quota is exhausted/);
        const [record] = stdout.records();
        assert.equal(record.outcome, "error");
        assert.equal(record.clientRequestId, "req-quota");
        assert.equal(record.errorCode, "TenantQuotaExhausted");
        assert.equal(record.httpStatusCode, 403);
        assert.ok(!JSON.stringify(record).includes(SESSION), "the record carries Bedrock's message");
    });

    it("keeps an ordinary access denial a model error", async () => {
        aws.bedrock.failNext(blocked("because no identity-based policy allows the bedrock:InvokeModel action"));
        const { handler, stdout } = handlerWithCapture(aws.env);

        const response = await handler(event(), CONTEXT);

        assert.ok("error" in response);
        assert.equal(response.error.code, "ModelError");
        assert.equal(stdout.records()[0].errorCode, "AccessDeniedException");
    });
});
