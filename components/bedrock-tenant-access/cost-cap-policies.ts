import type * as aws from "@pulumi/aws";

/** What a Budgets action needs to apply and later revert an IAM policy on a role. */
export const COST_CAP_ACTIONS = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"];

/** Trust for the Budgets action's execution role: only AWS Budgets, acting for this account. */
export function budgetsTrustPolicy(account: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Service: "budgets.amazonaws.com" },
            Action: "sts:AssumeRole",
            // Confused-deputy guard: Budgets acting for another account cannot use this role.
            Condition: { StringEquals: { "aws:SourceAccount": account } },
        }],
    };
}

/** The execution role may attach and detach exactly the cost-cap policy, on exactly the tenant's role. */
export function costCapExecutionPolicy(tenantRoleArn: string, capPolicyArn: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "ApplyCostCapToTenantRole",
            Effect: "Allow",
            Action: COST_CAP_ACTIONS,
            Resource: tenantRoleArn,
            Condition: { ArnEquals: { "iam:PolicyARN": capPolicyArn } },
        }],
    };
}
