/**
 * Mutations of how the ops stack itself wires metering, quotas and cost
 * caps (the enforcer's rule, target and function, each tenant's alarms,
 * budgets, Budgets action, profiles and guardrail), and controls that must
 * still pass.
 */
import type { StackDoc } from "../../support/plan-files";
import { added, find, named, OPS, setProp, TENANT_A_ROLE, TENANT_B_ROLE, type Side } from "../../support/plan-mutations";
import type { Mutation } from "./mutations";

const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const FUNCTION = "aws:lambda/function:Function";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const BUDGET = "aws:budgets/budget:Budget";
const BUDGET_ACTION = "aws:budgets/budgetAction:BudgetAction";
const PROFILE = "aws:bedrock/inferenceProfile:InferenceProfile";
const GUARDRAIL = "aws:bedrock/guardrail:Guardrail";
const ACCESS = "bedrock-tenancy:index:BedrockTenantAccess";
const TAG = "bedrock-tenancy:tenant";
const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const US_HAIKU = "us.anthropic.claude-3-5-haiku-20241022-v1:0";

const rule = (doc: StackDoc) => find(doc, RULE, named("BedrockTenancyQuotaAlarms"));
const target = (doc: StackDoc) => find(doc, TARGET, (r) => r.inputs.rule === "BedrockTenancyQuotaAlarms");
const enforcer = (doc: StackDoc) => find(doc, FUNCTION, named("BedrockTenancyQuotaEnforcer"));
const composite = (doc: StackDoc) => find(doc, COMPOSITE, (r) => r.urn.endsWith("::tenants-customer-a-quota"));
const dailyAlarm = (doc: StackDoc) => find(doc, METRIC_ALARM, named("BedrockTenancyQuotaPart-customer-a-daily"));
const capBudget = (doc: StackDoc) => find(doc, BUDGET, named("bedrock-tenant-customer-a-cap"));
const capAction = (doc: StackDoc) => find(doc, BUDGET_ACTION, (r) => r.urn.endsWith("::tenants-customer-a-cost-cap"));
const component = (doc: StackDoc, tenant: string) => find(doc, ACCESS, (r) => r.outputs.tenantId === tenant);
const profile = (doc: StackDoc, tenant: string, model: string) => find(doc, PROFILE, named(`${tenant}.${model}`));
const profileId = (doc: StackDoc, tenant: string, model: string) => String(component(doc, tenant).outputs.inferenceProfileArns[model]).split("/").pop()!;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
/** Edits a property on one side from its current value there (inputs when the side lacks it). */
const edit = (r: any, side: Side, key: string, change: (v: any) => any) => setProp(r, side, key, change(clone(r[side][key] ?? r.inputs[key])));
/** A property AWS reports but the program left unset: on the outputs side the program asks for the component's value. */
const held = (r: any, side: Side, key: string, asked: unknown, value: unknown) => {
    if (side === "outputs") setProp(r, "inputs", key, asked);
    setProp(r, side, key, value);
};
const push = (doc: StackDoc, ...rs: any[]) => doc.deployment.resources.push(...rs);
const forged = (tenant: string, state: string) => JSON.stringify({ source: "aws.cloudwatch", "detail-type": "CloudWatch Alarm State Change", detail: { alarmName: `BedrockTenancyQuota-${tenant}`, state: { value: state, timestamp: "2026-01-01T00:00:00Z" } } });
const guardrail = (profileArn?: string) => added("ops", GUARDRAIL, "tenant-guardrail", {
    name: "tenant-guardrail", region: "us-east-1", blockedInputMessaging: "no", blockedOutputsMessaging: "no",
    ...(profileArn ? { crossRegionConfig: { guardrailProfileIdentifier: profileArn } } : {}),
}, { guardrailArn: `arn:aws:bedrock:us-east-1:${OPS}:guardrail/a1b2c3d4e5f6`, guardrailId: "a1b2c3d4e5f6" });

