import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { IAMClient } from "@aws-sdk/client-iam";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { QUOTA_BLOCK_POLICY_NAME, opsRoleName, quotaAlarmName } from "../../contract";
import { createEnforcer, type EnforcementReport } from "../../enforcer";
import { LocalIamServer } from "../../testing/local-aws";
import { LocalCloudWatchServer } from "../../testing/local-aws/cloudwatch-server";

const EVENTS = path.join(__dirname, "../../testing/fixtures/alarm-events");
const ROLE = opsRoleName("customer-a");
const ALARM = quotaAlarmName("customer-a");

/** A recorded event as anyone could put it on the bus or hand it to the function, stamped `secondsAgo` before `now`. */
function forged(file: string, now: number, secondsAgo = 5, state?: string): Record<string, any> {
    const e = JSON.parse(fs.readFileSync(path.join(EVENTS, `${file}.json`), "utf8"));
    e.detail.state.timestamp = new Date(now - secondsAgo * 1000).toISOString();
    if (state !== undefined) e.detail.state.value = state;
    return e;
}

/**
 * The event only names the alarm: every decision follows the state the
 * CloudWatch stand-in holds for that alarm when the event is handled.
 */
describe("quota enforcer acts on the alarm's current state, not the event's", () => {
    let iamServer: LocalIamServer;
    let alarms: LocalCloudWatchServer;
    let iam: IAMClient;
    let cloudwatch: CloudWatchClient;
    let lines: string[];
    const now = Date.parse("2026-12-10T12:00:00Z");
    const enforcer = () => createEnforcer({ iam, cloudwatch, now: () => now, report: (l) => lines.push(l) });
    const blocked = () => iamServer.inlinePolicy(ROLE, QUOTA_BLOCK_POLICY_NAME) !== undefined;

    before(async () => {
        iamServer = await new LocalIamServer().start();
        alarms = await new LocalCloudWatchServer().start();
        const credentials = { accessKeyId: "AKIDENFORCER", secretAccessKey: "secret" };
        iam = new IAMClient({ region: "us-east-1", endpoint: iamServer.url, requestHandler: new NodeHttpHandler(), credentials, maxAttempts: 1 });
        cloudwatch = new CloudWatchClient({ region: "us-east-1", endpoint: alarms.url, requestHandler: new NodeHttpHandler(), credentials, maxAttempts: 1 });
    });
    after(async () => {
        iam.destroy();
        cloudwatch.destroy();
        await iamServer.close();
        await alarms.close();
    });
    beforeEach(async () => {
        iamServer.reset();
        alarms.reset();
        alarms.alarms.clear();
        iamServer.createRole(ROLE);
        iamServer.roles.get(ROLE)!.set("bedrock-invoke", "{}");
        lines = [];
        // The tenant is over quota and blocked.
        alarms.setAlarm(ALARM, "ALARM");
        await enforcer()(forged("composite-alarm", now));
        assert.ok(blocked());
        iamServer.calls.length = 0;
        alarms.reset();
        lines = [];
    });

    it("a forged OK for a tenant whose alarm is in ALARM does not unblock it", async () => {
        const report = await enforcer()(forged("composite-ok", now));
        assert.deepStrictEqual(report, { outcome: "attached", tenantId: "customer-a", roleName: ROLE, alarmName: ALARM, state: "ALARM", eventState: "OK" });
        assert.ok(blocked());
        assert.ok(iamServer.calls.every((c) => c.action !== "DeleteRolePolicy"));
        assert.deepStrictEqual(alarms.describedNames(), [[ALARM]]);
        assert.deepStrictEqual(JSON.parse(alarms.requests[0].body).AlarmTypes, ["CompositeAlarm"]);
    });

    it("a replayed OK, recorded before the alarm went back to ALARM, does not unblock", async () => {
        // The OK was real once: the alarm cleared, then breached again.
        const oldOk = forged("composite-ok", now, 600);
        alarms.setAlarm(ALARM, "OK");
        alarms.setAlarm(ALARM, "ALARM");
        assert.strictEqual((await enforcer()(oldOk)).outcome, "attached");
        assert.ok(blocked());
    });

    it("a forged ALARM for a tenant whose alarm is OK blocks nothing, and lifts the block", async () => {
        alarms.setAlarm(ALARM, "OK");
        const report = await enforcer()(forged("composite-alarm", now));
        assert.strictEqual(report.outcome, "detached");
        assert.strictEqual(report.eventState, "ALARM");
        assert.ok(!blocked());
    });

    it("a real OK, with the alarm OK now, unblocks", async () => {
        alarms.setAlarm(ALARM, "OK");
        const report = await enforcer()(forged("composite-ok", now));
        assert.deepStrictEqual(report, { outcome: "detached", tenantId: "customer-a", roleName: ROLE, alarmName: ALARM, state: "OK" });
        assert.ok(!blocked());
        assert.deepStrictEqual([...iamServer.roles.get(ROLE)!.keys()], ["bedrock-invoke"]);
    });

    it("an OK while the alarm has no data leaves the block", async () => {
        alarms.setAlarm(ALARM, "INSUFFICIENT_DATA");
        assert.strictEqual((await enforcer()(forged("composite-ok", now))).outcome, "unchanged");
        assert.ok(blocked());
    });

    const unreadable = async (why: RegExp) => {
        await assert.rejects(enforcer()(forged("composite-ok", now)), (e: Error) => e.name === "AlarmStateUnreadable" && why.test(e.message));
        assert.ok(blocked(), "the block was lifted");
        assert.deepStrictEqual(iamServer.calls, [], "IAM was called");
        const reported = JSON.parse(lines[0]) as EnforcementReport & { level: string };
        assert.strictEqual(reported.level, "ERROR");
        assert.strictEqual(reported.outcome, "refused");
        assert.strictEqual(reported.tenantId, "customer-a");
        assert.strictEqual(reported.eventState, "OK");
        assert.match(reported.reason!, /the role is left as it is/);
    };

    it("fails, leaving the block, when DescribeAlarms is refused", async () => {
        alarms.setAlarm(ALARM, "OK");
        alarms.failNext({ kind: "error", status: 403, errorType: "AccessDenied", message: "not authorized to perform: cloudwatch:DescribeAlarms" });
        await unreadable(/DescribeAlarms for BedrockTenancyQuota-customer-a failed \(AccessDenied: not authorized/);
    });

    it("fails, leaving the block, when CloudWatch cannot be reached", async () => {
        alarms.setAlarm(ALARM, "OK");
        alarms.failNext({ kind: "reset" });
        await unreadable(/DescribeAlarms for BedrockTenancyQuota-customer-a failed/);
    });

    it("fails, leaving the block, when the alarm does not exist", async () => {
        alarms.deleteAlarm(ALARM);
        await unreadable(/CloudWatch has no composite alarm named BedrockTenancyQuota-customer-a/);
    });

    it("fails, leaving the block, when the only alarm of that name is a metric alarm", async () => {
        alarms.setAlarm(ALARM, "OK", "MetricAlarm");
        await unreadable(/no composite alarm named BedrockTenancyQuota-customer-a/);
    });

    it("still ignores an alarm that is no tenant's, without reading it", async () => {
        await assert.rejects(enforcer()(forged("other-alarm", now)), /detail.alarmName is not a tenant's quota alarm/);
        assert.strictEqual(alarms.requests.length, 0);
        assert.ok(blocked());
    });
});
