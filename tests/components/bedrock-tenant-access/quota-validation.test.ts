import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { BedrockTenantAccess } from "../../../components";
import type { BedrockTenantAccessArgs } from "../../../components/bedrock-tenant-access/args";
import { validateBedrockTenantAccessArgs } from "../../../components/bedrock-tenant-access/validation";
import { ArgumentError } from "../../../contract";
import { installMocks, type RecordedResource } from "../../../testing/pulumi-mocks";
import { HAIKU, OPS_ACCOUNT, US_HAIKU_35, failureOf, opsMockOptions } from "../../../testing/tenant-access-fixtures";

const ENFORCER = "arn:aws:lambda:us-east-1:999999999999:function:BedrockTenancyQuotaEnforcer";
const base: BedrockTenantAccessArgs = { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU], region: "us-east-1", accountId: OPS_ACCOUNT };
const CAP_POLICY = "arn:aws:iam::999999999999:policy/BedrockTenancyCostCap-AllTenants";
const CAP_ROLE = "arn:aws:iam::999999999999:role/BedrockTenancyCostCapAction";
const cap = (extra: object): BedrockTenantAccessArgs["costCap"] => ({ limitUsd: 10, emails: ["a@example.com"], policyArn: CAP_POLICY, executionRoleArn: CAP_ROLE, ...extra });
const withQuota = (quota: object): BedrockTenantAccessArgs => ({ ...base, quota: { enforcerFunctionArn: ENFORCER, ...quota } });

