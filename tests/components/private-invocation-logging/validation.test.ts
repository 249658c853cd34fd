import * as assert from "assert";
import type { PrivateInvocationLoggingArgs } from "../../../components/private-invocation-logging/args";
import { validatePrivateInvocationLoggingArgs } from "../../../components/private-invocation-logging/validation";
import { opsRoleArnProblem } from "../../../contract";
import { ArgumentError, externalIdProblem, modelSettingsProblem } from "../../../contract";
import { US_HAIKU_35, US_SONNET_37, customerAArgs, opsRoleArnFor } from "../../support/customer-fixtures";

type Case = [string, Partial<PrivateInvocationLoggingArgs>, RegExp];

const cases: Case[] = [
    ["a tenant id with spaces", { tenantId: "Acme Corp" }, /^tenantId must be 1 to 32 lowercase letters, digits and hyphens.*, got "Acme Corp"$/],
    ["an ops role ARN of another tenant", { opsRoleArn: opsRoleArnFor("customer-b") }, /^opsRoleArn must be the ARN of the ops role "BedrockTenantAccess-customer-a" .*got "arn:aws:iam::999999999999:role\/BedrockTenantAccess-customer-b"$/],
    ["an ops role ARN that is not an ARN", { opsRoleArn: "BedrockTenantAccess-customer-a" }, /^opsRoleArn must be .*got "BedrockTenantAccess-customer-a"$/],
    ["an ExternalId of one character", { externalId: "x" }, /^externalId must be 2 to 1224 letters, digits .*got a string of 1 character \(not shown: it is secret\)$/],
    ["an empty model list", { allowedModels: [] }, /^allowedModels must list at least one model id, got \[\]$/],
    ["a model id with a comma", { allowedModels: [US_HAIKU_35, "a,b"] }, /^allowedModels\[1\] must be a Bedrock model or inference profile id, got "a,b"$/],
    ["a default model outside the list", { defaultModel: "amazon.nova-pro-v1:0" }, /^defaultModel must be one of allowedModels .*got "amazon.nova-pro-v1:0"$/],
    ["a route for a model outside the list", { modelRoutes: { "amazon.nova-pro-v1:0": "arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/x" } }, /^modelRoutes routes "amazon.nova-pro-v1:0", which is not one of allowedModels$/],
    ["a route to something that is not a profile ARN", { modelRoutes: { [US_HAIKU_35]: "profile-x" } }, /^modelRoutes\[".*haiku.*"\] must be an inference profile ARN, got "profile-x"$/],
    ["a route to a profile of another account than the ops role's", { modelRoutes: { [US_HAIKU_35]: "arn:aws:bedrock:us-east-1:888888888888:application-inference-profile/x" } }, /^modelRoutes\[".*haiku.*"\] must be an inference profile of the ops account 999999999999 \(the account of opsRoleArn\), got "arn:aws:bedrock:us-east-1:888888888888:application-inference-profile\/x" of account 888888888888$/],
    ["a guardrail ARN carrying its version", { guardrail: { arn: "arn:aws:bedrock:us-east-1:999999999999:guardrail/a1b2c3d4e5f6:1", version: "1" } }, /^guardrail\.arn must be a Bedrock guardrail ARN, got "arn:aws:bedrock:us-east-1:999999999999:guardrail\/a1b2c3d4e5f6:1"$/],
    ["a guardrail version that is not one", { guardrail: { arn: "arn:aws:bedrock:us-east-1:999999999999:guardrail/a1b2c3d4e5f6", version: "latest" } }, /^guardrail\.version must be a version number or "DRAFT", got "latest"$/],
    ["a Bedrock Region that is not a Region", { bedrockRegion: "US East" }, /^bedrockRegion must be an AWS Region name such as "us-east-1", got "US East"$/],
    ["a Region that is not a Region", { region: "virginia" }, /^region must be an AWS Region name such as "us-east-1", got "virginia"$/],
    ["an account id of 11 digits", { accountId: "11111111111" }, /^accountId must be a 12-digit AWS account id, got "11111111111"$/],
    ["a log group name with a colon", { logGroupName: "audit:a" }, /^logGroupName must match .*, got "audit:a"$/],
    ["a key ARN that is an alias", { kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:alias/x" }, /^kmsKeyArn must be a KMS key ARN, got "arn:aws:kms:us-east-1:111111111111:alias\/x"$/],
    ["a retention of 8 days", { logRetentionDays: 8 }, /^logRetentionDays must be one of 1, 3, 5, .*, 3653, got 8$/],
    ["an unknown content mode", { contentMode: "partial" as never }, /^contentMode must be one of none, hash, full, got "partial"$/],
    ["an unknown audit mode", { auditMode: "strict" as never }, /^auditMode must be one of best-effort, fail-closed, got "strict"$/],
    ["11 Bedrock attempts", { bedrockMaxAttempts: 11 }, /^bedrockMaxAttempts must be an integer from 1 to 10, got 11$/],
    ["a request timeout of 999 ms", { bedrockRequestTimeoutMs: 999 }, /^bedrockRequestTimeoutMs must be an integer from 1000 to 900000, got 999$/],
    ["per-user sessions given as text", { sessionUserTag: "yes" as never }, /^sessionUserTag must be true or false, got "yes"$/],
    ["64 MB of memory", { memorySizeMb: 64 }, /^memorySizeMb must be an integer from 128 to 10240, got 64$/],
    ["a timeout of 901 s", { timeoutSeconds: 901 }, /^timeoutSeconds must be an integer from 1 to 900, got 901$/],
    ["a fractional timeout", { timeoutSeconds: 1.5 }, /^timeoutSeconds must be an integer from 1 to 900, got 1.5$/],
    ["a reserved concurrency of 0", { reservedConcurrency: 0 }, /^reservedConcurrency must be an integer from 1 to .*, got 0$/],
    ["a metric namespace with a leading colon", { metricNamespace: ":x" }, /^metricNamespace must be 1–255 characters .*got ":x"$/],
    ["an alarm threshold of 0", { throttleAlarm: { threshold: 0 } }, /^throttleAlarm.threshold must be a number above 0, got 0$/],
    ["an alarm threshold no period reaches", { throttleAlarm: { threshold: 100_001 } }, /^throttleAlarm.threshold must be at most 100000 throttled calls in one period \(more is an alarm that never fires\), got 100001$/],
    ["an alarm period of 45 s", { throttleAlarm: { periodSeconds: 45 } }, /^throttleAlarm.periodSeconds must be 10, 30 or a multiple of 60, got 45$/],
    ["0 evaluation periods", { throttleAlarm: { evaluationPeriods: 0 } }, /^throttleAlarm.evaluationPeriods must be an integer from 1 to .*, got 0$/],
    ["alarm periods spanning more than a day", { throttleAlarm: { periodSeconds: 3600, evaluationPeriods: 25 } }, /^throttleAlarm.periodSeconds × throttleAlarm.evaluationPeriods must be at most 86400 s, got 3600 × 25$/],
    ["289 evaluation periods of the default 300 s", { throttleAlarm: { evaluationPeriods: 289 } }, /^throttleAlarm.periodSeconds × throttleAlarm.evaluationPeriods must be at most 86400 s, got 300 × 289$/],
    ["an SNS topic ARN of another service", { throttleAlarm: { snsTopicArn: "arn:aws:sqs:us-east-1:111111111111:q" } }, /^throttleAlarm.snsTopicArn must be an SNS topic ARN, got "arn:aws:sqs:us-east-1:111111111111:q"$/],
    ["a VPC without subnets", { networkIsolation: { vpcId: "vpc-1" } }, /^networkIsolation.vpcId and networkIsolation.subnetIds must be given together, got vpcId "vpc-1" and subnetIds undefined$/],
    ["17 subnets", { networkIsolation: { vpcId: "vpc-1", subnetIds: Array.from({ length: 17 }, (_, i) => `subnet-${i}`) } }, /^networkIsolation.subnetIds must hold 1 to 16 subnet ids/],
    ["a /8 VPC", { networkIsolation: { cidrBlock: "10.0.0.0/8" } }, /^networkIsolation.cidrBlock must be an IPv4 CIDR block with a \/16 to \/28 netmask, got "10.0.0.0\/8"$/],
    ["7 availability zones", { networkIsolation: { availabilityZoneCount: 7 } }, /^networkIsolation.availabilityZoneCount must be an integer from 1 to 6, got 7$/],
    // Each of these was planned as given: a null vpcConfig, a security group in no VPC, endpoints by JavaScript's truth.
    ["a null VPC and subnets", { networkIsolation: { vpcId: null, subnetIds: null } as never }, /^networkIsolation.vpcId must be omitted \(or undefined\) to take its default, got null$/],
    ["null subnets with a VPC", { networkIsolation: { vpcId: "vpc-1", subnetIds: null } as never }, /^networkIsolation.subnetIds must be omitted \(or undefined\) to take its default, got null$/],
    ["one subnet id as a string, not a list", { networkIsolation: { vpcId: "vpc-1", subnetIds: "subnet-1" } as never }, /^networkIsolation.subnetIds must hold 1 to 16 subnet ids, got "subnet-1"$/],
    ["a VPC id that is a number", { networkIsolation: { vpcId: 5, subnetIds: ["subnet-1"] } as never }, /^networkIsolation.vpcId must be a VPC id \(vpc-…\), got 5$/],
    ["an empty subnet id", { networkIsolation: { vpcId: "vpc-1", subnetIds: [""] } }, /^networkIsolation.subnetIds\[0\] must be a subnet id \(subnet-…\), got ""$/],
    ["createEndpoints 0", { networkIsolation: { createEndpoints: 0 } as never }, /^networkIsolation.createEndpoints must be true or false, got 0$/],
    ["createEndpoints \"false\"", { networkIsolation: { createEndpoints: "false" } as never }, /^networkIsolation.createEndpoints must be true or false, got "false"$/],
    ["throttleAlarm that is a string", { throttleAlarm: "x" as never }, /^throttleAlarm must be an object of alarm settings, got "x"$/],
    ["throttleAlarm that is a list", { throttleAlarm: [] as never }, /^throttleAlarm must be an object of alarm settings, got \[\]$/],
    ["a null alarm topic", { throttleAlarm: { snsTopicArn: null } as never }, /^throttleAlarm.snsTopicArn must be omitted \(or undefined\) to take its default, got null$/],
];

describe("validatePrivateInvocationLoggingArgs", () => {
    it("accepts the documented example arguments", () => {
        assert.doesNotThrow(() => validatePrivateInvocationLoggingArgs(customerAArgs({ throttleAlarm: { periodSeconds: 60, evaluationPeriods: 1440 } })));
    });

    for (const [what, overrides, message] of cases) {
        it(`rejects ${what}`, () => {
            assert.throws(
                () => validatePrivateInvocationLoggingArgs(customerAArgs(overrides)),
                (e: Error) => e instanceof ArgumentError && message.test(e.message),
            );
        });
    }

    it("leaves values that are not known yet to the component", () => {
        const pending = Promise.resolve("anything");
        assert.doesNotThrow(() =>
            validatePrivateInvocationLoggingArgs(customerAArgs({ opsRoleArn: pending, externalId: pending, allowedModels: Promise.resolve([]), kmsKeyArn: pending })),
        );
    });
});

describe("checks of values known late", () => {
    it("refuses the tenant's role name under an IAM path: BedrockTenantAccess creates its role at the root", () => {
        assert.match(opsRoleArnProblem("opsRoleArn", "arn:aws:iam::999999999999:role/tenants/BedrockTenantAccess-customer-a", "customer-a") ?? "", /with no path\), got /);
        assert.strictEqual(opsRoleArnProblem("opsRoleArn", "arn:aws:iam::999999999999:role/BedrockTenantAccess-customer-a", "customer-a"), undefined);
    });

    it("never echoes an ExternalId", () => {
        const message = externalIdProblem("externalId", "has spaces in it") ?? "";
        assert.ok(message.startsWith("externalId must be") && !message.includes("has spaces"));
    });

    it("accepts routes for allowed models", () => {
        const routes = { [US_SONNET_37]: "arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/s0nnet" };
        assert.strictEqual(modelSettingsProblem({ allowedModels: [US_HAIKU_35, US_SONNET_37], defaultModel: US_SONNET_37, modelRoutes: routes }), undefined);
    });
});
