import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { defaultArchiveBucketName, s3BucketArn } from "../../contract";
import { standIn, withLateLeaves } from "../bedrock-tenant-access/document-leaves";
import { createArchiveCatalog } from "./archive-catalog";
import { archiveBucketPolicy } from "./archive-policies";
import type { ResolvedArchive } from "./archive-validation";

export interface ArchiveContext {
    name: string;
    tenantId: string;
    region: string;
    accountId: pulumi.Output<string>;
    opsAccountId: pulumi.Output<string>;
    kmsKeyArn: pulumi.Output<string>;
    writerRoleArn: pulumi.Output<string>;
    tags: Record<string, string>;
    parent: pulumi.Resource;
}

export interface AuditArchive {
    bucketName: pulumi.Output<string>;
    bucketArn: pulumi.Output<string>;
    databaseName: pulumi.Output<string>;
    tableName: pulumi.Output<string>;
    workgroupName: pulumi.Output<string>;
}

/**
 * The write-once archive bucket: versioning and Object Lock with a default
 * retention, every public access path blocked, objects owned by the bucket
 * owner, SSE-KMS with the customer's key and bucket keys, the deny-only
 * bucket policy, lifecycle steps to colder classes, and the query catalog.
 * `expectedBucketOwner` makes every settings call fail if the name were
 * ever taken by another account.
 */
export function createAuditArchive(archive: ResolvedArchive, ctx: ArchiveContext): AuditArchive {
    const { name, tenantId, region, tags, parent, accountId } = ctx;
    const bucketName = archive.bucketName !== undefined ? pulumi.output(archive.bucketName) : accountId.apply((a) => defaultArchiveBucketName(tenantId, a));
    const bucket = new aws.s3.Bucket(
        `${name}-archive`,
        // Object Lock can only be switched on when the bucket is created.
        { bucket: bucketName, objectLockEnabled: true, forceDestroy: false, region, tags },
        { parent },
    );
    const owned = { bucket: bucket.bucket, expectedBucketOwner: accountId, region };
    const versioning = new aws.s3.BucketVersioning(`${name}-archive-versioning`, { ...owned, versioningConfiguration: { status: "Enabled" } }, { parent });
    new aws.s3.BucketObjectLockConfiguration(
        `${name}-archive-lock`,
        { ...owned, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: archive.retentionMode, days: archive.retentionDays } } },
        { parent, dependsOn: [versioning] },
    );
    const publicBlock = new aws.s3.BucketPublicAccessBlock(
        `${name}-archive-public-access`,
        { bucket: bucket.bucket, region, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        { parent },
    );
    new aws.s3.BucketOwnershipControls(`${name}-archive-ownership`, { bucket: bucket.bucket, region, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent });
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-archive-encryption`,
        { ...owned, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: ctx.kmsKeyArn }, bucketKeyEnabled: true }] },
        { parent },
    );
    new aws.s3.BucketPolicy(
        `${name}-archive-policy`,
        {
            bucket: bucket.bucket,
            region,
            // Only a leaf unknown at preview (a new key's ARN) is unknown, never the whole document.
            policy: withLateLeaves(
                archiveBucketPolicy({ bucketName: standIn("bucket"), opsAccountId: standIn("ops"), kmsKeyArn: standIn("key"), writerRoleArn: standIn("writer") }),
                { bucket: bucket.bucket, ops: ctx.opsAccountId, key: ctx.kmsKeyArn, writer: ctx.writerRoleArn },
            ) as aws.iam.PolicyDocument,
        },
        // S3 refuses a policy while the public access block is being set.
        { parent, dependsOn: [publicBlock] },
    );
    new aws.s3.BucketLifecycleConfiguration(
        `${name}-archive-lifecycle`,
        {
            ...owned,
            rules: [
                {
                    id: "colder-with-age",
                    status: "Enabled",
                    filter: {},
                    transitions: archive.transitions.map((t) => ({ days: t.days, storageClass: t.storageClass })),
                    expiration: archive.expireAfterDays === undefined ? undefined : { days: archive.expireAfterDays },
                    noncurrentVersionExpiration: archive.expireAfterDays === undefined ? undefined : { noncurrentDays: 1 },
                    abortIncompleteMultipartUpload: { daysAfterInitiation: archive.abortIncompleteUploadDays },
                },
            ],
        },
        { parent, dependsOn: [versioning] },
    );
    const catalog = createArchiveCatalog({ name, tenantId, region, bucketName: bucket.bucket, kmsKeyArn: ctx.kmsKeyArn, tags, parent });
    return { bucketName: bucket.bucket, bucketArn: bucket.bucket.apply(s3BucketArn), ...catalog };
}
