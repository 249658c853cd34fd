/**
 * Every ARN the package builds, in one place. The policies are built for the
 * commercial `aws` partition only; Regions of other partitions are refused
 * before any ARN is built (see `regionProblem`).
 */

import { s3BucketNameProblem } from "./identifiers";

/** The partition of every ARN built here. */
export const PARTITION = "aws";

/** `arn:aws:iam::ACCOUNT:root`: the account as a principal. */
export function accountRootArn(account: string): string {
    return `arn:${PARTITION}:iam::${account}:root`;
}

/** `arn:aws:iam::ACCOUNT:role/NAME` (no path). */
export function roleArn(account: string, roleName: string): string {
    return `arn:${PARTITION}:iam::${account}:role/${roleName}`;
}

/** `arn:aws:bedrock:REGION::foundation-model/ID` (foundation models have no account). */
export function foundationModelArn(region: string, foundationModelId: string): string {
    return `arn:${PARTITION}:bedrock:${region}::foundation-model/${foundationModelId}`;
}

/** `arn:aws:bedrock:REGION:ACCOUNT:inference-profile/ID`, ACCOUNT being the calling (ops) account. */
export function systemProfileArn(region: string, account: string, profileId: string): string {
    return `arn:${PARTITION}:bedrock:${region}:${account}:inference-profile/${profileId}`;
}

/** `arn:aws:bedrock:REGION:ACCOUNT:application-inference-profile/ID` (ID is opaque, chosen by Bedrock). */
export function applicationProfileArn(region: string, account: string, profileId: string): string {
    return `arn:${PARTITION}:bedrock:${region}:${account}:application-inference-profile/${profileId}`;
}

/** ARN of a log group as KMS encryption contexts and IAM name it (no trailing `:*`). */
export function logGroupArn(region: string, account: string, logGroupName: string): string {
    return `arn:${PARTITION}:logs:${region}:${account}:log-group:${logGroupName}`;
}

/** Every log stream of a log group: where PutLogEvents and CreateLogStream are authorized. */
export function logStreamsArn(region: string, account: string, logGroupName: string): string {
    return `${logGroupArn(region, account, logGroupName)}:log-stream:*`;
}

/** The Region's CloudWatch Logs service principal. */
export function logsServicePrincipal(region: string): string {
    return `logs.${region}.amazonaws.com`;
}

/** `logs.amazonaws.com` or `logs.REGION.amazonaws.com`, written as IAM writes service principals (lowercase, one Region label). */
const LOGS_SERVICE_PRINCIPAL = /^logs\.(?:[a-z0-9-]+\.)?amazonaws\.com$/;

/**
 * Whether a service principal names CloudWatch Logs: its Regional name, as
 * the component writes it, or the global one. Either may be what KMS sees
 * when CloudWatch Logs uses a key, so a key policy naming either is held to
 * the same rules; any other spelling is a principal of its own.
 */
export function isLogsServicePrincipal(value: string): boolean {
    return LOGS_SERVICE_PRINCIPAL.test(value);
}

/** `arn:aws:s3:::BUCKET`: the bucket itself (ListBucket and bucket settings are authorized here). */
export function s3BucketArn(bucket: string): string {
    return `arn:${PARTITION}:s3:::${bucket}`;
}

/**
 * The bucket a bucket ARN names, read only from the one spelling
 * `s3BucketArn` writes with a name S3 allows; `undefined` for any other text
 * (a trailing `/`, an object or prefix, another partition, another case),
 * which a proof cannot equate with a bucket of its own.
 */
export function bucketOfBucketArn(value: string): string | undefined {
    const prefix = s3BucketArn("");
    if (!value.startsWith(prefix)) return undefined;
    const name = value.slice(prefix.length);
    return s3BucketNameProblem("bucket", name) === undefined ? name : undefined;
}

/** `arn:aws:s3:::BUCKET/PREFIX*`: the objects under `prefix` (every object when `prefix` is empty). */
export function s3ObjectsArn(bucket: string, prefix = ""): string {
    return `${s3BucketArn(bucket)}/${prefix}*`;
}

/** The Region's S3 endpoint as KMS sees it in `kms:ViaService`. */
export function s3ServiceHost(region: string): string {
    return `s3.${region}.amazonaws.com`;
}

/** `arn:aws:iam::ACCOUNT:policy/NAME` (no path): a customer-managed policy. */
export function managedPolicyArn(account: string, policyName: string): string {
    return `arn:${PARTITION}:iam::${account}:policy/${policyName}`;
}
