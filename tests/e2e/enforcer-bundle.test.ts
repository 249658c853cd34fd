import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { QUOTA_BLOCK_POLICY_NAME, opsRoleName, quotaAlarmName } from "../../contract";
import { buildEnforcer } from "../../scripts/build-enforcer";
import { LocalCloudWatchServer, LocalIamServer } from "../../testing/local-aws";
import { makeTempDir } from "../support/temp-dir";

const EVENTS = path.join(__dirname, "../../testing/fixtures/alarm-events");
const event = (file: string, timestamp: string) => {
    const e = JSON.parse(fs.readFileSync(path.join(EVENTS, `${file}.json`), "utf8"));
    e.detail.state.timestamp = timestamp;
    return e;
};
// A real import(), which ts-node would otherwise compile into require().
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importModule = new Function("url", "return import(url)") as (url: string) => Promise<{ handler: (e: unknown) => Promise<{ outcome: string }> }>;

describe("the bundled quota enforcer", () => {
    let iam: LocalIamServer;
    let alarms: LocalCloudWatchServer;
    let handler: (e: unknown) => Promise<{ outcome: string }>;
    let bytes: number;
    const saved: Record<string, string | undefined> = {};
    const env = { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "AKIDENFORCER", AWS_SECRET_ACCESS_KEY: "secret", AWS_SESSION_TOKEN: "", AWS_ENDPOINT_URL_IAM: "", AWS_ENDPOINT_URL_CLOUDWATCH: "" };

    before(async function () {
        this.timeout(60_000);
        iam = await new LocalIamServer().start();
        alarms = await new LocalCloudWatchServer().start();
        env.AWS_ENDPOINT_URL_IAM = iam.url;
        env.AWS_ENDPOINT_URL_CLOUDWATCH = alarms.url;
        for (const [k, v] of Object.entries(env)) {
            saved[k] = process.env[k];
            if (v) process.env[k] = v;
            else delete process.env[k];
        }
        const outfile = path.join(makeTempDir("enforcer-bundle-"), "index.mjs");
        bytes = await buildEnforcer(outfile);
        ({ handler } = await importModule(pathToFileURL(outfile).href));
    });
    after(async () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        await iam.close();
        await alarms.close();
    });

    it("is one self-contained ES module", () => {
        assert.ok(bytes > 0);
    });

    it("attaches on ALARM and detaches on OK through IAM's query API, signed with the function's credentials", async () => {
        iam.createRole(opsRoleName("customer-a"));
        const now = new Date().toISOString();
        alarms.setAlarm(quotaAlarmName("customer-a"), "ALARM");
        assert.strictEqual((await handler(event("composite-alarm", now))).outcome, "attached");
        assert.ok(iam.inlinePolicy(opsRoleName("customer-a"), QUOTA_BLOCK_POLICY_NAME));
        alarms.setAlarm(quotaAlarmName("customer-a"), "OK");
        assert.strictEqual((await handler(event("composite-ok", now))).outcome, "detached");
        assert.strictEqual(iam.inlinePolicy(opsRoleName("customer-a"), QUOTA_BLOCK_POLICY_NAME), undefined);
        assert.ok(iam.requests.every((r) => r.accessKeyId === "AKIDENFORCER"));
    });

    it("reads the alarm's current state through CloudWatch's JSON API, and keeps the block on a forged OK", async () => {
        iam.createRole(opsRoleName("customer-a"));
        const now = new Date().toISOString();
        alarms.setAlarm(quotaAlarmName("customer-a"), "ALARM");
        await handler(event("composite-alarm", now));
        assert.strictEqual((await handler(event("composite-ok", now))).outcome, "attached");
        assert.ok(iam.inlinePolicy(opsRoleName("customer-a"), QUOTA_BLOCK_POLICY_NAME));
        assert.ok(alarms.requests.length >= 2 && alarms.requests.every((r) => r.accessKeyId === "AKIDENFORCER"));
    });
});
