import * as assert from "assert";
import { BEDROCK_TENANT_ACCESS_TYPE } from "../../contract/naming";
import { metadataOnlyInvocationLoggingPolicy, noContentInvocationLoggingPolicy } from "../../policy/rules";
import { FakeResource, stackViolations, urnOf } from "../support/policy-harness";

const LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration";
const LOGGING_URN = urnOf([LOGGING], "bedrock-logging");
const tenantAccess: FakeResource = { type: BEDROCK_TENANT_ACCESS_TYPE, props: {}, name: "customer-a" };
const cloudwatchConfig = { logGroupName: "bedrock-invocations", roleArn: "arn:aws:iam::999999999999:role/bedrock-logging" };
const allOff = {
    textDataDeliveryEnabled: false,
    imageDataDeliveryEnabled: false,
    embeddingDataDeliveryEnabled: false,
    videoDataDeliveryEnabled: false,
};

function logging(loggingConfig: Record<string, unknown> | undefined): FakeResource {
    return { type: LOGGING, props: loggingConfig === undefined ? {} : { loggingConfig }, name: "bedrock-logging" };
}

async function both(resources: FakeResource[]) {
    return {
        mandatory: await stackViolations(noContentInvocationLoggingPolicy, resources),
        advisory: await stackViolations(metadataOnlyInvocationLoggingPolicy, resources),
    };
}

function contentMessage(flags: string): string {
    return `Bedrock invocation logging in a stack that holds BedrockTenantAccess would keep tenant content in this account (${flags} not false)`;
}

const METADATA_MESSAGE =
    "Bedrock invocation logging is configured in a stack that holds BedrockTenantAccess; " +
    "every content delivery is off, but tenant request metadata would still be recorded in this account";

describe("policy: Bedrock invocation logging in the operations stack", () => {
    it("is mandatory when text delivery is on", async () => {
        const result = await both([tenantAccess, logging({ ...allOff, textDataDeliveryEnabled: true, cloudwatchConfig })]);
        assert.deepStrictEqual(result, { mandatory: [{ message: contentMessage("textDataDeliveryEnabled"), urn: LOGGING_URN }], advisory: [] });
    });

    it("is mandatory when the delivery flags are left at their default (on)", async () => {
        const result = await both([tenantAccess, logging({ cloudwatchConfig })]);
        assert.deepStrictEqual(result.mandatory, [
            {
                message: contentMessage("textDataDeliveryEnabled, imageDataDeliveryEnabled, embeddingDataDeliveryEnabled, videoDataDeliveryEnabled"),
                urn: LOGGING_URN,
            },
        ]);
        assert.deepStrictEqual(result.advisory, []);
    });

    it("is mandatory when loggingConfig itself is absent", async () => {
        const result = await both([logging(undefined), tenantAccess]);
        assert.strictEqual(result.mandatory.length, 1);
        assert.deepStrictEqual(result.advisory, []);
    });

    it("is mandatory when text is off but images are still delivered", async () => {
        const result = await both([tenantAccess, logging({ ...allOff, imageDataDeliveryEnabled: true })]);
        assert.deepStrictEqual(result.mandatory, [{ message: contentMessage("imageDataDeliveryEnabled"), urn: LOGGING_URN }]);
    });

    it("is advisory only when every content delivery is off", async () => {
        const result = await both([tenantAccess, logging({ ...allOff, cloudwatchConfig })]);
        assert.deepStrictEqual(result, { mandatory: [], advisory: [{ message: METADATA_MESSAGE, urn: LOGGING_URN }] });
    });

    it("reports every configuration, one per Region", async () => {
        const west = { ...logging({ ...allOff, textDataDeliveryEnabled: true }), name: "west" };
        const result = await both([tenantAccess, logging({ ...allOff }), west]);
        assert.deepStrictEqual(result.mandatory, [{ message: contentMessage("textDataDeliveryEnabled"), urn: urnOf([LOGGING], "west") }]);
        assert.deepStrictEqual(result.advisory, [{ message: METADATA_MESSAGE, urn: LOGGING_URN }]);
    });

    it("does not apply to a stack without BedrockTenantAccess", async () => {
        assert.deepStrictEqual(await both([logging({ textDataDeliveryEnabled: true })]), { mandatory: [], advisory: [] });
    });

    it("finds nothing in an operations stack without invocation logging", async () => {
        const role: FakeResource = { type: "aws:iam/role:Role", props: { name: "BedrockTenantAccess-customer-a" }, ancestors: [BEDROCK_TENANT_ACCESS_TYPE] };
        assert.deepStrictEqual(await both([tenantAccess, role]), { mandatory: [], advisory: [] });
    });
});
