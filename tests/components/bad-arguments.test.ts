import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { BedrockTenantAccess } from "../../components/bedrock-tenant-access/bedrock-tenant-access";
import type { BedrockTenantAccessArgs } from "../../components/bedrock-tenant-access/args";
import { PrivateInvocationLogging } from "../../components/private-invocation-logging/private-invocation-logging";
import type { PrivateInvocationLoggingArgs } from "../../components/private-invocation-logging/args";
import { customerProgram } from "../../stacks/customer";
import { opsProgram } from "../../stacks/ops";
import { CUSTOMER_A_ACCOUNT, customerAArgs, fixtureBundle, opsRoleArnFor } from "../support/customer-fixtures";
import { installMocks, type MockOptions } from "../../testing/pulumi-mocks";
import { HAIKU, OPS_ACCOUNT, opsMockOptions, settled } from "../../testing/tenant-access-fixtures";

const CUSTOMER_CONFIG = (parseYaml(fs.readFileSync(path.join(__dirname, "../../Pulumi.customer-a.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
const OPS_STACK = "acme/bedrock-tenancy/ops";

function customerStackMocks(config: Record<string, unknown>): MockOptions {
    return {
        stack: "customer-a",
        account: CUSTOMER_A_ACCOUNT,
        config: { ...CUSTOMER_CONFIG, "bedrock-tenancy:lambdaBundlePath": fixtureBundle(), ...config },
        stackOutputs: { [OPS_STACK]: { outputs: { tenants: {} }, secretOutputNames: ["tenants"] } },
        calls: { "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: CUSTOMER_A_ACCOUNT, arn: "arn:aws:iam::111111111111:user/deployer", userId: "AIDEXAMPLE" }) },
    };
}

const logging = (overrides: Partial<PrivateInvocationLoggingArgs>) => () => new PrivateInvocationLogging("bad", customerAArgs({ lambdaBundlePath: fixtureBundle(), ...overrides }));
const access = (overrides: Partial<BedrockTenantAccessArgs>) => () =>
    new BedrockTenantAccess("bad", { tenantId: "customer-a", accounts: [CUSTOMER_A_ACCOUNT], models: [HAIKU], accountId: OPS_ACCOUNT, ...overrides });
const opsStack = (config: Record<string, unknown>) => ({ mocks: opsMockOptions({ "bedrock-tenancy:kind": "ops", ...config }), run: () => opsProgram() });
const customerStack = (config: Record<string, unknown>) => ({ mocks: customerStackMocks(config), run: () => customerProgram() });
const tenant = (overrides: Record<string, unknown>) => ({ id: "customer-a", accounts: [CUSTOMER_A_ACCOUNT], models: [HAIKU], ...overrides });

interface BadArgs {
    what: string;
    mocks?: MockOptions;
    run: () => unknown;
    /** The message, naming the argument and the value received. */
    message: RegExp;
}

const CASES: BadArgs[] = [
    // PrivateInvocationLogging
    { what: "a tenantId with a space and capitals", run: logging({ tenantId: "Customer A" }), message: /^tenantId must be 1 to 32 lowercase letters, digits and hyphens.*, got "Customer A"$/ },
    { what: "another tenant's ops role", run: logging({ opsRoleArn: opsRoleArnFor("customer-b") }), message: /^opsRoleArn must be the ARN of the ops role "BedrockTenantAccess-customer-a" .*, got "arn:aws:iam::999999999999:role\/BedrockTenantAccess-customer-b"$/ },
    { what: "an empty model list", run: logging({ allowedModels: [], modelRoutes: {} }), message: /^allowedModels must list at least one model id, got \[\]$/ },
    { what: "a default model outside the allowed ones", run: logging({ defaultModel: "amazon.titan-text-express-v1" }), message: /^defaultModel must be one of allowedModels .*, got "amazon\.titan-text-express-v1"$/ },
    { what: "a model route to a foundation-model ARN", run: logging({ modelRoutes: { "us.anthropic.claude-3-5-haiku-20241022-v1:0": "arn:aws:bedrock:us-east-1::foundation-model/x" } }), message: /^modelRoutes\["us\.anthropic\.claude-3-5-haiku-20241022-v1:0"\] must be an inference profile ARN, got "arn:aws:bedrock:us-east-1::foundation-model\/x"$/ },
    { what: "a Region without its number", run: logging({ region: "us-east" }), message: /^region must be an AWS Region name such as "us-east-1", got "us-east"$/ },
    { what: "an 11-digit account id", run: logging({ accountId: "11111111111" }), message: /^accountId must be a 12-digit AWS account id, got "11111111111"$/ },
    { what: "a log group name with a star", run: logging({ logGroupName: "/audit/*" }), message: /^logGroupName must match .*, got "\/audit\/\*"$/ },
    { what: "a retention of 8 days", run: logging({ logRetentionDays: 8 }), message: /^logRetentionDays must be one of 1, 3, 5, .*, got 8$/ },
    { what: "an unknown content mode", run: logging({ contentMode: "everything" as never }), message: /^contentMode must be one of none, hash, full, got "everything"$/ },
    { what: "an unknown audit mode", run: logging({ auditMode: "strict" as never }), message: /^auditMode must be one of best-effort, fail-closed, got "strict"$/ },
    { what: "64 MB of memory", run: logging({ memorySizeMb: 64 }), message: /^memorySizeMb must be an integer from 128 to 10240, got 64$/ },
    { what: "a 901-second timeout", run: logging({ timeoutSeconds: 901 }), message: /^timeoutSeconds must be an integer from 1 to 900, got 901$/ },
    { what: "a KMS alias instead of a key ARN", run: logging({ kmsKeyArn: "alias/audit" }), message: /^kmsKeyArn must be a KMS key ARN, got "alias\/audit"$/ },
    { what: "an alarm period of 45 seconds", run: logging({ throttleAlarm: { periodSeconds: 45 } }), message: /^throttleAlarm\.periodSeconds must be 10, 30 or a multiple of 60, got 45$/ },
    { what: "a /8 VPC block", run: logging({ networkIsolation: { cidrBlock: "10.0.0.0/8" } }), message: /^networkIsolation\.cidrBlock must be an IPv4 CIDR block with a \/16 to \/28 netmask, got "10\.0\.0\.0\/8"$/ },
    { what: "a safe metadata key with a space", run: logging({ safeMetadataKeys: ["ticket id"] }), message: /^safeMetadataKeys must be a list of metadata keys matching .*, got \["ticket id"\]$/ },
    // A secret is named by its length only.
    { what: "a one-character ExternalId", run: logging({ externalId: "x" }), message: /^externalId must be 2 to 1224 letters, digits .*, got a string of 1 character \(not shown: it is secret\)$/ },
    // BedrockTenantAccess
    { what: "a 5-digit trusted account", run: access({ accounts: ["12345"] }), message: /^accounts\[0\] must be a 12-digit AWS account id, got "12345"$/ },
    { what: "no models", run: access({ models: [] }), message: /^models must list at least one model or inference profile id, got \[\]$/ },
    { what: "a made-up home Region", run: access({ region: "moon-base-1" }), message: /^region must be an AWS Region name such as "us-east-1", got "moon-base-1"$/ },
    { what: "a GovCloud home Region", run: access({ region: "us-gov-west-1" }), message: /^region "us-gov-west-1" is outside the aws partition; the ARNs this package builds \(arn:aws:\.\.\.\) would not match there$/ },
    { what: "a China Bedrock Region", run: logging({ bedrockRegion: "cn-north-1" }), message: /^bedrockRegion "cn-north-1" is outside the aws partition/ },
    { what: "a negative budget", run: access({ budget: { limitUsd: -5 } }), message: /^budget\.limitUsd must be a number of USD from 0\.01 to 1,000,000,000,000 \(AWS Budgets takes it to the cent\), got -5$/ },
    { what: "an ExternalId with a space", run: access({ externalId: "my external id" }), message: /^externalId must be 2 to 1224 letters, digits .*, got a string of 14 characters \(not shown: it is secret\)$/ },
    // Ops stack config
    { what: "an ops tenant id with an underscore", ...opsStack({ "bedrock-tenancy:tenants": [tenant({ id: "customer_a" })] }), message: /^bedrock-tenancy:tenants\[0\] \(customer_a\): tenantId must be 1 to 32 lowercase letters, digits and hyphens.*, got "customer_a"$/ },
    { what: "an ops tenant list given as an object", ...opsStack({ "bedrock-tenancy:tenants": { "customer-a": {} } }), message: /^bedrock-tenancy:tenants must be a non-empty list of tenants, got \{"customer-a":\{\}\}$/ },
    { what: "an ops tenant without models", ...opsStack({ "bedrock-tenancy:tenants": [tenant({ models: undefined })] }), message: /^bedrock-tenancy:tenants\[0\] \(customer-a\): models is required \(a list of at least one model or inference profile id\), got undefined$/ },
    // Customer stack config
    { what: "an ops stack name that is not fully qualified", ...customerStack({ "bedrock-tenancy:opsStack": "ops" }), message: /^bedrock-tenancy:opsStack must be a fully qualified stack name like "acme\/bedrock-tenancy\/ops", got "ops"$/ },
    { what: "a customer tenant id in capitals", ...customerStack({ "bedrock-tenancy:tenantId": "CUSTOMER-A" }), message: /^bedrock-tenancy:tenantId must be 1 to 32 lowercase letters, digits and hyphens.*, got "CUSTOMER-A"$/ },
    { what: "a memory size that is not a number", ...customerStack({ "bedrock-tenancy:memorySizeMb": "lots" }), message: /^bedrock-tenancy:memorySizeMb must be a number, got "lots"$/ },
    { what: "a throttle alarm given as a list", ...customerStack({ "bedrock-tenancy:throttleAlarm": [1, 2] }), message: /^bedrock-tenancy:throttleAlarm must be an object, got \[1,2\]$/ },
    // A value left out is named as missing, with what it must be.
    { what: "a PrivateInvocationLogging without tenantId", run: logging({ tenantId: undefined }), message: /^tenantId is required \(1 to 32 lowercase letters, digits and hyphens, starting and ending with a letter or digit\), got undefined$/ },
    { what: "allowedModels given as one model id, not a list", run: logging({ allowedModels: HAIKU as unknown as string[] }), message: /^allowedModels must be a list, got "anthropic\.claude-3-haiku-20240307-v1:0"$/ },
    { what: "a misspelt aws:region in the ops stack's configuration", ...opsStack({ "aws:region": "us-east1", "bedrock-tenancy:tenants": [tenant({})] }), message: /^aws:region \(the stack's configuration\) must be an AWS Region name such as "us-east-1", got "us-east1"$/ },
    { what: "a misspelt aws:region in a customer stack's configuration", ...customerStack({ "aws:region": "us-east1" }), message: /^aws:region \(the stack's configuration\) must be an AWS Region name such as "us-east-1", got "us-east1"$/ },
    { what: "a customer content mode the runtime does not know", ...customerStack({ "bedrock-tenancy:contentMode": "verbose" }), message: /^bedrock-tenancy:contentMode must be one of none, hash, full, got "verbose"$/ },
    // The component's message, named by the config key the value came from.
    { what: "a customer memory size out of range", ...customerStack({ "bedrock-tenancy:memorySizeMb": "99999" }), message: /^bedrock-tenancy:memorySizeMb must be an integer from 128 to 10240, got 99999$/ },
    { what: "a customer throttle alarm with a negative threshold", ...customerStack({ "bedrock-tenancy:throttleAlarm": { threshold: -5 } }), message: /^bedrock-tenancy:throttleAlarm\.threshold must be a number above 0, got -5$/ },
    { what: "a customer archive with a key the archive does not read", ...customerStack({ "bedrock-tenancy:archive": { retentionDay: 30 } }), message: /^bedrock-tenancy:archive\.retentionDay / },
];

describe("invalid component arguments and stack config fail at preview", () => {
    for (const c of CASES) {
        it(`rejects ${c.what}, naming the argument and the value, before creating any resource`, async () => {
            const recorded = await installMocks(c.mocks ?? opsMockOptions());

            assert.throws(c.run, (e: Error) => {
                assert.match(e.message, c.message);
                return true;
            });

            await settled();
            // The component itself may be registered before it checks its arguments; no child may be.
            assert.deepEqual(recorded.filter((r) => !r.type.startsWith("bedrock-tenancy:")).map((r) => `${r.type} ${r.name}`), []);
        });
    }
});
