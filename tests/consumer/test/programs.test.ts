/**
 * The ops and customer programs, run against Pulumi's mock engine with the
 * bedrock-tenancy package as installed from its tarball.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, promiseOf, type RecordedResource } from "bedrock-tenancy/testing";

const OPS_ACCOUNT = "999999999999";
const CUSTOMER_A_ACCOUNT = "111111111111";
const OPS_STACK = "acme/acme-bedrock/ops";
const EXTERNAL_ID_A = "ext-id-for-customer-a-0001";
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Registered = RecordedResource;

/** The shipped mocks, as a consumer would use them; the ops stack's outputs as the fleet would export them. */
function mockEngine(stack: string, account: string, config: Record<string, string>, stackOutputs: Record<string, unknown> = {}): Promise<Registered[]> {
    return installMocks({
        project: "acme-bedrock",
        stack,
        account,
        config: { "aws:region": "us-east-1", ...config },
        stackOutputs: { [OPS_STACK]: { outputs: stackOutputs, secretOutputNames: Object.keys(stackOutputs) } },
    });
}

const valueOf = promiseOf;

function only(registered: Registered[], type: string, name?: string): Registered {
    const found = registered.filter((r) => r.type === type && (name === undefined || r.name === name));
    assert.strictEqual(found.length, 1, `expected one ${type} ${name ?? ""}, got ${found.length}`);
    return found[0];
}

describe("ops program", () => {
    let registered: Registered[];
    let program: typeof import("../ops");

    before(async () => {
        registered = await mockEngine("ops", OPS_ACCOUNT, {});
        program = require("../ops");
        await valueOf(program.tenants);
    });

    it("creates one BedrockTenantAccess per tenant", () => {
        const components = registered.filter((r) => r.type === "bedrock-tenancy:index:BedrockTenantAccess").map((r) => r.name);
        assert.deepStrictEqual(components, ["tenants-customer-a", "tenants-customer-b"]);
    });

    it("lets only customer-a's runtime role in its account assume customer-a's role, with its derived ExternalId, as a secret", () => {
        const role = registered.find((r) => r.type === "aws:iam/role:Role" && r.inputs.name === "BedrockTenantAccess-customer-a");
        assert.ok(role, "role BedrockTenantAccess-customer-a is registered");
        // The mock engine's wire form of a secret: the trust policy holds the ExternalId, so it is one.
        const input = role.inputs.assumeRolePolicy;
        assert.strictEqual(input[SECRET_SIG_KEY], SECRET_SIG, "the trust policy is a secret");
        const assume = input.value.Statement.find((s: any) => [s.Action].flat().includes("sts:AssumeRole"));
        assert.deepStrictEqual(assume.Principal, { AWS: [`arn:aws:iam::${CUSTOMER_A_ACCOUNT}:root`] });
        // Derived from the fleet's one generated secret: `bt1.` and a base64url HMAC.
        assert.match(assume.Condition.StringEquals["sts:ExternalId"], /^bt1\.[A-Za-z0-9_-]{43}$/);
    });

    it("exports every tenant's role, ExternalId and models as one secret output", async () => {
        assert.strictEqual(await pulumi.isSecret(program.tenants), true);
        const tenants = await valueOf(program.tenants);
        assert.deepStrictEqual(Object.keys(tenants), ["customer-a", "customer-b"]);
        assert.strictEqual(tenants["customer-a"].roleArn, `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenantAccess-customer-a`);
        assert.notStrictEqual(tenants["customer-a"].externalId, tenants["customer-b"].externalId);
        assert.deepStrictEqual(tenants["customer-b"].allowedModels, ["us.anthropic.claude-3-5-haiku-20241022-v1:0"]);
    });
});

describe("customer program", () => {
    let registered: Registered[];

    before(async () => {
        registered = await mockEngine("customer-a", CUSTOMER_A_ACCOUNT, { "acme-bedrock:tenantId": "customer-a", "acme-bedrock:opsStack": OPS_STACK }, {
            tenants: {
                "customer-a": {
                    roleArn: `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenantAccess-customer-a`,
                    externalId: EXTERNAL_ID_A,
                    allowedModels: ["anthropic.claude-3-haiku-20240307-v1:0"],
                    runtimeRoleName: "BedrockTenancyRuntime-customer-a",
                    accounts: [CUSTOMER_A_ACCOUNT],
                    inferenceProfileArns: {},
                    region: "us-east-1",
                },
            },
        });
        const program: typeof import("../customer") = require("../customer");
        await Promise.all([valueOf(program.functionName), valueOf(program.logGroupName)]);
    });

    it("deploys the Lambda bundle shipped inside the installed package", async () => {
        const fn = only(registered, "aws:lambda/function:Function");
        const assets = await fn.inputs.code.assets;
        const bundle: string = await assets["index.mjs"].path;
        const installed = path.dirname(require.resolve("bedrock-tenancy/package.json"));

        assert.strictEqual(bundle, path.join(installed, "dist", "lambda", "index.mjs"));
        assert.ok(bundle.includes(`${path.sep}node_modules${path.sep}bedrock-tenancy${path.sep}`), bundle);
        assert.ok(fs.statSync(bundle).size > 100_000, "the bundle is the real runtime, not a placeholder");
    });

    it("hands the tenant's ops role and ExternalId to the function only as a secret", () => {
        const env = only(registered, "aws:lambda/function:Function").inputs.environment;
        // A secret input reaches the mock engine wrapped in Pulumi's secret signature.
        assert.strictEqual(env["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
        assert.strictEqual(env.value.variables.BEDROCK_TENANCY_EXTERNAL_ID, EXTERNAL_ID_A);
        assert.strictEqual(env.value.variables.BEDROCK_TENANCY_OPS_ROLE_ARN, `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenantAccess-customer-a`);
        assert.strictEqual(env.value.variables.BEDROCK_TENANCY_CONTENT_MODE, "hash");
    });

    it("keeps the audit log in a KMS-encrypted log group with a retention", () => {
        const group = only(registered, "aws:cloudwatch/logGroup:LogGroup").inputs;
        assert.strictEqual(group.name, "/bedrock-tenancy/customer-a/audit");
        assert.match(group.kmsKeyId, new RegExp(`^arn:aws:kms:us-east-1:${CUSTOMER_A_ACCOUNT}:key/`));
        assert.strictEqual(group.retentionInDays, 365);
    });
});
