/**
 * Mutations of the shipped plans that must raise a finding, and controls that
 * must not, for what identities may do: a customer role trusted from outside
 * the account (a service acting for other accounts included), metric
 * dimensions taken from audit records, identity policies that name another
 * account or an access point that may front one, open a path out at run time
 * (a create that writes the new resource's policy included), or write on `*`
 * through a service that accepts writes from other accounts; and keys whose
 * material is in a custom key store.
 */
import { runtimeTrustPolicy } from "../../../components/private-invocation-logging/runtime-compute";
import type { StackDoc } from "../../support/plan-files";
import { added, ARCHIVE_A, CUSTOMER_A, CUSTOMER_B, documentOf, find, LOG_GROUP_A, named, OPS, setProp, TENANT_B_ROLE, type Side } from "../../support/plan-mutations";
import type { Mutation } from "./mutations";

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
const RUNTIME_POLICY = "bedrock-tenancy-runtime";
const ENFORCER_POLICY = "enforce-quotas";
const TOPIC = `arn:aws:sns:us-east-1:${OPS}:BedrockTenancyQuota-customer-a-warnings`;
const AUDIT_GROUP = "/bedrock-tenancy/customer-a/audit";
const document = (...Statement: Record<string, unknown>[]) => ({ Version: "2012-10-17", Statement: Statement.map((s) => ({ Effect: "Allow", ...s })) });
const allow = (Action: unknown, Resource: unknown = "*", extra: Record<string, unknown> = {}) => document({ Action, Resource, ...extra });
const trust = (Principal: unknown) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal, Action: "sts:AssumeRole" }] });
const lambdaTrust = trust({ Service: "lambda.amazonaws.com" });
const push = (doc: StackDoc, ...rs: any[]) => doc.deployment.resources.push(...rs);
const role = (stack: "ops" | "customer-a", name: string, trusted: unknown, policy?: unknown) => {
    const account = stack === "ops" ? OPS : CUSTOMER_A;
    return [
        added(stack, ROLE, name, { name, assumeRolePolicy: trusted }, { arn: `arn:aws:iam::${account}:role/${name}` }),
        ...(policy === undefined ? [] : [added(stack, ROLE_POLICY, `${name}-policy`, { role: name, name: "p", policy })]),
    ];
};
/** Adds statements to an inline policy of the plan on one side, kept in the form the plan holds it. */
const extend = (doc: StackDoc, side: Side, policyName: string, ...statements: Record<string, unknown>[]) => {
    const r = find(doc, ROLE_POLICY, named(policyName));
    const d = documentOf(r, side, "policy");
    d.Statement.push(...statements.map((s) => ({ Effect: "Allow", ...s })));
    setProp(r, side, "policy", typeof r.inputs.policy === "string" ? JSON.stringify(d) : d);
};
const tokenFilter = (doc: StackDoc) => find(doc, METRIC_FILTER, named("InputTokens"));
const KEY = "aws:kms/key:Key";
const customerKey = (doc: StackDoc) => find(doc, KEY, named("customer-a-key"));
const RUNTIME_ROLE = "BedrockTenancyRuntime-customer-a";
const READ_AUDIT = allow(["logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults"], [LOG_GROUP_A, `${LOG_GROUP_A}:*`]);
/** A trust of one service for the role's session actions, with a condition when given. */
const serviceTrust = (Service: unknown, Condition?: unknown) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service }, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], ...(Condition ? { Condition } : {}) }] });
const editTrust = (doc: StackDoc, side: Side, roleName: string, change: (d: any) => void) => {
    const r = find(doc, ROLE, named(roleName));
    const d = documentOf(r, side, "assumeRolePolicy");
    change(d);
    setProp(r, side, "assumeRolePolicy", typeof r.inputs.assumeRolePolicy === "string" ? JSON.stringify(d) : d);
};
const opsKey = (props: Record<string, unknown>) => added("ops", KEY, "ops-key", { description: "ops", policy: JSON.stringify(allow("kms:*", "*", { Principal: { AWS: `arn:aws:iam::${OPS}:root` } })), ...props },
    { arn: `arn:aws:kms:us-east-1:${OPS}:key/ops-key-id` });

/** The compute the customer component records, as it would for that choice. */
const recordCompute = (doc: StackDoc, compute: string) => {
    const component = find(doc, "bedrock-tenancy:index:PrivateInvocationLogging", () => true);
    component.outputs = { ...component.outputs, compute };
};

