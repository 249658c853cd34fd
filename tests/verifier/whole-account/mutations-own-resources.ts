/**
 * A team's own resources beside the components, as a platform team adds
 * them: what is harmless must pass, and the same resources made into a path
 * out must not.
 */
import type { StackDoc } from "../../support/plan-files";
import { added, CUSTOMER_A, CUSTOMER_B, OPS } from "../../support/plan-mutations";
import type { Mutation } from "./mutations";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const ENFORCER_LOGS = "/aws/lambda/BedrockTenancyQuotaEnforcer";
const push = (doc: StackDoc, ...rs: any[]) => doc.deployment.resources.push(...rs);
const opsLogGroup = (props: Record<string, unknown>, outputs: Record<string, unknown> = {}) =>
    added("ops", LOG_GROUP, "enforcer-logs", { name: ENFORCER_LOGS, retentionInDays: 90, ...props }, { arn: `arn:aws:logs:us-east-1:${OPS}:log-group:${ENFORCER_LOGS}`, ...outputs });

const WARNINGS = `arn:aws:sns:us-east-1:${OPS}:BedrockTenancyQuota-customer-a-warnings`;
const topicPolicy = (Principal: unknown, Condition?: unknown) => added("ops", "aws:sns/topicPolicy:TopicPolicy", "warnings-policy", { arn: WARNINGS, policy: JSON.stringify({ Version: "2008-10-17", Statement: [{
    Effect: "Allow", Principal, Action: ["SNS:Publish", "SNS:Subscribe"], Resource: WARNINGS, ...(Condition ? { Condition } : {}) }] }) });
/** A bucket of the team's own, encrypted by default as `sseKey` says (the provider records an unset key as ""). */
const teamBucket = (sseKey: string) => [
    added("customer-a", "aws:s3/bucketV2:BucketV2", "team-data", { bucket: "acme-customer-a-team-data" }, { arn: "arn:aws:s3:::acme-customer-a-team-data" }),
    added("customer-a", "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "team-data-sse", {
        bucket: "acme-customer-a-team-data", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: sseKey === "" ? "AES256" : "aws:kms", kmsMasterKeyId: sseKey } }] }),
];

export const OWN_RESOURCE_MUTATIONS: Mutation[] = [
    { name: "a topic policy, as a resource of its own, letting another account publish to a tenant's quota topic", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, topicPolicy({ AWS: `arn:aws:iam::${CUSTOMER_B}:root` })) },
    { name: "a team bucket encrypted with another account's aws/s3 key", stack: "customer-a", code: "BT-CUSTOMER-KEY", sides: ["inputs"],
      edit: (doc) => push(doc, ...teamBucket(`arn:aws:kms:us-east-1:${CUSTOMER_B}:alias/aws/s3`)) },
    { name: "the quota enforcer's log group encrypted with a key of another account", stack: "ops", code: "BT-OPS-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, opsLogGroup({ kmsKeyId: `arn:aws:kms:us-east-1:${CUSTOMER_B}:key/foreign` })) },
];

export const OWN_RESOURCE_CONTROLS: { name: string; stack: "ops" | "customer-a"; edit: (doc: StackDoc) => void }[] = [
    { name: "the quota enforcer's log group declared to cap its retention, with CloudWatch Logs' own encryption", stack: "ops",
      edit: (doc) => push(doc, opsLogGroup({}, { kmsKeyId: "" })) },
    { name: "the quota enforcer's log group encrypted with a key of the ops account", stack: "ops",
      edit: (doc) => push(doc, opsLogGroup({ kmsKeyId: `arn:aws:kms:us-east-1:${OPS}:key/ops-logs` })) },
    { name: "a dashboard of the runtime's metrics and an SSM parameter of the team's", stack: "customer-a",
      edit: (doc) => push(doc,
          added("customer-a", "aws:cloudwatch/dashboard:Dashboard", "chat-dashboard", { dashboardName: "chat", dashboardBody: JSON.stringify({ widgets: [{ type: "metric", properties: { metrics: [["AWS/Lambda", "Errors"]], region: "us-east-1" } }] }) }),
          added("customer-a", "aws:ssm/parameter:Parameter", "feature-flag", { name: "/chat/feature-flag", type: "String", value: "on" })) },

    { name: "a topic policy, as a resource of its own, in the shape AWS gives a topic by default", stack: "ops",
      edit: (doc) => push(doc, topicPolicy({ AWS: "*" }, { StringEquals: { "AWS:SourceOwner": OPS } })) },
    { name: "a team bucket with S3's own encryption, recorded with an empty key", stack: "customer-a", edit: (doc) => push(doc, ...teamBucket("")) },
    { name: "a team bucket with the account's AWS-managed aws/s3 key, by alias and by ARN", stack: "customer-a",
      edit: (doc) => {
          push(doc, ...teamBucket("alias/aws/s3"));
          push(doc, ...teamBucket(`arn:aws:kms:us-east-1:${CUSTOMER_A}:alias/aws/s3`).map((r) => ({ ...r, urn: `${r.urn}-arn`, inputs: { ...r.inputs, bucket: "acme-customer-a-team-data-2" }, outputs: { ...r.outputs, bucket: "acme-customer-a-team-data-2" } })));
      } },
];
