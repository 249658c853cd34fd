/**
 * The enforcement path as its components build it and able to act: each
 * tenant's quota alarms with the limit, window, evaluation and Region its
 * intent records, the enforcer's rule, target, invoke permission, function
 * and role in the alarms' Region and allowed what blocking needs, and the
 * cost cap's budget at the cap, never overridden or ended, with an
 * execution role allowed to apply it. Each mutation switches enforcement
 * off without touching isolation, and must raise a finding.
 */
import type { StackDoc } from "../../support/plan-files";
import { added, documentOf, find, named, OPS, setProp, TENANT_A_ROLE, type Side } from "../../support/plan-mutations";
import type { Mutation } from "./mutations";

const CODE = "BT-OPS-QUOTA-WIRING";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const FUNCTION = "aws:lambda/function:Function";
const PERMISSION = "aws:lambda/permission:Permission";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const BUDGET = "aws:budgets/budget:Budget";
const ENFORCER = "BedrockTenancyQuotaEnforcer";
const COST_CAP_ROLE = "BedrockTenancyCostCapAction";

const dailyAlarm = (doc: StackDoc) => find(doc, METRIC_ALARM, named("BedrockTenancyQuotaPart-customer-a-daily"));
const monthlyAlarm = (doc: StackDoc) => find(doc, METRIC_ALARM, named("BedrockTenancyQuotaPart-customer-a-monthly"));
const composite = (doc: StackDoc) => find(doc, COMPOSITE, (r) => r.urn.endsWith("::tenants-customer-a-quota"));
const enforcer = (doc: StackDoc) => find(doc, FUNCTION, named(ENFORCER));
const dailyWarning = (doc: StackDoc) => find(doc, METRIC_ALARM, named("BedrockTenancyQuotaPart-customer-a-daily-warning"));
const warningsTopic = (doc: StackDoc) => find(doc, "aws:sns/topic:Topic", named("BedrockTenancyQuota-customer-a-warnings"));
/** The tenant's warnings topic encrypted with a new key of the stack whose policy lets CloudWatch publish (held to the account or not), or does not. */
const encryptWarnings = (doc: StackDoc, cloudwatch: "held" | "untied" | "none") => {
    const held = cloudwatch === "held";
    const keyArn = `arn:aws:kms:us-east-1:${OPS}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "Owner", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OPS}:root` }, Action: "kms:*", Resource: "*" },
            ...(cloudwatch === "none" ? [] : [{ Sid: "Alarms", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Resource: "*", ...(held && { Condition: { StringEquals: { "aws:SourceAccount": OPS } } }) }]),
        ],
    });
    push(doc, added("ops", "aws:kms/key:Key", "warnings-key", { description: "warnings", policy, region: "us-east-1" }, { arn: keyArn, keyId: "1234abcd-12ab-34cd-56ef-1234567890ab" }));
    setProp(warningsTopic(doc), "inputs", "kmsMasterKeyId", keyArn);
};
/** An SNS message data protection policy applying `operation` to inbound messages matching ALARM. */
const protection = (operation: Record<string, unknown>) => JSON.stringify({
    Name: "warnings", Version: "2021-06-01",
    Configuration: { CustomDataIdentifier: [{ Name: "State", Regex: "ALARM" }] },
    Statement: [{ Sid: "inbound", DataDirection: "Inbound", Principal: ["*"], DataIdentifier: ["State"], Operation: operation }],
});
const permission = (doc: StackDoc) => find(doc, PERMISSION, (r) => r.inputs.principal === "events.amazonaws.com");
const enforcerRole = (doc: StackDoc) => find(doc, ROLE, named(ENFORCER));
const capBudget = (doc: StackDoc) => find(doc, BUDGET, named("bedrock-tenant-customer-a-cap"));
const guard = (role: string, actions: string[]) => added("ops", ROLE_POLICY, `${role}-guard`, {
    role, name: "guard", policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: actions, Resource: "*" }] },
});
const push = (doc: StackDoc, ...rs: any[]) => doc.deployment.resources.push(...rs);
const editQueries = (r: any, side: Side, change: (q: any) => void) => {
    const queries = JSON.parse(JSON.stringify(r[side].metricQueries ?? r.inputs.metricQueries));
    queries.forEach(change);
    setProp(r, side, "metricQueries", queries);
};
const editDocument = (r: any, side: Side, key: string, change: (d: any) => void) => {
    const d = documentOf(r, side, key);
    change(d);
    setProp(r, side, key, typeof r.inputs[key] === "string" ? JSON.stringify(d) : d);
};