export const IDENTITY_MUTATIONS: Mutation[] = [
    // aws:ResourceAccount holds a request to the account, not to the stack: a bucket of the account outside the stack may replicate anywhere.
    { name: "an ops role writing objects on * held to the account by aws:ResourceAccount", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("ops", "Exporter", lambdaTrust, allow("s3:PutObject", "*", { Condition: { StringEquals: { "aws:ResourceAccount": OPS } } }))) },
    // A customer role another account can assume: whatever it is allowed reads what the audit trail feeds, or opens a path.
    { name: "a customer role the ops account can assume, allowed to read the account's metrics", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "CloudWatch-CrossAccountSharingRole", trust({ AWS: `arn:aws:iam::${OPS}:root` }),
          allow(["cloudwatch:GetMetricData", "cloudwatch:ListMetrics", "cloudwatch:GetMetricStatistics"]))) },
    { name: "a customer role another tenant's account can assume, allowed cloudwatch:*", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "metrics-share", trust({ AWS: `arn:aws:iam::${CUSTOMER_B}:root` }), allow("cloudwatch:*"))) },
    { name: "a customer role the ops account can assume, allowed the audit alarm's history", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "alarm-reader", trust({ AWS: `arn:aws:iam::${OPS}:role/Auditor` }),
          allow(["cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms"], `arn:aws:cloudwatch:us-east-1:${CUSTOMER_A}:alarm:*`))) },
    { name: "a customer role the ops account can assume, allowed the results of the archive's Athena queries", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "query-reader", trust({ AWS: `arn:aws:iam::${OPS}:root` }),
          allow(["athena:GetQueryResults", "athena:ListQueryExecutions"], `arn:aws:athena:us-east-1:${CUSTOMER_A}:workgroup/*`))) },
    { name: "a customer role a partner account assumes, allowed to read a bucket outside the stack", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", ROLE, "partner", { name: "Partner", assumeRolePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${CUSTOMER_B}:root` }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "partner-1" } } }] } }),
          added("customer-a", ROLE_POLICY, "partner-read", { role: "Partner", policy: allow("s3:GetObject", "arn:aws:s3:::partner-exchange/*") })) },
    // Record content in metric dimensions.
    { name: "the token metric filter also taking dimensions from the user id and the prompt", stack: "customer-a", code: "BT-CUSTOMER-METRIC-CONTENT", sides: ["inputs", "outputs"],
      edit: (doc, side) => {
          const r = tokenFilter(doc);
          const t = r[side].metricTransformation ?? r.inputs.metricTransformation;
          setProp(r, side, "metricTransformation", { ...t, dimensions: { ...t.dimensions, userId: "$.userId", prompt: "$.request.content" } });
      } },
    { name: "a metric filter of the stack counting calls by user id", stack: "customer-a", code: "BT-CUSTOMER-METRIC-CONTENT", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", METRIC_FILTER, "calls-by-user", { logGroupName: AUDIT_GROUP, name: "CallsByUser", pattern: "{ $.userId = \"*\" }",
          metricTransformation: { name: "Calls", namespace: "BedrockTenancy/customer-a", value: "1", dimensions: { User: "$.userId" } } })) },
    // Identity policies that name another account, any account, or a bucket the stack does not hold.
    { name: "the enforcer allowed sts:AssumeRole on every role of a customer account", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => extend(doc, side, ENFORCER_POLICY, { Action: "sts:AssumeRole", Resource: `arn:aws:iam::${CUSTOMER_B}:role/*` }) },
    { name: "the enforcer allowed to publish to another account's topic and bus, and to write a bucket not of the stack", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => extend(doc, side, ENFORCER_POLICY, { Action: ["sns:Publish", "events:PutEvents", "s3:PutObject"],
          Resource: [`arn:aws:sns:us-east-1:${CUSTOMER_B}:collect`, `arn:aws:events:us-east-1:${CUSTOMER_B}:event-bus/default`, "arn:aws:s3:::attacker-collect/*"] }) },
    { name: "an ops role allowed sns:Publish on the topics of every account (arn:aws:sns:*:*:*)", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("ops", "Notifier", lambdaTrust, allow("sns:Publish", "arn:aws:sns:*:*:*"))) },
    { name: "a customer Lambda role allowed to read objects of a bucket outside the stack (each request's key reaches the owner's logs)", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "Fetcher", lambdaTrust, allow("s3:GetObject", "arn:aws:s3:::partner-exchange/*"))) },
    { name: "an ops role allowed to write a DynamoDB table of a customer account", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("ops", "Recorder", lambdaTrust, allow("dynamodb:PutItem", `arn:aws:dynamodb:us-east-1:${CUSTOMER_A}:table/usage`))) },
    { name: "the runtime allowed to write an ops bucket, an ops log group and an ops Firehose stream", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => extend(doc, side, RUNTIME_POLICY, { Action: ["s3:PutObject", "logs:PutLogEvents", "firehose:PutRecord"],
          Resource: ["arn:aws:s3:::ops-collect/*", `arn:aws:logs:us-east-1:${OPS}:log-group:collect:*`, `arn:aws:firehose:us-east-1:${OPS}:deliverystream/collect`] }) },
    { name: "the runtime allowed to assume another tenant's ops role", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => extend(doc, side, RUNTIME_POLICY, { Action: "sts:AssumeRole", Resource: `arn:aws:iam::${OPS}:role/${TENANT_B_ROLE}` }) },
    { name: "the runtime's archive write widened to every bucket's objects", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => extend(doc, side, RUNTIME_POLICY, { Action: "s3:PutObject", Resource: "arn:aws:s3:::*/*" }) },
    // Actions that open or re-point a path out at run time, whatever resource they name.
    { name: "an ops role allowed to add event targets, log subscription filters, topic subscriptions and budget subscribers", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("ops", "OpsOperator", trust({ AWS: `arn:aws:iam::${OPS}:root` }),
          allow(["events:PutTargets", "events:PutRule", "logs:PutSubscriptionFilter", "sns:Subscribe", "budgets:ModifyBudget", "cloudwatch:PutMetricAlarm"]))) },
    { name: "an ops role allowed logs:Put* on its own log group (a subscription filter among it)", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("ops", "LogWriter", lambdaTrust, allow("logs:Put*", `arn:aws:logs:us-east-1:${OPS}:log-group:/aws/lambda/LogWriter:*`))) },
    { name: "an ops role allowed sns:* on the fleet's own topic (subscriptions among it)", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("ops", "TopicAdmin", lambdaTrust, allow("SNS:*", TOPIC))) },
    { name: "a customer role allowed a subscription filter on the audit log group only", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "Forwarder", lambdaTrust, allow("logs:PutSubscriptionFilter", `${LOG_GROUP_A}:*`))) },
    { name: "the runtime allowed to rewrite its archive's bucket policy and replication", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => extend(doc, side, RUNTIME_POLICY, { Action: ["s3:PutBucketPolicy", "s3:PutReplicationConfiguration"], Resource: `arn:aws:s3:::${ARCHIVE_A}` }) },
    { name: "a customer role allowed everything but IAM (NotAction)", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "NotIam", lambdaTrust, document({ NotAction: "iam:*", Resource: `arn:aws:logs:us-east-1:${CUSTOMER_A}:*` }))) },
    { name: "a customer role allowed to rewrite the runtime role's trust", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "Retruster", lambdaTrust, allow("iam:UpdateAssumeRolePolicy", `arn:aws:iam::${CUSTOMER_A}:role/BedrockTenancyRuntime-customer-a`))) },
    { name: "a customer role allowed to replace the runtime's code", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "Patcher", lambdaTrust, allow("lambda:UpdateFunctionCode", `arn:aws:lambda:us-east-1:${CUSTOMER_A}:function:bedrock-tenancy-customer-a`))) },
    { name: "an AWS-managed policy attached to the runtime role", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "runtime-admin", { role: "BedrockTenancyRuntime-customer-a", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })) },
    // Writes on `*` through services that accept writes from other accounts.
    { name: "an ops role allowed sns:Publish on *", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("ops", "Broadcaster", lambdaTrust, allow("sns:Publish"))) },
    { name: "an ops role allowed sts:AssumeRole on *", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("ops", "Hopper", lambdaTrust, allow("sts:AssumeRole"))) },
    { name: "the runtime allowed s3:PutObject on *", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => extend(doc, side, RUNTIME_POLICY, { Action: "s3:PutObject", Resource: "*" }) },
    { name: "a customer role allowed sqs:SendMessage on every resource but one queue (NotResource)", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "Sender", lambdaTrust, document({ Action: "sqs:SendMessage", NotResource: `arn:aws:sqs:us-east-1:${CUSTOMER_A}:own` }))) },
    // Creates that write the new resource's policy in the same request: made open to another account, then written to.
    { name: "the runtime allowed sqs:CreateQueue and sqs:SendMessage on its account's queues", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => extend(doc, side, RUNTIME_POLICY, { Action: ["sqs:CreateQueue", "sqs:SendMessage"], Resource: `arn:aws:sqs:us-east-1:${CUSTOMER_A}:*` }) },
    { name: "a customer role allowed sns:CreateTopic and sns:Publish on its account's topics", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "TopicMaker", lambdaTrust, allow(["sns:CreateTopic", "sns:Publish"], `arn:aws:sns:us-east-1:${CUSTOMER_A}:*`))) },
    { name: "the enforcer allowed sns:CreateTopic and sns:Publish on the ops account's topics", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => extend(doc, side, ENFORCER_POLICY, { Action: ["sns:CreateTopic", "sns:Publish"], Resource: `arn:aws:sns:us-east-1:${OPS}:*` }) },
    { name: "a customer role allowed dynamodb:CreateTable and dynamodb:PutItem on its account's tables", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "TableMaker", lambdaTrust, allow(["dynamodb:CreateTable", "dynamodb:PutItem"], `arn:aws:dynamodb:us-east-1:${CUSTOMER_A}:table/*`))) },
    { name: "a customer role allowed to export its account's tables (dynamodb:ExportTableToPointInTime names any account's bucket)", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "TableExporter", lambdaTrust, allow("dynamodb:ExportTableToPointInTime", `arn:aws:dynamodb:us-east-1:${CUSTOMER_A}:table/*`))) },
    { name: "a customer role allowed kms:CreateKey and kms:Encrypt (a new key's policy admits any account)", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "KeyMaker", lambdaTrust, allow(["kms:CreateKey", "kms:Encrypt"]))) },
    { name: "an ops role allowed to create event buses (their dead-letter queue is the caller's choice)", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("ops", "BusMaker", lambdaTrust, allow("events:CreateEventBus", `arn:aws:events:us-east-1:${OPS}:event-bus/*`))) },
    { name: "a customer role allowed es:CreateDomain and es:ESHttpPut on its account's domains", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "DomainMaker", lambdaTrust, allow(["es:CreateDomain", "es:ESHttpPut"], `arn:aws:es:us-east-1:${CUSTOMER_A}:domain/*`))) },
    { name: "an ops role allowed to create REST APIs (apigateway:POST takes the API's policy)", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("ops", "ApiMaker", lambdaTrust, allow("apigateway:POST", "arn:aws:apigateway:us-east-1::/restapis"))) },
    { name: "a customer role allowed a repository creation template (its repositoryPolicy) and to push to a public repository", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "Publisher", lambdaTrust, allow(["ecr:CreateRepositoryCreationTemplate", "ecr-public:PutImage"]))) },
    { name: "a customer role allowed to write SSM parameter, EFS and Glacier vault policies", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "PolicyWriter", lambdaTrust, allow(["ssm:PutResourcePolicy", "elasticfilesystem:PutFileSystemPolicy", "glacier:SetVaultAccessPolicy"], `arn:aws:*:us-east-1:${CUSTOMER_A}:*`))) },
    { name: "a customer role allowed to share EBS and RDS snapshots with other accounts", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "SnapshotSharer", lambdaTrust, allow(["ec2:ModifySnapshotAttribute", "rds:ModifyDBSnapshotAttribute"], `arn:aws:*:us-east-1:${CUSTOMER_A}:*`))) },
    // Access points of the account can front another account's bucket.
    { name: "the runtime allowed s3:PutObject through an access point of its own account", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => extend(doc, side, RUNTIME_POLICY, { Action: "s3:PutObject", Resource: `arn:aws:s3:us-east-1:${CUSTOMER_A}:accesspoint/relay/object/*` }) },
    { name: "a customer role allowed s3:PutObject through a Multi-Region access point of its own account, held to it by aws:ResourceAccount", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "MrapWriter", lambdaTrust, allow("s3:PutObject", `arn:aws:s3::${CUSTOMER_A}:accesspoint/mfzwi23gnjvgw.mrap/object/*`, { Condition: { StringEquals: { "aws:ResourceAccount": CUSTOMER_A } } }))) },
    { name: "a customer role allowed to read through an Object Lambda access point of its own account", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "OlapReader", lambdaTrust, allow(["s3-object-lambda:GetObject"], `arn:aws:s3-object-lambda:us-east-1:${CUSTOMER_A}:accesspoint/transform`))) },
    { name: "an ops role allowed s3:GetObject on every S3 resource of the ops account (its access points included)", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("ops", "ApReader", lambdaTrust, allow("s3:GetObject", `arn:aws:s3:*:${OPS}:*`))) },
    // Roles a service assumes for outsiders.
    { name: "a customer role trusted by IAM Roles Anywhere, allowed to read the audit log", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "AuditReader", serviceTrust("rolesanywhere.amazonaws.com"), READ_AUDIT)) },
    { name: "a customer role trusted by IAM Roles Anywhere held to the account by aws:SourceAccount (the certificate's CA is not)", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "AuditReader2", serviceTrust("rolesanywhere.amazonaws.com", { StringEquals: { "aws:SourceAccount": CUSTOMER_A } }), READ_AUDIT)) },
    { name: "a customer role trusted by SNS without a source condition, allowed to read the audit log", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "SnsDeputy", serviceTrust("sns.amazonaws.com"), READ_AUDIT)) },
    { name: "a customer role trusted by EventBridge Scheduler with aws:SourceAccount only IfExists", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "SchedulerDeputy", serviceTrust("scheduler.amazonaws.com", { StringEqualsIfExists: { "aws:SourceAccount": CUSTOMER_A } }), READ_AUDIT)) },
    { name: "a customer role trusted by EventBridge with an aws:SourceArn pattern that reaches other accounts (StringLike)", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "EventsDeputy", serviceTrust("events.amazonaws.com", { StringLike: { "aws:SourceArn": `arn:aws:events:*:${CUSTOMER_A}:rule/*` } }), READ_AUDIT)) },
    { name: "a customer role trusted by a bucket's service with an aws:SourceArn of a bucket (no account in a bucket ARN)", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "S3Deputy", serviceTrust("s3.amazonaws.com", { ArnEquals: { "aws:SourceArn": `arn:aws:s3:::${ARCHIVE_A}` } }), READ_AUDIT)) },
    { name: "a customer role trusted by every service (a Service pattern)", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("customer-a", "AnyService", serviceTrust("*.amazonaws.com", { StringEquals: { "aws:SourceAccount": CUSTOMER_A } }), READ_AUDIT)) },
    { name: "the runtime role also trusted by IAM Roles Anywhere", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs", "outputs"],
      edit: (doc, side) => editTrust(doc, side, RUNTIME_ROLE, (d) => d.Statement.push({ Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] })) },
    { name: "the cost cap's role trusting Budgets without its aws:SourceAccount", stack: "ops", code: "BT-OPS-FOREIGN-TRUST", sides: ["inputs", "outputs"],
      edit: (doc, side) => editTrust(doc, side, "BedrockTenancyCostCapAction", (d) => delete d.Statement[0].Condition) },
    { name: "an ops role trusted by IAM Roles Anywhere", stack: "ops", code: "BT-OPS-FOREIGN-TRUST", sides: ["inputs"],
      edit: (doc) => push(doc, ...role("ops", "Anywhere", serviceTrust("rolesanywhere.amazonaws.com", { StringEquals: { "aws:SourceAccount": OPS } }), allow("cloudwatch:GetMetricData"))) },
    // Keys whose material is outside KMS. A property the shipped key does not hold is read from outputs when inputs lack it, so inputs only.
    { name: "the audit key in an external key store", stack: "customer-a", code: "BT-CUSTOMER-KEY", sides: ["inputs"],
      edit: (doc, side) => {
          setProp(customerKey(doc), side, "customKeyStoreId", "cks-1234567890abcdef0");
          setProp(customerKey(doc), side, "xksKeyId", "outside-key-1");
      } },
    { name: "the audit key in a custom key store (customKeyStoreId only)", stack: "customer-a", code: "BT-CUSTOMER-KEY", sides: ["inputs"],
      edit: (doc, side) => setProp(customerKey(doc), side, "customKeyStoreId", "cks-1234567890abcdef0") },
    { name: "an ops key in an external key store", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, opsKey({ customKeyStoreId: "cks-1234567890abcdef0", xksKeyId: "outside-key-1" })) },
];

