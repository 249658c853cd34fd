/**
 * Alarms and budgets outside every tenant's component that count a
 * tenant's usage, in each form they can take: a single metric on a
 * profile's ModelId, an expression selecting AWS/Bedrock metrics itself
 * (Metrics Insights, SEARCH), and a budget on a tenant's cost tag.
 */
import * as assert from "assert";
import { addResource, opsViolationsAfter, shippedDocs, type StackDoc } from "../support/plan-files";
import { find } from "../support/plan-mutations";

const CODE = "BT-OPS-QUOTA-WIRING";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const BUDGET = "aws:budgets/budget:Budget";
const PROFILE = "aws:bedrock/inferenceProfile:InferenceProfile";

describe("alarms and budgets outside every tenant's component counting a tenant's usage", function () {
    this.timeout(300_000);
    let ops: StackDoc;
    let customer: StackDoc;
    before(async () => {
        ({ ops, customer } = await shippedDocs());
    });
    const findings = (edit: (d: StackDoc) => void): { tenant: string; text: string }[] =>
        opsViolationsAfter({ ops, customer }, CODE, edit).map((v) => ({ tenant: v.tenant, text: `${v.resource} ${v.statement}: ${v.why}` }));
    const profileId = (d: StackDoc, tenant: string) => find(d, PROFILE, (r) => r.urn.includes(`::tenants-${tenant}-`)).id as string;
    const watch = (props: Record<string, unknown>) => (d: StackDoc) => addResource(d, METRIC_ALARM, "watch", {
        name: "usage-watch", comparisonOperator: "GreaterThanThreshold", threshold: 1, evaluationPeriods: 1,
        alarmActions: ["arn:aws:sns:us-east-1:999999999999:BedrockTenancyQuota-customer-a-warnings"], ...props,
    });
    const query = (expression: string) => ({ metricQueries: [{ id: "q", expression, period: 300, returnData: true }] });

    it("finds a single-metric alarm on a tenant's profile", () => {
        assert.deepStrictEqual(findings(() => undefined), [], "the shipped ops stack");
        const found = findings((d) => watch({ namespace: "AWS/Bedrock", metricName: "InputTokenCount", statistic: "Sum", period: 300, dimensions: { ModelId: profileId(d, "customer-b") } })(d));
        assert.ok(found.some((f) => f.tenant === "customer-b" && f.text.startsWith("watch name") && f.text.includes("counting tenants-customer-b-")), JSON.stringify(found));
        const other = findings(watch({ namespace: "AWS/Bedrock", metricName: "InputTokenCount", statistic: "Sum", period: 300, dimensions: { ModelId: "anthropic.claude-3-haiku-20240307-v1:0" } }));
        assert.deepStrictEqual(other, [], "a model's own metrics are no tenant's profile");
    });

    it("finds an expression that selects AWS/Bedrock metrics itself, Metrics Insights or SEARCH", () => {
        const insights = findings((d) => watch(query(`SELECT SUM(InputTokenCount) FROM SCHEMA("AWS/Bedrock", ModelId) WHERE ModelId = '${profileId(d, "customer-b")}'`))(d));
        assert.ok(insights.some((f) => f.tenant === "customer-b" && f.text.startsWith("watch metricQueries") && f.text.includes("of customer-b")), JSON.stringify(insights));
        const lower = findings(watch(query(`select sum(OutputTokenCount) from "aws/bedrock"`)));
        assert.ok(lower.some((f) => f.tenant === "(ops account)" && f.text.startsWith("watch metricQueries")), JSON.stringify(lower));
        const search = findings(watch(query(`SUM(SEARCH('{AWS/Bedrock,ModelId} MetricName="InputTokenCount"', 'Sum', 300))`)));
        assert.ok(search.some((f) => f.text.startsWith("watch metricQueries")), JSON.stringify(search));
        const anyNamespace = findings(watch(query(`SUM(SEARCH('TokenCount', 'Sum', 300))`)));
        assert.ok(anyNamespace.some((f) => f.text.startsWith("watch metricQueries")), JSON.stringify(anyNamespace));
        const byProfile = findings((d) => watch(query(`SELECT SUM(InputTokenCount) FROM SCHEMA(ModelId) WHERE ModelId = '${profileId(d, "customer-b")}'`))(d));
        assert.ok(byProfile.some((f) => f.tenant === "customer-b" && f.text.startsWith("watch metricQueries")), `a tenant's profile named, no namespace: ${JSON.stringify(byProfile)}`);
        const ec2 = findings(watch(query(`SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)`)));
        assert.deepStrictEqual(ec2, [], "Metrics Insights over another namespace");
    });

    it("finds an alarm evaluated by criteria the proof does not read (a PromQL query)", () => {
        const found = findings((d) => watch({ evaluationCriteria: { promqlCriteria: { query: `sum(InputTokenCount{ModelId="${profileId(d, "customer-b")}"}) > 1000` } }, evaluationInterval: 60 })(d));
        assert.ok(found.some((f) => f.tenant === "customer-b" && f.text.startsWith("watch evaluationCriteria")), JSON.stringify(found));
        const unnamed = findings(watch({ evaluationCriteria: { promqlCriteria: { query: "sum(rate(anything[5m])) > 1" } } }));
        assert.ok(unnamed.some((f) => f.tenant === "(ops account)" && f.text.startsWith("watch evaluationCriteria")), JSON.stringify(unnamed));
        assert.deepStrictEqual(findings(watch({ namespace: "AWS/EC2", metricName: "CPUUtilization", statistic: "Average", period: 300, evaluationCriteria: {} })), [], "criteria recorded unset");
    });

    it("finds a budget whose tag term matches a tenant's tag other than exactly (any case, a prefix), and not one that matches none", () => {
        const budget = (tags: Record<string, unknown>) => (d: StackDoc) => addResource(d, BUDGET, "watch", { name: "fleet-watch", budgetType: "COST", timeUnit: "MONTHLY", limitAmount: "10.00", limitUnit: "USD", filterExpression: { tags } });
        for (const tags of [
            { key: "bedrock-tenancy:tenant", values: ["CUSTOMER-B"], matchOptions: ["CASE_INSENSITIVE"] },
            { key: "bedrock-tenancy:tenant", values: ["customer-"], matchOptions: ["STARTS_WITH"] },
            { key: "bedrock-tenancy:tenant", values: ["-b"], matchOptions: ["ENDS_WITH"] },
            { key: "bedrock-tenancy:tenant", values: ["omer-b"], matchOptions: ["CONTAINS"] },
            { key: "bedrock-tenancy:tenant", values: ["10"], matchOptions: ["GREATER_THAN_OR_EQUAL"] },
        ]) {
            const found = findings(budget(tags));
            assert.ok(found.some((f) => f.tenant === "customer-b" && f.text.startsWith("watch costFilters")), `${JSON.stringify(tags)}: ${JSON.stringify(found)}`);
        }
        assert.deepStrictEqual(findings(budget({ key: "bedrock-tenancy:tenant", values: ["CUSTOMER-B"], matchOptions: ["CASE_SENSITIVE"] })), [], "another value, matched by case");
        assert.deepStrictEqual(findings(budget({ key: "bedrock-tenancy:tenant", values: [], matchOptions: ["ABSENT"] })), [], "spend without the tag");
    });

    it("finds a budget outside every tenant's component on a tenant's cost tag, in each filter form", () => {
        const budget = (props: Record<string, unknown>) => (d: StackDoc) => addResource(d, BUDGET, "watch", { name: "fleet-watch", budgetType: "COST", timeUnit: "MONTHLY", limitAmount: "10.00", limitUnit: "USD", ...props });
        for (const props of [
            { costFilters: [{ name: "TagKeyValue", values: ["user:bedrock-tenancy:tenant$customer-b"] }] },
            { filterExpression: { and: [{ tags: { key: "bedrock-tenancy:tenant", values: ["customer-b"] } }, { dimensions: { key: "SERVICE", values: ["Amazon Bedrock"] } }] } },
            { costFilter: { TagKeyValue: "user:bedrock-tenancy:tenant$customer-b" } },
        ]) {
            const found = findings(budget(props));
            assert.ok(found.some((f) => f.tenant === "customer-b" && f.text.startsWith("watch costFilters")), `${JSON.stringify(props)}: ${JSON.stringify(found)}`);
        }
        assert.deepStrictEqual(findings(budget({ costFilters: [{ name: "Service", values: ["Amazon Bedrock"] }] })), [], "the account's whole Bedrock spend");
    });
});
