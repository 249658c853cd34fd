import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { PrivateInvocationLogging } from "../../components/private-invocation-logging/private-invocation-logging";
import { tenantAccessFrom } from "../../components/bedrock-tenant-fleet/handoff";
import { ArgumentError } from "../../contract";
import { customerProgram } from "../../stacks/customer";
import { opsProgram } from "../../stacks/ops";
import { planStack } from "../../testing/plan-file";
import { installMocks } from "../../testing/pulumi-mocks";
import { CUSTOMER_A_ACCOUNT, CUSTOMER_B_ACCOUNT, US_HAIKU_35, fixtureBundle, opsRoleArnFor } from "../support/customer-fixtures";
import { opsMockOptions } from "../../testing/tenant-access-fixtures";

const OPS_STACK = "acme/bedrock-tenancy/ops";
const yamlConfig = (file: string) => (parse(fs.readFileSync(path.join(__dirname, "..", "..", file), "utf8")) as { config: Record<string, unknown> }).config;
const CUSTOMER = yamlConfig("Pulumi.customer-a.yaml");
const OPS = yamlConfig("Pulumi.ops.yaml");

const entry = (tenantId: string, account: string) => ({
    roleArn: opsRoleArnFor(tenantId),
    externalId: `ext-secret-${tenantId}`,
    runtimeRoleName: `BedrockTenancyRuntime-${tenantId}`,
    accounts: [account],
    allowedModels: [US_HAIKU_35],
    inferenceProfileArns: {},
    region: "us-east-1",
});
const TENANTS = { "customer-a": entry("customer-a", CUSTOMER_A_ACCOUNT), "customer-b": entry("customer-b", CUSTOMER_B_ACCOUNT) };

function customerPlan(program: () => Record<string, unknown>, config: Record<string, unknown>, stack = "customer-a") {
    return planStack(program, {
        project: "bedrock-tenancy",
        stack,
        account: CUSTOMER_A_ACCOUNT,
        config: { ...CUSTOMER, "bedrock-tenancy:lambdaBundlePath": fixtureBundle(), ...config },
        stackOutputs: { [OPS_STACK]: { outputs: { tenants: TENANTS }, secretOutputNames: ["tenants"] } },
        state: (r) => (r.type === "awsx:ec2:Vpc" ? { vpcId: "vpc-0abc", isolatedSubnetIds: ["subnet-a", "subnet-b"] } : undefined),
    });
}

