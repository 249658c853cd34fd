/**
 * Where a resource sends what it carries: every destination property of
 * every type the proof knows must end at a resource the stack itself holds
 * (not the stack's outputs, a component's, a provider's or a `.get()` read),
 * a bucket given by plain name must be a bucket of the stack, a bare account
 * id other than the stack's own is a path out, and an asset's shape hides
 * nothing outside a function's code. The mutations must raise a finding; the
 * controls are shapes the fleet uses or may use. A property the shipped plan
 * does not hold is added on the `inputs` side only: drift is a changed value.
 */
import type { StackDoc } from "../../support/plan-files";
import { added, ARCHIVE_A, CUSTOMER_A, CUSTOMER_B, find, named, OPS, setProp } from "../../support/plan-mutations";
import type { Mutation } from "./mutations";

const SIG = "4dabf18193072939515e22adb298388d";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const FUNCTION = "aws:lambda/function:Function";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const SUBSCRIPTION_FILTER = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter";
const BUCKET = "aws:s3/bucket:Bucket";
const push = (doc: StackDoc, ...rs: any[]) => doc.deployment.resources.push(...rs);
const stackOf = (doc: StackDoc) => find(doc, "pulumi:pulumi:Stack", () => true);
const enforcer = (doc: StackDoc) => find(doc, FUNCTION, named("quota-enforcer-function"));
const runtime = (doc: StackDoc) => find(doc, FUNCTION, (r) => r.urn.endsWith("::customer-a-function"));
const archive = (doc: StackDoc) => find(doc, BUCKET, (r) => r.inputs?.bucket === ARCHIVE_A);
const quotaAlarm = (doc: StackDoc) => find(doc, ALARM, (r) => r.urn.endsWith("::tenants-customer-a-quota-daily"));
const warningAlarm = (doc: StackDoc) => find(doc, ALARM, (r) => r.urn.endsWith("::tenants-customer-a-quota-daily-warning"));
const throttleAlarm = (doc: StackDoc) => find(doc, ALARM, (r) => r.urn.endsWith("::customer-a-throttle-alarm"));
const glueTable = (doc: StackDoc) => find(doc, "aws:glue/catalogTable:CatalogTable", (r) => r.urn.endsWith("::customer-a-archive-table"));
const WARNINGS = `arn:aws:sns:us-east-1:${OPS}:BedrockTenancyQuota-customer-a-warnings`;
const ENFORCER_ARN = `arn:aws:lambda:us-east-1:${OPS}:function:BedrockTenancyQuotaEnforcer`;
const AUDIT_LOG = "/bedrock-tenancy/customer-a/audit";
const LOG_GROUP = `arn:aws:logs:us-east-1:${CUSTOMER_A}:log-group:${AUDIT_LOG}`;
const subscription = (name: string, props: Record<string, unknown>) => added("ops", SUBSCRIPTION, name, { topic: WARNINGS, ...props });
const budgetNotifying = (topic: string) => [{ comparisonOperator: "GREATER_THAN", notificationType: "ACTUAL", threshold: 80, thresholdType: "PERCENTAGE", subscriberSnsTopicArns: [topic] }];
/** An object in the shape of a Pulumi asset, holding a value where the property takes text. */
const assetHolding = (text: string) => ({ [SIG]: ASSET_SIG, text });
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
const SHADOW = `btn-customer-a-shadow-${CUSTOMER_A}`;
const ALERTS = `arn:aws:sns:us-east-1:${CUSTOMER_A}:bedrock-tenancy-customer-a-alerts`;
const allowing = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const warningsTopic = (doc: StackDoc) => find(doc, TOPIC, named("BedrockTenancyQuota-customer-a-warnings"));
/** A topic of the customer stack, subscribed by a web endpoint. */
const alertsTopic = () => [
    added("customer-a", TOPIC, "alerts", { name: "bedrock-tenancy-customer-a-alerts", region: "us-east-1" }, { arn: ALERTS }),
    added("customer-a", SUBSCRIPTION, "alerts-hook", { topic: ALERTS, protocol: "https", endpoint: "https://hooks.example.com/alerts" }),
];
/** A second bucket of the customer stack, with none of the archive's protections. */
const shadowBucket = () => added("customer-a", BUCKET_V2, "shadow", { bucket: SHADOW, region: "us-east-1" }, { arn: `arn:aws:s3:::${SHADOW}` });
/** The runtime's environment variables, its secret opened. */
function runtimeVariables(r: any, side: "inputs" | "outputs"): Record<string, string> {
    const env = r[side].environment ?? r.inputs.environment;
    const clear = env && typeof env.plaintext === "string" ? JSON.parse(env.plaintext) : env;
    return { ...(clear?.variables ?? {}) };
}
const tokenFilter = (doc: StackDoc) => find(doc, METRIC_FILTER, (r) => r.urn.endsWith("::customer-a-input-tokens"));
/** A data protection policy whose audit finds e-mail addresses and reports them to `destination`. */
const findingsTo = (destination: unknown) => JSON.stringify({ Name: "p", Version: "2021-06-01", Statement: [
    { Sid: "audit", DataIdentifier: ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"], Operation: { Audit: { FindingsDestination: destination } } },
] });

export const DESTINATION_MUTATIONS: Mutation[] = [
    { name: "a quota topic whose default-shaped policy holds requests to the account only if a source account is present (IfExists)", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(find(doc, TOPIC, () => true), side, "policy", defaultTopicPolicy(WARNINGS, OPS).replace('"StringEquals"', '"StringEqualsIfExists"')) },
    { name: "a bucket without ownership controls granting a canonical user FULL_CONTROL by ACL", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", BUCKET, "second-bucket", { bucket: "btn-customer-a-second-111111111111", grants: [{ id: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", type: "CanonicalUser", permissions: ["FULL_CONTROL"] }] })) },
    // What the stack holds: only resources of the aws provider; the stack's outputs, components and providers say whatever the program writes.
    { name: "an ops stack output named arn naming a delivery stream, and an event target sending there", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => {
          stackOf(doc).outputs.arn = `arn:aws:firehose:us-east-1:${OPS}:deliverystream/exfil`;
          push(doc, added("ops", EVENT_TARGET, "to-stream", { rule: "BedrockTenancyQuotaAlarms", arn: `arn:aws:firehose:us-east-1:${OPS}:deliverystream/exfil` }));
      } },
    { name: "a customer stack output named arn naming a delivery stream, and the audit log subscribed to it", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => {
          stackOf(doc).outputs.arn = `arn:aws:firehose:us-east-1:${CUSTOMER_A}:deliverystream/exfil`;
          push(doc, added("customer-a", SUBSCRIPTION_FILTER, "to-stream", { logGroup: AUDIT_LOG, filterPattern: "", destinationArn: `arn:aws:firehose:us-east-1:${CUSTOMER_A}:deliverystream/exfil` }));
      } },
    { name: "the quota enforcer component's output named arn naming a queue, and the enforcer's dead-letter queue there", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc, side) => {
          find(doc, "bedrock-tenancy:index:QuotaEnforcer", () => true).outputs.arn = `arn:aws:sqs:us-east-1:${OPS}:collector`;
          setProp(enforcer(doc), side, "deadLetterConfig", { targetArn: `arn:aws:sqs:us-east-1:${OPS}:collector` });
      } },
    { name: "a provider whose outputs hold an arn naming a delivery stream, and an event target sending there", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "pulumi:providers:aws", "extra", { region: "us-east-1" }, { arn: `arn:aws:firehose:us-east-1:${OPS}:deliverystream/exfil` }),
          added("ops", EVENT_TARGET, "to-stream", { rule: "BedrockTenancyQuotaAlarms", arn: `arn:aws:firehose:us-east-1:${OPS}:deliverystream/exfil` })) },
    { name: "a bucket whose arn names a delivery stream, and the audit log subscribed to that stream", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", BUCKET, "decoy", { bucket: "decoy-111111111111", arn: `arn:aws:firehose:us-east-1:${CUSTOMER_A}:deliverystream/exfil` }),
          added("customer-a", SUBSCRIPTION_FILTER, "to-stream", { logGroup: AUDIT_LOG, filterPattern: "", destinationArn: `arn:aws:firehose:us-east-1:${CUSTOMER_A}:deliverystream/exfil` })) },

    // Destinations inside the account that the stack does not hold.
    { name: "a tenant's quota topic subscribed by a queue of the ops account outside the stack", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, subscription("to-queue", { protocol: "sqs", endpoint: `arn:aws:sqs:us-east-1:${OPS}:exfil` })) },
    { name: "a tenant's quota topic subscribed by a function of the ops account outside the stack", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, subscription("to-function", { protocol: "lambda", endpoint: `arn:aws:lambda:us-east-1:${OPS}:function:forwarder` })) },
    { name: "a tenant's quota topic subscribed by a delivery stream of the ops account", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, subscription("to-stream", { protocol: "firehose", endpoint: `arn:aws:firehose:us-east-1:${OPS}:deliverystream/exfil`, subscriptionRoleArn: `arn:aws:iam::${OPS}:role/fh` })) },
    { name: "the enforcer's subscription sending what it cannot deliver to a queue outside the stack (redrive policy as JSON text)", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, subscription("to-enforcer", { protocol: "lambda", endpoint: ENFORCER_ARN, redrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:${OPS}:redrive` }) })) },
    { name: "a tenant's quota topic subscribed by a protocol the proof does not know", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, subscription("odd", { protocol: "mqtt", endpoint: "broker.example.com" })) },
    { name: "a tenant's quota alarm invoking a function of the ops account outside the stack", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(quotaAlarm(doc), side, "alarmActions", [`arn:aws:lambda:us-east-1:${OPS}:function:forwarder`]) },
    { name: "a tenant's warning alarm notifying a topic of the ops account outside the stack on OK", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(warningAlarm(doc), side, "okActions", [`arn:aws:sns:us-east-1:${OPS}:forward-anywhere`]) },
    { name: "a tenant's composite quota alarm opening an OpsItem on insufficient data", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(find(doc, "aws:cloudwatch/compositeAlarm:CompositeAlarm", (r) => r.urn.endsWith("::tenants-customer-a-quota")), side, "insufficientDataActions", [`arn:aws:ssm:us-east-1:${OPS}:opsitem:3`]) },
    { name: "a tenant's budget notifying a topic of the ops account outside the stack", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(find(doc, "aws:budgets/budget:Budget", named("bedrock-tenant-customer-a")), side, "notifications", budgetNotifying(`arn:aws:sns:us-east-1:${OPS}:forward-anywhere`)) },
    { name: "a tenant's cost-cap action notifying a topic of the ops account outside the stack", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(find(doc, "aws:budgets/budgetAction:BudgetAction", (r) => r.urn.endsWith("::tenants-customer-a-cost-cap")), side, "subscribers", [{ address: `arn:aws:sns:us-east-1:${OPS}:forward-anywhere`, subscriptionType: "SNS" }]) },
    { name: "the quota alarm rule's target sending what it cannot deliver to a queue outside the stack", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(find(doc, EVENT_TARGET, (r) => r.urn.endsWith("::quota-enforcer-alarms")), side, "deadLetterConfig", { arn: `arn:aws:sqs:us-east-1:${OPS}:failed-events` }) },
    { name: "an observability link to a sink of the ops account outside the stack", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:oam/link:Link", "share", { labelTemplate: "$AccountName", resourceTypes: ["AWS::Logs::LogGroup"], sinkIdentifier: `arn:aws:oam:us-east-1:${OPS}:sink/abc` })) },
    { name: "the customer's throttle alarm notifying a topic of the account outside the stack", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(throttleAlarm(doc), side, "alarmActions", [`arn:aws:sns:us-east-1:${CUSTOMER_A}:collector`]) },
    { name: "the runtime mounting a file system the stack does not hold", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "fileSystemConfig", { arn: `arn:aws:elasticfilesystem:us-east-1:${CUSTOMER_A}:access-point/fsap-0123456789abcdef0`, localMountPath: "/mnt/keep" }) },

    // Another account named by its bare id.
    { name: "the archive's table created in the ops account's catalog", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(glueTable(doc), side, "catalogId", OPS) },
    { name: "the archive's table in the ops account's catalog, its id given as a number", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(glueTable(doc), side, "catalogId", Number(OPS)) },
    { name: "the archive's database a link to a database of another customer's account", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(find(doc, "aws:glue/catalogDatabase:CatalogDatabase", (r) => r.urn.endsWith("::customer-a-archive-db")), side, "targetDatabase", { catalogId: CUSTOMER_B, databaseName: "exfil" }) },
    { name: "an ops event rule naming another account in its pattern (JSON text)", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:cloudwatch/eventRule:EventRule", "their-calls", { name: "their-calls", eventPattern: JSON.stringify({ source: ["aws.bedrock"], detail: { recipientAccountId: [CUSTOMER_B] } }) })) },

    // Buckets and locations given by plain name.
    { name: "the archive's access logs delivered to a bucket outside the stack, by plain name", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(archive(doc), side, "logging", { targetBucket: "central-logs-collector", targetPrefix: "archive/" }) },
    { name: "the archive's access logs delivered to a bucket outside the stack, in the list form", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(archive(doc), side, "loggings", [{ targetBucket: "central-logs-collector", targetPrefix: "archive/" }]) },
    { name: "a bucket logging resource delivering the archive's access logs outside the stack", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:s3/bucketLoggingV2:BucketLoggingV2", "archive-logs", { bucket: ARCHIVE_A, targetBucket: "central-logs-collector", targetPrefix: "archive/" })) },
    { name: "the archive's workgroup writing query logs to a log group outside the stack", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc, side) => {
          const workgroup = find(doc, "aws:athena/workgroup:Workgroup", (r) => r.urn.endsWith("::customer-a-archive-workgroup"));
          setProp(workgroup, side, "configuration", { ...workgroup.inputs.configuration, monitoringConfiguration: { cloudWatchLoggingConfiguration: { enabled: true, logGroup: "/shared/athena-queries" } } });
      } },
    { name: "the archive's table located outside its bucket under another scheme", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc, side) => {
          const table = glueTable(doc);
          setProp(table, side, "storageDescriptor", { ...table.inputs.storageDescriptor, location: "s3a://ops-lake/tenant=customer-a/" });
      } },

    // A topic that notifies people or web endpoints passes on whatever reaches it: only alarms and budgets may feed it.
    { name: "an ops event rule sending Bedrock and STS calls to a topic of the stack subscribed by a web endpoint", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc,
          added("ops", "aws:cloudwatch/eventRule:EventRule", "all-calls", { name: "AllCalls", region: "us-east-1", eventPattern: JSON.stringify({ source: ["aws.bedrock", "aws.sts"], "detail-type": ["AWS API Call via CloudTrail"] }) }),
          added("ops", TOPIC, "relay", { name: "relay", region: "us-east-1" }, { arn: `arn:aws:sns:us-east-1:${OPS}:relay` }),
          added("ops", EVENT_TARGET, "all-calls", { rule: "AllCalls", region: "us-east-1", arn: `arn:aws:sns:us-east-1:${OPS}:relay` }),
          added("ops", SUBSCRIPTION, "relay-out", { topic: `arn:aws:sns:us-east-1:${OPS}:relay`, protocol: "https", endpoint: "https://collector.example.com/ingest", region: "us-east-1" })) },
    { name: "the enforcer's failed events sent to a tenant's quota topic that e-mails someone", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc, side) => {
          push(doc, subscription("to-people", { protocol: "email", endpoint: "oncall@example.com" }));
          setProp(enforcer(doc), side, "deadLetterConfig", { targetArn: WARNINGS });
      } },
    { name: "a tenant's quota topic that texts someone, its policy letting EventBridge of the account publish", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc, side) => {
          push(doc, subscription("to-phone", { protocol: "sms", endpoint: "+15555550100" }));
          setProp(warningsTopic(doc), side, "policy", allowing({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: WARNINGS, Condition: { StringEquals: { "aws:SourceAccount": OPS } } }));
      } },
    { name: "the quota enforcer allowed to publish to the account's topics, one of which e-mails someone", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, subscription("to-people", { protocol: "email-json", endpoint: "oncall@example.com" }),
          added("ops", ROLE_POLICY, "enforcer-notify", { role: "BedrockTenancyQuotaEnforcer", name: "notify", policy: allowing({ Effect: "Allow", Action: "sns:Publish", Resource: `arn:aws:sns:us-east-1:${OPS}:*` }) })) },
    { name: "the runtime role allowed to publish to a topic of the stack subscribed by a web endpoint", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, ...alertsTopic(),
          added("customer-a", ROLE_POLICY, "runtime-notify", { role: "BedrockTenancyRuntime-customer-a", name: "notify", policy: allowing({ Effect: "Allow", Action: "SNS:Publish", Resource: ALERTS }) })) },

    // Data protection policies send samples of what they find: every document with findings destinations.
    { name: "a tenant's quota topic whose data protection policy sends its findings to a bucket and a stream outside the stack, by plain name", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(warningsTopic(doc), side, "dataProtectionPolicy", findingsTo({ S3: { Bucket: "findings-collector" }, Firehose: { DeliveryStream: "exfil" } })) },
    { name: "a log data protection policy whose findings destinations are recorded as a list", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy", "protect", { logGroupName: AUDIT_LOG, policyDocument: findingsTo([{ S3: { Bucket: "findings-collector" } }]) })) },
    { name: "an account log policy of a type the proof does not read", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:cloudwatch/logAccountPolicy:LogAccountPolicy", "extract", { policyName: "extract", policyType: "METRIC_EXTRACTION_POLICY", policyDocument: JSON.stringify({ Dimensions: ["$.userId"] }) })) },

    // A service principal acts for whichever account's resource calls it.
    { name: "a second bucket whose policy lets CloudFront of any account read it", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, shadowBucket(), added("customer-a", BUCKET_POLICY, "shadow-policy", { bucket: SHADOW, policy: allowing(
          { Sid: "Cdn", Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${SHADOW}/*` }) })) },
    { name: "a tenant's quota topic whose policy lets EventBridge of any account publish", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(warningsTopic(doc), side, "policy", allowing({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: WARNINGS })) },
    { name: "a log resource policy letting log delivery write for an organization", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "delivery", { policyName: "delivery", policyDocument: allowing(
          { Effect: "Allow", Principal: { Service: "delivery.logs.amazonaws.com" }, Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${LOG_GROUP}:*`, Condition: { StringEquals: { "aws:SourceOrgID": "o-exampleorg" } } }) })) },
    { name: "a tenant's quota topic whose policy lets Budgets publish if the request names no account", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(warningsTopic(doc), side, "policy", allowing({ Effect: "Allow", Principal: { Service: "budgets.amazonaws.com" }, Action: "sns:Publish", Resource: WARNINGS, Condition: { StringEqualsIfExists: { "aws:SourceAccount": OPS } } })) },

    // The runtime archives to the component's archive, with the component's key.
    { name: "the runtime archiving to a second bucket of the stack without the archive's protections", stack: "customer-a", code: "BT-CUSTOMER-RUNTIME-REDIRECT", sides: ["inputs", "outputs"],
      edit: (doc, side) => {
          push(doc, shadowBucket());
          setProp(runtime(doc), side, "environment", { variables: { ...runtimeVariables(runtime(doc), side), BEDROCK_TENANCY_ARCHIVE_BUCKET: SHADOW } });
      } },
    { name: "the runtime encrypting the archive with a second key of the stack", stack: "customer-a", code: "BT-CUSTOMER-RUNTIME-REDIRECT", sides: ["inputs", "outputs"],
      edit: (doc, side) => {
          const other = `arn:aws:kms:us-east-1:${CUSTOMER_A}:key/0ther`;
          push(doc, added("customer-a", "aws:kms/key:Key", "other-key", { policy: allowing({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${CUSTOMER_A}:root` }, Action: "kms:*", Resource: "*" }) }, { arn: other, keyId: "0ther" }));
          setProp(runtime(doc), side, "environment", { variables: { ...runtimeVariables(runtime(doc), side), BEDROCK_TENANCY_ARCHIVE_KMS_KEY_ARN: other } });
      } },

    { name: "the runtime assuming customer-b's ops role, its name differing from customer-a's only in case and tenant", stack: "customer-a", code: "BT-CUSTOMER-RUNTIME-REDIRECT", sides: ["inputs", "outputs"],
      edit: (doc, side) => {
          const vars = runtimeVariables(runtime(doc), side);
          setProp(runtime(doc), side, "environment", { variables: { ...vars, BEDROCK_TENANCY_OPS_ROLE_ARN: vars.BEDROCK_TENANCY_OPS_ROLE_ARN.replace("BedrockTenantAccess-customer-a", "bedrocktenantaccess-customer-b") } });
      } },

    { name: "the runtime assuming a role of the tenant's ops role name and account in the aws-cn partition", stack: "customer-a", code: "BT-CUSTOMER-RUNTIME-REDIRECT", sides: ["inputs", "outputs"],
      edit: (doc, side) => {
          const vars = runtimeVariables(runtime(doc), side);
          setProp(runtime(doc), side, "environment", { variables: { ...vars, BEDROCK_TENANCY_OPS_ROLE_ARN: vars.BEDROCK_TENANCY_OPS_ROLE_ARN.replace("arn:aws:", "arn:aws-cn:") } });
      } },

    // Values a check reads, recorded in another shape: read as the block they hold, or refused.
    { name: "the runtime's environment recorded as a list of one, setting NODE_OPTIONS", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "environment", [{ variables: { ...runtimeVariables(runtime(doc), side), NODE_OPTIONS: "--require /tmp/x.js" } }]) },
    { name: "the runtime's environment recorded as JSON text, setting NODE_OPTIONS", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "environment", JSON.stringify({ variables: { ...runtimeVariables(runtime(doc), side), NODE_OPTIONS: "--require /tmp/x.js" } })) },
    { name: "the runtime's environment variables recorded as a list of pairs", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "environment", { variables: [["NODE_OPTIONS", "--require /tmp/x.js"]] }) },
    { name: "the quota enforcer's environment recorded as a list of one, setting NODE_OPTIONS", stack: "ops", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(enforcer(doc), side, "environment", [{ variables: { QUOTA_MAX_EVENT_AGE_SECONDS: "900", NODE_OPTIONS: "--require /tmp/x.js" } }]) },
    { name: "a token metric filter's transformation recorded as JSON text, taking the user id as a dimension", stack: "customer-a", code: "BT-CUSTOMER-METRIC-CONTENT", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(tokenFilter(doc), side, "metricTransformation", JSON.stringify({ ...tokenFilter(doc).inputs.metricTransformation, dimensions: { User: "$.userId" } })) },
    { name: "a token metric filter's transformation recorded as a list of one JSON text, taking the user id as a dimension", stack: "customer-a", code: "BT-CUSTOMER-METRIC-CONTENT", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(tokenFilter(doc), side, "metricTransformation", [JSON.stringify({ ...tokenFilter(doc).inputs.metricTransformation, dimensions: { User: "$.userId" } })]) },
    { name: "a second bucket encrypted by default with a key outside the stack, the rule recorded as a list of one", stack: "customer-a", code: "BT-CUSTOMER-KEY", sides: ["inputs"],
      edit: (doc) => push(doc, shadowBucket(), added("customer-a", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "shadow-sse", { bucket: SHADOW, rules: [{ applyServerSideEncryptionByDefault: [{ sseAlgorithm: "aws:kms", kmsMasterKeyId: `arn:aws:kms:us-east-1:${CUSTOMER_A}:key/not-in-stack` }] }] })) },
    { name: "a second bucket granting access by ACL, the grants recorded as one object", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", BUCKET_V2, "shadow", { bucket: SHADOW, region: "us-east-1", grants: { type: "CanonicalUser", id: "be0a6a9d6b0e1c5bd3f7c2a8e4d9b1f06c3a5e7d9f1b3c5e7a9c1e3f5a7b9d1f", permissions: ["READ"] } })) },

    // An asset's shape outside a function's code.
    { name: "the runtime's key given as an asset holding another account's key", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "kmsKeyArn", assetHolding(`arn:aws:kms:us-east-1:${CUSTOMER_B}:key/1234`)) },
    { name: "a tenant's quota topic keyed by an asset holding another account's key", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(find(doc, TOPIC, named("BedrockTenancyQuota-customer-a-warnings")), side, "kmsMasterKeyId", assetHolding(`arn:aws:kms:us-east-1:${CUSTOMER_B}:key/1234`)) },
];

