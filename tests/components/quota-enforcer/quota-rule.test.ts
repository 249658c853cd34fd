import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { BedrockTenantAccess, QuotaEnforcer } from "../../../components";
import { QuotaEventRefused, parseAlarmChange } from "../../../enforcer";
import { installMocks, ofType, promiseOf, type RecordedResource } from "../../../testing/pulumi-mocks";
import { HAIKU, OPS_ACCOUNT, US_HAIKU_35, opsMockOptions, settled } from "../../../testing/tenant-access-fixtures";
import { matchesPattern } from "./event-pattern";
import { makeTempDir } from "../../support/temp-dir";

const EVENTS = path.join(__dirname, "../../../testing/fixtures/alarm-events");
const fixture = (file: string) => JSON.parse(fs.readFileSync(path.join(EVENTS, `${file}.json`), "utf8"));
/** A recorded state change event, renamed to another alarm. */
const eventFor = (alarmName: string) => {
    const event = fixture("composite-alarm");
    event.detail.alarmName = alarmName;
    event.resources = [`arn:aws:cloudwatch:us-east-1:${OPS_ACCOUNT}:alarm:${alarmName}`];
    return event;
};
const RULE_ARN = `arn:aws:events:us-east-1:${OPS_ACCOUNT}:rule/BedrockTenancyQuotaAlarms`;

describe("the event pattern matcher the rule tests rely on", () => {
    const event = { source: "aws.cloudwatch", detail: { alarmName: "abc", tags: ["x", "y"] } };

    it("matches exact values, prefixes and any element of an array field", () => {
        assert.strictEqual(matchesPattern({ source: ["aws.cloudwatch"], detail: { alarmName: [{ prefix: "ab" }] } }, event), true);
        assert.strictEqual(matchesPattern({ detail: { tags: ["y"] } }, event), true);
    });

    it("refuses a different value, a prefix the value lacks, a missing field, and a field where an object is expected", () => {
        assert.strictEqual(matchesPattern({ source: ["aws.ec2"] }, event), false);
        assert.strictEqual(matchesPattern({ detail: { alarmName: [{ prefix: "b" }] } }, event), false);
        assert.strictEqual(matchesPattern({ detail: { state: ["ALARM"] } }, event), false);
        assert.strictEqual(matchesPattern({ source: { value: ["aws.cloudwatch"] } }, event), false);
    });

    it("throws on an operator it does not implement", () => {
        assert.throws(() => matchesPattern({ detail: { alarmName: [{ suffix: "c" }] } }, event), /unsupported pattern operator/);
    });
});

describe("QuotaEnforcer's one EventBridge rule", () => {
    let recorded: RecordedResource[];
    let pattern: unknown;
    let ruleArn: string;

    before(async () => {
        recorded = await installMocks(opsMockOptions());
        const bundle = path.join(makeTempDir("enforcer-"), "index.mjs");
        fs.writeFileSync(bundle, "export const handler = async () => {};\n");
        const enforcer = new QuotaEnforcer("quota-enforcer", { region: "us-east-1", accountId: OPS_ACCOUNT, bundlePath: bundle });
        for (const [key, tenant, account] of [["a", "customer-a", "111111111111"], ["b", "customer-b", "222222222222"]]) {
            new BedrockTenantAccess(`tenant-${key}`, {
                tenantId: tenant, accounts: [account], models: [HAIKU, US_HAIKU_35], region: "us-east-1", accountId: OPS_ACCOUNT,
                quota: { tokensPerDay: 1000, tokensPerMonth: 20_000, perModel: { [US_HAIKU_35]: { tokensPerDay: 100 } }, enforcerFunctionArn: enforcer.functionArn },
            });
        }
        ruleArn = await promiseOf(enforcer.ruleArn);
        await settled();
        const rules = ofType(recorded, "aws:cloudwatch/eventRule:EventRule");
        assert.strictEqual(rules.length, 1, "one rule for the whole fleet");
        pattern = JSON.parse(rules[0].inputs.eventPattern);
    });

    it("is named BedrockTenancyQuotaAlarms and outputs its ARN", () => {
        const [rule] = ofType(recorded, "aws:cloudwatch/eventRule:EventRule");
        assert.strictEqual(rule.inputs.name, "BedrockTenancyQuotaAlarms");
        assert.strictEqual(rule.inputs.region, "us-east-1");
        assert.strictEqual(ruleArn, RULE_ARN);
    });

    it("matches every state of a tenant's composite alarm, for each tenant", () => {
        for (const file of ["composite-alarm", "composite-ok", "composite-insufficient-data"]) {
            assert.strictEqual(matchesPattern(pattern, fixture(file)), true, file);
        }
        assert.strictEqual(matchesPattern(pattern, eventFor("BedrockTenancyQuota-customer-b")), true);
    });

    it("does not match a part alarm's event, another alarm's, or another source's", () => {
        assert.strictEqual(matchesPattern(pattern, fixture("part-alarm")), false);
        assert.strictEqual(matchesPattern(pattern, fixture("other-alarm")), false);
        assert.strictEqual(matchesPattern(pattern, { ...fixture("composite-alarm"), source: "custom.app" }), false);
        assert.strictEqual(matchesPattern(pattern, { ...fixture("composite-alarm"), "detail-type": "CloudWatch Alarm Configuration Change" }), false);
    });

    it("matches exactly the composite alarms the tenants create, and the enforcer reads each one's tenant", () => {
        const composites = ofType(recorded, "aws:cloudwatch/compositeAlarm:CompositeAlarm").map((a) => a.inputs.alarmName as string);
        const parts = ofType(recorded, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.inputs.name as string);
        assert.deepStrictEqual(composites.sort(), ["BedrockTenancyQuota-customer-a", "BedrockTenancyQuota-customer-b"]);
        assert.strictEqual(parts.length, 12);
        for (const name of composites) {
            assert.strictEqual(matchesPattern(pattern, eventFor(name)), true, name);
            assert.strictEqual(parseAlarmChange(eventFor(name)).tenantId, name.replace("BedrockTenancyQuota-", ""));
        }
        for (const name of parts) {
            assert.strictEqual(matchesPattern(pattern, eventFor(name)), false, name);
            assert.throws(() => parseAlarmChange(eventFor(name)), QuotaEventRefused, name);
        }
    });

    it("targets the enforcer function, which only that rule may invoke", () => {
        const targets = ofType(recorded, "aws:cloudwatch/eventTarget:EventTarget");
        assert.deepStrictEqual(targets.map((t) => [t.inputs.rule, t.inputs.arn]), [["BedrockTenancyQuotaAlarms", `arn:aws:lambda:us-east-1:${OPS_ACCOUNT}:function:BedrockTenancyQuotaEnforcer`]]);
        const [permission] = ofType(recorded, "aws:lambda/permission:Permission");
        assert.strictEqual(permission.inputs.principal, "events.amazonaws.com");
        assert.strictEqual(permission.inputs.sourceArn, RULE_ARN);
        assert.strictEqual(permission.inputs.sourceAccount, OPS_ACCOUNT);
    });

    it("leaves the tenants without rules or targets of their own", () => {
        assert.deepStrictEqual(recorded.filter((r) => r.name.startsWith("tenant-") && /eventRule|eventTarget/.test(r.type)), []);
    });
});
