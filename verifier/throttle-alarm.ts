/**
 * The customer's throttle alarm, held to what its component can build. The
 * proof vouches that Bedrock throttling seen in the audit records raises the
 * alarm; every setting of the alarm decides whether it can: a threshold no
 * period reaches, a unit or Region the filters do not publish in, a missing
 * data rule that holds an idle tenant in ALARM, or a form the component never
 * uses (metric math, a percentile, M of N data points) each can keep it from
 * ever changing state. So the alarm may hold only the settings the component
 * sets, within the bounds its arguments are validated to (shared from the
 * contract), and settings that cannot change what it evaluates.
 */
import { alarmPeriodProblem, evaluationPeriodsProblem, evaluationSpanProblem, THROTTLE_ALARM_MISSING_DATA, throttleThresholdProblem } from "../contract";
import { asText, prop, settingsOutside, type StackResource, type StackState } from "./pulumi-formats";
import { resourceRegion } from "./resource-region";

/**
 * Settings the component's alarm holds: those it sets (namespace, metric,
 * statistic, comparison and dimensions are how the alarm is found; the
 * others are read below), what AWS reports beside them, and settings that
 * cannot change what the alarm evaluates: actions (the egress checks read
 * where they go; `actionsEnabled` is read on its own), and the low-sample
 * rule of percentiles, which a `Sum` alarm ignores.
 */
const READ_ELSEWHERE = new Set([
    "name", "namePrefix", "alarmDescription", "namespace", "metricName", "statistic", "comparisonOperator", "dimensions",
    "period", "evaluationPeriods", "threshold", "treatMissingData", "region",
    "alarmActions", "okActions", "insufficientDataActions", "actionsEnabled", "tags", "tagsAll", "arn", "id", "urn",
    "evaluateLowSampleCountPercentiles",
]);

/** Why a setting the component never makes can keep the alarm from firing. */
const NEVER_SET: Readonly<Record<string, string>> = {
    unit: "an alarm on one unit reads only data points published in it, and the metric filters' unit is theirs to choose",
    datapointsToAlarm: "with it the alarm may wait for breaching periods the evaluation never holds",
    extendedStatistic: "a percentile of the throttled-call counts is not their sum",
    thresholdMetricId: "the threshold would be a band computed from the metric itself",
    metricQueries: "metric math decides what the alarm evaluates, not the component's metric",
};

/** A number recorded as text (`"300"`) is the number it spells; anything else stays as recorded, for the message to show. */
function numeric(value: unknown): unknown {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
    return Number.isFinite(n) ? n : value;
}

/** `[property, why]` for each setting of `alarm` that can keep it from firing on throttled calls published in `region`. */
export function throttleAlarmSilencers(state: StackState, alarm: StackResource, region: string): [string, string][] {
    const out: [string, string][] = [];
    const bad = throttleThresholdProblem("threshold", numeric(prop(alarm, "threshold")));
    if (bad !== undefined) out.push(["threshold", `${bad}: an alarm waiting for more throttled calls than a period holds never fires`]);
    const period = numeric(prop(alarm, "period"));
    const count = numeric(prop(alarm, "evaluationPeriods"));
    const periodBad = alarmPeriodProblem("period", period);
    const countBad = evaluationPeriodsProblem("evaluationPeriods", count);
    const spanBad = periodBad === undefined && countBad === undefined ? evaluationSpanProblem("period", "evaluationPeriods", period as number, count as number) : undefined;
    for (const [key, why] of [["period", periodBad], ["evaluationPeriods", countBad ?? spanBad]] as const) {
        if (why !== undefined) out.push([key, `${why}: the component builds no such alarm, and CloudWatch evaluates none`]);
    }
    const missing = prop(alarm, "treatMissingData");
    if (missing !== THROTTLE_ALARM_MISSING_DATA) {
        out.push(["treatMissingData", `treats missing data as ${asText(missing ?? "missing")}, not ${THROTTLE_ALARM_MISSING_DATA} as the component does: periods with no records ${missing === "breaching" ? "hold an idle tenant's alarm in ALARM, so throttling that follows changes no state and notifies no one" : "decide its state otherwise than the component chose"}`]);
    }
    const at = resourceRegion(state, alarm);
    if (at !== region) out.push(["region", `is evaluated in ${at === undefined ? "a Region the file does not say" : `Region ${at}`}, but the audit log group's filters publish its metric in ${region}: CloudWatch metrics are Regional, so it would read no data`]);
    for (const [key, value] of settingsOutside(alarm, READ_ELSEWHERE)) {
        out.push([key, `sets ${key} ${asText(value)}, which the component never sets: ${NEVER_SET[key] ?? "what it does to the alarm is not read by the proof"}`]);
    }
    return out;
}