const enforcerComponent = (doc: StackDoc) => find(doc, "bedrock-tenancy:index:QuotaEnforcer", () => true);
const recordRoleName = (doc: StackDoc, roleName: string) => {
    const c = enforcerComponent(doc);
    c.outputs = { ...c.outputs, roleName };
};

export const ENFORCEMENT_MUTATIONS: Mutation[] = [
    // The enforcer's role as its component records it (a shard's name), never another.
    { name: "the enforcer's component recording an admin role as its own, its function running as that role", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => {
          recordRoleName(doc, "OpsAdmin");
          setProp(enforcer(doc), side, "role", `arn:aws:iam::${OPS}:role/OpsAdmin`);
      } },
    { name: "the enforcer's component recording a shard's role name its function does not run as", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc) => recordRoleName(doc, `${ENFORCER}-shard-b`) },
    // Each quota alarm as the tenant's intent records it.
    // The warning path: the alarm notifies the tenant's warnings topic, and the topic delivers what it is sent.
    { name: "the daily warning alarm's actions disabled", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(dailyWarning(doc), side, "actionsEnabled", false) },
    { name: "the daily warning alarm notifying no one", stack: "ops", code: CODE, sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(dailyWarning(doc), side, "alarmActions", []) },
    { name: "the tenant's warnings topic denying every inbound message holding ALARM", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(warningsTopic(doc), side, "dataProtectionPolicy", protection({ Deny: {} })) },
    { name: "the tenant's warnings topic masking the word ALARM in its messages", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(warningsTopic(doc), side, "dataProtectionPolicy", protection({ Deidentify: { MaskConfig: {} } })) },
    { name: "the tenant's warnings topic encrypted with the AWS managed key for SNS, which CloudWatch may not use", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(warningsTopic(doc), side, "kmsMasterKeyId", "alias/aws/sns") },
    { name: "the enforcer's permission held to an organization (principalOrgId), which EventBridge's invocations never carry", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(permission(doc), side, "principalOrgId", "o-a1b2c3d4e5") },
    { name: "the enforcer's permission held to another account as its source", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(permission(doc), side, "sourceAccount", "123456789012") },
    { name: "the tenant's warnings topic encrypted with a key of the stack that lets CloudWatch use it for any account's alarms", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => encryptWarnings(doc, "untied") },
    { name: "the tenant's warnings topic encrypted with a key the files do not hold", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(warningsTopic(doc), side, "kmsMasterKeyId", `arn:aws:kms:us-east-1:${OPS}:key/99999999-12ab-34cd-56ef-1234567890ab`) },
    { name: "the tenant's warnings topic encrypted with a key of the stack whose policy gives CloudWatch no use", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc) => encryptWarnings(doc, "none") },
    { name: "the tenant's warnings topic whose own policy denies every principal sns:Publish", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(warningsTopic(doc), side, "policy", JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Quiet", Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: "*" }] })) },
    { name: "a block alarm's threshold raised past the tenant's limit", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(dailyAlarm(doc), side, "threshold", 2e15) },
    { name: "the monthly block alarm's threshold made unreachable", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(monthlyAlarm(doc), side, "threshold", 9e99) },
    { name: "a block alarm's window shortened (metric period 60 s for a daily limit)", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => editQueries(dailyAlarm(doc), side, (q) => {
          if (q.metric) q.metric.period = 60;
      }) },
    { name: "a block alarm needing 30 breaching periods (evaluationPeriods, datapointsToAlarm)", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => {
          setProp(dailyAlarm(doc), side, "evaluationPeriods", 30);
          setProp(dailyAlarm(doc), side, "datapointsToAlarm", 30);
      } },
    { name: "a block alarm in another Region than the profiles it counts", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(dailyAlarm(doc), side, "region", "us-west-2") },
    { name: "the composite quota alarm in another Region than the enforcer's rule", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(composite(doc), side, "region", "us-west-2") },
    // The enforcer's rule, target, permission and function.
    { name: "the enforcer's rule and target in another Region than the alarms and the function", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => {
          setProp(find(doc, RULE, named("BedrockTenancyQuotaAlarms")), side, "region", "eu-west-1");
          setProp(find(doc, TARGET, (r) => r.inputs.rule === "BedrockTenancyQuotaAlarms"), side, "region", "eu-west-1");
      } },
    { name: "the permission that lets EventBridge invoke the enforcer removed", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc) => {
          const p = permission(doc);
          doc.deployment.resources = doc.deployment.resources.filter((r: any) => r !== p);
      } },
    { name: "the enforcer's invoke permission naming another rule", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(permission(doc), side, "sourceArn", `arn:aws:events:us-east-1:${OPS}:rule/SomethingElse`) },
    { name: "the enforcer's invoke permission granting another action", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(permission(doc), side, "action", "lambda:GetFunction") },
    { name: "the enforcer's timeout cut to 1 s", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(enforcer(doc), side, "timeout", 1) },
    { name: "the enforcer refusing every event older than 1 s (QUOTA_MAX_EVENT_AGE_SECONDS)", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(enforcer(doc), side, "environment", { variables: { QUOTA_MAX_EVENT_AGE_SECONDS: "1" } }) },
    // The role the enforcer runs as, able to block.
    { name: "the enforcer's role denied iam:PutRolePolicy by a second inline policy", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc) => push(doc, guard(ENFORCER, ["iam:PutRolePolicy", "iam:DeleteRolePolicy"])) },
    { name: "the enforcer running as the cost cap's execution role", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(enforcer(doc), side, "role", `arn:aws:iam::${OPS}:role/${COST_CAP_ROLE}`) },
    { name: "the enforcer's role trusting ec2.amazonaws.com instead of Lambda", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => editDocument(enforcerRole(doc), side, "assumeRolePolicy", (d) => {
          d.Statement[0].Principal = { Service: "ec2.amazonaws.com" };
      }) },
    { name: "the enforcer's policy without its DescribeAlarms statement", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => editDocument(find(doc, ROLE_POLICY, named("enforce-quotas")), side, "policy", (d) => {
          d.Statement = d.Statement.filter((s: any) => s.Sid !== "ReadQuotaAlarmStates");
      }) },
    // The cost cap's budget at the cap, and the role that applies it.
    { name: "the cost-cap budget's limit replaced by planned limits", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(capBudget(doc), side, "plannedLimits", [{ startTime: "2026-01-01_00:00", amount: "1000000000", unit: "USD" }]) },
    { name: "the cost-cap budget auto-adjusting to past spend", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(capBudget(doc), side, "autoAdjustData", { autoAdjustType: "HISTORICAL", historicalOptions: { budgetAdjustmentPeriod: 1 } }) },
    { name: "the cost-cap budget ended in the past", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => {
          setProp(capBudget(doc), side, "timePeriodStart", "2019-01-01_00:00");
          setProp(capBudget(doc), side, "timePeriodEnd", "2020-01-01_00:00");
      } },
    { name: "the cost-cap budget's limit above the tenant's cap", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc, side) => setProp(capBudget(doc), side, "limitAmount", "999999999.00") },
    { name: "the cost cap's execution role denied iam:AttachRolePolicy", stack: "ops", code: CODE, sides: ["inputs"],
      edit: (doc) => push(doc, guard(COST_CAP_ROLE, ["iam:AttachRolePolicy"])) },
];

