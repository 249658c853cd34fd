/**
 * The Automation API runner against a stand-in `pulumi` executable: the
 * Automation API itself (PulumiCommand, LocalWorkspace, Stack.up) runs for
 * real, and the stand-in records every command line it is given and answers
 * as the CLI would. The real Pulumi CLI is not run.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { automationRunner, previewViolations } from "../../../scripts/deploy/automation-runner";
import { driveShards, FLEET } from "../../../scripts/deploy/shard-driver";
import { makeTempDir } from "../../support/temp-dir";

/** What the stand-in answers: a preview digest per stack, and per stack the errors its successive `up` runs print. */
interface Script {
    previews: Record<string, unknown>;
    upFailures?: Record<string, string[]>;
}

const STAND_IN = `#!/usr/bin/env node
const fs = require("fs");
const args = process.argv.slice(2);
const dir = require("path").resolve(__dirname, "..");
fs.appendFileSync(dir + "/calls.log", JSON.stringify(args) + "\\n");
const script = JSON.parse(fs.readFileSync(dir + "/script.json", "utf8"));
const stack = args.includes("--stack") ? args[args.indexOf("--stack") + 1] : undefined;
const cmd = args.filter((a) => !a.startsWith("-"))[0];
if (cmd === "version") { process.stdout.write("v3.200.0\\n"); process.exit(0); }
if (cmd === "stack" && args[1] === "select") process.exit(script.previews[stack] ? 0 : 255);
if (cmd === "stack" && args[1] === "output") { process.stdout.write("{}\\n"); process.exit(0); }
if (cmd === "stack" && args[1] === "history") { process.stdout.write("[]\\n"); process.exit(0); }
if (cmd === "preview") {
  const digest = script.previews[stack];
  process.stdout.write(JSON.stringify(digest) + "\\n");
  process.exit((digest.diagnostics || []).some((d) => d.severity === "error") ? 255 : 0);
}
if (cmd === "up") {
  const countFile = dir + "/up-" + stack;
  const n = fs.existsSync(countFile) ? Number(fs.readFileSync(countFile, "utf8")) : 0;
  fs.writeFileSync(countFile, String(n + 1));
  const failure = ((script.upFailures || {})[stack] || [])[n];
  if (failure) { process.stderr.write(failure + "\\n"); process.exit(255); }
  process.stdout.write("Updating (" + stack + ")\\nResources: 3 created\\n");
  process.exit(0);
}
process.stderr.write("stand-in: unexpected command " + JSON.stringify(args) + "\\n");
process.exit(2);
`;

function standIn(script: Script): { root: string; workDir: string; env: Record<string, string>; calls(): string[][] } {
    const root = makeTempDir("pulumi-stand-in-");
    fs.mkdirSync(path.join(root, "bin"));
    fs.writeFileSync(path.join(root, "bin", "pulumi"), STAND_IN, { mode: 0o755 });
    fs.writeFileSync(path.join(root, "script.json"), JSON.stringify(script));
    const workDir = path.join(root, "project");
    fs.mkdirSync(workDir);
    fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), "name: fleet\nruntime: nodejs\n");
    return {
        root,
        workDir,
        env: { PULUMI_CONFIG_PASSPHRASE: "stand-in" },
        calls: () => fs.readFileSync(path.join(root, "calls.log"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as string[]),
    };
}

const digest = (stack: string, diagnostics: unknown[] = []) => ({
    steps: [{ op: "create", urn: `urn:pulumi:${stack}::fleet::aws:iam/role:Role::BedrockTenantAccess-a`, newState: { urn: `urn:pulumi:${stack}::fleet::aws:iam/role:Role::BedrockTenantAccess-a`, type: "aws:iam/role:Role", inputs: {} } }],
    diagnostics,
    changeSummary: { create: 1 },
});

