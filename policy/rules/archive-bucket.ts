/**
 * Rule: every audit archive bucket (an S3 bucket inside a
 * PrivateInvocationLogging) has Object Lock on in COMPLIANCE mode with at
 * least the configured retention, and SSE-KMS with a key of the account
 * that owns the bucket.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { PRIVATE_INVOCATION_LOGGING_TYPE } from "../../contract/naming";
import { SEVEN_YEARS_DAYS } from "../../contract/archive";
import { PREVIEW_UNKNOWN, isAccountId, parseArn } from "../../contract/iam";
import { isWithinComponent } from "./tenant-scope";

export const BUCKET_TYPE = "aws:s3/bucket:Bucket";
export const LOCK_TYPE = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
export const SSE_TYPE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
/**
 * The same resources under the provider's older `V2` names, which it still
 * creates with the same properties: a bucket of either name is an archive
 * bucket, and either name configures it.
 */
export const BUCKET_TYPES: ReadonlySet<string> = new Set([BUCKET_TYPE, "aws:s3/bucketV2:BucketV2"]);
const LOCK_TYPES: ReadonlySet<string> = new Set([LOCK_TYPE, "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"]);
const SSE_TYPES: ReadonlySet<string> = new Set([SSE_TYPE, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"]);

export interface ArchiveBucketRuleConfig {
    /** Least retention in days an archive bucket must lock objects for. */
    minimumRetentionDays: number;
}

const show = (v: unknown) => JSON.stringify(v) ?? "undefined";

/** What lies at `path` inside recorded properties; undefined where a step is not an object or a list. */
function at(value: unknown, ...path: (string | number)[]): unknown {
    let here = value;
    for (const step of path) {
        if (typeof here !== "object" || here === null) return undefined;
        here = (here as Record<string | number, unknown>)[step];
    }
    return here;
}

/** Retention in days of an Object Lock default rule; `years` count 365 days each, as S3 counts them. */
function retentionDays(retention: Record<string, unknown> | undefined): number | undefined {
    if (typeof retention?.days === "number") return retention.days;
    if (typeof retention?.years === "number") return retention.years * 365;
    return undefined;
}

/** What is wrong with one archive bucket, given the stack's lock and encryption settings for it. */
export function archiveBucketProblems(bucket: Record<string, unknown>, lock: Record<string, unknown> | undefined, sse: Record<string, unknown> | undefined, minimumRetentionDays: number): string[] {
    const problems: string[] = [];
    const name = bucket.bucket;
    if (bucket.objectLockEnabled !== true) problems.push(`archive bucket ${show(name)} must be created with objectLockEnabled: true, got ${show(bucket.objectLockEnabled)}`);
    const retention = at(lock, "rule", "defaultRetention");
    const mode = at(retention, "mode");
    if (lock === undefined) {
        problems.push(`archive bucket ${show(name)} has no BucketObjectLockConfiguration`);
    } else if (mode !== "COMPLIANCE") {
        problems.push(`archive bucket ${show(name)} must lock objects in COMPLIANCE mode, got ${show(mode)}`);
    }
    const days = retentionDays(typeof retention === "object" && retention !== null ? (retention as Record<string, unknown>) : undefined);
    if (lock !== undefined && (days === undefined || days < minimumRetentionDays)) {
        problems.push(`archive bucket ${show(name)} must retain objects at least ${minimumRetentionDays} days, got ${show(days)}`);
    }
    const byDefault = at(sse, "rules", 0, "applyServerSideEncryptionByDefault");
    const algorithm = at(byDefault, "sseAlgorithm");
    if (sse === undefined || algorithm !== "aws:kms") {
        problems.push(`archive bucket ${show(name)} must use SSE-KMS, got ${show(algorithm)}`);
        return problems;
    }
    const key = at(byDefault, "kmsMasterKeyId");
    const owner = sse.expectedBucketOwner;
    if (key === PREVIEW_UNKNOWN || owner === PREVIEW_UNKNOWN) return problems;
    const arn = typeof key === "string" ? parseArn(key) : undefined;
    const keyAccount = arn?.service === "kms" && arn.region !== "" && isAccountId(arn.account) && arn.resource.startsWith("key/") ? arn.account : undefined;
    if (keyAccount === undefined) {
        problems.push(`archive bucket ${show(name)} must name its KMS key by ARN, got ${show(key)}`);
    } else if (keyAccount !== owner) {
        problems.push(`archive bucket ${show(name)} must be encrypted with a key of its own account ${show(owner)}, got a key of account ${keyAccount}`);
    }
    return problems;
}

const forBucket = (resources: PolicyResource[], types: ReadonlySet<string>, name: unknown): Record<string, unknown> | undefined =>
    resources.find((r) => types.has(r.type) && (r.props as Record<string, unknown>).bucket === name)?.props as Record<string, unknown> | undefined;

export const archiveBucketPolicy: StackValidationPolicy = {
    name: "archive-bucket-write-once-customer-key",
    description:
        "Every audit archive bucket of a PrivateInvocationLogging has Object Lock in COMPLIANCE mode with at least the configured " +
        "retention, and SSE-KMS with a key of the bucket's own account.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: {
        properties: { minimumRetentionDays: { type: "integer", minimum: 1, default: SEVEN_YEARS_DAYS } },
    },
    validateStack: (args, reportViolation) => {
        const minimum = args.getConfig<Partial<ArchiveBucketRuleConfig>>().minimumRetentionDays ?? SEVEN_YEARS_DAYS;
        for (const bucket of args.resources.filter((r) => BUCKET_TYPES.has(r.type) && isWithinComponent(r.urn, PRIVATE_INVOCATION_LOGGING_TYPE))) {
            const name = (bucket.props as Record<string, unknown>).bucket;
            for (const problem of archiveBucketProblems(bucket.props, forBucket(args.resources, LOCK_TYPES, name), forBucket(args.resources, SSE_TYPES, name), minimum)) {
                reportViolation(problem, bucket.urn);
            }
        }
    },
};
