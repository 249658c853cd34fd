import * as assert from "assert";
import { driveShards, isThrottle, type ShardRunner } from "../../../scripts/deploy/shard-driver";

const STACKS = ["ops-1", "ops-2", "ops-3", "ops-4", "ops-5"];

/** A fake runner: each call takes a few ticks; `violations` and `updates` script the outcomes per stack. */
function fakeRunner(script: { violations?: Record<string, string[]>; updates?: Record<string, Error[]>; failPreview?: string } = {}) {
    const log: string[] = [];
    let running = 0;
    let peak = 0;
    const tick = async <T>(what: string, body: () => T): Promise<T> => {
        running++;
        peak = Math.max(peak, running);
        log.push(what);
        for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
        running--;
        return body();
    };
    const failures = Object.fromEntries(Object.entries(script.updates ?? {}).map(([k, v]) => [k, [...v]]));
    const runner: ShardRunner = {
        preview: (stack) => tick(`preview ${stack}`, () => {
            if (stack === script.failPreview) throw new Error(`stack ${stack} failed to preview`);
            return { plan: { stack }, violations: script.violations?.[stack] ?? [] };
        }),
        update: (stack) => tick(`update ${stack}`, () => {
            const next = failures[stack]?.shift();
            if (next) throw next;
        }),
    };
    return { runner, log, peak: () => peak };
}

describe("shard driver", () => {
    it("previews every shard, exports each plan, then updates them, never more than the bound at once", async () => {
        const fake = fakeRunner();
        const exported: string[] = [];
        const result = await driveShards({ stacks: STACKS, runner: fake.runner, parallelism: 2, update: true, exportPlan: async (s, plan) => void exported.push(`${s}:${(plan as { stack: string }).stack}`) });
        assert.deepStrictEqual([...result.previewed].sort(), STACKS);
        assert.deepStrictEqual([...result.updated].sort(), STACKS);
        assert.deepStrictEqual(exported.sort(), STACKS.map((s) => `${s}:${s}`));
        assert.strictEqual(fake.peak(), 2);
        // No update starts before every preview has finished.
        assert.ok(fake.log.findIndex((l) => l.startsWith("update")) > fake.log.lastIndexOf(`preview ops-5`));
        assert.strictEqual(result.stopped, undefined);
    });

    it("stops at the first violation: no further shard starts and nothing is updated, and the breach is named", async () => {
        const fake = fakeRunner({ violations: { "ops-2": ["BT-FLEET-SHARED customer account 111111111111 belongs to both a and b"] } });
        const result = await driveShards({ stacks: STACKS, runner: fake.runner, parallelism: 1, update: true, exportPlan: async () => undefined });
        assert.deepStrictEqual(result.stopped, { stack: "ops-2", phase: "preview", reason: "BT-FLEET-SHARED customer account 111111111111 belongs to both a and b" });
        assert.deepStrictEqual(result.previewed, ["ops-1", "ops-2"]);
        assert.deepStrictEqual(result.skipped, ["ops-3", "ops-4", "ops-5"]);
        assert.deepStrictEqual(result.updated, []);
        assert.ok(!fake.log.some((l) => l.startsWith("update")));
    });

    it("retries an update throttled on alarm creation with backoff, and stops on an error that is not throttling", async () => {
        const throttled = new Error("creating CloudWatch Metric Alarm: operation error CloudWatch: PutMetricAlarm, api error Throttling: Rate exceeded");
        const fake = fakeRunner({ updates: { "ops-1": [throttled, throttled], "ops-3": [new Error("AccessDenied: iam:CreateRole")] } });
        const waits: number[] = [];
        const result = await driveShards({ stacks: STACKS, runner: fake.runner, parallelism: 1, update: true, exportPlan: async () => undefined, sleep: async (ms) => void waits.push(ms) });
        assert.deepStrictEqual(result.retries, { "ops-1": 2 });
        assert.deepStrictEqual(waits, [20_000, 40_000]);
        assert.deepStrictEqual(result.updated, ["ops-1", "ops-2"]);
        assert.deepStrictEqual(result.stopped, { stack: "ops-3", phase: "update", reason: "AccessDenied: iam:CreateRole" });
        assert.deepStrictEqual(result.skipped, ["ops-4", "ops-5"]);
    });

    it("gives up on a shard still throttled after the attempts, saying so", async () => {
        const throttled = new Error("ThrottlingException: Rate exceeded");
        const fake = fakeRunner({ updates: { "ops-1": [throttled, throttled, throttled] } });
        const result = await driveShards({ stacks: ["ops-1"], runner: fake.runner, parallelism: 3, update: true, attempts: 3, exportPlan: async () => undefined, sleep: async () => undefined });
        assert.match(result.stopped?.reason ?? "", /ThrottlingException: Rate exceeded \(still throttled after 3 attempts\)$/);
        assert.deepStrictEqual(result.updated, []);
    });

    it("stops on a preview that fails, previews only when asked, and refuses a parallelism below 1", async () => {
        const failing = await driveShards({ stacks: STACKS, runner: fakeRunner({ failPreview: "ops-1" }).runner, parallelism: 1, update: true, exportPlan: async () => undefined });
        assert.deepStrictEqual(failing.stopped, { stack: "ops-1", phase: "preview", reason: "stack ops-1 failed to preview" });
        const fake = fakeRunner();
        const previewOnly = await driveShards({ stacks: STACKS, runner: fake.runner, parallelism: 4, update: false, exportPlan: async () => undefined });
        assert.deepStrictEqual(previewOnly.updated, []);
        assert.ok(!fake.log.some((l) => l.startsWith("update")));
        await assert.rejects(driveShards({ stacks: STACKS, runner: fake.runner, parallelism: 0, update: false, exportPlan: async () => undefined }), /parallelism must be a whole number of at least 1, got 0/);
        assert.ok(isThrottle(new Error("Rate exceeded")) && !isThrottle(new Error("AccessDenied")));
    });
});
