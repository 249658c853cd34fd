import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { IAMClient } from "@aws-sdk/client-iam";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { QUOTA_BLOCK_POLICY_NAME, opsRoleName } from "../../contract";
import { QuotaEventRefused, createEnforcer, type EnforcementReport } from "../../enforcer";
import { LocalCloudWatchServer, LocalIamServer } from "../../testing/local-aws";

const EVENTS = path.join(__dirname, "../../testing/fixtures/alarm-events");
const event = (file: string) => JSON.parse(fs.readFileSync(path.join(EVENTS, `${file}.json`), "utf8"));
const ROLE_A = opsRoleName("customer-a");
const ROLE_B = opsRoleName("customer-b");
/** Shortly after the recorded ALARM, and shortly after the recorded OK. */
const AFTER_ALARM = Date.parse("2026-12-02T04:00:20Z");
const AFTER_OK = Date.parse("2026-12-03T00:05:10Z");

describe("quota enforcer against the IAM stand-in", () => {
    let iamServer: LocalIamServer;
    let alarms: LocalCloudWatchServer;
    let client: IAMClient;
    let cloudwatch: CloudWatchClient;
    let lines: string[];
    let clock: number;
    const enforcer = () => createEnforcer({ iam: client, cloudwatch, now: () => clock, report: (l) => lines.push(l) });
    /** The recorded event, with its alarm in CloudWatch moved to the state the event reports, as happens in AWS. */
    const happened = (file: string) => {
        const e = event(file);
        alarms.setAlarm(e.detail.alarmName, e.detail.state.value);
        return e;
    };

    /** The recorded ALARM event, re-dated to `since`, with its alarm in ALARM and the clock at `now`. */
    const alarmSince = (since: string, now: string) => {
        const e = event("composite-alarm");
        e.detail.state.timestamp = since;
        clock = Date.parse(now);
        alarms.setAlarm(e.detail.alarmName, "ALARM");
        return e;
    };

    before(async () => {
        iamServer = await new LocalIamServer().start();
        alarms = await new LocalCloudWatchServer().start();
        const credentials = { accessKeyId: "AKIDENFORCER", secretAccessKey: "secret" };
        client = new IAMClient({ region: "us-east-1", endpoint: iamServer.url, requestHandler: new NodeHttpHandler(), credentials, maxAttempts: 1 });
        cloudwatch = new CloudWatchClient({ region: "us-east-1", endpoint: alarms.url, requestHandler: new NodeHttpHandler(), credentials, maxAttempts: 1 });
    });
    after(async () => {
        client.destroy();
        cloudwatch.destroy();
        await iamServer.close();
        await alarms.close();
    });
    beforeEach(() => {
        iamServer.reset();
        alarms.reset();
        alarms.alarms.clear();
        iamServer.createRole(ROLE_A);
        iamServer.createRole(ROLE_B);
        iamServer.roles.get(ROLE_A)!.set("bedrock-invoke", "{}");
        lines = [];
        clock = AFTER_ALARM;
    });

    it("attaches the deny-everything block on ALARM, with no end date: it holds while the alarm stays in ALARM", async () => {
        const report = await enforcer()(happened("composite-alarm"));
        assert.deepStrictEqual(report, { outcome: "attached", tenantId: "customer-a", roleName: ROLE_A, alarmName: "BedrockTenancyQuota-customer-a", state: "ALARM" });
        assert.deepStrictEqual(iamServer.inlinePolicy(ROLE_A, QUOTA_BLOCK_POLICY_NAME), {
            Version: "2012-10-17",
            Statement: [{ Sid: "TokenQuotaExhausted", Effect: "Deny", Action: "*", Resource: "*" }],
        });
        assert.deepStrictEqual([...iamServer.roles.get(ROLE_B)!.keys()], []);
        assert.strictEqual(JSON.parse(lines[0]).outcome, "attached");
    });

    it("a block attached seconds before the turn of the UTC month does not lapse with it (the windows slide; no event follows while the alarm stays in ALARM)", async () => {
        await enforcer()(alarmSince("2027-01-31T23:59:50.000+0000", "2027-01-31T23:59:52Z"));
        const block = iamServer.inlinePolicy(ROLE_A, QUOTA_BLOCK_POLICY_NAME) as { Statement: { Condition?: unknown }[] };
        assert.deepStrictEqual(block.Statement.map((st) => st.Condition), [undefined]);
    });

    it("detaches the block on OK and leaves the role's other policies alone", async () => {
        await enforcer()(happened("composite-alarm"));
        clock = AFTER_OK;
        const report = await enforcer()(happened("composite-ok"));
        assert.strictEqual(report.outcome, "detached");
        assert.deepStrictEqual([...iamServer.roles.get(ROLE_A)!.keys()], ["bedrock-invoke"]);
    });

    it("treats a repeated event as a no-op", async () => {
        const run = enforcer();
        await run(happened("composite-alarm"));
        const first = iamServer.inlinePolicy(ROLE_A, QUOTA_BLOCK_POLICY_NAME);
        await run(happened("composite-alarm"));
        assert.deepStrictEqual(iamServer.inlinePolicy(ROLE_A, QUOTA_BLOCK_POLICY_NAME), first);
        clock = AFTER_OK;
        assert.strictEqual((await run(happened("composite-ok"))).outcome, "detached");
        assert.strictEqual((await run(happened("composite-ok"))).outcome, "unchanged");
        assert.strictEqual(iamServer.inlinePolicy(ROLE_A, QUOTA_BLOCK_POLICY_NAME), undefined);
    });

    it("a stale ALARM arriving after the newer OK applies the alarm's OK: nothing is blocked, and the line says how late it is", async () => {
        clock = AFTER_OK;
        await enforcer()(happened("composite-ok"));
        const report = await enforcer()(event("composite-alarm"));
        assert.deepStrictEqual([report.outcome, report.state, report.eventState], ["unchanged", "OK", "ALARM"]);
        assert.ok((report.lateSeconds ?? 0) > 900, JSON.stringify(report));
        assert.strictEqual(JSON.parse(lines[lines.length - 1]).level, "WARN");
        assert.strictEqual(iamServer.inlinePolicy(ROLE_A, QUOTA_BLOCK_POLICY_NAME), undefined);
    });

    it("a stale OK arriving after a newer ALARM applies the alarm's ALARM: the block stays", async () => {
        await enforcer()(alarmSince("2026-12-03T09:00:00.000+0000", "2026-12-03T09:00:05Z"));
        const report = await enforcer()(event("composite-ok"));
        assert.deepStrictEqual([report.outcome, report.state, report.eventState], ["attached", "ALARM", "OK"]);
        assert.ok(iamServer.inlinePolicy(ROLE_A, QUOTA_BLOCK_POLICY_NAME));
    });

    it("an ALARM delivered past the late limit (a slow queue, Lambda's retries) still blocks, reported at WARN", async () => {
        const e = happened("composite-alarm");
        clock = Date.parse(e.detail.state.timestamp.replace("+0000", "Z")) + 901_000;
        const report = await enforcer()(e);
        assert.deepStrictEqual([report.outcome, report.state, report.lateSeconds], ["attached", "ALARM", 901]);
        assert.ok(iamServer.inlinePolicy(ROLE_A, QUOTA_BLOCK_POLICY_NAME));
        assert.strictEqual(JSON.parse(lines[0]).level, "WARN");
    });

    it("IAM refusing the change writes an ERROR line naming the call and fails the invocation, for Lambda to retry", async () => {
        const throttled = Object.assign(new Error("Rate exceeded"), { name: "Throttling" });
        const failingIam = { send: () => Promise.reject(throttled) } as unknown as IAMClient;
        const run = createEnforcer({ iam: failingIam, cloudwatch, now: () => clock, report: (l) => lines.push(l) });
        await assert.rejects(run(happened("composite-alarm")), (e: Error) => e === throttled);
        clock = AFTER_OK;
        await assert.rejects(run(happened("composite-ok")), (e: Error) => e === throttled);
        const reported = lines.map((l) => JSON.parse(l) as EnforcementReport & { level: string });
        assert.deepStrictEqual(reported.map((r) => [r.level, r.outcome, r.state]), [["ERROR", "refused", "ALARM"], ["ERROR", "refused", "OK"]]);
        assert.match(reported[0].reason!, /^PutRolePolicy \(the block\) on BedrockTenantAccess-customer-a failed \(Throttling: Rate exceeded\): the role is left as it was$/);
        assert.match(reported[1].reason!, /^DeleteRolePolicy \(the block\) on BedrockTenantAccess-customer-a failed/);
    });

    it("abandons a call that hangs before Lambda's timeout, with an ERROR line, rather than being stopped silently", async () => {
        const hungIam = {
            send: (_command: unknown, options?: { abortSignal?: AbortSignal }) =>
                new Promise((_resolve, reject) => options?.abortSignal?.addEventListener("abort", () => reject(options.abortSignal!.reason as Error))),
        } as unknown as IAMClient;
        const run = createEnforcer({ iam: hungIam, cloudwatch, now: () => clock, report: (l) => lines.push(l) });
        const context = { getRemainingTimeInMillis: () => 1300 };
        const started = Date.now();
        const outcome = await Promise.race([
            run(happened("composite-alarm"), context).then(() => "resolved", () => "rejected"),
            new Promise((resolve) => setTimeout(() => resolve("still waiting"), 3000)),
        ]);
        assert.strictEqual(outcome, "rejected");
        assert.ok(Date.now() - started < 1300, "the call was abandoned before Lambda's own timeout");
        const reported = JSON.parse(lines[0]) as EnforcementReport & { level: string };
        assert.deepStrictEqual([reported.level, reported.outcome], ["ERROR", "refused"]);
        assert.match(reported.reason!, /^PutRolePolicy \(the block\) on BedrockTenantAccess-customer-a failed \(TimeoutError/);
    });

    it("refuses and reports an alarm for a tenant this account does not have", async () => {
        await assert.rejects(enforcer()(happened("unknown-tenant-alarm")), (e: Error) => e instanceof QuotaEventRefused && /no role BedrockTenantAccess-customer-z/.test(e.message));
        const reported = JSON.parse(lines[0]) as EnforcementReport & { level: string };
        assert.strictEqual(reported.level, "ERROR");
        assert.strictEqual(reported.outcome, "refused");
        assert.strictEqual(reported.tenantId, "customer-z");
        assert.deepStrictEqual([...iamServer.roles.get(ROLE_A)!.keys()], ["bedrock-invoke"]);
    });

    it("refuses another alarm's event and a malformed event without calling IAM or CloudWatch", async () => {
        await assert.rejects(enforcer()(event("other-alarm")), /detail.alarmName is not a tenant's quota alarm, got "HighCpu-web"/);
        await assert.rejects(enforcer()({ source: "aws.ec2", "detail-type": "EC2 Instance State-change Notification" }), /source and detail-type must be/);
        const noState = event("composite-alarm");
        noState.detail.state.value = "BROKEN";
        await assert.rejects(enforcer()(noState), /detail.state.value must be one of ALARM, OK, INSUFFICIENT_DATA, got "BROKEN"/);
        assert.strictEqual(iamServer.calls.length, 0);
        assert.strictEqual(alarms.requests.length, 0);
        assert.strictEqual(lines.length, 3);
    });

    it("leaves the role as it is on INSUFFICIENT_DATA", async () => {
        await enforcer()(happened("composite-alarm"));
        assert.strictEqual((await enforcer()(happened("composite-insufficient-data"))).outcome, "unchanged");
        assert.ok(iamServer.inlinePolicy(ROLE_A, QUOTA_BLOCK_POLICY_NAME));
    });

    it("writes only its one policy name, only to tenant roles", async () => {
        clock = AFTER_ALARM;
        await enforcer()(happened("composite-alarm"));
        clock = AFTER_OK;
        await enforcer()(happened("composite-ok"));
        await enforcer()(happened("composite-ok"));
        assert.ok(iamServer.calls.length >= 3);
        for (const call of iamServer.calls) {
            assert.ok(["PutRolePolicy", "DeleteRolePolicy"].includes(call.action), call.action);
            assert.strictEqual(call.policyName, QUOTA_BLOCK_POLICY_NAME);
            assert.match(call.roleName!, /^BedrockTenantAccess-/);
        }
    });

    it("rejects a bad maximum event age when built", () => {
        assert.throws(() => createEnforcer({ iam: client, maxEventAgeSeconds: 0 }), /maxEventAgeSeconds \(QUOTA_MAX_EVENT_AGE_SECONDS\) must be a whole number of seconds above 0, got 0/);
    });
});
