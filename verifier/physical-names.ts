/**
 * The names AWS keeps unique within an account (and Region, where the
 * namespace is regional), and the settings AWS keeps one of per bucket, log
 * group, key, role or function: whoever declares one of them twice declares
 * one resource, of which AWS holds whichever update ran last. The check of
 * one file (BT-PLAN-DUPLICATE-NAME) and the check across an account's stacks
 * (BT-ACCOUNT-NAME-COLLISION) read this one table, so that neither knows a
 * name the other does not; it is kept apart from both so that each can
 * import it without importing the other.
 */
import { prop, textProp, UNKNOWN_VALUE, type StackResource } from "./pulumi-formats";

export interface Namespace {
    /** What the name names, for the finding. */
    what: string;
    /**
     * The properties that together make the name, each with the value AWS
     * assumes when it is absent, and the one spelling of a value AWS takes in
     * several (a bus by its name or its ARN).
     */
    keys: readonly (readonly [string, string?, ((value: string) => string)?])[];
    regional: boolean;
    /** IAM compares names case-insensitively. */
    anyCase?: boolean;
    /** The one spelling of a name AWS takes in several (a key by its id or its ARN), so that two spellings of one name clash. */
    spelling?: (own: string) => string;
}

const iam = (what: string): Namespace => ({ what, keys: [["name"]], regional: false, anyCase: true });
const named = (what: string, key = "name"): Namespace => ({ what, keys: [[key]], regional: true });
/** One of these per bucket: a second one replaces the first (bucket names are global, so no Region). */
const ofBucket = (what: string): Namespace => ({ what: `${what} of S3 bucket`, keys: [["bucket"]], regional: false });
/** One of these per IAM role, user or group, whose names IAM compares case-insensitively; an inline policy's own name is taken the same way, so that two which may clash are taken to. */
const ofIdentity = (what: string, key: string, own?: string): Namespace => ({ what, keys: own ? [[key], [own]] : [[key]], regional: false, anyCase: true });
/**
 * An event bus as EventBridge takes it, by its name or its ARN
 * (`arn:aws:events:REGION:ACCOUNT:event-bus/NAME`), unset or empty being the
 * default bus: one bus however it is written, so a rule or target on it is
 * one resource however its file spells the bus.
 */
export function busNameOf(bus: string | undefined): string {
    if (bus === undefined || bus === "") return "default";
    const marker = ":event-bus/";
    const at = bus.startsWith("arn:") ? bus.indexOf(marker) : -1;
    return at < 0 ? bus : bus.slice(at + marker.length);
}

/** A key policy names its key by id or by ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`): AWS holds one policy for both. */
const keyIdOf = (keyId: string): string => (keyId.startsWith("arn:") ? keyId.slice(keyId.lastIndexOf("/") + 1) : keyId);

/**
 * Every type the proof knows (resource-types.ts) whose resource AWS holds
 * under a name the program chooses, or one of per thing it names (a bucket's
 * versioning, a key's policy, an account's invocation logging in a Region).
 * Types whose name AWS mints (keys, grants, network plumbing) cannot clash.
 */