/** The policy AWS gives a topic created without one, as a deployed stack's export reports it. */
const defaultTopicPolicy = (arn: string, owner: string) => JSON.stringify({ Version: "2008-10-17", Id: "__default_policy_ID", Statement: [{
    Sid: "__default_statement_ID", Effect: "Allow", Principal: { AWS: "*" },
    Action: ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
    Resource: arn, Condition: { StringEquals: { "AWS:SourceOwner": owner } } }] });

export const DESTINATION_CONTROLS: { name: string; stack: "ops" | "customer-a"; edit: (doc: StackDoc) => void }[] = [
    // IAM keeps one role per name in an account, whatever its case: the ARN names the tenant's ops role or no role.
    { name: "the runtime assuming the tenant's ops role by its ARN with the role name lowercased", stack: "customer-a",
      edit: (doc) => {
          for (const side of ["inputs", "outputs"] as const) {
              const vars = runtimeVariables(runtime(doc), side);
              setProp(runtime(doc), side, "environment", { variables: { ...vars, BEDROCK_TENANCY_OPS_ROLE_ARN: vars.BEDROCK_TENANCY_OPS_ROLE_ARN.replace("BedrockTenantAccess", "bedrocktenantaccess") } });
          }
      } },
    { name: "a tenant's quota topic as deployed, with the policy AWS gives a topic created without one", stack: "ops",
      edit: (doc) => void (find(doc, TOPIC, () => true).outputs.policy = defaultTopicPolicy(WARNINGS, OPS)) },
    { name: "the archive bucket as deployed, with the owner's own FULL_CONTROL grant AWS reports under BucketOwnerEnforced", stack: "customer-a",
      edit: (doc) => void (archive(doc).outputs.grants = [{ id: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", type: "CanonicalUser", permissions: ["FULL_CONTROL"], uri: "" }]) },
    { name: "a tag whose value is twelve digits (a cost center), on the log group and its tagsAll", stack: "customer-a",
      edit: (doc) => {
          const group = find(doc, "aws:cloudwatch/logGroup:LogGroup", () => true);
          for (const side of ["inputs", "outputs"] as const) group[side].tags = { ...group[side].tags, "cost-center": "123456789012" };
          group.outputs.tagsAll = { ...group.outputs.tags };
      } },
    { name: "a tenant's warning alarm notifying its own topic on OK too", stack: "ops",
      edit: (doc) => (warningAlarm(doc).inputs.okActions = [WARNINGS]) },
    { name: "a tenant's quota topic subscribed by the quota enforcer, an https endpoint and an e-mail address", stack: "ops",
      edit: (doc) => push(doc, subscription("to-enforcer", { protocol: "lambda", endpoint: ENFORCER_ARN }),
          subscription("to-pager", { protocol: "https", endpoint: "https://pager.example.com/hook" }),
          subscription("to-people", { protocol: "email", endpoint: "oncall@example.com" })) },
    { name: "a tenant's cost-cap action notifying the tenant's own topic", stack: "ops",
      edit: (doc) => (find(doc, "aws:budgets/budgetAction:BudgetAction", (r) => r.urn.endsWith("::tenants-customer-a-cost-cap")).inputs.subscribers = [
          { address: WARNINGS, subscriptionType: "SNS" }, { address: "finops@example.com", subscriptionType: "EMAIL" }]) },
    { name: "a new topic whose ARN AWS has not recorded yet, notified by a tenant's alarm", stack: "ops",
      edit: (doc) => {
          push(doc, added("ops", TOPIC, "new-topic", { name: "BedrockTenancyQuota-customer-a-new", region: "us-east-1" }));
          quotaAlarm(doc).inputs.alarmActions = [`arn:aws:sns:us-east-1:${OPS}:BedrockTenancyQuota-customer-a-new`];
      } },
    { name: "a tenant's budget notifying its own topic", stack: "ops",
      edit: (doc) => (find(doc, "aws:budgets/budget:Budget", named("bedrock-tenant-customer-a")).inputs.notifications = budgetNotifying(WARNINGS)) },
    { name: "a tenant's quota alarm threshold of twelve digits", stack: "ops",
      edit: (doc) => {
          const threshold = 123456789012;
          quotaAlarm(doc).inputs.threshold = threshold;
          if (quotaAlarm(doc).outputs.threshold !== undefined) quotaAlarm(doc).outputs.threshold = threshold;
          // The quota asked for that limit: the alarm is held to its tenant's intent.
          const tenant = find(doc, "bedrock-tenancy:index:BedrockTenantAccess", (r) => r.outputs.tenantId === "customer-a");
          tenant.outputs.quotaAlarms["BedrockTenancyQuotaPart-customer-a-daily"].threshold = threshold;
      } },
    { name: "the customer's throttle alarm notifying a topic of the stack", stack: "customer-a",
      edit: (doc) => {
          push(doc, added("customer-a", TOPIC, "alerts", { name: "bedrock-tenancy-customer-a-alerts", region: "us-east-1" }, { arn: `arn:aws:sns:us-east-1:${CUSTOMER_A}:bedrock-tenancy-customer-a-alerts` }));
          throttleAlarm(doc).inputs.alarmActions = [`arn:aws:sns:us-east-1:${CUSTOMER_A}:bedrock-tenancy-customer-a-alerts`];
      } },
    { name: "the archive's access logs delivered to a logs bucket of the stack, inline and by a logging resource", stack: "customer-a",
      edit: (doc) => {
          push(doc, added("customer-a", BUCKET, "access-logs", { bucket: "btn-customer-a-access-logs-111111111111" }),
              added("customer-a", "aws:s3/bucketLoggingV2:BucketLoggingV2", "archive-logs", { bucket: ARCHIVE_A, targetBucket: "btn-customer-a-access-logs-111111111111", targetPrefix: "archive/" }));
          archive(doc).inputs.logging = { targetBucket: "btn-customer-a-access-logs-111111111111", targetPrefix: "inline/" };
      } },
    { name: "a tenant's quota topic that e-mails someone, fed by its alarms and budget, its policy letting CloudWatch and Budgets of the account publish", stack: "ops",
      edit: (doc) => {
          push(doc, subscription("to-people", { protocol: "email", endpoint: "oncall@example.com" }));
          find(doc, "aws:budgets/budget:Budget", named("bedrock-tenant-customer-a")).inputs.notifications = budgetNotifying(WARNINGS);
          quotaAlarm(doc).inputs.alarmActions = [WARNINGS];
          warningsTopic(doc).inputs.policy = allowing(
              { Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: WARNINGS, Condition: { ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:${OPS}:alarm:*` } } },
              { Effect: "Allow", Principal: { Service: "budgets.amazonaws.com" }, Action: "sns:Publish", Resource: WARNINGS, Condition: { StringEquals: { "aws:SourceAccount": OPS } } },
              { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OPS}:root` }, Action: "sns:Publish", Resource: WARNINGS });
      } },
    { name: "the customer's throttle alarm notifying a topic of the stack subscribed by a web endpoint", stack: "customer-a",
      edit: (doc) => {
          push(doc, ...alertsTopic());
          throttleAlarm(doc).inputs.alarmActions = [ALERTS];
      } },
    { name: "a topic of the stack whose data protection policy sends its findings to the audit log group", stack: "customer-a",
      edit: (doc) => push(doc, added("customer-a", TOPIC, "alerts", { name: "bedrock-tenancy-customer-a-alerts", region: "us-east-1", dataProtectionPolicy: findingsTo({ CloudWatchLogs: { LogGroup: AUDIT_LOG } }) }, { arn: ALERTS })) },
    { name: "a second bucket whose policy lets S3 log delivery write for the archive, and CloudFront read for a distribution of the account", stack: "customer-a",
      edit: (doc) => push(doc, shadowBucket(), added("customer-a", BUCKET_POLICY, "shadow-policy", { bucket: SHADOW, policy: allowing(
          { Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${SHADOW}/*`, Condition: { ArnLike: { "aws:SourceArn": `arn:aws:s3:::${ARCHIVE_A}` } } },
          { Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${SHADOW}/*`, Condition: { StringEquals: { "AWS:SourceArn": `arn:aws:cloudfront::${CUSTOMER_A}:distribution/E2EXAMPLE` } } }) })) },
    { name: "the runtime's environment recorded as a list of one, and a token metric filter's transformation as JSON text", stack: "customer-a",
      edit: (doc) => {
          runtime(doc).inputs.environment = [{ variables: runtimeVariables(runtime(doc), "inputs") }];
          tokenFilter(doc).inputs.metricTransformation = JSON.stringify(tokenFilter(doc).inputs.metricTransformation);
      } },
    { name: "a customer provider that refuses the ops account", stack: "customer-a",
      edit: (doc) => push(doc, added("customer-a", "pulumi:providers:aws", "guarded", { region: "us-east-1", forbiddenAccountIds: [OPS] })) },
];
