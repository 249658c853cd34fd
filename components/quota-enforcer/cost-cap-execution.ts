import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { costCapPolicy } from "../../contract";
import { budgetsTrustPolicy, costCapExecutionPolicy } from "./cost-cap-policies";
import type { QuotaEnforcerNames } from "../../contract";

/**
 * What every tenant's cost-cap action shares: the managed deny policy and the
 * role AWS Budgets applies it with. One of each per ops stack, so cost caps
 * cost IAM no role or managed policy per tenant.
 */
export function createCostCapExecution(name: string, names: QuotaEnforcerNames, account: pulumi.Output<string>, tags: Record<string, string>, parent: pulumi.Resource): { policyArn: pulumi.Output<string>; roleArn: pulumi.Output<string> } {
    const opts = { parent };
    const policy = new aws.iam.Policy(`${name}-cost-cap`, {
        name: names.costCapPolicy,
        description: "Denies a tenant role everything once the tenant's monthly Bedrock cost passes its cap",
        policy: JSON.stringify(costCapPolicy()),
        tags,
    }, opts);
    const role = new aws.iam.Role(`${name}-cost-cap-action`, {
        name: names.costCapRole,
        description: "AWS Budgets applies the tenants' cost caps with this role",
        assumeRolePolicy: account.apply(budgetsTrustPolicy),
        tags,
    }, opts);
    const permissions = new aws.iam.RolePolicy(`${name}-cost-cap-action`, {
        role: role.id,
        name: "apply-cost-caps",
        policy: pulumi.all([account, policy.arn]).apply(([acct, policyArn]) => costCapExecutionPolicy(acct, policyArn)),
    }, opts);
    // Budget actions read the role ARN from here, so none is created before the role may act.
    return { policyArn: policy.arn, roleArn: pulumi.all([role.arn, permissions.id]).apply(([arn]) => arn) };
}