const NAMESPACES: Readonly<Record<string, Namespace>> = {
    "aws:iam/role:Role": iam("IAM role"),
    "aws:iam/user:User": iam("IAM user"),
    "aws:iam/group:Group": iam("IAM group"),
    "aws:iam/policy:Policy": iam("IAM managed policy"),
    "aws:iam/instanceProfile:InstanceProfile": iam("IAM instance profile"),
    "aws:iam/rolePolicy:RolePolicy": ofIdentity("inline policy of IAM role", "role", "name"),
    "aws:iam/userPolicy:UserPolicy": ofIdentity("inline policy of IAM user", "user", "name"),
    "aws:iam/groupPolicy:GroupPolicy": ofIdentity("inline policy of IAM group", "group", "name"),
    "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive": ofIdentity("exclusive inline policy list of IAM role", "roleName"),
    "aws:iam/userPoliciesExclusive:UserPoliciesExclusive": ofIdentity("exclusive inline policy list of IAM user", "userName"),
    "aws:iam/groupPoliciesExclusive:GroupPoliciesExclusive": ofIdentity("exclusive inline policy list of IAM group", "groupName"),
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": ofIdentity("exclusive managed policy list of IAM role", "roleName"),
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": ofIdentity("exclusive managed policy list of IAM user", "userName"),
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": ofIdentity("exclusive managed policy list of IAM group", "groupName"),
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
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": { what: "metric filter", keys: [["logGroupName"], ["name"]], regional: true },
    // A subscription filter names its log group as logGroup, not logGroupName as a metric filter does.
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": { what: "subscription filter", keys: [["logGroup"], ["name"]], regional: true },
    "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy": { what: "data protection policy of log group", keys: [["logGroupName"]], regional: true },
    "aws:cloudwatch/logDestination:LogDestination": named("log destination"),
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": { what: "access policy of log destination", keys: [["destinationName"]], regional: true },
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": named("log resource policy", "policyName"),
    "aws:cloudwatch/logAccountPolicy:LogAccountPolicy": { what: "log account policy", keys: [["policyType"], ["policyName"]], regional: true },
    "aws:cloudwatch/metricAlarm:MetricAlarm": named("CloudWatch alarm"),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": named("CloudWatch alarm", "alarmName"),
    // A dashboard's ARN carries no Region: its name is the account's.
    "aws:cloudwatch/dashboard:Dashboard": { what: "CloudWatch dashboard", keys: [["dashboardName"]], regional: false },
    "aws:cloudwatch/eventRule:EventRule": { what: "EventBridge rule", keys: [["eventBusName", "default", busNameOf], ["name"]], regional: true },
    "aws:cloudwatch/eventTarget:EventTarget": { what: "EventBridge target", keys: [["eventBusName", "default", busNameOf], ["rule"], ["targetId"]], regional: true },
    "aws:kms/alias:Alias": named("KMS alias"),
    "aws:kms/keyPolicy:KeyPolicy": { what: "key policy of KMS key", keys: [["keyId"]], regional: true, spelling: keyIdOf },
    "aws:lambda/function:Function": named("Lambda function"),
    "aws:lambda/functionUrl:FunctionUrl": { what: "function URL", keys: [["qualifier", ""], ["functionName"]], regional: true },
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
    "aws:oam/sinkPolicy:SinkPolicy": { what: "policy of observability sink", keys: [["sinkIdentifier"]], regional: true },
    // One per account and Region, whatever the resource is called.
    "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration": { what: "Bedrock model invocation logging configuration", keys: [], regional: true },
    "aws:ssm/parameter:Parameter": named("SSM parameter"),
};

/** A resource's name within its namespace, and the key under which two such names are one. */
export interface PhysicalName {
    space: Namespace;
    /** For a finding: the name, then what holds it. */
    name: string;
    key: string;
}

/**
 * The resource's name within its namespace (what holds it first, then its
 * own name), or undefined when its type has no namespace, a part is absent
 * (AWS then picks a unique one), or a part is not known at preview (the
 * unknowns check already refuses a name it cannot read).
 */
export function physicalName(r: StackResource): PhysicalName | undefined {
    if (!Object.prototype.hasOwnProperty.call(NAMESPACES, r.type)) return undefined;
    const space = NAMESPACES[r.type];
    const parts: string[] = [];
    for (const [key, otherwise, spelling] of space.keys) {
        const value = textProp(r, key) ?? otherwise;
        if (value === undefined || (value === "" && otherwise === undefined) || value.includes(UNKNOWN_VALUE)) return undefined;
        parts.push(spelling ? spelling(value) : value);
    }
    if (parts.length === 0) return { space, name: "of the account", key: `${space.what}\u0000` };
    const last = parts.pop()!;
    const own = space.spelling ? space.spelling(last) : last;
    const within = parts.filter((p) => p !== "");
    const name = within.length === 0 ? JSON.stringify(own) : `${JSON.stringify(own)} (within ${within.join(", ")})`;
    return { space, name, key: `${space.what}\u0000${space.anyCase ? name.toLowerCase() : name}` };
}

/** Where an identity's own `inlinePolicies` entries live: the namespace of the type that writes one such policy alone, and its key for the identity. */
const INLINE_OF: Readonly<Record<string, readonly [string, string]>> = {
    "aws:iam/role:Role": ["aws:iam/rolePolicy:RolePolicy", "role"],
    "aws:iam/user:User": ["aws:iam/userPolicy:UserPolicy", "user"],
    "aws:iam/group:Group": ["aws:iam/groupPolicy:GroupPolicy", "group"],
};

/**
 * Every name the resource holds: its own, and for a role, user or group each
 * entry of its `inlinePolicies`, which is the same inline policy an
 * `aws:iam/rolePolicy` (or user or group policy) of that name writes: AWS
 * keeps one, whichever update wrote it last.
 */
export function physicalNames(r: StackResource): PhysicalName[] {
    const own = physicalName(r);
    const names = own ? [own] : [];
    const inline = Object.prototype.hasOwnProperty.call(INLINE_OF, r.type) ? INLINE_OF[r.type] : undefined;
    const identity = inline && textProp(r, "name");
    const entries = inline && identity !== undefined ? prop(r, "inlinePolicies") : undefined;
    if (!inline || identity === undefined || !Array.isArray(entries)) return names;
    const [type, key] = inline;
    for (const entry of entries) {
        const name = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>).name : undefined;
        if (typeof name !== "string" || name === "") continue;
        const policy = physicalName({ ...r, type, inputs: { [key]: identity, name }, outputs: {} });
        if (policy) names.push(policy);
    }
    return names;
}
