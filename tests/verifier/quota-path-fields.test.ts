/**
 * Fields of the quota path that the component never sets and that stop a
 * quota from blocking without touching isolation: a unit or another field
 * on a quota alarm's queries, the enforcer's event target on another bus,
 * and an enforcer function that cannot run (a network, a key, a handler).
 */
import * as assert from "assert";
import { addResource, opsViolationsAfter, shippedDocs, type StackDoc } from "../support/plan-files";
import { find, named, OPS } from "../support/plan-mutations";

const CODE = "BT-OPS-QUOTA-WIRING";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const FUNCTION = "aws:lambda/function:Function";

describe("fields of the quota path the component never sets", function () {
    this.timeout(300_000);
    let ops: StackDoc;
    let customer: StackDoc;
    before(async () => {
        ({ ops, customer } = await shippedDocs());
    });
    const findings = (edit: (d: StackDoc) => void): string[] => opsViolationsAfter({ ops, customer }, CODE, edit).map((v) => `${v.resource} ${v.statement}: ${v.why}`);
    const both = (r: any, change: (side: Record<string, any>) => void) => [r.inputs, r.outputs].forEach(change);
    const alarm = (d: StackDoc, name: string) => find(d, METRIC_ALARM, named(name));
    const target = (d: StackDoc) => find(d, TARGET, (r) => r.urn.endsWith("::quota-enforcer-alarms"));
    const enforcer = (d: StackDoc) => find(d, FUNCTION, named("BedrockTenancyQuotaEnforcer"));

    it("finds a unit, an account or any other field on a quota alarm's queries, block or warning", () => {
        assert.deepStrictEqual(findings(() => undefined), [], "the shipped ops stack");
        const onQueries = (name: string, change: (q: any) => void) => (d: StackDoc) => both(alarm(d, name), (s) => {
            s.metricQueries = JSON.parse(JSON.stringify(s.metricQueries));
            s.metricQueries.forEach(change);
        });
        const unit = findings(onQueries("BedrockTenancyQuotaPart-customer-a-daily", (q) => { if (q.metric) q.metric.unit = "Bytes"; }));
        assert.ok(unit.some((f) => f.startsWith("tenants-customer-a-quota-daily metricQueries") && f.includes('"in0" sets metric.unit')), JSON.stringify(unit));
        const warning = findings(onQueries("BedrockTenancyQuotaPart-customer-a-daily-warning", (q) => { if (q.metric) q.metric.unit = "Seconds"; }));
        assert.ok(warning.some((f) => f.includes("sets metric.unit")), JSON.stringify(warning));
        const account = findings(onQueries("BedrockTenancyQuotaPart-customer-a-monthly", (q) => { q.accountId = OPS; }));
        assert.ok(account.some((f) => f.includes('"tokens" sets accountId')), JSON.stringify(account));
        const unset = findings(onQueries("BedrockTenancyQuotaPart-customer-a-daily", (q) => {
            q.accountId = "";
            if (q.metric) q.metric.unit = "";
            else q.period = 0;
        }));
        assert.deepStrictEqual(unset, [], "fields recorded unset, as the provider records them, are none");
        const topUnit = findings((d) => both(alarm(d, "BedrockTenancyQuotaPart-customer-a-daily"), (s) => { s.unit = "Count"; }));
        assert.ok(topUnit.some((f) => f.includes("sets unit")), JSON.stringify(topUnit));
    });

    it("finds an alarm-level setting a quota alarm never holds, such as a warm-up, and takes one recorded unset as none", () => {
        const warmUp = findings((d) => both(alarm(d, "BedrockTenancyQuotaPart-customer-a-daily"), (s) => {
            s.warmUpConfiguration = { warmUpPeriodDurationInMinutes: 2880, onlyStartEvaluatingAfterWarmUpPeriodEnds: true };
        }));
        assert.ok(warmUp.some((f) => f.startsWith("tenants-customer-a-quota-daily warmUpConfiguration") && f.includes("which the component's quota alarms never set")), JSON.stringify(warmUp));
        const interval = findings((d) => both(alarm(d, "BedrockTenancyQuotaPart-customer-a-monthly"), (s) => { s.evaluationInterval = 86400; }));
        assert.ok(interval.some((f) => f.startsWith("tenants-customer-a-quota-monthly evaluationInterval")), JSON.stringify(interval));
        // As a deployed stack's export records fields nobody set.
        assert.deepStrictEqual(findings((d) => {
            const a = alarm(d, "BedrockTenancyQuotaPart-customer-a-daily");
            a.outputs = { ...a.outputs, evaluationInterval: 0, warmUpConfiguration: { warmUpPeriodDurationInMinutes: 0, onlyStartEvaluatingAfterWarmUpPeriodEnds: false }, thresholdMetricId: "" };
        }), []);
    });

    it("finds the enforcer's event target on another bus than the default, by name or ARN", () => {
        for (const bus of ["quota-bus", `arn:aws:events:us-east-1:${OPS}:event-bus/quota-bus`, "arn:aws:events:us-east-1:123456789012:event-bus/default"]) {
            const found = findings((d) => both(target(d), (s) => { s.eventBusName = bus; }));
            assert.ok(found.some((f) => f.startsWith("quota-enforcer-alarms eventBusName") && f.includes(JSON.stringify(bus))), JSON.stringify(found));
            assert.ok(found.some((f) => f.includes("no enabled rule of the component's pattern")), JSON.stringify(found));
        }
        for (const bus of ["default", `arn:aws:events:us-east-1:${OPS}:event-bus/default`]) {
            assert.deepStrictEqual(findings((d) => both(target(d), (s) => { s.eventBusName = bus; })), [], bus);
            // The rule's bus, written either way, as its own check reads it.
            assert.deepStrictEqual(findings((d) => both(find(d, "aws:cloudwatch/eventRule:EventRule", (r) => r.urn.endsWith("::quota-enforcer-alarms")), (s) => { s.eventBusName = bus; })), [], `rule on ${bus}`);
        }
        const ruleElsewhere = findings((d) => both(find(d, "aws:cloudwatch/eventRule:EventRule", (r) => r.urn.endsWith("::quota-enforcer-alarms")), (s) => { s.eventBusName = "arn:aws:events:us-east-1:123456789012:event-bus/default"; }));
        assert.ok(ruleElsewhere.some((f) => f.startsWith("quota-enforcer-alarms eventBusName") && f.includes("the quota enforcer's rule is on the event bus")), JSON.stringify(ruleElsewhere));
    });

    it("finds an enforcer function held in a network, keyed or tenancy-scoped, or with another handler", () => {
        const set = (key: string, value: unknown) => findings((d) => both(enforcer(d), (s) => { s[key] = value; }));
        const vpc = set("vpcConfig", { subnetIds: ["subnet-0iso"], securityGroupIds: ["sg-0iso"] });
        assert.ok(vpc.some((f) => f.startsWith("quota-enforcer-function vpcConfig")), JSON.stringify(vpc));
        const key = set("kmsKeyArn", `arn:aws:kms:us-east-1:${OPS}:key/11111111-2222-3333-4444-555555555555`);
        assert.ok(key.some((f) => f.startsWith("quota-enforcer-function kmsKeyArn")), JSON.stringify(key));
        const tenancy = set("tenancyConfig", { tenantIsolationMode: "PER_TENANT" });
        assert.ok(tenancy.some((f) => f.startsWith("quota-enforcer-function tenancyConfig")), JSON.stringify(tenancy));
        const handler = set("handler", "index.noSuchExport");
        assert.ok(handler.some((f) => f.startsWith("quota-enforcer-function handler") && f.includes("index.handler")), JSON.stringify(handler));
        // What cannot stop it, settings recorded unset, and a function that is not the enforcer are no finding.
        assert.deepStrictEqual(findings((d) => both(enforcer(d), (s) => {
            Object.assign(s, { tracingConfig: { mode: "Active" }, description: "enforcer", ephemeralStorage: { size: 1024 } });
        })), []);
        assert.deepStrictEqual(findings((d) => {
            enforcer(d).outputs = { ...enforcer(d).outputs, vpcConfig: { subnetIds: [], securityGroupIds: [], vpcId: "", ipv6AllowedForDualStack: false }, kmsKeyArn: "", snapStart: null, codeSigningConfigArn: "" };
        }), []);
        assert.deepStrictEqual(findings((d) => {
            const fn = enforcer(d);
            addResource(d, FUNCTION, "other", { ...fn.inputs, name: "other", handler: "main.run", vpcConfig: { subnetIds: ["subnet-0a"], securityGroupIds: ["sg-0a"] }, reservedConcurrentExecutions: 1 });
        }).filter((f) => f.startsWith("other ")), []);
    });
});
