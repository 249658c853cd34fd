import type * as aws from "@pulumi/aws";
import { accountRootArn, logGroupArn, logsServicePrincipal } from "../../contract";

/** What CloudWatch Logs needs on a key to encrypt and read a log group. */
export const LOGS_SERVICE_KEY_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"];

export interface LogKeyPolicyInput {
    region: string;
    /** The customer account, the only account the policy names. */
    accountId: string;
    logGroupName: string;
}

/**
 * Key policy of the audit log key. The account root keeps administration (so
 * the key can never become unmanageable and IAM policies in the account
 * decide who else may use it); the Logs service of this Region may use the key
 * only for this one log group. No other account is named, so the ops account
 * has no way to decrypt the audit records.
 */
export function logKeyPolicy(input: LogKeyPolicyInput): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersKey",
                Effect: "Allow",
                Principal: { AWS: accountRootArn(input.accountId) },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "CloudWatchLogsEncryptsThisLogGroup",
                Effect: "Allow",
                Principal: { Service: logsServicePrincipal(input.region) },
                Action: LOGS_SERVICE_KEY_ACTIONS,
                Resource: "*",
                Condition: {
                    ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn(input.region, input.accountId, input.logGroupName) },
                },
            },
        ],
    };
}