/** Shapes a principal may hold: reads on `*`, writes on the stack's own resources, and a foreign-trusted role that holds no Allow. */
export const IDENTITY_CONTROLS: { name: string; stack: "ops" | "customer-a"; edit: (doc: StackDoc) => void }[] = [
    { name: "an ops role reading metrics, alarms and log groups on *", stack: "ops",
      edit: (doc) => push(doc, ...role("ops", "Watcher", lambdaTrust, allow(["cloudwatch:GetMetricData", "cloudwatch:ListMetrics", "cloudwatch:DescribeAlarms", "logs:Describe*"]))) },
    { name: "an ops role publishing to the fleet's own topic", stack: "ops",
      edit: (doc) => push(doc, ...role("ops", "Warner", lambdaTrust, allow("sns:Publish", TOPIC))) },
    { name: "a customer Lambda role querying the audit log with Logs Insights", stack: "customer-a",
      edit: (doc) => push(doc, ...role("customer-a", "Analyst", lambdaTrust, allow(["logs:StartQuery", "logs:GetQueryResults"], [LOG_GROUP_A, `${LOG_GROUP_A}:*`]))) },
    { name: "a customer role trusted from outside that holds only a Deny", stack: "customer-a",
      edit: (doc) => push(doc, ...role("customer-a", "Parked", trust({ AWS: `arn:aws:iam::${OPS}:root` }), { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }] })) },
    { name: "a second metric filter counting calls by model id", stack: "customer-a",
      edit: (doc) => push(doc, added("customer-a", METRIC_FILTER, "calls-by-model", { logGroupName: AUDIT_GROUP, name: "CallsByModel", pattern: "{ $.modelId = \"*\" }",
          metricTransformation: { name: "Calls", namespace: "BedrockTenancy/customer-a", value: "1", dimensions: { ModelId: "$.modelId" } } })) },
    { name: "a customer Lambda role describing the network and putting metrics on *", stack: "customer-a",
      edit: (doc) => push(doc, ...role("customer-a", "NetWatcher", lambdaTrust, allow(["ec2:Describe*", "cloudwatch:PutMetricData"]))) },
    // The runtime role as the component makes it for each compute, which the component records: the service needs iam:PassRole, which no other account holds.
    { name: "the runtime role as the component makes it for ECS tasks", stack: "customer-a",
      edit: (doc) => {
          for (const side of ["inputs", "outputs"] as const) editTrust(doc, side, RUNTIME_ROLE, (d) => Object.assign(d, runtimeTrustPolicy("ecs")));
          recordCompute(doc, "ecs");
      } },
    { name: "the runtime role as the component makes it for EC2", stack: "customer-a",
      edit: (doc) => {
          for (const side of ["inputs", "outputs"] as const) editTrust(doc, side, RUNTIME_ROLE, (d) => Object.assign(d, runtimeTrustPolicy("ec2")));
          recordCompute(doc, "ec2");
      } },
    { name: "a customer role trusted by EventBridge Scheduler, held to the account by aws:SourceAccount", stack: "customer-a",
      edit: (doc) => push(doc, ...role("customer-a", "Scheduled", serviceTrust("scheduler.amazonaws.com", { StringEquals: { "aws:SourceAccount": CUSTOMER_A } }), READ_AUDIT)) },
    { name: "a customer role trusted by EventBridge, held to the account's rules by aws:SourceArn (ArnLike)", stack: "customer-a",
      edit: (doc) => push(doc, ...role("customer-a", "RuleTarget", serviceTrust("events.amazonaws.com", { ArnLike: { "aws:SourceArn": `arn:aws:events:*:${CUSTOMER_A}:rule/*` } }), READ_AUDIT)) },
    { name: "an ops role trusted by Lambda without an account condition", stack: "ops",
      edit: (doc) => push(doc, ...role("ops", "Reporter", lambdaTrust, allow("cloudwatch:GetMetricData"))) },
    { name: "the audit key as a refresh records it, custom key store settings empty", stack: "customer-a",
      edit: (doc) => setProp(customerKey(doc), "outputs", "customKeyStoreId", "") },
    { name: "a customer role describing its account's S3 batch jobs and reading the archive", stack: "customer-a",
      edit: (doc) => push(doc, ...role("customer-a", "JobWatcher", lambdaTrust, allow(["s3:DescribeJob", "s3:GetObject"], [`arn:aws:s3:us-east-1:${CUSTOMER_A}:job/*`, `arn:aws:s3:::${ARCHIVE_A}/*`]))) },
];
