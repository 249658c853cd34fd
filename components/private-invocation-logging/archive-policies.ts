import type * as aws from "@pulumi/aws";
import { archiveTenantPrefix, s3BucketArn, s3ObjectsArn, s3ServiceHost } from "../../contract";

/** The one write the runtime makes into the archive. */
export const ARCHIVE_WRITE_ACTIONS = ["s3:PutObject"];
/** What SSE-KMS needs from the writer: a data key for each object (or bucket key). */
export const ARCHIVE_KEY_ACTIONS = ["kms:GenerateDataKey"];

export interface ArchiveBucketPolicyInput {
    bucketName: string;
    /** The operations account: every principal of it is denied everything. */
    opsAccountId: string;
    /** The customer key every object must be encrypted with. */
    kmsKeyArn: string;
    /** The runtime role, the only principal that may write. */
    writerRoleArn: string;
}

/**
 * The archive bucket's policy: deny statements only, so access is granted
 * by IAM in the customer account and nothing here can widen it. Nothing in it
 * allows shortening retention or deleting a version; Object Lock refuses both.
 */
export function archiveBucketPolicy(input: ArchiveBucketPolicyInput): aws.iam.PolicyDocument {
    const bucket = s3BucketArn(input.bucketName);
    const objects = s3ObjectsArn(input.bucketName);
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucket, objects],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            {
                Sid: "DenyOpsAccount",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucket, objects],
                Condition: { StringEquals: { "aws:PrincipalAccount": [input.opsAccountId] } },
            },
            {
                Sid: "DenyWritesNotEncryptedWithCustomerKey",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:PutObject",
                Resource: objects,
                // An absent header fails StringNotEquals too: writers must name the key.
                Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": input.kmsKeyArn } },
            },
            {
                Sid: "OnlyDeliveryPathWrites",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:PutObject",
                Resource: objects,
                Condition: { ArnNotEquals: { "aws:PrincipalArn": [input.writerRoleArn] } },
            },
        ],
    };
}

export interface RuntimeArchiveGrantInput {
    bucketName: string;
    tenantId: string;
    kmsKeyArn: string;
    region: string;
}

/** The runtime role's archive grant: PutObject under its tenant prefix, and a data key through S3 only. */
export function runtimeArchiveStatements(input: RuntimeArchiveGrantInput): aws.iam.PolicyStatement[] {
    return [
        { Sid: "WriteOwnArchivePrefix", Effect: "Allow", Action: ARCHIVE_WRITE_ACTIONS, Resource: s3ObjectsArn(input.bucketName, archiveTenantPrefix(input.tenantId)) },
        {
            Sid: "EncryptArchiveObjectsThroughS3",
            Effect: "Allow",
            Action: ARCHIVE_KEY_ACTIONS,
            Resource: input.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": s3ServiceHost(input.region) } },
        },
    ];
}