describe("stack config: a key the stacks do not read", () => {
    it("refuses a misspelt customer key, naming the key meant, instead of planning the default", async () => {
        await assert.rejects(customerPlan(customerProgram, { "bedrock-tenancy:logRetentionDay": 3653 }), (e: Error) => {
            assert.ok(e instanceof ArgumentError, `${e.name}: ${e.message}`);
            assert.match(e.message, /^bedrock-tenancy:logRetentionDay is not a key a customer stack reads; did you mean bedrock-tenancy:logRetentionDays\? \(its keys: kind, tenantId, /);
            return true;
        });
    });

    it("refuses a customer key in the wrong case", async () => {
        await assert.rejects(customerPlan(customerProgram, { "bedrock-tenancy:contentmode": "full" }), /^ArgumentError: bedrock-tenancy:contentmode is not a key a customer stack reads; did you mean bedrock-tenancy:contentMode\?/);
    });

    it("refuses an ops key a customer stack would ignore", async () => {
        await assert.rejects(customerPlan(customerProgram, { "bedrock-tenancy:allowedRegions": ["us-east-1"] }), /^ArgumentError: bedrock-tenancy:allowedRegions is not a key a customer stack reads \(its keys: /);
    });

    it("refuses a misspelt ops key", async () => {
        await installMocks(opsMockOptions({ ...OPS, "bedrock-tenancy:applicationProfileQuta": 2000 }));
        assert.throws(() => opsProgram(), /^ArgumentError: bedrock-tenancy:applicationProfileQuta is not a key an ops stack reads; did you mean bedrock-tenancy:applicationProfileQuota\?/);
    });

    it("refuses a misspelt key of a tenant entry, naming the entry", async () => {
        const tenants = [...(OPS["bedrock-tenancy:tenants"] as Record<string, unknown>[])];
        tenants[1] = { ...tenants[1], regoins: ["us-east-1"] };
        await installMocks(opsMockOptions({ ...OPS, "bedrock-tenancy:tenants": tenants }));
        assert.throws(() => opsProgram(), /^ArgumentError: bedrock-tenancy:tenants\[1\]\.regoins is not an option of a tenant entry; did you mean bedrock-tenancy:tenants\[1\]\.regions\?/);
    });

    it("refuses a key of a tenant's quota that the stack supplies itself", async () => {
        const tenants = [...(OPS["bedrock-tenancy:tenants"] as Record<string, unknown>[])];
        tenants[0] = { ...tenants[0], quota: { ...(tenants[0].quota as object), enforcerFunctionArn: "arn:aws:lambda:us-east-1:999999999999:function:x" } };
        await installMocks(opsMockOptions({ ...OPS, "bedrock-tenancy:tenants": tenants }));
        assert.throws(() => opsProgram(), /^ArgumentError: bedrock-tenancy:tenants\[0\]\.quota\.enforcerFunctionArn is not an option of a tenant's quota in the stack config/);
    });

    it("still plans the shipped stacks", async () => {
        await customerPlan(customerProgram, {});
        await installMocks(opsMockOptions(OPS));
        opsProgram();
    });
});

describe("a customer stack in an account its tenant is not trusted from", () => {
    // The README's customer program: no account given, so the caller identity's.
    const readmeProgram = () => {
        const config = new pulumi.Config();
        const tenantId = config.require("tenantId");
        const access = tenantAccessFrom(config.require("opsStack"), tenantId);
        const logging = new PrivateInvocationLogging(tenantId, {
            tenantId, contentMode: "hash", lambdaBundlePath: fixtureBundle(),
            opsRoleArn: access.roleArn, externalId: access.externalId, bedrockRegion: access.region,
            allowedModels: access.allowedModels, modelRoutes: access.inferenceProfileArns,
        });
        return { functionName: logging.functionName };
    };

    it("fails the consumer's plan naming the tenant and both accounts", async () => {
        const config = { "aws:region": "us-east-1", "bedrock-tenancy:tenantId": "customer-b", "bedrock-tenancy:opsStack": OPS_STACK };
        await assert.rejects(
            planStack(readmeProgram, { project: "bedrock-tenancy", stack: "customer-b", account: CUSTOMER_A_ACCOUNT, config, stackOutputs: { [OPS_STACK]: { outputs: { tenants: TENANTS }, secretOutputNames: ["tenants"] } } }),
            // The message as written, not under the SDK's "error serializing property" layers.
            /^(Error: )?account 111111111111 is not among the accounts ops stack "acme\/bedrock-tenancy\/ops" trusts for tenant "customer-b" \(222222222222\)/,
        );
    });

    it("plans it in the tenant's own account", async () => {
        const config = { "aws:region": "us-east-1", "bedrock-tenancy:tenantId": "customer-b", "bedrock-tenancy:opsStack": OPS_STACK };
        await planStack(readmeProgram, { project: "bedrock-tenancy", stack: "customer-b", account: CUSTOMER_B_ACCOUNT, config, stackOutputs: { [OPS_STACK]: { outputs: { tenants: TENANTS }, secretOutputNames: ["tenants"] } } });
    });

    it("fails the repo's customer stack the same way", async () => {
        await assert.rejects(customerPlan(customerProgram, { "bedrock-tenancy:tenantId": "customer-b" }, "customer-b"), /account 111111111111 is not among the accounts ops stack "acme\/bedrock-tenancy\/ops" trusts for tenant "customer-b" \(222222222222\)/);
    });
});
