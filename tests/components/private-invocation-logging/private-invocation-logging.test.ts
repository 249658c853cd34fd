import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PrivateInvocationLogging } from "../../../components/private-invocation-logging/private-invocation-logging";
import type { PrivateInvocationLoggingArgs } from "../../../components/private-invocation-logging/args";
import { CUSTOMER_A_ACCOUNT, EXTERNAL_ID_A, US_HAIKU_35, HAIKU_PROFILE_ARN, US_SONNET_37, customerAArgs, fixtureBundle, opsRoleArnFor, settle } from "../../support/customer-fixtures";
import { type RecordedResource, installMocks, isSecretOutput, ofType, promiseOf } from "../../../testing/pulumi-mocks";
import { parsePolicy } from "../../../testing/tenant-access-fixtures";
import { makeTempDir } from "../../support/temp-dir";
import { loadRuntimeConfig } from "../../../runtime/wiring/config";
import { RuntimeEnv } from "../../../contract";

const LOG_GROUP = "/bedrock-tenancy/customer-a/audit";

/** A bundle as esbuild splits it: a static chunk, a chunk on first use, and a chunk only another chunk imports. */
function splitFixtureBundle(): string {
    const dir = makeTempDir("bedrock-tenancy-split-");
    const files: Record<string, string> = {
        "index.mjs": 'import{a as t}from"./chunk-A1.mjs";export const handler=async()=>(await import( "./lazy-B2.mjs")).b+t;\n',
        "chunk-A1.mjs": 'import"./sub/shared-C3.mjs";export const a=1;\n',
        "lazy-B2.mjs": "export const b=2;\n",
        "sub/shared-C3.mjs": 'import"../lazy-B2.mjs";globalThis.shared=true;\n',
        // Beside the bundle but not imported by it: not shipped.
        "unrelated.mjs": "export const x=0;\n",
    };
    fs.mkdirSync(path.join(dir, "sub"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, "index.mjs");
}
const LOG_GROUP_ARN = `arn:aws:logs:us-east-1:${CUSTOMER_A_ACCOUNT}:log-group:${LOG_GROUP}`;
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function only(recorded: RecordedResource[], type: string, name?: string): RecordedResource {
    const found = ofType(recorded, type).filter((r) => name === undefined || r.name === name);
    assert.strictEqual(found.length, 1, `expected one ${type}, got ${found.length}`);
    return found[0];
}

describe("PrivateInvocationLogging with default settings", () => {
    let recorded: RecordedResource[];
    let component: PrivateInvocationLogging;
    let bundle: string;

    before(async () => {
        recorded = await installMocks({ account: CUSTOMER_A_ACCOUNT });
        bundle = fixtureBundle();
        component = new PrivateInvocationLogging("audit", customerAArgs({ lambdaBundlePath: bundle }));
        await settle(component);
    });

    it("creates a rotating symmetric key and an alias", () => {
        const key = only(recorded, "aws:kms/key:Key");
        assert.strictEqual(key.inputs.enableKeyRotation, true);
        assert.strictEqual(key.inputs.customerMasterKeySpec, "SYMMETRIC_DEFAULT");
        assert.strictEqual(only(recorded, "aws:kms/alias:Alias").inputs.name, "alias/bedrock-tenancy/customer-a/audit-logs");
    });

    it("lets only the account and this Region's Logs service, for this log group, use the key", () => {
        const policy = (parsePolicy(only(recorded, "aws:kms/key:Key").inputs.policy) as any);
        const principals = policy.Statement.map((s: any) => s.Principal);
        assert.deepStrictEqual(principals, [{ AWS: `arn:aws:iam::${CUSTOMER_A_ACCOUNT}:root` }, { Service: "logs.us-east-1.amazonaws.com" }]);
        const logs = policy.Statement[1];
        assert.deepStrictEqual(logs.Condition, { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": LOG_GROUP_ARN } });
        assert.deepStrictEqual(logs.Action, ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]);
        const accountsNamed = JSON.stringify(policy).match(/\d{12}/g) ?? [];
        assert.deepStrictEqual([...new Set(accountsNamed)], [CUSTOMER_A_ACCOUNT]);
    });

    it("encrypts the log group with the key and keeps records 365 days", async () => {
        const group = only(recorded, "aws:cloudwatch/logGroup:LogGroup");
        assert.strictEqual(group.inputs.name, LOG_GROUP);
        assert.match(group.inputs.kmsKeyId, new RegExp(`^arn:aws:kms:us-east-1:${CUSTOMER_A_ACCOUNT}:key/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`));
        assert.strictEqual(group.inputs.kmsKeyId, `arn:aws:kms:us-east-1:${CUSTOMER_A_ACCOUNT}:key/${only(recorded, "aws:kms/key:Key").id}`);
        assert.strictEqual(group.inputs.retentionInDays, 365);
        assert.strictEqual(await promiseOf(component.kmsKeyArn), group.inputs.kmsKeyId);
        assert.strictEqual(await promiseOf(component.logGroupArn), LOG_GROUP_ARN);
    });

    it("deploys the four audit metric filters, each requiring the audit schema marker", () => {
        const filters = ofType(recorded, "aws:cloudwatch/logMetricFilter:LogMetricFilter");
        const byName = Object.fromEntries(filters.map((f) => [f.inputs.metricTransformation.name, f.inputs]));
        const marker = '$.schemaType = "BedrockTenancyInvocationAudit"';
        assert.deepStrictEqual(Object.keys(byName).sort(), ["FailedCalls", "InputTokens", "OutputTokens", "ThrottledCalls"]);
        assert.strictEqual(byName.ThrottledCalls.pattern, `{ ${marker} && $.throttled IS TRUE }`);
        assert.strictEqual(byName.FailedCalls.pattern, `{ ${marker} && $.outcome = "error" }`);
        assert.strictEqual(byName.InputTokens.pattern, `{ ${marker} && $.input.inputTokenCount >= 0 && $.modelId = "*" }`);
        assert.strictEqual(byName.OutputTokens.pattern, `{ ${marker} && $.output.outputTokenCount >= 0 && $.modelId = "*" }`);
        for (const f of filters) {
            assert.strictEqual(f.inputs.logGroupName, LOG_GROUP);
            assert.strictEqual(f.inputs.metricTransformation.namespace, "BedrockTenancy/customer-a");
            const t = f.inputs.metricTransformation;
            // CloudWatch rejects a default value together with dimensions.
            assert.ok(!(t.defaultValue !== undefined && t.dimensions !== undefined), `${t.name} combines defaultValue and dimensions`);
        }
        assert.deepStrictEqual(byName.InputTokens.metricTransformation.dimensions, { ModelId: "$.modelId" });
        assert.strictEqual(byName.InputTokens.metricTransformation.value, "$.input.inputTokenCount");
        assert.strictEqual(byName.ThrottledCalls.metricTransformation.defaultValue, "0");
    });

    it("alarms on one throttled call in five minutes and treats silence as fine", () => {
        const alarm = only(recorded, "aws:cloudwatch/metricAlarm:MetricAlarm").inputs;
        assert.strictEqual(alarm.metricName, "ThrottledCalls");
        assert.strictEqual(alarm.namespace, "BedrockTenancy/customer-a");
        assert.strictEqual(alarm.statistic, "Sum");
        assert.strictEqual(alarm.threshold, 1);
        assert.strictEqual(alarm.period, 300);
        assert.strictEqual(alarm.evaluationPeriods, 1);
        assert.strictEqual(alarm.comparisonOperator, "GreaterThanOrEqualToThreshold");
        assert.strictEqual(alarm.treatMissingData, "notBreaching");
        assert.deepStrictEqual(alarm.alarmActions, []);
    });

    it("names the runtime role by the shared rule and lets only Lambda assume it", async () => {
        const role = only(recorded, "aws:iam/role:Role");
        assert.strictEqual(role.inputs.name, "BedrockTenancyRuntime-customer-a");
        const trust = JSON.parse(role.inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement.map((s: any) => [s.Effect, s.Principal, s.Action]), [["Allow", { Service: "lambda.amazonaws.com" }, "sts:AssumeRole"]]);
        assert.strictEqual(await promiseOf(component.runtimeRoleArn), `arn:aws:iam::${CUSTOMER_A_ACCOUNT}:role/BedrockTenancyRuntime-customer-a`);
        assert.strictEqual(only(recorded, "aws:iam/rolePolicy:RolePolicy").inputs.role, "BedrockTenancyRuntime-customer-a");
    });

    it("runs the bundle on Node.js 22 arm64 and sends its output as JSON into the private log group", async () => {
        const fn = only(recorded, "aws:lambda/function:Function").inputs;
        assert.strictEqual(fn.runtime, "nodejs22.x");
        assert.deepStrictEqual(fn.architectures, ["arm64"]);
        assert.strictEqual(fn.handler, "index.handler");
        assert.deepStrictEqual(fn.loggingConfig, { logFormat: "JSON", logGroup: LOG_GROUP });
        assert.strictEqual(fn.role, `arn:aws:iam::${CUSTOMER_A_ACCOUNT}:role/BedrockTenancyRuntime-customer-a`);
        assert.strictEqual(fn.memorySize, 512);
        assert.strictEqual(fn.timeout, 120);
        assert.strictEqual(fn.reservedConcurrentExecutions, undefined);
        assert.strictEqual(fn.vpcConfig, undefined);
        const assets = await fn.code.assets;
        assert.deepStrictEqual(Object.keys(assets), ["index.mjs"]);
        assert.strictEqual(await assets["index.mjs"].path, bundle);
        assert.strictEqual(await promiseOf(component.functionName), "bedrock-tenancy-customer-a");
    });

    it("sets the runtime environment from the arguments", () => {
        const env = only(recorded, "aws:lambda/function:Function").inputs.environment;
        assert.strictEqual(env[SECRET_SIG], "1b47061264138c4ac30d75fd1eb44270", "environment reaches the engine as a secret");
        assert.deepStrictEqual(env.value.variables, {
            BEDROCK_TENANCY_OPS_ROLE_ARN: opsRoleArnFor("customer-a"),
            BEDROCK_TENANCY_EXTERNAL_ID: EXTERNAL_ID_A,
            BEDROCK_TENANCY_TENANT_ID: "customer-a",
            BEDROCK_TENANCY_DEFAULT_MODEL: US_HAIKU_35,
            BEDROCK_TENANCY_ALLOWED_MODELS: `${US_HAIKU_35},${US_SONNET_37}`,
            BEDROCK_TENANCY_MODEL_ROUTES: JSON.stringify({ [US_HAIKU_35]: HAIKU_PROFILE_ARN }),
            BEDROCK_TENANCY_BEDROCK_REGION: "us-east-1",
            BEDROCK_TENANCY_CONTENT_MODE: "none",
            BEDROCK_TENANCY_AUDIT_MODE: "best-effort",
        });
    });

    it("keeps a plain ExternalId secret", async () => {
        assert.strictEqual(await isSecretOutput(component.environment), true);
    });
});

describe("PrivateInvocationLogging with custom settings", () => {
    let recorded: RecordedResource[];

    before(async () => {
        recorded = await installMocks({
            account: CUSTOMER_A_ACCOUNT,
            calls: { "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: CUSTOMER_A_ACCOUNT, arn: "x", userId: "y", id: CUSTOMER_A_ACCOUNT }) },
        });
        const component = new PrivateInvocationLogging(
            "custom",
            customerAArgs({
                accountId: undefined,
                lambdaBundlePath: fixtureBundle(),
                externalId: pulumi.secret(EXTERNAL_ID_A),
                kmsKeyArn: `arn:aws:kms:us-east-1:${CUSTOMER_A_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
                logRetentionDays: 30,
                contentMode: "hash",
                auditMode: "fail-closed",
                defaultModel: US_SONNET_37,
                bedrockRegion: "us-west-2",
                memorySizeMb: 1024,
                timeoutSeconds: 300,
                reservedConcurrency: 20,
                throttleAlarm: { threshold: 5, periodSeconds: 60, evaluationPeriods: 3, snsTopicArn: `arn:aws:sns:us-east-1:${CUSTOMER_A_ACCOUNT}:ops-alerts` },
            }),
        );
        await settle(component);
    });

    it("uses the caller's key and creates none", () => {
        assert.strictEqual(ofType(recorded, "aws:kms/key:Key").length, 0);
        assert.strictEqual(ofType(recorded, "aws:kms/alias:Alias").length, 0);
        const group = only(recorded, "aws:cloudwatch/logGroup:LogGroup").inputs;
        assert.strictEqual(group.kmsKeyId, `arn:aws:kms:us-east-1:${CUSTOMER_A_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
        assert.strictEqual(group.retentionInDays, 30);
    });

    it("applies the alarm settings and notifies the SNS topic", () => {
        const alarm = only(recorded, "aws:cloudwatch/metricAlarm:MetricAlarm").inputs;
        assert.deepStrictEqual([alarm.threshold, alarm.period, alarm.evaluationPeriods], [5, 60, 3]);
        assert.deepStrictEqual(alarm.alarmActions, [`arn:aws:sns:us-east-1:${CUSTOMER_A_ACCOUNT}:ops-alerts`]);
        assert.deepStrictEqual(alarm.okActions, alarm.alarmActions);
    });

    it("applies the function settings and modes", () => {
        const fn = only(recorded, "aws:lambda/function:Function").inputs;
        assert.deepStrictEqual([fn.memorySize, fn.timeout, fn.reservedConcurrentExecutions], [1024, 300, 20]);
        const vars = fn.environment.value.variables;
        assert.strictEqual(vars.BEDROCK_TENANCY_CONTENT_MODE, "hash");
        assert.strictEqual(vars.BEDROCK_TENANCY_AUDIT_MODE, "fail-closed");
        assert.strictEqual(vars.BEDROCK_TENANCY_DEFAULT_MODEL, US_SONNET_37);
        assert.strictEqual(vars.BEDROCK_TENANCY_BEDROCK_REGION, "us-west-2");
    });

    it("takes the account id from the current credentials when none is given", () => {
        const policy = (parsePolicy(only(recorded, "aws:iam/rolePolicy:RolePolicy").inputs.policy) as any);
        assert.ok(JSON.stringify(policy).includes(`arn:aws:logs:us-east-1:${CUSTOMER_A_ACCOUNT}:log-group:${LOG_GROUP}`));
    });
});

describe("PrivateInvocationLogging with network isolation", () => {
    let created: RecordedResource[];

    before(async () => {
        // The shipped mocks expand the awsx VPC into a VPC id and one isolated subnet per zone.
        created = await installMocks({ account: CUSTOMER_A_ACCOUNT });
        await settle(new PrivateInvocationLogging("isolated", customerAArgs({ lambdaBundlePath: fixtureBundle(), networkIsolation: {} })));
    });

    it("creates a VPC with isolated subnets only and no NAT gateway", () => {
        const vpc = only(created, "awsx:ec2:Vpc").inputs;
        assert.deepStrictEqual(vpc.subnetSpecs.map((s: any) => s.type), ["Isolated"]);
        assert.deepStrictEqual(vpc.natGateways, { strategy: "None" });
        assert.strictEqual(vpc.numberOfAvailabilityZones, 2);
    });

    const groupId = (name: string) => only(created, "aws:ec2/securityGroup:SecurityGroup", name).id;

    it("puts the security groups in the VPC awsx created, with EC2-shaped ids", () => {
        const groups = ofType(created, "aws:ec2/securityGroup:SecurityGroup");
        assert.strictEqual(groups.length, 2);
        for (const g of groups) {
            assert.match(g.id, /^sg-0[0-9a-f]{16}$/);
            assert.match(g.inputs.vpcId, /^vpc-0[0-9a-f]{16}$/);
        }
    });

    it("reaches Bedrock Runtime, STS and Logs through interface endpoints open to the function only", () => {
        const subnets: string[] = only(created, "aws:lambda/function:Function").inputs.vpcConfig.subnetIds;
        assert.strictEqual(subnets.length, 2);
        subnets.forEach((s) => assert.match(s, /^subnet-0[0-9a-f]{16}$/));
        const endpoints = ofType(created, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.inputs);
        assert.deepStrictEqual(endpoints.map((e) => e.serviceName).sort(), ["com.amazonaws.us-east-1.bedrock-runtime", "com.amazonaws.us-east-1.logs", "com.amazonaws.us-east-1.sts"]);
        for (const e of endpoints) {
            assert.strictEqual(e.vpcEndpointType, "Interface");
            assert.strictEqual(e.privateDnsEnabled, true);
            assert.deepStrictEqual(e.subnetIds, subnets);
            assert.deepStrictEqual(e.securityGroupIds, [groupId("isolated-endpoint-sg")]);
        }
        const ingress = only(created, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").inputs;
        assert.deepStrictEqual([ingress.securityGroupId, ingress.referencedSecurityGroupId, ingress.fromPort, ingress.toPort], [groupId("isolated-endpoint-sg"), groupId("isolated-function-sg"), 443, 443]);
        assert.strictEqual(ingress.cidrIpv4, undefined);
    });

    it("places the function in the isolated subnets and lets its role manage network interfaces", () => {
        const fn = only(created, "aws:lambda/function:Function").inputs;
        assert.deepStrictEqual(fn.vpcConfig.securityGroupIds, [groupId("isolated-function-sg")]);
        assert.strictEqual(fn.vpcConfig.subnetIds.length, 2);
        const policy = (parsePolicy(only(created, "aws:iam/rolePolicy:RolePolicy").inputs.policy) as any);
        const eni = policy.Statement.find((s: any) => s.Sid === "ManageFunctionNetworkInterfaces");
        assert.ok(eni.Action.includes("ec2:CreateNetworkInterface"));
    });
});

describe("PrivateInvocationLogging in the caller's VPC", () => {
    let recorded: RecordedResource[];

    before(async () => {
        recorded = await installMocks({ account: CUSTOMER_A_ACCOUNT });
        const network = { vpcId: "vpc-caller", subnetIds: ["subnet-1"], createEndpoints: false };
        await settle(new PrivateInvocationLogging("byo", customerAArgs({ lambdaBundlePath: fixtureBundle(), networkIsolation: network })));
    });

    it("creates no VPC and no endpoints, and uses the caller's subnets", () => {
        assert.strictEqual(ofType(recorded, "awsx:ec2:Vpc").length, 0);
        assert.strictEqual(ofType(recorded, "aws:ec2/vpcEndpoint:VpcEndpoint").length, 0);
        assert.strictEqual(only(recorded, "aws:ec2/securityGroup:SecurityGroup").inputs.vpcId, "vpc-caller");
        assert.deepStrictEqual(only(recorded, "aws:lambda/function:Function").inputs.vpcConfig.subnetIds, ["subnet-1"]);
    });
});

describe("PrivateInvocationLogging failures", () => {
    let recorded: RecordedResource[];

    beforeEach(async () => {
        recorded = await installMocks({ account: CUSTOMER_A_ACCOUNT });
    });

    it("fails at construction when the bundle is missing, saying how to build it", () => {
        assert.throws(
            () => new PrivateInvocationLogging("nobundle", customerAArgs({ lambdaBundlePath: "/nonexistent/index.mjs" })),
            (e: Error) => e.message.includes('lambdaBundlePath names no file, got "/nonexistent/index.mjs"') && e.message.includes("npm run build"),
        );
        assert.strictEqual(recorded.filter((r) => r.name.startsWith("nobundle-")).length, 0);
    });

    it("ships a split bundle whole: the entry as index.mjs and every chunk it loads, statically, on first use or through another chunk", async () => {
        const entry = splitFixtureBundle();
        const component = new PrivateInvocationLogging("split", customerAArgs({ lambdaBundlePath: entry }));
        await settle(component);
        const fn = only(recorded, "aws:lambda/function:Function", "split-function").inputs;
        const assets = await fn.code.assets;
        assert.deepStrictEqual(Object.keys(assets).sort(), ["chunk-A1.mjs", "index.mjs", "lazy-B2.mjs", "sub/shared-C3.mjs"]);
        assert.strictEqual(await assets["index.mjs"].path, entry);
        assert.strictEqual(await assets["lazy-B2.mjs"].path, path.join(path.dirname(entry), "lazy-B2.mjs"));
    });

    it("fails at construction when a chunk the bundle imports is missing, naming it", () => {
        const entry = splitFixtureBundle();
        fs.rmSync(path.join(path.dirname(entry), "lazy-B2.mjs"));
        assert.throws(
            () => new PrivateInvocationLogging("nochunk", customerAArgs({ lambdaBundlePath: entry })),
            (e: Error) => e.message.includes("lambdaBundlePath") && e.message.includes("imports ./lazy-B2.mjs, which is missing"),
        );
        assert.strictEqual(recorded.filter((r) => r.name.startsWith("nochunk-")).length, 0);
    });

    it("fails at construction when the bundle imports a file outside its folder, which the function would not have", () => {
        const entry = splitFixtureBundle();
        fs.writeFileSync(path.join(path.dirname(entry), "lazy-B2.mjs"), 'export{b}from"../elsewhere.mjs";\n');
        assert.throws(
            () => new PrivateInvocationLogging("outside", customerAArgs({ lambdaBundlePath: entry })),
            (e: Error) => e.message.includes("lambdaBundlePath") && e.message.includes("imports ../elsewhere.mjs, outside the bundle's folder"),
        );
        assert.strictEqual(recorded.filter((r) => r.name.startsWith("outside-")).length, 0);
    });

    it("rejects an ops role ARN of another tenant once the StackReference value is known", async () => {
        const c = new PrivateInvocationLogging("wrongrole", customerAArgs({ lambdaBundlePath: fixtureBundle(), opsRoleArn: pulumi.output(opsRoleArnFor("customer-b")) }));
        await assert.rejects(
            (c.environment as any).promise(),
            /opsRoleArn must be the ARN of the ops role "BedrockTenantAccess-customer-a" .*got "arn:aws:iam::999999999999:role\/BedrockTenantAccess-customer-b"/,
        );
    });

    it("rejects a malformed secret ExternalId without revealing it", async () => {
        const c = new PrivateInvocationLogging("badext", customerAArgs({ lambdaBundlePath: fixtureBundle(), externalId: pulumi.secret("x y z") }));
        await assert.rejects((c.environment as any).promise(), (e: Error) => e.message.includes("externalId must be 2 to 1224 letters, digits") && !e.message.includes("x y z"));
    });

    it("rejects a default model outside the allowed models once known", async () => {
        const c = new PrivateInvocationLogging("badmodel", customerAArgs({ lambdaBundlePath: fixtureBundle(), allowedModels: pulumi.output([US_HAIKU_35]), defaultModel: US_SONNET_37 }));
        await assert.rejects((c.environment as any).promise(), /defaultModel must be one of allowedModels .*got "us\.anthropic\.claude-3-7-sonnet/);
    });
});

describe("PrivateInvocationLogging Bedrock client settings", () => {
    const vars = async (overrides: Partial<PrivateInvocationLoggingArgs>) => {
        await installMocks({ account: CUSTOMER_A_ACCOUNT });
        return promiseOf(new PrivateInvocationLogging("customer-a", customerAArgs({ lambdaBundlePath: fixtureBundle(), ...overrides })).environment);
    };

    it("hands the attempts, the request timeout and per-user sessions to the runtime, which reads them back as given", async () => {
        const env = await vars({ bedrockMaxAttempts: 5, bedrockRequestTimeoutMs: 20_000, sessionUserTag: true });
        assert.strictEqual(env.BEDROCK_TENANCY_BEDROCK_MAX_ATTEMPTS, "5");
        assert.strictEqual(env.BEDROCK_TENANCY_BEDROCK_REQUEST_TIMEOUT_MS, "20000");
        assert.strictEqual(env.BEDROCK_TENANCY_SESSION_USER_TAG, "true");
        const config = loadRuntimeConfig({}, { ...env, AWS_REGION: "us-east-1" });
        assert.deepStrictEqual([config.bedrockMaxAttempts, config.bedrockRequestTimeoutMs, config.sessionUserTag], [5, 20_000, true]);
    });

    it("can set every variable the runtime reads: none is left for the deployer to add by hand", async () => {
        const env = await vars({
            defaultModel: US_SONNET_37,
            bedrockRegion: "us-west-2",
            contentMode: "hash",
            auditMode: "fail-closed",
            safeMetadataKeys: ["ticket"],
            bedrockMaxAttempts: 2,
            bedrockRequestTimeoutMs: 30_000,
            sessionUserTag: true,
            archive: {},
            guardrail: { arn: "arn:aws:bedrock:us-east-1:999999999999:guardrail/a1b2c3d4e5f6", version: "1" },
        });
        assert.deepStrictEqual(Object.values(RuntimeEnv).filter((name) => env[name] === undefined), []);
    });

    it("sets none of their variables when they are not given, so the runtime's defaults apply", async () => {
        const env = await vars({});
        for (const name of ["BEDROCK_TENANCY_BEDROCK_MAX_ATTEMPTS", "BEDROCK_TENANCY_BEDROCK_REQUEST_TIMEOUT_MS", "BEDROCK_TENANCY_SESSION_USER_TAG"]) assert.strictEqual(env[name], undefined, name);
        const config = loadRuntimeConfig({}, { ...env, AWS_REGION: "us-east-1" });
        assert.deepStrictEqual([config.bedrockMaxAttempts, config.bedrockRequestTimeoutMs, config.sessionUserTag], [3, 60_000, false]);
    });
});

describe("PrivateInvocationLogging guardrail", () => {
    const GUARDRAIL = { arn: "arn:aws:bedrock:us-east-1:999999999999:guardrail/a1b2c3d4e5f6", version: "1" };
    const vars = async (guardrail: PrivateInvocationLoggingArgs["guardrail"]) => {
        await installMocks({ account: CUSTOMER_A_ACCOUNT });
        return promiseOf(new PrivateInvocationLogging("customer-a", customerAArgs({ lambdaBundlePath: fixtureBundle(), guardrail })).environment);
    };

    it("hands the guardrail to the function as its ARN and version, from a plain value or an Output", async () => {
        for (const given of [GUARDRAIL, pulumi.output(GUARDRAIL)]) {
            const env = await vars(given);
            assert.strictEqual(env.BEDROCK_TENANCY_GUARDRAIL_ARN, GUARDRAIL.arn);
            assert.strictEqual(env.BEDROCK_TENANCY_GUARDRAIL_VERSION, "1");
        }
    });

    it("sets no guardrail variable without one, or with an Output of undefined (a tenant without a guardrail)", async () => {
        for (const given of [undefined, pulumi.output(undefined)]) {
            const env = await vars(given);
            assert.ok(!("BEDROCK_TENANCY_GUARDRAIL_ARN" in env) && !("BEDROCK_TENANCY_GUARDRAIL_VERSION" in env));
        }
    });

    it("refuses a guardrail Output whose ARN carries its version, naming the argument", async () => {
        await installMocks({ account: CUSTOMER_A_ACCOUNT });
        const c = new PrivateInvocationLogging("customer-a", customerAArgs({ lambdaBundlePath: fixtureBundle(), guardrail: pulumi.output({ arn: `${GUARDRAIL.arn}:1`, version: "1" }) }));
        await assert.rejects((c.environment as any).promise(), /guardrail\.arn must be a Bedrock guardrail ARN/);
    });
});
