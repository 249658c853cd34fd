/**
 * Rule: the log group that holds a tenant's audit records is encrypted with
 * a customer-managed KMS key and expires its events.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { PRIVATE_INVOCATION_LOGGING_TYPE } from "../../contract/naming";
import { isWithinComponent } from "./tenant-scope";

export const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";

/** What is missing from a tenant log group's inputs, one message per finding. */
export function logGroupProblems(props: { kmsKeyId?: unknown; retentionInDays?: unknown }): string[] {
    const problems: string[] = [];
    if (typeof props.kmsKeyId !== "string" || props.kmsKeyId === "") {
        problems.push(`kmsKeyId must name the customer's KMS key, got ${JSON.stringify(props.kmsKeyId)}`);
    }
    // 0 or absent means CloudWatch Logs keeps the events forever.
    const retention = props.retentionInDays;
    if (typeof retention !== "number" || !Number.isInteger(retention) || retention <= 0) {
        problems.push(`retentionInDays must be a positive number of days, got ${JSON.stringify(retention)}`);
    }
    return problems;
}

export const tenantLogGroupPolicy: ResourceValidationPolicy = {
    name: "tenant-log-group-encrypted-with-retention",
    description: "Every log group of a PrivateInvocationLogging is encrypted with a KMS key and has a retention period.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args, reportViolation) => {
        if (args.type !== LOG_GROUP_TYPE || !isWithinComponent(args.urn, PRIVATE_INVOCATION_LOGGING_TYPE)) {
            return;
        }
        for (const problem of logGroupProblems(args.props)) {
            reportViolation(problem);
        }
    },
};
