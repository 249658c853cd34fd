import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PARTITION, quotaAlarmName, quotaPartAlarmName } from "../../contract";
import type { ResolvedLimits, ResolvedQuota } from "./quota-validation";

/** One application profile the quota meters, by its Bedrock id (the `ModelId` dimension value). */
export interface MeteredProfile {
    modelId: string;
    profileId: pulumi.Input<string>;
}

/** `arn:aws:sns:REGION:ACCOUNT:NAME`: the ARN AWS gives a standard topic. */
export function snsTopicArn(region: string, account: string, topicName: string): string {
    return `arn:${PARTITION}:sns:${region}:${account}:${topicName}`;
}

export const DAY_SECONDS = 86_400;
/** CloudWatch evaluates at most 7 days back (Period × EvaluationPeriods ≤ 604,800 s). */
export const WEEK_SECONDS = 604_800;

/**
 * Metric math over the profiles' `AWS/Bedrock` token counts: input plus output
 * tokens summed over every profile, a missing series counting as zero.
 */
export function tokenQueries(profileIds: pulumi.Input<string>[], period: number): aws.types.input.cloudwatch.MetricAlarmMetricQuery[] {
    const metrics = profileIds.flatMap((id, i) => (["InputTokenCount", "OutputTokenCount"] as const).map((metricName) => ({
        id: `${metricName === "InputTokenCount" ? "in" : "out"}${i}`,
        returnData: false,
        metric: { namespace: "AWS/Bedrock", metricName, dimensions: { ModelId: id }, period, stat: "Sum" },
    })));
    return [...metrics, { id: "tokens", expression: `SUM([${metrics.map((m) => `FILL(${m.id}, 0)`).join(", ")}])`, label: "input + output tokens", returnData: true }];
}

interface Limit {
    part: string;
    threshold: number;
    period: number;
    profiles: MeteredProfile[];
}

/** The limits as alarms: a day is one day's sum; a month is a 7-day sum against 7/31 of the month (a pace). */
export function quotaLimits(quota: ResolvedQuota, profiles: MeteredProfile[]): Limit[] {
    const of = (prefix: string, limits: ResolvedLimits, over: MeteredProfile[]): Limit[] => [
        ...(limits.tokensPerDay !== undefined ? [{ part: `${prefix}daily`, threshold: limits.tokensPerDay, period: DAY_SECONDS, profiles: over }] : []),
        ...(limits.tokensPerMonth !== undefined ? [{ part: `${prefix}monthly`, threshold: Math.ceil((limits.tokensPerMonth * 7) / 31), period: WEEK_SECONDS, profiles: over }] : []),
    ];
    const index = (modelId: string) => profiles.findIndex((p) => p.modelId === modelId);
    return [
        ...of("", quota, profiles),
        ...Object.entries(quota.perModel).flatMap(([modelId, limits]) => of(`model${index(modelId)}-`, limits, profiles.filter((p) => p.modelId === modelId))),
    ];
}

/** One alarm the quota builds, as the isolation verifier compares it: what it counts and where it trips. */
export interface PlannedQuotaAlarm {
    threshold: number;
    period: number;
    /** Model ids (as listed in `models`) whose profiles it counts. */
    models: string[];
    /** A block alarm, which the composite alarm combines; else a warning. */
    block: boolean;
}

/** Every alarm {@link createQuotaAlarms} creates, by name: the same limits, thresholds and profiles. */
export function plannedQuotaAlarms(tenantId: string, quota: ResolvedQuota, modelIds: string[]): Record<string, PlannedQuotaAlarm> {
    const out: Record<string, PlannedQuotaAlarm> = {};
    for (const limit of quotaLimits(quota, modelIds.map((modelId) => ({ modelId, profileId: modelId })))) {
        const models = limit.profiles.map((p) => p.modelId);
        out[quotaPartAlarmName(tenantId, limit.part)] = { threshold: limit.threshold, period: limit.period, models, block: true };
        out[quotaPartAlarmName(tenantId, `${limit.part}-warning`)] = { threshold: warningThreshold(limit.threshold, quota.warningPercent), period: limit.period, models, block: false };
    }
    return out;
}

const warningThreshold = (threshold: number, percent: number) => Math.floor((threshold * percent) / 100);

export interface QuotaAlarmsInput {
    tenantId: string;
    region: string;
    quota: ResolvedQuota;
    profiles: MeteredProfile[];
    warningTopicArn?: pulumi.Input<string>;
    /** The ops account, where the alarms and the warning topic are. */
    account: pulumi.Input<string>;
    tags: Record<string, string>;
}

/**
 * Per tenant: a block and a warning alarm per limit, and one composite alarm
 * that is in ALARM while any block alarm is. The shared enforcer's one rule
 * picks up the composite alarm's state changes by its name's prefix.
 */
export function createQuotaAlarms(name: string, input: QuotaAlarmsInput, parent: pulumi.Resource): aws.cloudwatch.CompositeAlarm {
    const opts = { parent };
    const { tenantId, region, tags } = input;
    const topicName = `${quotaAlarmName(tenantId)}-warnings`;
    const topic = input.warningTopicArn === undefined ? new aws.sns.Topic(`${name}-quota-warnings`, { name: topicName, region, tags }, opts) : undefined;
    // A new topic's ARN built from the Region, the account and its name (what AWS gives it), so a preview knows where the warnings go.
    const topicArn = input.warningTopicArn ?? pulumi.output(input.account).apply((account) => snsTopicArn(region, account, topicName));
    const blocks = quotaLimits(input.quota, input.profiles).map((limit) => {
        const alarm = (suffix: string, threshold: number, actions: pulumi.Input<string>[]) => new aws.cloudwatch.MetricAlarm(`${name}-quota-${limit.part}${suffix}`, {
            name: quotaPartAlarmName(tenantId, `${limit.part}${suffix}`),
            alarmDescription: `Tenant ${tenantId}: ${limit.part} token quota${suffix ? " warning" : ""} (${threshold} tokens per ${limit.period} s)`,
            region,
            comparisonOperator: "GreaterThanThreshold",
            threshold,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            // No tokens reported means no use, never a breach.
            treatMissingData: "notBreaching",
            metricQueries: tokenQueries(limit.profiles.map((p) => p.profileId), limit.period),
            alarmActions: actions,
            tags,
        }, suffix && topic ? { ...opts, dependsOn: [topic] } : opts);
        alarm("-warning", warningThreshold(limit.threshold, input.quota.warningPercent), [topicArn]);
        return alarm("", limit.threshold, []);
    });
    return new aws.cloudwatch.CompositeAlarm(`${name}-quota`, {
        alarmName: quotaAlarmName(tenantId),
        alarmDescription: `Tenant ${tenantId}: any token quota exhausted; the quota enforcer blocks the tenant's role while in ALARM`,
        region,
        alarmRule: pulumi.all(blocks.map((b) => b.name)).apply((names) => names.map((n) => `ALARM("${n}")`).join(" OR ")),
        tags,
    }, opts);
}