export const METERING_MUTATIONS: Mutation[] = [
    // The enforcer's rule, target and function.
    { name: "the enforcer's target rewriting every alarm change to another tenant's alarm (inputTransformer)", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs"],
      edit: (doc, side) => setProp(target(doc), side, "inputTransformer", { inputPaths: { state: "$.detail.state.value" }, inputTemplate: forged("customer-b", "<state>").replace("\"<state>\"", "<state>") }) },
    { name: "the enforcer's target given a constant OK event (input)", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs"],
      edit: (doc, side) => setProp(target(doc), side, "input", forged("customer-a", "OK")) },
    { name: "the enforcer's target dropping an alarm change it cannot deliver at once (retryPolicy)", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs"],
      edit: (doc, side) => setProp(target(doc), side, "retryPolicy", { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 }) },
    { name: "the enforcer's target passing only part of the event (inputPath)", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs"],
      edit: (doc, side) => setProp(target(doc), side, "inputPath", "$.detail") },
    { name: "the enforcer's rule disabled (state)", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs", "outputs"],
      edit: (doc, side) => held(rule(doc), side, "state", "ENABLED", "DISABLED") },
    { name: "the enforcer's rule disabled (isEnabled)", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs", "outputs"],
      edit: (doc, side) => held(rule(doc), side, "isEnabled", true, false) },
    { name: "the enforcer's rule matching another prefix", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs", "outputs"],
      edit: (doc, side) => edit(rule(doc), side, "eventPattern", (p: string) => p.replace("BedrockTenancyQuota-", "NoSuchPrefix-")) },
    { name: "the enforcer's rule also matching the part alarms", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs"],
      edit: (doc, side) => edit(rule(doc), side, "eventPattern", (p: string) => p.replace("BedrockTenancyQuota-", "BedrockTenancyQuota")) },
    { name: "the enforcer's rule on a custom event bus", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs"],
      edit: (doc, side) => setProp(rule(doc), side, "eventBusName", "quota-bus") },
    { name: "the enforcer's target removed", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs"],
      edit: (doc) => (doc.deployment.resources = doc.deployment.resources.filter((r) => r.type !== TARGET)) },
    { name: "the enforcer's reserved concurrency at 0", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(enforcer(doc), side, "reservedConcurrentExecutions", 0) },
    { name: "the enforcer's maximum event age at 0", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(enforcer(doc), side, "environment", { variables: { QUOTA_MAX_EVENT_AGE_SECONDS: "0" } }) },
    // Each tenant's alarms.
    { name: "a tenant's composite alarm named for another tenant", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(composite(doc), side, "alarmName", "BedrockTenancyQuota-customer-b") },
    { name: "a tenant's composite alarm renamed off the rule's prefix", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs"],
      edit: (doc, side) => setProp(composite(doc), side, "alarmName", "TenantQuota-customer-a") },
    { name: "a tenant's composite alarm combining only its warning alarm", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(composite(doc), side, "alarmRule", "ALARM(\"BedrockTenancyQuotaPart-customer-a-daily-warning\")") },
    { name: "a stand-alone metric alarm named as another tenant's composite quota alarm", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", METRIC_ALARM, "block-b", { name: "BedrockTenancyQuota-customer-b", region: "us-east-1", comparisonOperator: "GreaterThanThreshold", threshold: 0, evaluationPeriods: 1, namespace: "AWS/Lambda", metricName: "Invocations", statistic: "Sum", period: 60 })) },
    { name: "a tenant's quota alarm counting another tenant's profile", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs", "outputs"],
      edit: (doc, side) => {
          const own = profileId(doc, "customer-a", HAIKU);
          const other = profileId(doc, "customer-b", HAIKU);
          edit(dailyAlarm(doc), side, "metricQueries", (qs: any[]) => qs.map((q) => (q.metric?.dimensions?.ModelId === own ? { ...q, metric: { ...q.metric, dimensions: { ModelId: other } } } : q)));
      } },
    { name: "a tenant's quota alarm whose math returns nothing to trip on", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs"],
      edit: (doc, side) => edit(dailyAlarm(doc), side, "metricQueries", (qs: any[]) => qs.map((q) => (q.expression ? { ...q, expression: `0 * ${q.expression}` } : q))) },
    { name: "a tenant's quota alarm dropping one of its profiles", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs"],
      edit: (doc, side) => {
          const own = profileId(doc, "customer-a", US_HAIKU);
          edit(dailyAlarm(doc), side, "metricQueries", (qs: any[]) => {
              const kept = qs.filter((q) => q.metric?.dimensions?.ModelId !== own && !q.expression);
              return [...kept, { id: "tokens", expression: `SUM([${kept.map((q) => `FILL(${q.id}, 0)`).join(", ")}])`, label: "input + output tokens", returnData: true }];
          });
      } },
    { name: "a quota alarm outside every tenant's component counting a tenant's profile", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", METRIC_ALARM, "loose-quota", { name: "loose-quota", region: "us-east-1", comparisonOperator: "GreaterThanThreshold", threshold: 1, evaluationPeriods: 1,
          metricQueries: [{ id: "in0", returnData: true, metric: { namespace: "AWS/Bedrock", metricName: "InputTokenCount", dimensions: { ModelId: profileId(doc, "customer-a", HAIKU) }, period: 60, stat: "Sum" } }] })) },
    // Cost caps.
    { name: "a tenant's cost-cap action also applied to another tenant's role", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs", "outputs"],
      edit: (doc, side) => edit(capAction(doc), side, "definition", (d: any) => ({ iamActionDefinition: { ...d.iamActionDefinition, roles: [TENANT_A_ROLE, TENANT_B_ROLE] } })) },
    { name: "a tenant's cost-cap action on its notification budget", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(capAction(doc), side, "budgetName", "bedrock-tenant-customer-a") },
    { name: "a tenant's cost-cap action needing manual approval", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(capAction(doc), side, "approvalModel", "MANUAL") },
    { name: "a tenant's cost-cap budget filtering on another tenant's tag", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(capBudget(doc), side, "costFilters", [{ name: "TagKeyValue", values: [`user:${TAG}$customer-b`] }]) },
    { name: "a tenant's cost-cap budget filtering on a tag key in another case", stack: "ops", code: "BT-OPS-QUOTA-WIRING", sides: ["inputs"],
      edit: (doc, side) => setProp(capBudget(doc), side, "costFilters", [{ name: "TagKeyValue", values: ["user:Bedrock-Tenancy:Tenant$customer-a"] }]) },
    // Profiles and guardrails.
    { name: "a tenant's profile without its tenant tag", stack: "ops", code: "BT-TENANT-METERING", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(profile(doc, "customer-a", HAIKU), side, "tags", {}) },
    { name: "a tenant's profile with its tag key in another case", stack: "ops", code: "BT-TENANT-METERING", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(profile(doc, "customer-a", HAIKU), side, "tags", { "Bedrock-Tenancy:Tenant": "customer-a" }) },
    { name: "an application profile no tenant owns", stack: "ops", code: "BT-TENANT-METERING", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", PROFILE, "loose-profile", { name: "loose", region: "us-east-1", modelSource: { copyFrom: `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}` } }, { arn: `arn:aws:bedrock:us-east-1:${OPS}:application-inference-profile/loose` })) },
    { name: "a tenant's profile copying from the EU system profile", stack: "ops", code: "BT-TENANT-PATH-CLOSED", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(profile(doc, "customer-a", US_HAIKU), side, "modelSource", { copyFrom: `arn:aws:bedrock:us-east-1:${OPS}:inference-profile/eu.${US_HAIKU.slice(3)}` }) },
    { name: "a tenant's profile copying from the global system profile", stack: "ops", code: "BT-TENANT-PATH-CLOSED", sides: ["inputs"],
      edit: (doc, side) => setProp(profile(doc, "customer-a", US_HAIKU), side, "modelSource", { copyFrom: `arn:aws:bedrock:us-east-1:${OPS}:inference-profile/global.${US_HAIKU.slice(3)}` }) },
    { name: "a tenant's profile copying from a model it is not entitled to", stack: "ops", code: "BT-TENANT-PATH-CLOSED", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(profile(doc, "customer-b", HAIKU), side, "modelSource", { copyFrom: "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-opus-20240229-v1:0" }) },
    { name: "a tenant's guardrail evaluating through an EU guardrail profile", stack: "ops", code: "BT-TENANT-GUARDRAIL", sides: ["inputs"],
      edit: (doc) => push(doc, guardrail(`arn:aws:bedrock:us-east-1:${OPS}:guardrail-profile/eu.guardrail.v1:0`)) },
];

