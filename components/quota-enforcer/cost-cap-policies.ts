import type * as aws from "@pulumi/aws";
import { BOUNDARY_WRITE_ACTIONS, PARTITION, enforcedRolesArnPattern, pathedRolesArnPattern } from "../../contract";

/** What a Budgets action needs to apply and later revert an IAM policy on a role. */
export const COST_CAP_ACTIONS = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"];

/** Trust for the Budgets actions' execution role: only AWS Budgets, acting for this account. */
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

/**
 * The shared execution role may attach and detach exactly the cost-cap
 * policy, on tenant roles only. Tenant roles have no path, and the role-name
 * wildcard would also match any role under a `BedrockTenantAccess-…/` path,
 * so those are denied, as is any change to a tenant's boundary.
 */
export function costCapExecutionPolicy(account: string, capPolicyArn: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ApplyCostCapToTenantRoles",
                Effect: "Allow",
                Action: COST_CAP_ACTIONS,
                Resource: enforcedRolesArnPattern(PARTITION, account),
                Condition: { ArnEquals: { "iam:PolicyARN": capPolicyArn } },
            },
            { Sid: "NoRoleUnderATenantPath", Effect: "Deny", Action: COST_CAP_ACTIONS, Resource: pathedRolesArnPattern(PARTITION, account) },
            { Sid: "NeverLiftTenantBoundaries", Effect: "Deny", Action: BOUNDARY_WRITE_ACTIONS, Resource: "*" },
        ],
    };
}
