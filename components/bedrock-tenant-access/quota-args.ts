import type * as pulumi from "@pulumi/pulumi";
import { optionNames } from "../../contract";

/** Token limits over input plus output tokens. */
export interface TokenLimitArgs {
    /**
     * Input plus output tokens in any 24 hours (a sliding window: a CloudWatch
     * alarm period of one day is not aligned to midnight). A whole number above 0.
     * @default - no daily limit
     */
    tokensPerDay?: number;
    /**
     * Input plus output tokens per month, enforced as a pace: a CloudWatch alarm
     * looks back at most 7 days, so the block falls when the last 7 days used
     * more than 7/31 of this. A whole number above 0.
     * @default - no monthly limit
     */
    tokensPerMonth?: number;
}

/** A tenant's token quota, enforced in the ops account from `AWS/Bedrock` token metrics only. */
export interface TenantQuotaArgs extends TokenLimitArgs {
    /**
     * Limits for single models, by model id as listed in `models`, on top of
     * the tenant-wide ones.
     * @default {}
     */
    perModel?: Record<string, TokenLimitArgs>;
    /**
     * Percentage of each limit at which a warning alarm notifies, before the
     * block. Above 0 and below 100.
     * @default 80
     */
    warningPercent?: number;
    /**
     * SNS topic ARN the warning alarms notify.
     * @default - a topic per tenant, `BedrockTenancyQuota-<tenantId>-warnings`
     */
    warningTopicArn?: pulumi.Input<string>;
    /**
     * ARN of the ops stack's quota enforcer function (`QuotaEnforcer.functionArn`),
     * whose one EventBridge rule receives the tenant's composite alarm. Must
     * be a Lambda function of the ops account in the tenant's Region: the rule
     * sees no other account's or Region's alarms. Checked at preview when a
     * plain string, once known otherwise.
     */
    enforcerFunctionArn: pulumi.Input<string>;
}

/** A hard monthly cost cap: an AWS Budgets action denies the tenant's role everything once its tagged cost passes the cap. */
export interface TenantCostCapArgs {
    /** Monthly cap in USD. Must be greater than 0. */
    limitUsd: number;
    /**
     * Email addresses Budgets tells when the action runs. AWS requires at
     * least one subscriber per action (email or SNS), 11 at most.
     * @default []
     */
    emails?: string[];
    /**
     * SNS topic ARNs Budgets tells when the action runs.
     * @default []
     */
    snsTopicArns?: string[];
    /**
     * ARN of the ops stack's shared cost-cap policy (`QuotaEnforcer.costCapPolicyArn`,
     * with `costCaps: true`), the managed policy the action attaches. A
     * customer managed policy of the ops account.
     */
    policyArn: pulumi.Input<string>;
    /**
     * ARN of the ops stack's shared Budgets execution role
     * (`QuotaEnforcer.costCapExecutionRoleArn`), which the action runs as. A
     * role of the ops account.
     */
    executionRoleArn: pulumi.Input<string>;
}

export const TOKEN_LIMIT_OPTIONS = optionNames<TokenLimitArgs>({ tokensPerDay: true, tokensPerMonth: true });
export const QUOTA_OPTIONS = optionNames<TenantQuotaArgs>({ tokensPerDay: true, tokensPerMonth: true, perModel: true, warningPercent: true, warningTopicArn: true, enforcerFunctionArn: true });
export const COST_CAP_OPTIONS = optionNames<TenantCostCapArgs>({ limitUsd: true, emails: true, snsTopicArns: true, policyArn: true, executionRoleArn: true });
