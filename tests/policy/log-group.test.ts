import * as assert from "assert";
import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import { PRIVATE_INVOCATION_LOGGING_TYPE } from "../../contract/naming";
import { tenantLogGroupPolicy } from "../../policy/rules";
import { resourceViolations } from "../support/policy-harness";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
// The sentinel the engine sends for a string that is unknown during preview.
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function check(props: Record<string, unknown>, ancestors: string[] = [PRIVATE_INVOCATION_LOGGING_TYPE]): Promise<string[]> {
    return resourceViolations(tenantLogGroupPolicy, { type: LOG_GROUP, props, ancestors });
}

describe("policy: tenant-log-group-encrypted-with-retention", () => {
    it("accepts a log group with a KMS key and a retention", async () => {
        assert.deepStrictEqual(await check({ name: "/bedrock-tenancy/customer-a", kmsKeyId: KEY_ARN, retentionInDays: 365 }), []);
    });

    it("applies to a PrivateInvocationLogging nested in another component", async () => {
        assert.deepStrictEqual(await check({ kmsKeyId: KEY_ARN }, ["acme:index:Tenant", PRIVATE_INVOCATION_LOGGING_TYPE]), [
            "retentionInDays must be a positive number of days, got undefined",
        ]);
    });

    it("ignores log groups outside PrivateInvocationLogging", async () => {
        assert.deepStrictEqual(await check({}, []), []);
        assert.deepStrictEqual(await check({}, ["acme:index:Tenant"]), []);
    });

    it("reports a log group without a KMS key", async () => {
        assert.deepStrictEqual(await check({ retentionInDays: 30 }), ["kmsKeyId must name the customer's KMS key, got undefined"]);
    });

    it("reports an empty KMS key id", async () => {
        assert.deepStrictEqual(await check({ kmsKeyId: "", retentionInDays: 30 }), ['kmsKeyId must name the customer\'s KMS key, got ""']);
    });

    it("reports a retention of 0 days, which keeps events forever", async () => {
        assert.deepStrictEqual(await check({ kmsKeyId: KEY_ARN, retentionInDays: 0 }), ["retentionInDays must be a positive number of days, got 0"]);
    });

    it("reports both findings when neither is set", async () => {
        assert.deepStrictEqual(await check({ name: "/bedrock-tenancy/customer-a" }), [
            "kmsKeyId must name the customer's KMS key, got undefined",
            "retentionInDays must be a positive number of days, got undefined",
        ]);
    });

    it("leaves a key id unknown at preview to the engine's can't-run-during-preview advisory", async () => {
        const props = unknownCheckingProxy({ kmsKeyId: UNKNOWN_STRING, retentionInDays: 30 });
        await assert.rejects(resourceViolations(tenantLogGroupPolicy, { type: LOG_GROUP, props, ancestors: [PRIVATE_INVOCATION_LOGGING_TYPE] }), UnknownValueError);
    });
});
