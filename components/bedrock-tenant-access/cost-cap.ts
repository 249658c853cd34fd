import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedCostCap } from "./quota-validation";

export interface CostCapInput {
    tenantId: string;
    cap: ResolvedCostCap;
    costTagKey: string;
    role: aws.iam.Role;
    /** The ops stack's shared cost-cap policy and Budgets execution role, already checked. */
    policyArn: pulumi.Output<string>;
    executionRoleArn: pulumi.Output<string>;
    tags: Record<string, string>;
}

/** The cap as the budget's `limitAmount`: USD with cents. */
export const costCapLimitAmount = (cap: ResolvedCostCap): string => cap.limitUsd.toFixed(2);

/**
 * A monthly budget on the tenant's cost-allocation tag whose action, run by
 * AWS Budgets itself with no code of ours, attaches the ops stack's shared
 * deny policy to the tenant's role once actual cost passes the cap.
 */
export function createCostCap(name: string, input: CostCapInput, parent: pulumi.Resource): aws.budgets.BudgetAction {
    const opts = { parent };
    const { tenantId, cap, tags } = input;
    const budget = new aws.budgets.Budget(`${name}-cost-cap`, {
        name: `bedrock-tenant-${tenantId}-cap`,
        budgetType: "COST",
        timeUnit: "MONTHLY",
        limitAmount: costCapLimitAmount(cap),
        limitUnit: "USD",
        costFilters: [{ name: "TagKeyValue", values: [`user:${input.costTagKey}$${tenantId}`] }],
        tags,
    }, opts);
    return new aws.budgets.BudgetAction(`${name}-cost-cap`, {
        budgetName: budget.name,
        actionType: "APPLY_IAM_POLICY",
        approvalModel: "AUTOMATIC",
        notificationType: "ACTUAL",
        actionThreshold: { actionThresholdType: "PERCENTAGE", actionThresholdValue: 100 },
        definition: { iamActionDefinition: { policyArn: input.policyArn, roles: [input.role.name] } },
        executionRoleArn: input.executionRoleArn,
        subscribers: [
            ...cap.emails.map((address) => ({ address, subscriptionType: "EMAIL" })),
            ...cap.snsTopicArns.map((address) => ({ address, subscriptionType: "SNS" })),
        ],
        tags,
    }, opts);
}
