/**
 * Paths out of either account, and functions running code or settings from
 * elsewhere: the mutations of the shipped plans that must raise a finding,
 * and the shapes the fleet uses that must not. A property the shipped plan
 * does not hold is added on the `inputs` side only: drift is a changed value.
 */
import type { StackDoc } from "../../support/plan-files";
import { added, ARCHIVE_A, CUSTOMER_A, CUSTOMER_B, find, KEY_A, named, OPS, setProp, type Side } from "../../support/plan-mutations";
import type { Mutation } from "./mutations";
import { UNKNOWN_VALUE } from "../../../verifier/pulumi-formats";

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const FUNCTION = "aws:lambda/function:Function";
const push = (doc: StackDoc, ...rs: any[]) => doc.deployment.resources.push(...rs);
const enforcer = (doc: StackDoc) => find(doc, FUNCTION, named("quota-enforcer-function"));
const runtime = (doc: StackDoc) => find(doc, FUNCTION, (r) => r.urn.endsWith("::customer-a-function"));
const policy = (Principal: unknown, Action: unknown, Resource: unknown) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal, Action, Resource }] });

/** A CloudWatch Logs data protection policy whose audit finds email addresses and reports them to `destination`. */
const findingsTo = (destination: unknown) => JSON.stringify({ Name: "p", Version: "2021-06-01", Statement: [
    { Sid: "audit", DataIdentifier: ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"], Operation: { Audit: { FindingsDestination: destination } } },
    { Sid: "redact", DataIdentifier: ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"], Operation: { Deidentify: { MaskConfig: {} } } },
] });

/** The function's variables in the clear, whichever way the file holds them (the runtime's are a secret). */
function variablesOf(r: any, side: Side): Record<string, string> {
    const env = r[side].environment ?? r.inputs.environment;
    const clear = env && typeof env.plaintext === "string" ? JSON.parse(env.plaintext) : env;
    return { ...(clear?.variables ?? {}) };
}
const withVariable = (fn: (doc: StackDoc) => any, name: string, value: string) => (doc: StackDoc, side: Side) => {
    const r = fn(doc);
    setProp(r, side, "environment", { variables: { ...variablesOf(r, side), [name]: value } });
};

export const EGRESS_MUTATIONS: Mutation[] = [
    // The ops account: who calls which model, token use and spend must not leave it.
    { name: "an ops event target sending Bedrock's events to another account's bus", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:cloudwatch/eventRule:EventRule", "bedrock-calls", { name: "bedrock-calls", eventPattern: JSON.stringify({ source: ["aws.bedrock"] }) }),
          added("ops", "aws:cloudwatch/eventTarget:EventTarget", "to-b", { rule: "bedrock-calls", arn: `arn:aws:events:us-east-1:${CUSTOMER_B}:event-bus/default` })) },
    { name: "an ops KMS key whose policy lets every principal decrypt", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:kms/key:Key", "ops-key", { policy: policy({ AWS: "*" }, "kms:Decrypt", "*") })) },
    { name: "an ops key policy letting a customer account decrypt", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:kms/keyPolicy:KeyPolicy", "ops-key-policy", { keyId: "ops-key", policy: policy({ AWS: `arn:aws:iam::${CUSTOMER_B}:root` }, "kms:Decrypt", "*") })) },
    { name: "a tenant's quota topic subscribed by another account's queue", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:sns/topicSubscription:TopicSubscription", "b-listens", { topic: `arn:aws:sns:us-east-1:${OPS}:BedrockTenancyQuota-customer-a-warnings`, protocol: "sqs", endpoint: `arn:aws:sqs:us-east-1:${CUSTOMER_B}:spy` })) },
    { name: "an observability link sharing the ops account's metrics and logs with another account", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:oam/link:Link", "share", { labelTemplate: "$AccountName", resourceTypes: ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"], sinkIdentifier: `arn:aws:oam:us-east-1:${CUSTOMER_B}:sink/abc` })) },
    { name: "an ops log group subscribed to another account's destination", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", "enforcer-out", { logGroup: "/aws/lambda/BedrockTenancyQuotaEnforcer", filterPattern: "", destinationArn: `arn:aws:logs:us-east-1:${CUSTOMER_B}:destination:collector` })) },
    { name: "an ops account-level subscription policy to a destination outside the stack", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:cloudwatch/logAccountPolicy:LogAccountPolicy", "all-out", { policyName: "all", policyType: "SUBSCRIPTION_FILTER_POLICY", policyDocument: JSON.stringify({ DestinationArn: `arn:aws:logs:us-east-1:${OPS}:destination:elsewhere`, FilterPattern: "" }) })) },
    { name: "a tenant's quota topic whose inline policy lets another account subscribe", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(find(doc, "aws:sns/topic:Topic", named("BedrockTenancyQuota-customer-a-warnings")), side, "policy",
          policy({ AWS: `arn:aws:iam::${CUSTOMER_B}:root` }, ["sns:Subscribe", "sns:Publish"], `arn:aws:sns:us-east-1:${OPS}:BedrockTenancyQuota-customer-a-warnings`)) },
    { name: "a tenant's budget notifying another account's topic", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(find(doc, "aws:budgets/budget:Budget", named("bedrock-tenant-customer-a")), side, "notifications",
          [{ comparisonOperator: "GREATER_THAN", notificationType: "ACTUAL", threshold: 80, thresholdType: "PERCENTAGE", subscriberSnsTopicArns: [`arn:aws:sns:us-east-1:${CUSTOMER_B}:spend`] }]) },
    { name: "an ops bucket anyone may read", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:s3/bucket:Bucket", "exports", { bucket: "ops-exports" }),
          added("ops", "aws:s3/bucketPolicy:BucketPolicy", "exports-policy", { bucket: "ops-exports", policy: policy("*", "s3:GetObject", "arn:aws:s3:::ops-exports/*") })) },
    { name: "the quota enforcer invocable by SNS topics of another account", stack: "ops", code: "BT-OPS-FOREIGN-TRUST", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:lambda/permission:Permission", "from-sns", { action: "lambda:InvokeFunction", function: "BedrockTenancyQuotaEnforcer", principal: "sns.amazonaws.com", sourceArn: `arn:aws:sns:us-east-1:${CUSTOMER_B}:unblock` })) },
    { name: "the quota enforcer invocable by any account's S3 bucket", stack: "ops", code: "BT-OPS-FOREIGN-TRUST", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:lambda/permission:Permission", "from-s3", { action: "lambda:InvokeFunction", function: "BedrockTenancyQuotaEnforcer", principal: "s3.amazonaws.com" })) },
    { name: "the quota enforcer behind a URL without authentication", stack: "ops", code: "BT-OPS-FOREIGN-TRUST", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:lambda/functionUrl:FunctionUrl", "enforcer-url", { functionName: "BedrockTenancyQuotaEnforcer", authorizationType: "NONE" })) },
    { name: "the quota enforcer's code loaded from a bucket outside the stack", stack: "ops", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc, side) => setProp(enforcer(doc), side, "s3Bucket", "shared-artifacts") },
    { name: "the quota enforcer's image from another account's registry", stack: "ops", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc, side) => setProp(enforcer(doc), side, "imageUri", `${CUSTOMER_B}.dkr.ecr.us-east-1.amazonaws.com/enforcer:latest`) },
    { name: "a layer of another account on the quota enforcer", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(enforcer(doc), side, "layers", [`arn:aws:lambda:us-east-1:${CUSTOMER_B}:layer:patch:1`]) },
    { name: "the quota enforcer given NODE_OPTIONS", stack: "ops", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs", "outputs"],
      edit: withVariable(enforcer, "NODE_OPTIONS", "--require /tmp/hook.js") },

    // The customer account: the runtime sees every prompt.
    { name: "the runtime given NODE_OPTIONS that loads a file", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs", "outputs"],
      edit: withVariable(runtime, "NODE_OPTIONS", "--require /opt/hook.js") },
    { name: "the runtime wrapped by an exec wrapper", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: withVariable(runtime, "AWS_LAMBDA_EXEC_WRAPPER", "/opt/wrap") },
    { name: "the runtime with TLS checks turned off", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: withVariable(runtime, "NODE_TLS_REJECT_UNAUTHORIZED", "0") },
    { name: "the runtime's credentials taken from another endpoint", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: withVariable(runtime, "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://203.0.113.9/creds") },
    { name: "the runtime's code loaded from a bucket outside the stack, by bare name", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "s3Bucket", "ops-artifacts") },
    { name: "the runtime's image from the ops account's registry", stack: "customer-a", code: "BT-ACCOUNT-FUNCTION", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "imageUri", `${OPS}.dkr.ecr.us-east-1.amazonaws.com/runtime:1`) },
    { name: "a role the ops account assumes, reading one tenant prefix of the archive", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", ROLE, "auditor", { name: "Auditor", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OPS}:root` }, Action: "sts:AssumeRole" }] }) }),
          added("customer-a", ROLE_POLICY, "auditor-read", { role: "Auditor", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${ARCHIVE_A}/tenant=customer-a/*` }] }) })) },
    { name: "the archive replicated to a bucket the stack only reads (.get)", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, { ...added("customer-a", "aws:s3/bucket:Bucket", "collector", { bucket: "ops-collector" }), custom: true, external: true },
          added("customer-a", "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "copy", { bucket: ARCHIVE_A, role: `arn:aws:iam::${CUSTOMER_A}:role/replicator`, rules: [{ status: "Enabled", destination: { bucket: "arn:aws:s3:::ops-collector" } }] })) },
    { name: "the runtime invocable by any account's S3 bucket", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:lambda/permission:Permission", "from-s3", { action: "lambda:InvokeFunction", function: "BedrockTenancyRuntime-customer-a", principal: "s3.amazonaws.com" })) },
    // Second hops and other ways to the same data.
    { name: "an ops role trusting one session of a tenant role, with every model", stack: "ops", code: "BT-OPS-ROLE-CHAIN", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", ROLE, "side-door", { name: "SideDoor", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:sts::${OPS}:assumed-role/BedrockTenantAccess-customer-a/bedrock-tenancy-customer-a` }, Action: "sts:AssumeRole" }] }) }),
          added("ops", ROLE_POLICY, "side-door-invoke", { role: "SideDoor", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "bedrock:InvokeModel*", Resource: "*" }] }) })) },
    { name: "a role the ops account assumes, with no policy of its own, given the customer key by a grant", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", ROLE, "reader", { name: "ArchiveReader", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OPS}:root` }, Action: "sts:AssumeRole" }] }) }, { arn: `arn:aws:iam::${CUSTOMER_A}:role/ArchiveReader` }),
          added("customer-a", "aws:kms/grant:Grant", "reader-decrypt", { keyId: KEY_A, granteePrincipal: `arn:aws:iam::${CUSTOMER_A}:role/ArchiveReader`, operations: ["Decrypt"] })) },
    { name: "a grant of CreateGrant on the customer key to a role of the account, which can grant the key to any account", stack: "customer-a", code: "BT-CUSTOMER-KEY", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", ROLE, "ec2", { name: "Ec2", assumeRolePolicy: policy({ Service: "ec2.amazonaws.com" }, "sts:AssumeRole", undefined) }, { arn: `arn:aws:iam::${CUSTOMER_A}:role/Ec2` }),
          added("customer-a", "aws:kms/grant:Grant", "regrant", { keyId: KEY_A, granteePrincipal: `arn:aws:iam::${CUSTOMER_A}:role/Ec2`, operations: ["Decrypt", "CreateGrant"] })) },
    { name: "a grant of CreateGrant on the customer key to the account itself, spelt in another case", stack: "customer-a", code: "BT-CUSTOMER-KEY", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:kms/grant:Grant", "regrant-root", { keyId: KEY_A, granteePrincipal: `arn:aws:iam::${CUSTOMER_A}:root`, operations: ["Decrypt", "createGrant"] })) },
    { name: "a grant on the customer key whose operations are unknown at preview", stack: "customer-a", code: "BT-CUSTOMER-KEY", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:kms/grant:Grant", "regrant-unknown", { keyId: KEY_A, granteePrincipal: `arn:aws:iam::${CUSTOMER_A}:root`, operations: UNKNOWN_VALUE })) },
    { name: "the runtime's log output sent to a log group outside the stack", stack: "customer-a", code: "BT-CUSTOMER-RUNTIME-REDIRECT", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "loggingConfig", { logFormat: "JSON", logGroup: "/aws/lambda/bedrock-tenancy-customer-a" }) },
    { name: "a data protection policy sending its findings to a bucket outside the stack, by bare name", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy", "protect", { logGroupName: "/bedrock-tenancy/customer-a/audit", policyDocument: findingsTo({ S3: { Bucket: "ops-telemetry-999999999999" } }) })) },
    { name: "a log destination of the stack forwarding to a stream outside it", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:cloudwatch/logDestination:LogDestination", "relay", { name: "relay", roleArn: `arn:aws:iam::${CUSTOMER_A}:role/relay`, targetArn: `arn:aws:firehose:us-east-1:${CUSTOMER_A}:deliverystream/leak` }, { arn: `arn:aws:logs:us-east-1:${CUSTOMER_A}:destination:relay` }),
          added("customer-a", "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", "to-relay", { logGroup: "/bedrock-tenancy/customer-a/audit", filterPattern: "", destinationArn: `arn:aws:logs:us-east-1:${CUSTOMER_A}:destination:relay` })) },
    { name: "a VPC endpoint to an endpoint service some account runs", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:ec2/vpcEndpoint:VpcEndpoint", "inspect", { vpcId: "vpc-1", serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", vpcEndpointType: "GatewayLoadBalancer" })) },
    { name: "a tenant's application profile tagged with another tenant's id", stack: "ops", code: "BT-TENANT-METERING", sides: ["inputs", "outputs"],
      edit: (doc, side) => {
          const profile = find(doc, "aws:bedrock/inferenceProfile:InferenceProfile", (r) => r.inputs?.tags?.["bedrock-tenancy:tenant"] === "customer-a");
          setProp(profile, side, "tags", { ...profile[side].tags, "bedrock-tenancy:tenant": "customer-b" });
      } },
    { name: "a data protection policy naming its own log group under the wrong key and another as the target", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy", "protect", { logGroupName: "/bedrock-tenancy/customer-a/audit", policyDocument: findingsTo({ CloudWatchLogs: { Bucket: "/bedrock-tenancy/customer-a/audit", LogGroup: "/elsewhere" } }) })) },
    { name: "another account's queue named in JSON text nested past what the proof reads", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => {
          // One JSON text, its objects nested 300 deep: reading a file counts no nesting inside text.
          let nested: unknown = { queue: `arn:aws:sqs:us-east-1:${CUSTOMER_B}:spy` };
          for (let i = 0; i < 300; i++) nested = { next: nested };
          push(doc, added("ops", "aws:sns/topic:Topic", "deep", { name: "deep", deliveryPolicy: JSON.stringify(nested) }));
      } },
    { name: "the archive bucket granting another account's canonical user read by ACL", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => {
          const archive = find(doc, "aws:s3/bucket:Bucket", (r) => r.inputs?.bucket === ARCHIVE_A);
          archive.inputs = { ...archive.inputs, grants: [{ type: "CanonicalUser", id: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", permissions: ["READ", "READ_ACP"] }] };
      } },
    { name: "an ops bucket opened by the canned ACL public-read-write", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:s3/bucket:Bucket", "drop", { bucket: "ops-drop", acl: "public-read-write" })) },
    { name: "the runtime's dead-letter queue outside the stack, in its own account", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc, side) => setProp(runtime(doc), side, "deadLetterConfig", { targetArn: `arn:aws:sns:us-east-1:${CUSTOMER_A}:somewhere` }) },
    { name: "the quota alarm rule sending its events to an API destination of the ops account", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:cloudwatch/eventTarget:EventTarget", "leak", { rule: "BedrockTenancyQuotaAlarms", arn: `arn:aws:events:us-east-1:${OPS}:api-destination/leak/abcd` })) },
    // A customer account that is the ops account.
    { name: "a tenant listing the ops account as one of its customer accounts", stack: "ops", code: "BT-FLEET-RULE", sides: ["inputs"],
      edit: (doc) => {
          const access = find(doc, "bedrock-tenancy:index:BedrockTenantAccess", (r) => r.outputs?.tenantId === "customer-a");
          access.outputs = { ...access.outputs, accounts: [...access.outputs.accounts, OPS] };
      } },
    { name: "a customer stack deploying into the ops account", stack: "customer-a", code: "BT-CUSTOMER-TENANT", sides: ["inputs"],
      edit: (doc) => {
          const logging = find(doc, "bedrock-tenancy:index:PrivateInvocationLogging", () => true);
          logging.outputs = { ...logging.outputs, accountId: OPS };
      } },
];

export const EGRESS_CONTROLS: { name: string; stack: "ops" | "customer-a"; edit: (doc: StackDoc) => void }[] = [
    { name: "a tenant's budget notifying a topic of the ops account", stack: "ops",
      edit: (doc) => (find(doc, "aws:budgets/budget:Budget", named("bedrock-tenant-customer-a")).inputs.notifications = [
          { comparisonOperator: "GREATER_THAN", notificationType: "ACTUAL", threshold: 80, thresholdType: "PERCENTAGE", subscriberSnsTopicArns: [`arn:aws:sns:us-east-1:${OPS}:BedrockTenancyQuota-customer-a-warnings`] }]) },
    { name: "a quota topic whose policy lets CloudWatch of the ops account publish", stack: "ops",
      edit: (doc) => (find(doc, "aws:sns/topic:Topic", named("BedrockTenancyQuota-customer-a-warnings")).inputs.policy = JSON.stringify({ Version: "2012-10-17", Statement: [
          { Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: "*", Condition: { StringEquals: { "aws:SourceAccount": OPS } } },
          { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OPS}:root` }, Action: "sns:Subscribe", Resource: "*" }] })) },
    { name: "a data protection policy on another log group sending its findings to the stack's own log group", stack: "customer-a",
      edit: (doc) => push(doc, added("customer-a", "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy", "protect", { logGroupName: "/app/requests", policyDocument: findingsTo({ CloudWatchLogs: { LogGroup: "/bedrock-tenancy/customer-a/audit" } }) })) },
    { name: "a grant of Decrypt and GenerateDataKey on the customer key to a role of the account", stack: "customer-a",
      edit: (doc) => push(doc, added("customer-a", "aws:kms/grant:Grant", "reader", { keyId: KEY_A, granteePrincipal: `arn:aws:iam::${CUSTOMER_A}:root`, operations: ["Decrypt", "GenerateDataKey"] })) },
    { name: "the runtime with TZ set and its code in a bucket of the stack", stack: "customer-a",
      edit: (doc) => {
          const r = runtime(doc);
          r.inputs.environment = { variables: { ...variablesOf(r, "inputs"), TZ: "UTC" } };
          r.inputs.s3Bucket = ARCHIVE_A;
      } },
];
