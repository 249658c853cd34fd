import type * as aws from "@pulumi/aws";
import { BOUNDARY_WRITE_ACTIONS, PARTITION, QUOTA_ALARM_PREFIX, enforcedRolesArnPattern, logGroupArn, logStreamsArn } from "../../contract";

/**
 * IAM offers no condition key for an inline policy's name (PutRolePolicy
 * takes only `iam:PermissionsBoundary` and `iam:RoleTemplateARN`), so the
 * role can be held to the two actions on tenant roles only; the one policy
 * name is held by the enforcer's code, which is tested for it.
 */
export const ENFORCER_IAM_ACTIONS = ["iam:PutRolePolicy", "iam:DeleteRolePolicy"];

/** The enforcer reads the alarm's current state before acting, rather than trusting the event's. */
export const ENFORCER_ALARM_READ_ACTION = "cloudwatch:DescribeAlarms";

/**
 * Every tenant's composite quota alarm in the Region. DescribeAlarms takes
 * the alarm ARN as its resource, so the read stops at these names; the part
 * alarms' prefix (`BedrockTenancyQuotaPart-`) does not match, as the
 * composite prefix ends in a hyphen.
 */
export function quotaAlarmsArnPattern(region: string, account: string): string {
    return `arn:${PARTITION}:cloudwatch:${region}:${account}:alarm:${QUOTA_ALARM_PREFIX}*`;
}

/**
 * The enforcer's execution role: write (never read) inline policies on
 * `BedrockTenantAccess-*` roles, read the state of the tenants' composite
 * quota alarms, and its own logs. Whatever it writes is capped by the
 * tenant's boundary, which it may never change.
 */
export function enforcerPolicy(region: string, account: string, logGroupName: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "BlockAndUnblockTenantRoles", Effect: "Allow", Action: ENFORCER_IAM_ACTIONS, Resource: enforcedRolesArnPattern(PARTITION, account) },
            { Sid: "ReadQuotaAlarmStates", Effect: "Allow", Action: ENFORCER_ALARM_READ_ACTION, Resource: quotaAlarmsArnPattern(region, account) },
            { Sid: "CreateOwnLogGroup", Effect: "Allow", Action: "logs:CreateLogGroup", Resource: logGroupArn(region, account, logGroupName) },
            { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: logStreamsArn(region, account, logGroupName) },
            { Sid: "NeverLiftTenantBoundaries", Effect: "Deny", Action: BOUNDARY_WRITE_ACTIONS, Resource: "*" },
        ],
    };
}

/** Lambda's service principal may assume the role, for this account only. */
export function enforcerTrustPolicy(account: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": account } } }],
    };
}
