import type * as aws from "@pulumi/aws";
import { logStreamsArn } from "../../contract";
import { runtimeArchiveStatements, type RuntimeArchiveGrantInput } from "./archive-policies";

/** What the runtime needs to enter the tenant's ops role (session tags and source identity included). */
export const ASSUME_OPS_ROLE_ACTIONS = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"];
/** What the runtime needs to write its audit records and Lambda's own log lines. */
export const LOG_WRITE_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"];
/**
 * What Lambda needs to attach the function to a VPC: the actions of the
 * AWS-managed `AWSLambdaVPCAccessExecutionRole`, without its logs actions.
 */
export const VPC_ENI_ACTIONS = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
];

export { runtimeTrustPolicy } from "./runtime-compute";

export interface RuntimeRolePolicyInput {
    opsRoleArn: string;
    region: string;
    accountId: string;
    logGroupName: string;
    /** Add the ENI permissions Lambda needs to run the function in a VPC. */
    vpc: boolean;
    /** Add the archive write (its tenant prefix only) and the key use S3 needs for it. */
    archive?: RuntimeArchiveGrantInput;
}

/**
 * Identity policy of the runtime role: enter the tenant's ops role, write to
 * the tenant's own log group, and (in a VPC) manage the function's network
 * interfaces. Nothing else.
 */
export function runtimeRolePolicy(input: RuntimeRolePolicyInput): aws.iam.PolicyDocument {
    const statements: aws.iam.PolicyStatement[] = [
        { Sid: "AssumeTenantOpsRole", Effect: "Allow", Action: ASSUME_OPS_ROLE_ACTIONS, Resource: input.opsRoleArn },
        // Both actions are authorized on the stream (`<group>:log-stream:<name>`,
        // per the Service Authorization Reference), so the group itself needs no grant.
        { Sid: "WriteOwnLogGroup", Effect: "Allow", Action: LOG_WRITE_ACTIONS, Resource: logStreamsArn(input.region, input.accountId, input.logGroupName) },
    ];
    if (input.archive) {
        statements.push(...runtimeArchiveStatements(input.archive));
    }
    if (input.vpc) {
        // EC2 does not support resource-level permissions on the Describe
        // actions, and the interfaces Lambda creates have ids unknown in
        // advance, so these need "*" (as in AWSLambdaVPCAccessExecutionRole).
        statements.push({ Sid: "ManageFunctionNetworkInterfaces", Effect: "Allow", Action: VPC_ENI_ACTIONS, Resource: "*" });
    }
    return { Version: "2012-10-17", Statement: statements };
}
