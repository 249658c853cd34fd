import * as assert from "assert";
import { describeError } from "../../runtime/audit-record";
import { QUOTA_EXHAUSTED_ERROR_CODE, quotaErrorCode } from "../../runtime/quota-error";

const session = "arn:aws:sts::999999999999:assumed-role/BedrockTenantAccess-customer-a/customer-a-runtime";
const profile = "arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/abc123def456";
const denied = (tail: string) => Object.assign(new Error(`User: ${session} is not authorized to perform: bedrock:InvokeModel on resource: ${profile} ${tail}`), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } });

describe("quotaErrorCode", () => {
    it("recognises a deny naming the enforcer's policy or statement, or the cost cap", () => {
        assert.strictEqual(quotaErrorCode(denied("with an explicit deny in an identity-based policy: bedrock-tenancy-quota-block")), QUOTA_EXHAUSTED_ERROR_CODE);
        assert.strictEqual(quotaErrorCode(denied("with an explicit deny in an identity-based policy (TokenQuotaExhausted)")), QUOTA_EXHAUSTED_ERROR_CODE);
        assert.strictEqual(quotaErrorCode(denied("with an explicit deny in an identity-based policy: arn:aws:iam::999999999999:policy/BedrockTenancyCostCap-customer-a")), QUOTA_EXHAUSTED_ERROR_CODE);
    });

    it("reads an unnamed explicit identity-policy deny as a quota block, by elimination", () => {
        assert.strictEqual(quotaErrorCode(denied("with an explicit deny in an identity-based policy")), QUOTA_EXHAUSTED_ERROR_CODE);
    });

    it("never reads a denial that names the guardrail rule as a quota block", () => {
        for (const tail of [
            "with an explicit deny in an identity-based policy (DenyWithoutGuardrail)",
            "with an explicit deny in an identity-based policy because of the condition bedrock:GuardrailIdentifier",
            "with an explicit deny in an identity-based policy on guardrail arn:aws:bedrock:us-east-1:999999999999:guardrail/a1b2c3d4e5f6:1",
        ]) {
            assert.strictEqual(quotaErrorCode(denied(tail)), undefined, tail);
        }
        assert.strictEqual(describeError(denied("with an explicit deny in an identity-based policy (DenyWithoutGuardrail)")).errorCode, "AccessDeniedException");
    });

    it("keeps every other access denial an ordinary one", () => {
        for (const tail of [
            "because no identity-based policy allows the bedrock:InvokeModel action",
            "with an explicit deny in a service control policy",
            "with an explicit deny in a resource control policy",
            "with an explicit deny in a permissions boundary",
            "with an explicit deny in an identity-based policy: arn:aws:iam::999999999999:policy/SomeoneElsesPolicy",
            "",
        ]) {
            assert.strictEqual(quotaErrorCode(denied(tail)), undefined, tail);
        }
    });

    it("ignores errors that are not access denials, whatever they say", () => {
        const throttled = Object.assign(new Error("bedrock-tenancy-quota-block"), { name: "ThrottlingException" });
        assert.strictEqual(quotaErrorCode(throttled), undefined);
        assert.strictEqual(quotaErrorCode(undefined), undefined);
        assert.strictEqual(quotaErrorCode("AccessDeniedException"), undefined);
        assert.strictEqual(quotaErrorCode({ name: "AccessDeniedException" }), undefined);
    });

    it("gives the record the quota code and still carries no message text", () => {
        const facts = describeError(denied("with an explicit deny in an identity-based policy"));
        assert.strictEqual(facts.errorCode, QUOTA_EXHAUSTED_ERROR_CODE);
        assert.strictEqual(facts.errorMessage, `${QUOTA_EXHAUSTED_ERROR_CODE} (HTTP 403)`);
        assert.strictEqual(describeError(denied("because no identity-based policy allows it")).errorCode, "AccessDeniedException");
    });
});
