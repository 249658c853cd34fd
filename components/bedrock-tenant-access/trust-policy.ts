import type * as aws from "@pulumi/aws";
import { accountRootArn, roleArn, SESSION_TAG_KEYS } from "../../contract";

/** The action that hands out credentials: the only one gated by the ExternalId. */
export const ASSUME_ACTIONS = ["sts:AssumeRole"];
/**
 * Actions that ride along with AssumeRole so calls can be attributed per tenant
 * and user. `sts:ExternalId` is only in the context of AssumeRole itself, so
 * these are scoped by the caller's role ARN and the tags the session carries.
 */
export const SESSION_ATTRIBUTION_ACTIONS = ["sts:TagSession", "sts:SetSourceIdentity"];

export interface TrustPolicyInput {
    /** The tenant's id, the only value its sessions' TenantId tag may take. */
    tenantId: string;
    /** Customer account ids trusted for this tenant. */
    accounts: string[];
    /** Name of the customer runtime role allowed in each account. */
    runtimeRoleName: string;
    externalId: string;
}

/**
 * Trust policy of a tenant's ops role. The principal is each customer account's
 * root, narrowed by `aws:PrincipalArn` to the runtime role's ARN: naming the
 * role itself would pin its unique id (a recreated role would lose access) and
 * IAM rejects a role principal that does not exist yet.
 */
export function tenantTrustPolicy(input: TrustPolicyInput): aws.iam.PolicyDocument {
    const principal = { AWS: input.accounts.map(accountRootArn) };
    const runtimeRoles = input.accounts.map((account) => roleArn(account, input.runtimeRoleName));
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AssumeFromTenantRuntime",
                Effect: "Allow",
                Principal: principal,
                Action: ASSUME_ACTIONS,
                Condition: {
                    StringEquals: { "sts:ExternalId": input.externalId },
                    ArnEquals: { "aws:PrincipalArn": runtimeRoles },
                },
            },
            {
                Sid: "AttributeTenantSessions",
                Effect: "Allow",
                Principal: principal,
                Action: SESSION_ATTRIBUTION_ACTIONS,
                Condition: {
                    ArnEquals: { "aws:PrincipalArn": runtimeRoles },
                    StringEquals: { [`aws:RequestTag/${SESSION_TAG_KEYS.tenantId}`]: input.tenantId },
                    "ForAllValues:StringEquals": { "aws:TagKeys": [SESSION_TAG_KEYS.tenantId, SESSION_TAG_KEYS.userId] },
                },
            },
        ],
    };
}