describe("Automation API shard runner", () => {
    it("previews with the CLI's JSON and secrets, exports each plan, verifies them together, then updates through the Automation API, retrying a throttled update", async () => {
        const pack = "node_modules/bedrock-tenancy/policy-pack";
        const fake = standIn({
            previews: { "ops-1": digest("ops-1"), "ops-2": digest("ops-2") },
            upFailures: { "ops-2": ["error: creating CloudWatch Metric Alarm: operation error CloudWatch: PutMetricAlarm, api error Throttling: Rate exceeded"] },
        });
        const runner = automationRunner({ workDir: fake.workDir, pulumiRoot: fake.root, env: fake.env, policyPacks: [pack] });
        const exported = new Map<string, unknown>();
        const verified: string[][] = [];
        const result = await driveShards({
            stacks: ["ops-1", "ops-2"],
            runner,
            parallelism: 2,
            update: true,
            exportPlan: async (stack, plan) => void exported.set(stack, plan),
            verifyAll: async (stacks) => {
                verified.push([...stacks].sort());
                return [];
            },
            sleep: async () => undefined,
        });
        assert.strictEqual(result.stopped, undefined, JSON.stringify(result.stopped));
        assert.deepStrictEqual([...result.updated].sort(), ["ops-1", "ops-2"]);
        assert.deepStrictEqual(result.retries, { "ops-2": 1 });
        assert.deepStrictEqual(exported.get("ops-1"), digest("ops-1"));
        assert.deepStrictEqual(verified, [["ops-1", "ops-2"]]);

        const calls = fake.calls();
        const previews = calls.filter((c) => c[0] === "preview");
        assert.strictEqual(previews.length, 2);
        for (const c of previews) {
            assert.ok(c.includes("--json") && c.includes("--show-sames") && c.includes("--show-secrets"), c.join(" "));
            assert.strictEqual(c[c.indexOf("--policy-pack") + 1], pack);
        }
        const ups = calls.filter((c) => c[0] === "up");
        assert.strictEqual(ups.length, 3, "one update each, and one retry of the throttled one");
        for (const c of ups) assert.strictEqual(c[c.indexOf("--policy-pack") + 1], pack, c.join(" "));
        // The Automation API selected each stack before updating it.
        assert.ok(calls.some((c) => c[0] === "stack" && c[1] === "select" && c.includes("ops-2")));
    });

    it("stops at a shard whose preview a mandatory policy refuses, naming the resource, and updates nothing", async () => {
        const refusal = { urn: "urn:pulumi:ops-2::fleet::aws:iam/role:Role::BedrockTenantAccess-a", message: "mandatory: [bedrock-tenancy-isolation] BT-OPS-TRUST-OUTSIDER trusts 222222222222\n", severity: "error" };
        const fake = standIn({ previews: { "ops-1": digest("ops-1"), "ops-2": digest("ops-2", [{ message: "a warning", severity: "warning" }, refusal]) } });
        const runner = automationRunner({ workDir: fake.workDir, pulumiRoot: fake.root, env: fake.env });
        const result = await driveShards({ stacks: ["ops-1", "ops-2"], runner, parallelism: 1, update: true, exportPlan: async () => undefined });
        assert.deepStrictEqual(result.stopped, { stack: "ops-2", phase: "preview", reason: `${refusal.urn}: ${refusal.message.trim()}` });
        assert.deepStrictEqual(result.updated, []);
        assert.ok(!fake.calls().some((c) => c[0] === "up"));
    });

    it("stops before any update when the proof over all shards finds a breach no single preview shows", async () => {
        const fake = standIn({ previews: { "ops-1": digest("ops-1"), "ops-2": digest("ops-2") } });
        const runner = automationRunner({ workDir: fake.workDir, pulumiRoot: fake.root, env: fake.env });
        const result = await driveShards({
            stacks: ["ops-1", "ops-2"],
            runner,
            parallelism: 2,
            update: true,
            exportPlan: async () => undefined,
            verifyAll: async () => ["BT-FLEET-DUPLICATE-TENANT tenant customer-a is in shards ops-1 and ops-2"],
        });
        assert.deepStrictEqual(result.stopped, { stack: FLEET, phase: "verify", reason: "BT-FLEET-DUPLICATE-TENANT tenant customer-a is in shards ops-1 and ops-2" });
        assert.deepStrictEqual(result.updated, []);
        assert.deepStrictEqual(result.skipped, ["ops-1", "ops-2"]);
        assert.ok(!fake.calls().some((c) => c[0] === "up"));
    });

    it("reads only error diagnostics as violations", () => {
        assert.deepStrictEqual(previewViolations({ diagnostics: [{ severity: "info", message: "x" }, { severity: "error", message: " refused \n" }] }), ["refused"]);
        assert.deepStrictEqual(previewViolations({ steps: [] }), []);
        assert.deepStrictEqual(previewViolations(null), []);
    });
});
