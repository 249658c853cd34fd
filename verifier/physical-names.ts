/**
 * The names AWS keeps unique within an account (and Region, where the
 * namespace is regional), and the settings AWS keeps one of per bucket or
 * log group: whoever declares one of them twice declares one resource, of
 * which AWS holds whichever update ran last. Kept apart from the checks
 * that read it, so that each can import it without importing the other.
 */
import { textProp, UNKNOWN_VALUE, type StackResource } from "./pulumi-formats";

export interface Namespace {
    /** What the name names, for the finding. */
    what: string;
    /** The properties that together make the name, each with the value AWS assumes when it is absent. */
    keys: readonly (readonly [string, string?])[];
    regional: boolean;
    /** IAM compares names case-insensitively. */
    anyCase?: boolean;
}

const iam = (what: string): Namespace => ({ what, keys: [["name"]], regional: false, anyCase: true });
const named = (what: string, key = "name"): Namespace => ({ what, keys: [[key]], regional: true });
/** One of these per bucket: a second one replaces the first (bucket names are global, so no Region). */
const ofBucket = (what: string): Namespace => ({ what: `${what} of S3 bucket`, keys: [["bucket"]], regional: false });
const logGroupPart = (what: string): Namespace => ({ what, keys: [["logGroupName"], ["name"]], regional: true });

/**
 * Every type the proof knows (resource-types.ts) whose resource AWS holds
 * under a name the program chooses. Types whose name AWS mints (keys,
 * grants, network plumbing) cannot clash, and Bedrock invocation logging is
 * always a finding of its own.
 */
const NAMESPACES: Readonly<Record<string, Namespace>> = {
    "aws:iam/role:Role": iam("IAM role"),
    "aws:iam/user:User": iam("IAM user"),
    "aws:iam/group:Group": iam("IAM group"),
    "aws:iam/policy:Policy": iam("IAM managed policy"),
    "aws:iam/instanceProfile:InstanceProfile": iam("IAM instance profile"),
    "aws:s3/bucket:Bucket": { what: "S3 bucket", keys: [["bucket"]], regional: false },
    "aws:s3/bucketV2:BucketV2": { what: "S3 bucket", keys: [["bucket"]], regional: false },
    "aws:s3/bucketPolicy:BucketPolicy": ofBucket("bucket policy"),
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": ofBucket("Object Lock configuration"),
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": ofBucket("Object Lock configuration"),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ofBucket("encryption configuration"),
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": ofBucket("encryption configuration"),
    "aws:s3/bucketVersioning:BucketVersioning": ofBucket("versioning configuration"),
    "aws:s3/bucketVersioningV2:BucketVersioningV2": ofBucket("versioning configuration"),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ofBucket("public access block"),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ofBucket("ownership controls"),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ofBucket("lifecycle configuration"),
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": ofBucket("lifecycle configuration"),
    "aws:s3/bucketLogging:BucketLogging": ofBucket("access logging configuration"),
    "aws:s3/bucketLoggingV2:BucketLoggingV2": ofBucket("access logging configuration"),
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": ofBucket("replication configuration"),
    "aws:cloudwatch/logGroup:LogGroup": named("log group"),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": logGroupPart("metric filter"),
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": logGroupPart("subscription filter"),
    "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy": { what: "data protection policy of log group", keys: [["logGroupName"]], regional: true },
    "aws:cloudwatch/logDestination:LogDestination": named("log destination"),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": named("log resource policy", "policyName"),
    "aws:cloudwatch/logAccountPolicy:LogAccountPolicy": { what: "log account policy", keys: [["policyType"], ["policyName"]], regional: true },
    "aws:cloudwatch/metricAlarm:MetricAlarm": named("CloudWatch alarm"),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": named("CloudWatch alarm", "alarmName"),
    // A dashboard's ARN carries no Region: its name is the account's.
    "aws:cloudwatch/dashboard:Dashboard": { what: "CloudWatch dashboard", keys: [["dashboardName"]], regional: false },
    "aws:cloudwatch/eventRule:EventRule": { what: "EventBridge rule", keys: [["eventBusName", "default"], ["name"]], regional: true },
    "aws:cloudwatch/eventTarget:EventTarget": { what: "EventBridge target", keys: [["eventBusName", "default"], ["rule"], ["targetId"]], regional: true },
    "aws:kms/alias:Alias": named("KMS alias"),
    "aws:lambda/function:Function": named("Lambda function"),
    "aws:lambda/permission:Permission": { what: "Lambda permission", keys: [["function"], ["qualifier", ""], ["statementId"]], regional: true },
    "aws:sns/topic:Topic": named("SNS topic"),
    "aws:sns/topicPolicy:TopicPolicy": { what: "policy of SNS topic", keys: [["arn"]], regional: true },
    // Budgets belong to the account, not to a Region.
    "aws:budgets/budget:Budget": { what: "budget", keys: [["name"]], regional: false },
    "aws:athena/workgroup:Workgroup": named("Athena workgroup"),
    "aws:athena/namedQuery:NamedQuery": { what: "Athena named query", keys: [["workgroup", "primary"], ["name"]], regional: true },
    "aws:glue/catalogDatabase:CatalogDatabase": { what: "Glue database", keys: [["catalogId", ""], ["name"]], regional: true },
    "aws:glue/catalogTable:CatalogTable": { what: "Glue table", keys: [["catalogId", ""], ["databaseName"], ["name"]], regional: true },
    "aws:bedrock/inferenceProfile:InferenceProfile": named("application inference profile"),
    "aws:bedrock/guardrail:Guardrail": named("guardrail"),
    "aws:oam/sink:Sink": named("observability sink"),
    "aws:ssm/parameter:Parameter": named("SSM parameter"),
};

export function namespaceOf(type: string): Namespace | undefined {
    return Object.prototype.hasOwnProperty.call(NAMESPACES, type) ? NAMESPACES[type] : undefined;
}

/**
 * The resource's name within its namespace (what holds it first, then its
 * own name), or undefined when a part is absent (AWS then picks a unique
 * one) or not known at preview (the unknowns check already refuses a name it
 * cannot read).
 */
export function nameOf(r: StackResource, space: Namespace): string | undefined {
    const parts: string[] = [];
    for (const [key, otherwise] of space.keys) {
        const value = textProp(r, key) ?? otherwise;
        if (value === undefined || (value === "" && otherwise === undefined) || value.includes(UNKNOWN_VALUE)) return undefined;
        parts.push(value);
    }
    const own = parts.pop()!;
    const within = parts.filter((p) => p !== "");
    return within.length === 0 ? JSON.stringify(own) : `${JSON.stringify(own)} (within ${within.join(", ")})`;
}
