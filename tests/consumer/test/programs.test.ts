/**
 * The ops and customer programs, run against Pulumi's mock engine with the
 * bedrock-tenancy package as installed from its tarball.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

const OPS_ACCOUNT = "999999999999";
const CUSTOMER_A_ACCOUNT = "111111111111";
const OPS_STACK = "acme/acme-bedrock/ops";
const EXTERNAL_ID_A = "ext-id-for-customer-a-0001";

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>;
}

async function mockEngine(stack: string, account: string, config: Record<string, string>, stackOutputs: Record<string, unknown> = {}): Promise<Registered[]> {
    const registered: Registered[] = [];
    pulumi.runtime.setAllConfig({ "aws:region": "us-east-1", ...config });
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                if (args.type === "pulumi:pulumi:StackReference") {
                    return { id: args.inputs.name, state: { name: args.inputs.name, outputs: stackOutputs, secretOutputNames: Object.keys(stackOutputs) } };
                }
                registered.push({ type: args.type, name: args.name, inputs: args.inputs });
                const name = args.inputs.name ?? args.name;
                const arn: Record<string, string> = {
                    "aws:iam/role:Role": `arn:aws:iam::${account}:role/${name}`,
                    "aws:kms/key:Key": `arn:aws:kms:us-east-1:${account}:key/${args.name}`,
                    "aws:cloudwatch/logGroup:LogGroup": `arn:aws:logs:us-east-1:${account}:log-group:${name}`,
                    "aws:lambda/function:Function": `arn:aws:lambda:us-east-1:${account}:function:${name}`,
                    "aws:bedrock/inferenceProfile:InferenceProfile": `arn:aws:bedrock:us-east-1:${account}:application-inference-profile/${args.name}`,
                };
                const extra = args.type === "random:index/randomPassword:RandomPassword" ? { result: `generated-${args.name}` } : {};
                return { id: `${args.name}-id`, state: { ...args.inputs, name, ...(arn[args.type] ? { arn: arn[args.type] } : {}), ...extra } };
            },
            call(args) {
                if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
                    return { accountId: account, arn: `arn:aws:iam::${account}:user/deployer`, userId: "AIDEXAMPLE", id: account };
                }
                throw new Error(`unexpected data-source call ${args.token}`);
            },
        },
        "acme-bedrock",
        stack,
        true,
    );
    return registered;
}

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

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
        await valueOf(program.tenantAccess);
    });

    it("creates one BedrockTenantAccess per tenant", () => {
        const components = registered.filter((r) => r.type === "bedrock-tenancy:index:BedrockTenantAccess").map((r) => r.name);
        assert.deepStrictEqual(components, ["customer-a", "customer-b"]);
    });

    it("lets only customer-a's runtime role in its account assume customer-a's role, with the generated ExternalId", () => {
        const role = registered.find((r) => r.type === "aws:iam/role:Role" && r.inputs.name === "BedrockTenantAccess-customer-a");
        assert.ok(role, "role BedrockTenantAccess-customer-a is registered");
        const trust = typeof role.inputs.assumeRolePolicy === "string" ? JSON.parse(role.inputs.assumeRolePolicy) : role.inputs.assumeRolePolicy;
        const assume = trust.Statement.find((s: any) => [s.Action].flat().includes("sts:AssumeRole"));
        assert.deepStrictEqual(assume.Principal, { AWS: [`arn:aws:iam::${CUSTOMER_A_ACCOUNT}:root`] });
        assert.strictEqual(assume.Condition.StringEquals["sts:ExternalId"], "generated-customer-a-external-id");
    });

    it("exports every tenant's role, ExternalId and models as one secret output", async () => {
        assert.strictEqual(await pulumi.isSecret(program.tenantAccess), true);
        const tenants = (await valueOf(program.tenantAccess)) as Record<string, any>;
        assert.deepStrictEqual(Object.keys(tenants), ["customer-a", "customer-b"]);
        assert.strictEqual(tenants["customer-a"].roleArn, `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenantAccess-customer-a`);
        assert.strictEqual(tenants["customer-a"].externalId, "generated-customer-a-external-id");
        assert.deepStrictEqual(tenants["customer-b"].allowedModels, ["us.anthropic.claude-3-5-haiku-20241022-v1:0"]);
    });
});

describe("customer program", () => {
    let registered: Registered[];

    before(async () => {
        registered = await mockEngine("customer-a", CUSTOMER_A_ACCOUNT, { "acme-bedrock:tenantId": "customer-a", "acme-bedrock:opsStack": OPS_STACK }, {
            tenantAccess: {
                "customer-a": {
                    roleArn: `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenantAccess-customer-a`,
                    externalId: EXTERNAL_ID_A,
                    allowedModels: ["anthropic.claude-3-haiku-20240307-v1:0"],
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
        assert.strictEqual(group.kmsKeyId, `arn:aws:kms:us-east-1:${CUSTOMER_A_ACCOUNT}:key/customer-a-key`);
        assert.strictEqual(group.retentionInDays, 365);
    });
});