describe("quota and cost cap arguments", () => {
    const rejections: Array<[string, BedrockTenantAccessArgs, RegExp]> = [
        ["a daily quota of 0", withQuota({ tokensPerDay: 0 }), /^quota\.tokensPerDay must be a whole number of tokens above 0, got 0$/],
        ["a negative monthly quota", withQuota({ tokensPerMonth: -5 }), /^quota\.tokensPerMonth must be a whole number of tokens above 0, got -5$/],
        ["a fractional quota", withQuota({ tokensPerDay: 10.5 }), /^quota\.tokensPerDay must be a whole number of tokens above 0, got 10\.5$/],
        ["a warning above 100%", withQuota({ tokensPerDay: 1000, warningPercent: 120 }), /^quota\.warningPercent must be a percentage above 0 and below 100, got 120$/],
        ["a warning of exactly 100%", withQuota({ tokensPerDay: 1000, warningPercent: 100 }), /^quota\.warningPercent must be a percentage above 0 and below 100, got 100$/],
        ["a warning of 0%", withQuota({ tokensPerDay: 1000, warningPercent: 0 }), /^quota\.warningPercent must be a percentage above 0 and below 100, got 0$/],
        ["a quota with no limit", withQuota({}), /^quota must set tokensPerDay, tokensPerMonth or a perModel limit, got \{\}$/],
        ["a per-model limit for a model the tenant lacks", withQuota({ perModel: { [US_HAIKU_35]: { tokensPerDay: 5 } } }), /^quota\.perModel\["us\.anthropic\.claude-3-5-haiku-20241022-v1:0"\] names a model the tenant is not given; its models are \["anthropic\.claude-3-haiku-20240307-v1:0"\]$/],
        ["a per-model limit of 0", withQuota({ perModel: { [HAIKU]: { tokensPerMonth: 0 } } }), /^quota\.perModel\["anthropic\.claude-3-haiku-20240307-v1:0"\]\.tokensPerMonth must be a whole number of tokens above 0, got 0$/],
        ["a quota without cost attribution", { ...withQuota({ tokensPerDay: 5 }), costAttribution: false }, /^quota is measured on the tenant's application inference profiles, so it needs costAttribution: true/],
        ["a quota without the enforcer", { ...base, quota: { tokensPerDay: 5 } as never }, /^quota\.enforcerFunctionArn is required/],
        ["an enforcer that is an SNS topic", withQuota({ tokensPerDay: 5, enforcerFunctionArn: "arn:aws:sns:us-east-1:999999999999:BedrockTenancyQuotaEnforcer" }),
            /^quota\.enforcerFunctionArn must be a Lambda function ARN \(arn:aws:lambda:<region>:<account>:function:<name>\), got "arn:aws:sns:us-east-1:999999999999:BedrockTenancyQuotaEnforcer"$/],
        ["an enforcer named, not given by ARN", withQuota({ tokensPerDay: 5, enforcerFunctionArn: "BedrockTenancyQuotaEnforcer" }), /^quota\.enforcerFunctionArn must be a Lambda function ARN .*, got "BedrockTenancyQuotaEnforcer"$/],
        ["an enforcer in another Region", withQuota({ tokensPerDay: 5, enforcerFunctionArn: "arn:aws:lambda:us-west-2:999999999999:function:BedrockTenancyQuotaEnforcer" }),
            /^quota\.enforcerFunctionArn must be a function in the tenant's Region "us-east-1", where its quota alarms are, got "arn:aws:lambda:us-west-2:/],
        ["an enforcer of another account", withQuota({ tokensPerDay: 5, enforcerFunctionArn: "arn:aws:lambda:us-east-1:111111111111:function:BedrockTenancyQuotaEnforcer" }),
            /^quota\.enforcerFunctionArn must be a function of the ops account 999999999999, where the tenant's quota alarms are, got "arn:aws:lambda:us-east-1:111111111111:/],
        ["a cost cap of 0 USD", { ...base, costCap: cap({ limitUsd: 0 }) }, /^costCap\.limitUsd must be a number of USD from 0\.01 to 1,000,000,000,000 \(AWS Budgets takes it to the cent\), got 0$/],
        ["a negative cost cap", { ...base, costCap: cap({ limitUsd: -1 }) }, /^costCap\.limitUsd must be a number of USD from 0\.01 to 1,000,000,000,000 \(AWS Budgets takes it to the cent\), got -1$/],
        // Written to the cent: 0.001 would be a cap of "0.00", which every cost passes; 1e300 would be written "1e+300".
        ["a null warning topic", withQuota({ tokensPerDay: 1000, warningTopicArn: null }), /^quota\.warningTopicArn must be omitted \(or undefined\) to take its default, got null$/],
        ["a cost cap under a cent", { ...base, costCap: cap({ limitUsd: 0.001 }) }, /^costCap\.limitUsd must be a number of USD from 0\.01 to 1,000,000,000,000 .*, got 0\.001$/],
        ["a cost cap too large to write to the cent", { ...base, costCap: cap({ limitUsd: 1e300 }) }, /^costCap\.limitUsd must be a number of USD from 0\.01 .*, got 1e\+300$/],
        ["a cost cap nobody hears of", { ...base, costCap: cap({ emails: undefined }) }, /^costCap needs at least one of emails or snsTopicArns/],
        ["a cost cap with a bad email", { ...base, costCap: cap({ emails: ["finops"] }) }, /^costCap\.emails\[0\] must be an email address, got "finops"$/],
        ["a cost cap without the shared policy", { ...base, costCap: cap({ policyArn: undefined }) },
            /^costCap\.policyArn is required \(the ops stack's QuotaEnforcer\.costCapPolicyArn, with costCaps: true\), got undefined$/],
        ["a cost cap without the shared role", { ...base, costCap: cap({ executionRoleArn: undefined }) }, /^costCap\.executionRoleArn is required \(the ops stack's QuotaEnforcer\.costCapExecutionRoleArn/],
        ["a cost-cap policy that is a role", { ...base, costCap: cap({ policyArn: CAP_ROLE }) },
            /^costCap\.policyArn must be a customer managed IAM policy ARN \(arn:aws:iam::<account>:policy\/<name>\), got "arn:aws:iam::999999999999:role\/BedrockTenancyCostCapAction"$/],
        ["an AWS managed cost-cap policy", { ...base, costCap: cap({ policyArn: "arn:aws:iam::aws:policy/AWSDenyAll" }) }, /^costCap\.policyArn must be a customer managed IAM policy ARN .*, got "arn:aws:iam::aws:policy\/AWSDenyAll"$/],
        ["a cost-cap policy of another account", { ...base, costCap: cap({ policyArn: "arn:aws:iam::111111111111:policy/BedrockTenancyCostCap-AllTenants" }) },
            /^costCap\.policyArn must be a customer managed IAM policy of the ops account 999999999999, got "arn:aws:iam::111111111111:/],
        ["an execution role that is a Lambda function", { ...base, costCap: cap({ executionRoleArn: ENFORCER }) }, /^costCap\.executionRoleArn must be an IAM role ARN \(arn:aws:iam::<account>:role\/<name>\), got "arn:aws:lambda:/],
        ["an execution role named, not given by ARN", { ...base, costCap: cap({ executionRoleArn: "BedrockTenancyCostCapAction" }) }, /^costCap\.executionRoleArn must be an IAM role ARN .*, got "BedrockTenancyCostCapAction"$/],
        ["an execution role of another account", { ...base, costCap: cap({ executionRoleArn: "arn:aws:iam::111111111111:role/BedrockTenancyCostCapAction" }) },
            /^costCap\.executionRoleArn must be an IAM role of the ops account 999999999999, got "arn:aws:iam::111111111111:/],
    ];
    for (const [what, args, message] of rejections) {
        it(`rejects ${what}`, () => {
            assert.throws(() => validateBedrockTenantAccessArgs(args), (e: Error) => e instanceof ArgumentError && message.test(e.message));
        });
    }

    it("resolves the 80% warning default and accepts a cost cap without profiles (the role's tag carries the tenant)", () => {
        const r = validateBedrockTenantAccessArgs({ ...withQuota({ tokensPerDay: 10 }), costCap: cap({ limitUsd: 5 }) });
        assert.strictEqual(r.quota?.warningPercent, 80);
        assert.strictEqual(validateBedrockTenantAccessArgs({ ...base, costAttribution: false, costCap: cap({ limitUsd: 5 }) }).costCap?.limitUsd, 5);
    });

    it("fails at preview, before any resource exists, when the component is given a bad quota", async () => {
        const recorded: RecordedResource[] = await installMocks(opsMockOptions());
        assert.throws(() => new BedrockTenantAccess("bad", withQuota({ tokensPerDay: -1 })), /^ArgumentError: quota\.tokensPerDay must be a whole number of tokens above 0, got -1$/m);
        assert.strictEqual(recorded.filter((r) => r.name.startsWith("bad-")).length, 0);
    });

    it("fails at preview, naming the input, when a plain enforcerFunctionArn is in another Region", async () => {
        const recorded: RecordedResource[] = await installMocks(opsMockOptions());
        const arn = "arn:aws:lambda:eu-west-1:999999999999:function:BedrockTenancyQuotaEnforcer";
        assert.throws(() => new BedrockTenantAccess("bad", withQuota({ tokensPerDay: 5, enforcerFunctionArn: arn })), (e: Error) => e instanceof ArgumentError && /^quota\.enforcerFunctionArn must be a function in the tenant's Region "us-east-1"/.test(e.message));
        assert.strictEqual(recorded.filter((r) => r.name.startsWith("bad-")).length, 0);
    });

    it("fails once known, naming the input, when the enforcerFunctionArn Output is not a Lambda function of the tenant's Region", async () => {
        await installMocks(opsMockOptions());
        const cases: Array<[string, RegExp]> = [
            ["arn:aws:states:us-east-1:999999999999:stateMachine:BedrockTenancyQuotaEnforcer", /quota\.enforcerFunctionArn must be a Lambda function ARN .*, got "arn:aws:states:/],
            ["arn:aws:lambda:us-west-2:999999999999:function:BedrockTenancyQuotaEnforcer", /quota\.enforcerFunctionArn must be a function in the tenant's Region "us-east-1"/],
        ];
        for (const [i, [arn, message]] of cases.entries()) {
            const access = new BedrockTenantAccess(`late-${i}`, withQuota({ tokensPerDay: 5, enforcerFunctionArn: pulumi.output(arn) }));
            const error = await failureOf(access.enforcerFunctionArn);
            assert.ok(error instanceof pulumi.ResourceError, String(error));
            assert.match(error.message, message);
        }
    });

    it("fails at preview, naming the input, when a plain cost-cap ARN is of the wrong kind", async () => {
        const recorded: RecordedResource[] = await installMocks(opsMockOptions());
        assert.throws(() => new BedrockTenantAccess("bad", { ...base, costCap: cap({ executionRoleArn: CAP_POLICY }) }), (e: Error) => e instanceof ArgumentError && /^costCap\.executionRoleArn must be an IAM role ARN/.test(e.message));
        assert.strictEqual(recorded.filter((r) => r.name.startsWith("bad-")).length, 0);
    });

    it("fails once known, naming the input, when a cost-cap ARN Output is of the wrong kind or account", async () => {
        await installMocks(opsMockOptions());
        const access = new BedrockTenantAccess("late", { ...base, costCap: cap({ policyArn: pulumi.output(CAP_ROLE), executionRoleArn: pulumi.output("arn:aws:iam::111111111111:role/BedrockTenancyCostCapAction") }) });
        const [policyError, roleError] = [await failureOf(access.costCapPolicyArn), await failureOf(access.costCapExecutionRoleArn)];
        assert.ok(policyError instanceof pulumi.ResourceError && roleError instanceof pulumi.ResourceError);
        assert.match(policyError.message, /^costCap\.policyArn must be a customer managed IAM policy ARN .*, got "arn:aws:iam::999999999999:role\//);
        assert.match(roleError.message, /^costCap\.executionRoleArn must be an IAM role of the ops account 999999999999, got "arn:aws:iam::111111111111:/);
    });
});