export const ENFORCEMENT_CONTROLS: { name: string; stack: "ops" | "customer-a"; edit: (doc: StackDoc) => void }[] = [
    { name: "the enforcer's permission held to the ops account as its source", stack: "ops",
      edit: (doc) => setProp(permission(doc), "inputs", "sourceAccount", OPS) },
    { name: "the tenant's warnings topic encrypted with a key of the stack that lets CloudWatch use it for the account's alarms alone", stack: "ops",
      edit: (doc) => encryptWarnings(doc, "held") },
    { name: "the tenant's warnings topic reporting what it finds and changing nothing", stack: "ops",
      edit: (doc) => setProp(warningsTopic(doc), "inputs", "dataProtectionPolicy", protection({ Audit: { SampleRate: 99, FindingsDestination: {} } })) },
    { name: "the enforcer's role also allowed to read its own function's configuration", stack: "ops",
      edit: (doc) => push(doc, added("ops", ROLE_POLICY, "enforcer-read", { role: ENFORCER, name: "read", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "lambda:GetFunctionConfiguration", Resource: `arn:aws:lambda:us-east-1:${OPS}:function:${ENFORCER}` }] } })) },
    { name: "the cost cap's execution role denied the deny's removal from other roles than the tenants'", stack: "ops",
      edit: (doc) => push(doc, added("ops", ROLE_POLICY, "cost-cap-guard", { role: COST_CAP_ROLE, name: "guard", policy: { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "iam:DetachRolePolicy", NotResource: `arn:aws:iam::${OPS}:role/${TENANT_A_ROLE.replace("customer-a", "*")}` }] } })) },
];