export const METERING_CONTROLS: { name: string; stack: "ops" | "customer-a"; edit: (doc: StackDoc) => void }[] = [
    { name: "the enforcer's target with EventBridge's default retry policy written out, and one retrying longer", stack: "ops",
      edit: (doc) => {
          setProp(target(doc), "outputs", "retryPolicy", { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 });
          setProp(target(doc), "inputs", "retryPolicy", { maximumEventAgeInSeconds: "86400" });
      } },
    { name: "the enforcer's rule enabled explicitly, as AWS reports it", stack: "ops",
      edit: (doc) => {
          setProp(rule(doc), "outputs", "state", "ENABLED");
          setProp(rule(doc), "outputs", "isEnabled", true);
          setProp(rule(doc), "outputs", "eventBusName", "default");
      } },
    { name: "a tenant without a quota or cost cap (its alarms, budgets and action gone)", stack: "ops",
      edit: (doc) => {
          doc.deployment.resources = doc.deployment.resources.filter((r) => !(r.urn.includes("tenants-customer-a-quota") || r.type === BUDGET_ACTION || r.urn.endsWith("::tenants-customer-a-cost-cap")));
          const c = component(doc, "customer-a");
          for (const key of ["enforcerFunctionArn", "quotaAlarms", "costCapPolicyArn", "costCapExecutionRoleArn"]) delete c.outputs[key];
      } },
    { name: "the composite alarm's rule in another order", stack: "ops",
      edit: (doc) => {
          const c = composite(doc);
          const rule = String(c.inputs.alarmRule).split(" OR ").reverse().join(" OR ");
          setProp(c, "inputs", "alarmRule", rule);
          setProp(c, "outputs", "alarmRule", rule);
      } },
    { name: "a component from before the quota outputs (no costTagKey, no quotaAlarms)", stack: "ops",
      edit: (doc) => {
          for (const t of ["customer-a", "customer-b"]) for (const key of ["costTagKey", "quotaAlarms"]) delete component(doc, t).outputs[key];
      } },
    { name: "an ops alarm on the enforcer's own errors", stack: "ops",
      edit: (doc) => push(doc, added("ops", METRIC_ALARM, "enforcer-errors", { name: "BedrockTenancyQuotaEnforcer-errors", region: "us-east-1", comparisonOperator: "GreaterThanThreshold", threshold: 0, evaluationPeriods: 1, namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: "BedrockTenancyQuotaEnforcer" }, statistic: "Sum", period: 300 })) },
    { name: "a tenant's profile with another tag beside its tenant tag", stack: "ops",
      edit: (doc) => {
          const p = profile(doc, "customer-a", HAIKU);
          for (const side of ["inputs", "outputs"] as const) setProp(p, side, "tags", { ...p[side].tags, team: "platform" });
      } },
    { name: "a tenant's guardrail evaluating through a US guardrail profile", stack: "ops",
      edit: (doc) => push(doc, guardrail(`arn:aws:bedrock:us-east-1:${OPS}:guardrail-profile/us.guardrail.v1:0`)) },
    { name: "a tenant's guardrail in its home Region", stack: "ops",
      edit: (doc) => push(doc, guardrail()) },
];
