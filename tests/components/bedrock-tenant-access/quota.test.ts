import * as assert from "assert";
import { BedrockTenantAccess } from "../../../components";
import type { BedrockTenantAccessArgs } from "../../../components/bedrock-tenant-access/args";
import { installMocks, promiseOf, type RecordedResource } from "../../../testing/pulumi-mocks";
import { HAIKU, OPS_ACCOUNT, US_HAIKU_35, opsMockOptions, settled } from "../../../testing/tenant-access-fixtures";

const ENFORCER = `arn:aws:lambda:us-east-1:${OPS_ACCOUNT}:function:BedrockTenancyQuotaEnforcer`;
const base: BedrockTenantAccessArgs = { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU, US_HAIKU_35], accountId: OPS_ACCOUNT, region: "us-east-1" };
const quota = { tokensPerDay: 1_000_000, tokensPerMonth: 31_000_000, perModel: { [HAIKU]: { tokensPerDay: 100_000 } }, enforcerFunctionArn: ENFORCER };
const CAP_POLICY = `arn:aws:iam::${OPS_ACCOUNT}:policy/BedrockTenancyCostCap-AllTenants`;
const CAP_ROLE = `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenancyCostCapAction`;

describe("BedrockTenantAccess quotas and cost caps under mocks", () => {
    let recorded: RecordedResource[];
    let a: BedrockTenantAccess;
    const of = (type: string) => recorded.filter((r) => r.type === `aws:${type}` && r.name.startsWith("tenant-a"));

    before(async () => {
        recorded = await installMocks(opsMockOptions());
        a = new BedrockTenantAccess("tenant-a", { ...base, quota, costCap: { limitUsd: 750, emails: ["finops@example.com"], policyArn: CAP_POLICY, executionRoleArn: CAP_ROLE } });
        new BedrockTenantAccess("tenant-b", { ...base, tenantId: "customer-b", accounts: ["222222222222"], models: [HAIKU] });
        await promiseOf(a.roleArn);
        await settled();
    });

    it("creates a block and a warning alarm per limit, and none for a tenant without a quota", () => {
        const names = of("cloudwatch/metricAlarm:MetricAlarm").map((a) => a.inputs.name).sort();
        assert.deepStrictEqual(names, [
            "BedrockTenancyQuotaPart-customer-a-daily", "BedrockTenancyQuotaPart-customer-a-daily-warning",
            "BedrockTenancyQuotaPart-customer-a-model0-daily", "BedrockTenancyQuotaPart-customer-a-model0-daily-warning",
            "BedrockTenancyQuotaPart-customer-a-monthly", "BedrockTenancyQuotaPart-customer-a-monthly-warning",
        ]);
        assert.strictEqual(recorded.filter((r) => r.name.startsWith("tenant-b") && /Alarm|eventRule|budget/i.test(r.type)).length, 0);
    });

    it("sums input and output tokens of the tenant's own profiles, by the profile resources' ids", () => {
        const profileIds = recorded.filter((r) => r.type === "aws:bedrock/inferenceProfile:InferenceProfile" && r.name.startsWith("tenant-a")).map((r) => r.id).sort();
        assert.strictEqual(profileIds.length, 2);
        const daily = of("cloudwatch/metricAlarm:MetricAlarm").find((a) => a.inputs.name === "BedrockTenancyQuotaPart-customer-a-daily")!;
        const queries = daily.inputs.metricQueries as any[];
        const metrics = queries.filter((q) => q.metric);
        assert.deepStrictEqual(metrics.map((q) => `${q.metric.namespace}/${q.metric.metricName}/${q.metric.stat}/${q.metric.period}`).sort(), [
            "AWS/Bedrock/InputTokenCount/Sum/86400", "AWS/Bedrock/InputTokenCount/Sum/86400", "AWS/Bedrock/OutputTokenCount/Sum/86400", "AWS/Bedrock/OutputTokenCount/Sum/86400",
        ]);
        assert.deepStrictEqual([...new Set(metrics.map((q) => q.metric.dimensions.ModelId))].sort(), profileIds);
        const total = queries.find((q) => q.expression);
        assert.strictEqual(total.expression, "SUM([FILL(in0, 0), FILL(out0, 0), FILL(in1, 0), FILL(out1, 0)])");
        assert.strictEqual(total.returnData, true);
        assert.strictEqual(daily.inputs.threshold, 1_000_000);
        assert.strictEqual(daily.inputs.comparisonOperator, "GreaterThanThreshold");
        assert.strictEqual(daily.inputs.treatMissingData, "notBreaching");
    });

    it("meters a per-model limit on that model's profile only, and paces the monthly limit over 7 days", () => {
        const alarms = of("cloudwatch/metricAlarm:MetricAlarm");
        const model = alarms.find((a) => a.inputs.name.endsWith("-model0-daily"))!;
        const haikuProfile = recorded.find((r) => r.type === "aws:bedrock/inferenceProfile:InferenceProfile" && r.inputs.description === `Tenant customer-a: ${HAIKU}`)!;
        assert.deepStrictEqual((model.inputs.metricQueries as any[]).filter((q) => q.metric).map((q) => q.metric.dimensions.ModelId), [haikuProfile.id, haikuProfile.id]);
        const monthly = alarms.find((a) => a.inputs.name.endsWith("-monthly"))!;
        assert.strictEqual(monthly.inputs.threshold, 7_000_000);
        assert.ok((monthly.inputs.metricQueries as any[]).filter((q) => q.metric).every((q) => q.metric.period === 604_800));
    });

    it("sends warnings to the tenant's topic at 80% and gives block alarms no actions", () => {
        const topic = of("sns/topic:Topic");
        assert.strictEqual(topic.length, 1);
        const alarms = of("cloudwatch/metricAlarm:MetricAlarm");
        const warning = alarms.find((a) => a.inputs.name.endsWith("-daily-warning") && !a.inputs.name.includes("model"))!;
        assert.strictEqual(warning.inputs.threshold, 800_000);
        assert.deepStrictEqual(warning.inputs.alarmActions, [`arn:aws:sns:us-east-1:${OPS_ACCOUNT}:BedrockTenancyQuota-customer-a-warnings`]);
        assert.ok(alarms.filter((a) => !a.inputs.name.endsWith("-warning")).every((a) => a.inputs.alarmActions.length === 0));
    });

    it("combines the block alarms in one composite alarm, leaving its routing to the enforcer's one rule", async () => {
        const [composite] = of("cloudwatch/compositeAlarm:CompositeAlarm");
        assert.strictEqual(composite.inputs.alarmName, "BedrockTenancyQuota-customer-a");
        assert.strictEqual(composite.inputs.alarmRule, 'ALARM("BedrockTenancyQuotaPart-customer-a-daily") OR ALARM("BedrockTenancyQuotaPart-customer-a-monthly") OR ALARM("BedrockTenancyQuotaPart-customer-a-model0-daily")');
        assert.deepStrictEqual(recorded.filter((r) => /eventRule|eventTarget/.test(r.type)), []);
        assert.strictEqual(await promiseOf(a.enforcerFunctionArn!), ENFORCER);
    });

    it("caps cost with an automatic Budgets action applying the shared deny policy to the tenant's role, with the shared role", async () => {
        const [action] = of("budgets/budgetAction:BudgetAction");
        const [budget] = of("budgets/budget:Budget");
        assert.strictEqual(action.inputs.actionType, "APPLY_IAM_POLICY");
        assert.strictEqual(action.inputs.approvalModel, "AUTOMATIC");
        assert.strictEqual(action.inputs.notificationType, "ACTUAL");
        assert.deepStrictEqual(action.inputs.actionThreshold, { actionThresholdType: "PERCENTAGE", actionThresholdValue: 100 });
        assert.strictEqual(action.inputs.budgetName, "bedrock-tenant-customer-a-cap");
        assert.deepStrictEqual(action.inputs.definition.iamActionDefinition, { policyArn: CAP_POLICY, roles: ["BedrockTenantAccess-customer-a"] });
        assert.strictEqual(action.inputs.executionRoleArn, CAP_ROLE);
        assert.deepStrictEqual(action.inputs.subscribers, [{ address: "finops@example.com", subscriptionType: "EMAIL" }]);
        assert.strictEqual(budget.inputs.limitAmount, "750.00");
        assert.deepStrictEqual(budget.inputs.costFilters, [{ name: "TagKeyValue", values: ["user:bedrock-tenancy:tenant$customer-a"] }]);
        assert.deepStrictEqual([await promiseOf(a.costCapPolicyArn!), await promiseOf(a.costCapExecutionRoleArn!)], [CAP_POLICY, CAP_ROLE]);
    });

    it("creates no IAM role or managed policy of its own for the cost cap", () => {
        assert.deepStrictEqual(of("iam/role:Role").map((r) => r.inputs.name), ["BedrockTenantAccess-customer-a"]);
        // The tenant's own permissions boundary is its only managed policy.
        assert.deepStrictEqual(of("iam/policy:Policy").map((p) => p.inputs.name), ["BedrockTenantBoundary-customer-a"]);
    });
});

describe("BedrockTenantAccess budgets' tags under mocks", () => {
    it("tags both budgets, the tenant's and the cost cap's, as every other resource: the caller's tags and the cost tag", async () => {
        const recorded = await installMocks(opsMockOptions());
        const tagged = new BedrockTenantAccess("tenant-t", {
            ...base,
            tags: { team: "ml" },
            budget: { limitUsd: 100, emails: ["finops@example.com"] },
            costCap: { limitUsd: 750, emails: ["finops@example.com"], policyArn: CAP_POLICY, executionRoleArn: CAP_ROLE },
        });
        await promiseOf(tagged.roleArn);
        await settled();
        const budgets = recorded.filter((r) => r.type === "aws:budgets/budget:Budget");
        assert.deepStrictEqual(budgets.map((b) => b.inputs.name).sort(), ["bedrock-tenant-customer-a", "bedrock-tenant-customer-a-cap"]);
        for (const b of budgets) assert.deepStrictEqual(b.inputs.tags, { team: "ml", "bedrock-tenancy:tenant": "customer-a" }, b.inputs.name);
    });
});
