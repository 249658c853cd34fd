import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { costCapPolicy } from "../../contract";
import { budgetsTrustPolicy, costCapExecutionPolicy } from "./cost-cap-policies";
import type { ResolvedCostCap } from "./quota-validation";

export interface CostCapInput {
    tenantId: string;
    cap: ResolvedCostCap;
    costTagKey: string;
    account: pulumi.Output<string>;
    role: aws.iam.Role;
    tags: Record<string, string>;
}

/** Role names carry the tenant id (≤ 32 characters): 28 + 32 stays under IAM's 64. */
const EXECUTION_ROLE_PREFIX = "BedrockTenancyCostCapAction-";

/**
 * A monthly budget on the tenant's cost-allocation tag whose action, run by
 * AWS Budgets itself with no code of ours, attaches a managed deny policy to
 * the tenant's role once actual cost passes the cap.
 */
export function createCostCap(name: string, input: CostCapInput, parent: pulumi.Resource): aws.budgets.BudgetAction {
    const opts = { parent };
    const { tenantId, cap, tags } = input;
    const policy = new aws.iam.Policy(`${name}-cost-cap`, {
        name: `BedrockTenancyCostCap-${tenantId}`,
        description: `Denies tenant ${tenantId} everything once its monthly Bedrock cost passes ${cap.limitUsd} USD`,
        policy: JSON.stringify(costCapPolicy()),
        tags,
    }, opts);
    const executionRole = new aws.iam.Role(`${name}-cost-cap-action`, {
        name: `${EXECUTION_ROLE_PREFIX}${tenantId}`,
        description: `AWS Budgets applies the cost cap of tenant ${tenantId} with this role`,
        assumeRolePolicy: input.account.apply(budgetsTrustPolicy),
        tags,
    }, opts);
    new aws.iam.RolePolicy(`${name}-cost-cap-action`, {
        role: executionRole.id,
        name: "apply-cost-cap",
        policy: pulumi.all([input.role.arn, policy.arn]).apply(([roleArn, policyArn]) => costCapExecutionPolicy(roleArn, policyArn)),
    }, opts);
    const budget = new aws.budgets.Budget(`${name}-cost-cap`, {
        name: `bedrock-tenant-${tenantId}-cap`,
        budgetType: "COST",
        timeUnit: "MONTHLY",
        limitAmount: cap.limitUsd.toFixed(2),
        limitUnit: "USD",
        costFilters: [{ name: "TagKeyValue", values: [`user:${input.costTagKey}$${tenantId}`] }],
    }, opts);
    return new aws.budgets.BudgetAction(`${name}-cost-cap`, {
        budgetName: budget.name,
        actionType: "APPLY_IAM_POLICY",
        approvalModel: "AUTOMATIC",
        notificationType: "ACTUAL",
        actionThreshold: { actionThresholdType: "PERCENTAGE", actionThresholdValue: 100 },
        definition: { iamActionDefinition: { policyArn: policy.arn, roles: [input.role.name] } },
        executionRoleArn: executionRole.arn,
        subscribers: [
            ...cap.emails.map((address) => ({ address, subscriptionType: "EMAIL" })),
            ...cap.snsTopicArns.map((address) => ({ address, subscriptionType: "SNS" })),
        ],
        tags,
    }, opts);
}
