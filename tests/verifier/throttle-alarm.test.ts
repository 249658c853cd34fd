/**
 * The customer's throttle alarm is held to what its component can build:
 * the threshold, period and evaluation periods within the bounds its
 * arguments are validated to, missing data not breaching, the component's
 * Region, and no setting the component never makes (a unit, M of N data
 * points, a percentile, metric math, a threshold band). Any of them can keep
 * the alarm from ever firing, which is BT-CUSTOMER-AUDIT-REMOVAL.
 */
import * as assert from "assert";
import { addResource, editedPlan, resource, shippedPlan, verify, type StackDoc } from "../support/plan-files";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const OWN = "customer-a-throttle-alarm";

/** Sets each of `settings` on the component's alarm, inputs and outputs alike. */
const alarmWith = (settings: Record<string, unknown>) => (doc: StackDoc) => {
    const alarm = resource(doc, ALARM, OWN);
    for (const side of [alarm.inputs, alarm.outputs]) Object.assign(side, settings);
};

describe("the customer's throttle alarm", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const run = (edit: (doc: StackDoc) => void) => verify(editedPlan(plan, "customer-a", edit));
    const shown = (result: ReturnType<typeof verify>) => JSON.stringify(result.report?.violations?.map((v: any) => [v.code, v.resource, v.statement, v.why]));

    const silenced: [string, Record<string, unknown>, string, RegExp][] = [
        ["a threshold no period reaches", { threshold: 1e15 }, "threshold", /threshold must be at most 100000 throttled calls in one period .*got 1000000000000000/],
        ["a negative threshold, always in ALARM", { threshold: -1 }, "threshold", /threshold must be a number above 0, got -1/],
        ["a threshold recorded as text past the bound", { threshold: "250000" }, "threshold", /at most 100000 .*got 250000/],
        ["a unit the filters do not publish in", { unit: "Seconds" }, "unit", /sets unit Seconds, which the component never sets/],
        ["another Region than the component's", { region: "us-west-2" }, "region", /is evaluated in Region us-west-2, but the audit log group's filters publish its metric in us-east-1/],
        ["M of N data points", { evaluationPeriods: 288, datapointsToAlarm: 288 }, "datapointsToAlarm", /sets datapointsToAlarm 288, which the component never sets/],
        ["more evaluation periods than CloudWatch takes", { evaluationPeriods: 10000 }, "evaluationPeriods", /evaluationPeriods must be an integer from 1 to 8640, got 10000/],
        ["a period CloudWatch does not evaluate", { period: 45 }, "period", /period must be 10, 30 or a multiple of 60, got 45/],
        ["periods spanning more than a day", { period: 3600, evaluationPeriods: 48 }, "evaluationPeriods", /period × evaluationPeriods must be at most 86400 s, got 3600 × 48/],
        ["missing data breaching", { treatMissingData: "breaching" }, "treatMissingData", /treats missing data as breaching, not notBreaching/],
        ["missing data left to CloudWatch", { treatMissingData: "missing" }, "treatMissingData", /treats missing data as missing/],
        ["a percentile", { extendedStatistic: "p99" }, "extendedStatistic", /sets extendedStatistic p99/],
        ["a threshold band", { thresholdMetricId: "band" }, "thresholdMetricId", /sets thresholdMetricId band/],
        ["metric math", { metricQueries: [{ id: "m", expression: "SUM(METRICS())*0", returnData: true }] }, "metricQueries", /sets metricQueries/],
        ["a setting the proof does not know", { evaluationInterval: 3600 }, "evaluationInterval", /sets evaluationInterval 3600, which the component never sets: what it does to the alarm is not read by the proof/],
    ];
    for (const [name, settings, statement, why] of silenced) {
        it(`finds the component's alarm with ${name}`, () => {
            const result = run(alarmWith(settings));
            assert.strictEqual(result.code, 1, result.stderr);
            assert.ok(result.report.violations.some((v: any) => v.code === "BT-CUSTOMER-AUDIT-REMOVAL" && v.resource === OWN && v.statement === statement && why.test(v.why)), shown(result));
        });
    }

    it("finds no working alarm when the component's is gone and the stack's other alarm on its metric has a unit", () => {
        const result = run((doc) => {
            const own = resource(doc, ALARM, OWN);
            doc.deployment.resources = doc.deployment.resources.filter((r) => r !== own);
            addResource(doc, ALARM, "throttle-watch", { ...structuredClone(own.inputs), name: "throttle-watch", unit: "Milliseconds" });
        });
        assert.strictEqual(result.code, 1, result.stderr);
        assert.ok(result.report.violations.some((v: any) => v.code === "BT-CUSTOMER-AUDIT-REMOVAL" && v.resource === "customer-a" && v.statement === "throttleAlarmArn" && /with settings the component can make/.test(v.why)), shown(result));
    });

    // CloudWatch's PutMetricAlarm and CloudWatch Logs' PutMetricFilter create or replace by name: the last deployed wins.
    for (const [what, edit, resourceName, why] of [
        ["an alarm of its own named as the component's", (doc: StackDoc) => addResource(doc, ALARM, "shadow", { ...structuredClone(resource(doc, ALARM, OWN).inputs), threshold: 1e15 }), "shadow", /has the name of the component's alarm bedrock-tenancy-customer-a-throttled-calls: CloudWatch creates or replaces by that name/],
        ["an alarm on another metric named as the component's", (doc: StackDoc) => addResource(doc, ALARM, "shadow", { name: "bedrock-tenancy-customer-a-throttled-calls", namespace: "AWS/Lambda", metricName: "Errors", statistic: "Sum", comparisonOperator: "GreaterThanThreshold", threshold: 1, evaluationPeriods: 1, period: 60, region: "us-east-1" }), "shadow", /has the name of the component's alarm/],
        ["a metric filter named as the component's on the audit log group", (doc: StackDoc) => addResource(doc, "aws:cloudwatch/logMetricFilter:LogMetricFilter", "shadow-filter", { name: "ThrottledCalls", logGroupName: "/bedrock-tenancy/customer-a/audit", pattern: "{ $.nothing = 1 }", region: "us-east-1", metricTransformation: { name: "Other", namespace: "Elsewhere", value: "1" } }), "shadow-filter", /has the name of the component's metric filter ThrottledCalls on the audit log group/],
    ] as const) {
        it(`finds ${what}, which replaces the component's when deployed after it`, () => {
            const result = run(edit);
            assert.strictEqual(result.code, 1, result.stderr);
            assert.ok(result.report.violations.some((v: any) => v.code === "BT-CUSTOMER-AUDIT-REMOVAL" && v.resource === resourceName && v.statement === "name" && why.test(v.why)), shown(result));
        });
    }

    it("accepts an alarm and a filter of the stack's own under other names, or in another log group", () => {
        const result = run((doc) => {
            addResource(doc, ALARM, "own-alarm", { ...structuredClone(resource(doc, ALARM, OWN).inputs), name: "team-throttle-watch" });
            addResource(doc, "aws:cloudwatch/logMetricFilter:LogMetricFilter", "app-filter", { name: "ThrottledCalls", logGroupName: "/app/logs", pattern: "{ $.throttled IS TRUE }", region: "us-east-1", metricTransformation: { name: "AppThrottles", namespace: "App", value: "1" } });
        });
        assert.strictEqual(result.code, 0, shown(result));
    });

    it("accepts the settings the component can make, and what AWS reports for those it leaves unset", () => {
        const result = run(alarmWith({ threshold: 100_000, period: "60", evaluationPeriods: 1440, datapointsToAlarm: 0, unit: "", extendedStatistic: "", thresholdMetricId: "", metricQueries: [], insufficientDataActions: [], evaluateLowSampleCountPercentiles: "", actionsEnabled: true, evaluationInterval: 0, warmUpConfiguration: { warmUpPeriodDurationInMinutes: 0 } }));
        assert.strictEqual(result.code, 0, shown(result));
    });
});
