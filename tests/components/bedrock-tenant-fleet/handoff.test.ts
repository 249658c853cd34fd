import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { tenantAccessFrom } from "../../../components/bedrock-tenant-fleet/handoff";
import { installMocks, isSecretOutput, promiseOf } from "../../../testing";

const OPS_STACK = "acme/bedrock/ops";
const entry = (id: string) => ({
    roleArn: `arn:aws:iam::999999999999:role/BedrockTenantAccess-${id}`,
    externalId: `external-id-of-${id}`,
    runtimeRoleName: `BedrockTenancyRuntime-${id}`,
    accounts: ["111111111111"],
    allowedModels: ["anthropic.claude-3-haiku-20240307-v1:0"],
    inferenceProfileArns: {},
    region: "us-east-1",
});

const GUARDRAIL = { arn: "arn:aws:bedrock:us-east-1:999999999999:guardrail/a1b2c3d4e5f6", version: "1" };

function failureOf(output: pulumi.Output<unknown>): Promise<Error> {
    return (output as unknown as { promise(): Promise<unknown> }).promise().then(() => { throw new Error("the output resolved"); }, (e: Error) => e);
}

describe("tenantAccessFrom", () => {
    beforeEach(async () => {
        await installMocks({
            // The customer account every entry trusts: tenantAccessFrom refuses any other.
            account: "111111111111",
            stackOutputs: {
                [OPS_STACK]: { outputs: { tenants: { "customer-a": { ...entry("customer-a"), guardrail: GUARDRAIL }, "customer-b": entry("customer-b") } }, secretOutputNames: ["tenants"] },
                "acme/bedrock/empty": { outputs: {} },
                // Entries copied from another tenant, or pointing at another account's profiles.
                "acme/bedrock/crossed": {
                    outputs: {
                        tenants: {
                            "customer-a": { ...entry("customer-a"), runtimeRoleName: "BedrockTenancyRuntime-customer-b" },
                            "customer-b": { ...entry("customer-b"), roleArn: entry("customer-a").roleArn },
                            "customer-c": { ...entry("customer-c"), inferenceProfileArns: { "anthropic.claude-3-haiku-20240307-v1:0": "arn:aws:bedrock:us-east-1:888888888888:application-inference-profile/abc123" } },
                            "customer-d": { ...entry("customer-d"), roleArn: "arn:aws:iam::999999999999:role/team/BedrockTenantAccess-customer-d" },
                            "customer-e": { ...entry("customer-e"), inferenceProfileArns: ["arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/abc123"] },
                        },
                    },
                    secretOutputNames: ["tenants"],
                },
                // An ops stack of another version, or an output edited by hand.
                "acme/bedrock/odd": { outputs: { tenants: { "customer-a": { ...entry("customer-a"), accounts: { "111111111111": true } }, "customer-b": "arn:aws:iam::999999999999:role/x" } }, secretOutputNames: ["tenants"] },
            },
        });
    });

    it("returns the tenant's entry as typed Outputs, reading the ops stack by name", async () => {
        const access = tenantAccessFrom(OPS_STACK, "customer-b");
        assert.strictEqual(await promiseOf(access.roleArn), entry("customer-b").roleArn);
        assert.deepStrictEqual(await promiseOf(access.allowedModels), entry("customer-b").allowedModels);
        assert.strictEqual(await promiseOf(access.externalId), "external-id-of-customer-b");
    });

    it("returns the guardrail the tenant's role requires, and undefined for a tenant without one", async () => {
        assert.deepStrictEqual(await promiseOf(tenantAccessFrom(OPS_STACK, "customer-a").guardrail), GUARDRAIL);
        assert.strictEqual(await promiseOf(tenantAccessFrom(OPS_STACK, "customer-b").guardrail), undefined);
    });

    it("keeps only the ExternalId secret", async () => {
        const access = tenantAccessFrom(new pulumi.StackReference(OPS_STACK), "customer-a");
        assert.strictEqual(await isSecretOutput(access.externalId), true);
        assert.strictEqual(await isSecretOutput(access.roleArn), false);
        assert.strictEqual(await isSecretOutput(access.region), false);
    });

    it("names the tenant and the tenants the ops stack has when the tenant is missing", async () => {
        const failure = await failureOf(tenantAccessFrom(OPS_STACK, "customer-z").roleArn);
        assert.match(failure.message, /tenant "customer-z" is not in the "tenants" output of ops stack "acme\/bedrock\/ops" \(it has "customer-a", "customer-b"\)/);
    });

    it("says which output is missing on the ops stack, and names the tenant", async () => {
        const failure = await failureOf(tenantAccessFrom("acme/bedrock/empty", "customer-a").roleArn);
        assert.match(failure.message, /ops stack "acme\/bedrock\/empty" has no output "tenants", so it has no entry for tenant "customer-a"/);
    });

    it("names the ops stack and the tenant when the tenant's entry is not shaped as a fleet exports it, rather than throwing a TypeError", async () => {
        const accounts = await failureOf(tenantAccessFrom("acme/bedrock/odd", "customer-a").roleArn);
        assert.match(accounts.message, /^the "tenants" output of ops stack "acme\/bedrock\/odd" holds for tenant "customer-a" accounts \{"111111111111":true\}, not a list of account ids: run `pulumi up` on the ops stack/);
        const text = await failureOf(tenantAccessFrom("acme/bedrock/odd", "customer-b").roleArn);
        assert.match(text.message, /holds for tenant "customer-b" "arn:aws:iam::999999999999:role\/x", not a tenant's entry/);
    });

    it("names the ops stack and the tenant when the entry names another tenant's roles or another account's profiles", async () => {
        const failed = async (tenant: string) => (await failureOf(tenantAccessFrom("acme/bedrock/crossed", tenant).roleArn)).message;
        assert.match(await failed("customer-a"), /^the "tenants" output of ops stack "acme\/bedrock\/crossed" holds for tenant "customer-a" runtimeRoleName "BedrockTenancyRuntime-customer-b", not this tenant's runtime role name "BedrockTenancyRuntime-customer-a"/);
        assert.match(await failed("customer-b"), /holds for tenant "customer-b" roleArn "arn:aws:iam::999999999999:role\/BedrockTenantAccess-customer-a", not the ARN of this tenant's ops role "BedrockTenantAccess-customer-b"/);
        assert.match(await failed("customer-c"), /holds for tenant "customer-c" inferenceProfileArns\["anthropic.claude-3-haiku-20240307-v1:0"\] "arn:aws:bedrock:us-east-1:888888888888:application-inference-profile\/abc123", not an inference profile of the ops account 999999999999/);
        assert.match(await failed("customer-d"), /holds for tenant "customer-d" roleArn "arn:aws:iam::999999999999:role\/team\/BedrockTenantAccess-customer-d", not the ARN/);
        assert.match(await failed("customer-e"), /holds for tenant "customer-e" inferenceProfileArns \["arn:aws:bedrock/);
    });

    it("rejects a malformed tenant id before reading anything", () => {
        assert.throws(() => tenantAccessFrom(OPS_STACK, "Customer A"), /^ArgumentError: tenantId must be 1 to 32 lowercase letters, digits and hyphens/);
    });
});
