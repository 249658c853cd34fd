import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import type { TenantExport, TenantsOutput } from "../../stacks/stack-outputs";
import { customerProgram } from "../../stacks/customer";
import { CUSTOMER_A_ACCOUNT, CUSTOMER_B_ACCOUNT, US_HAIKU_35, HAIKU_PROFILE_ARN, US_SONNET_37, fixtureBundle, opsRoleArnFor } from "../support/customer-fixtures";
import { type RecordedResource, installMocks, ofType, promiseOf } from "../../testing/pulumi-mocks";

const OPS_STACK = "acme/bedrock-tenancy/ops";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const EXAMPLE = parse(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.customer-a.yaml"), "utf8")).config as Record<string, unknown>;

function tenantEntry(tenantId: string, account: string, externalId: string): TenantExport {
    return {
        roleArn: opsRoleArnFor(tenantId),
        externalId,
        runtimeRoleName: `BedrockTenancyRuntime-${tenantId}`,
        accounts: [account],
        allowedModels: [US_HAIKU_35, US_SONNET_37],
        inferenceProfileArns: { [US_HAIKU_35]: HAIKU_PROFILE_ARN },
        region: "us-east-1",
    };
}

const TENANTS: TenantsOutput = {
    "customer-a": tenantEntry("customer-a", CUSTOMER_A_ACCOUNT, "ext-secret-a-5b1e"),
    "customer-b": tenantEntry("customer-b", CUSTOMER_B_ACCOUNT, "ext-secret-b-9c2f"),
};

async function runCustomerStack(options: { config?: Record<string, unknown>; tenants?: TenantsOutput; callerAccount?: string }) {
    const recorded = await installMocks({
        stack: "customer-a",
        account: CUSTOMER_A_ACCOUNT,
        config: { ...EXAMPLE, "bedrock-tenancy:lambdaBundlePath": fixtureBundle(), ...(options.config ?? {}) },
        stackOutputs: { [OPS_STACK]: { outputs: { tenants: options.tenants ?? TENANTS }, secretOutputNames: ["tenants"] } },
        calls: {
            "aws:index/getCallerIdentity:getCallerIdentity": () => {
                const account = options.callerAccount ?? CUSTOMER_A_ACCOUNT;
                return { accountId: account, arn: `arn:aws:iam::${account}:user/deployer`, userId: "AIDEXAMPLE", id: account };
            },
        },
        state: (r) => (r.type === "awsx:ec2:Vpc" ? { vpcId: "vpc-0abc", isolatedSubnetIds: ["subnet-a", "subnet-b"] } : undefined),
    });
    return { recorded, outputs: customerProgram() as Record<string, pulumi.Output<string>> };
}

function rejection(o: pulumi.Output<unknown>): Promise<unknown> {
    // `promise()` exists at run time but is not in the typings.
    return (o as unknown as { promise(): Promise<unknown> }).promise();
}

describe("customer stack (Pulumi.customer-a.yaml)", () => {
    let recorded: RecordedResource[];
    let outputs: Record<string, pulumi.Output<string>>;

    before(async () => {
        ({ recorded, outputs } = await runCustomerStack({}));
        await Promise.all(Object.values(outputs).map((o) => promiseOf(pulumi.output(o))));
    });

    it("is a complete example for account 111111111111 in us-east-1", () => {
        assert.strictEqual(EXAMPLE["bedrock-tenancy:kind"], "customer");
        assert.strictEqual(EXAMPLE["aws:region"], "us-east-1");
        assert.deepStrictEqual(EXAMPLE["aws:allowedAccountIds"], [CUSTOMER_A_ACCOUNT]);
        assert.strictEqual(EXAMPLE["bedrock-tenancy:tenantId"], "customer-a");
    });

    it("reads the ops stack named in its config", () => {
        assert.strictEqual(EXAMPLE["bedrock-tenancy:opsStack"], OPS_STACK);
        assert.strictEqual(ofType(recorded, "aws:lambda/function:Function").length, 1);
    });

    it("configures the runtime from this tenant's entry and keeps its ExternalId secret", () => {
        const env = ofType(recorded, "aws:lambda/function:Function")[0].inputs.environment;
        assert.strictEqual(env[SECRET_SIG], "1b47061264138c4ac30d75fd1eb44270");
        const vars = env.value.variables;
        assert.strictEqual(vars.BEDROCK_TENANCY_OPS_ROLE_ARN, opsRoleArnFor("customer-a"));
        assert.strictEqual(vars.BEDROCK_TENANCY_EXTERNAL_ID, "ext-secret-a-5b1e");
        assert.strictEqual(vars.BEDROCK_TENANCY_ALLOWED_MODELS, `${US_HAIKU_35},${US_SONNET_37}`);
        assert.strictEqual(vars.BEDROCK_TENANCY_MODEL_ROUTES, JSON.stringify({ [US_HAIKU_35]: HAIKU_PROFILE_ARN }));
        assert.strictEqual(vars.BEDROCK_TENANCY_CONTENT_MODE, "hash");
    });

    it("does not keep the rest of the secret tenants output secret", () => {
        const policy = ofType(recorded, "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy;
        // A secret would be recorded wrapped in its signature; the role policy (holding the ops role ARN) is a plain document.
        assert.ok(typeof policy === "object" && policy !== null && !("4dabf18193072939515e22adb298388d" in policy), JSON.stringify(policy));
        assert.ok(JSON.stringify(policy).includes(opsRoleArnFor("customer-a")));
        assert.ok(!JSON.stringify(recorded.map((r) => r.inputs)).includes("ext-secret-b-9c2f"), "another tenant's ExternalId is not used");
    });

    it("applies the settings of its config", () => {
        const alarm = ofType(recorded, "aws:cloudwatch/metricAlarm:MetricAlarm")[0].inputs;
        assert.strictEqual(alarm.threshold, 5);
        assert.strictEqual(ofType(recorded, "aws:cloudwatch/logGroup:LogGroup")[0].inputs.retentionInDays, 365);
        assert.strictEqual(ofType(recorded, "awsx:ec2:Vpc").length, 1);
        // bedrock-runtime, sts, logs, and s3 for the archive the config turns on.
        assert.strictEqual(ofType(recorded, "aws:ec2/vpcEndpoint:VpcEndpoint").length, 4);
        assert.deepStrictEqual(ofType(recorded, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")[0].inputs.rule, { defaultRetention: { mode: "COMPLIANCE", days: 2555 } });
    });

    it("exports the component's outputs and no ExternalId", async () => {
        assert.deepStrictEqual(Object.keys(outputs).sort(), ["archiveBucketName", "archiveDatabaseName", "archiveTableName", "archiveWorkgroupName", "functionArn", "functionName", "kmsKeyArn", "logGroupArn", "logGroupName", "opsRoleArn", "runtimeRoleArn", "tenantId", "throttleAlarmArn"]);
        assert.strictEqual(await promiseOf(outputs.runtimeRoleArn), `arn:aws:iam::${CUSTOMER_A_ACCOUNT}:role/BedrockTenancyRuntime-customer-a`);
        assert.strictEqual(await promiseOf(outputs.opsRoleArn), opsRoleArnFor("customer-a"));
        assert.strictEqual(await pulumi.isSecret(outputs.opsRoleArn), false);
    });
});

describe("customer stack guardrail", () => {
    it("hands the guardrail of this tenant's entry to the function, so its calls carry it", async () => {
        const guardrail = { arn: "arn:aws:bedrock:us-east-1:999999999999:guardrail/a1b2c3d4e5f6", version: "1" };
        const { recorded, outputs } = await runCustomerStack({ tenants: { ...TENANTS, "customer-a": { ...TENANTS["customer-a"], guardrail } } });
        await Promise.all(Object.values(outputs).map((o) => promiseOf(pulumi.output(o))));
        const vars = ofType(recorded, "aws:lambda/function:Function")[0].inputs.environment.value.variables;
        assert.strictEqual(vars.BEDROCK_TENANCY_GUARDRAIL_ARN, guardrail.arn);
        assert.strictEqual(vars.BEDROCK_TENANCY_GUARDRAIL_VERSION, "1");
    });

    it("sets no guardrail for a tenant whose entry has none", async () => {
        const { recorded, outputs } = await runCustomerStack({});
        await Promise.all(Object.values(outputs).map((o) => promiseOf(pulumi.output(o))));
        const vars = ofType(recorded, "aws:lambda/function:Function")[0].inputs.environment.value.variables;
        assert.ok(!("BEDROCK_TENANCY_GUARDRAIL_ARN" in vars));
    });
});

describe("customer stack failures", () => {
    it("names the tenant and the ops stack when the tenant is missing", async () => {
        const { outputs } = await runCustomerStack({ tenants: { "customer-b": TENANTS["customer-b"] } });
        await assert.rejects(rejection(outputs.opsRoleArn), /tenant "customer-a" is not in the "tenants" output of ops stack "acme\/bedrock-tenancy\/ops" \(it has "customer-b"\)/);
    });

    it("refuses to deploy into an account the ops role does not trust", async () => {
        const { outputs } = await runCustomerStack({ callerAccount: CUSTOMER_B_ACCOUNT });
        await assert.rejects(rejection(outputs.opsRoleArn), /account 222222222222 is not among the accounts ops stack "acme\/bedrock-tenancy\/ops" trusts for tenant "customer-a"/);
    });

    it("rejects a bad setting by its config key", async () => {
        await assert.rejects(runCustomerStack({ config: { "bedrock-tenancy:logRetentionDays": "a year" } }), /^ArgumentError: bedrock-tenancy:logRetentionDays must be a number, got "a year"$/);
    });
});
