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
const subscription = (name: string, props: Record<string, unknown>) => added("ops", SUBSCRIPTION, name, { topic: WARNINGS, ...props });
const budgetNotifying = (topic: string) => [{ comparisonOperator: "GREATER_THAN", notificationType: "ACTUAL", threshold: 80, thresholdType: "PERCENTAGE", subscriberSnsTopicArns: [topic] }];
/** An object in the shape of a Pulumi asset, holding a value where the property takes text. */
const assetHolding = (text: string) => ({ [SIG]: ASSET_SIG, text });

export const DESTINATION_MUTATIONS: Mutation[] = [
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

    // An asset's shape outside a function's code.
    { name: "the runtime's key given as an asset holding another account's key", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "kmsKeyArn", assetHolding(`arn:aws:kms:us-east-1:${CUSTOMER_B}:key/1234`)) },
    { name: "a tenant's quota topic keyed by an asset holding another account's key", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(find(doc, TOPIC, named("BedrockTenancyQuota-customer-a-warnings")), side, "kmsMasterKeyId", assetHolding(`arn:aws:kms:us-east-1:${CUSTOMER_B}:key/1234`)) },
];

export const DESTINATION_CONTROLS: { name: string; stack: "ops" | "customer-a"; edit: (doc: StackDoc) => void }[] = [
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
      edit: (doc) => (quotaAlarm(doc).inputs.threshold = 123456789012) },
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
    { name: "a customer provider that refuses the ops account", stack: "customer-a",
      edit: (doc) => push(doc, added("customer-a", "pulumi:providers:aws", "guarded", { region: "us-east-1", forbiddenAccountIds: [OPS] })) },
];
