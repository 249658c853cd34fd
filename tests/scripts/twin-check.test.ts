/**
 * `npm run twin:check` on the project's own plans, and on copies where one
 * tenant's invoke permissions or trust are narrowed so that AWS would refuse
 * its calls: the expectations of that tenant pass on the first and fail on
 * the others, and the command's exit code says so.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runPlan } from "../../scripts/plan/run-start";
import { makeTempDir } from "../support/temp-dir";

const ROOT = path.resolve(__dirname, "..", "..");
const TENANT_LINE = /^(ok  |FAIL) createTenantChatModel as customer-b's (\S+) runtime role/;

function twinCheck(plans: string): Promise<{ code: number; stdout: string }> {
    return new Promise((resolve) => {
        execFile(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(ROOT, "scripts", "twin-check.ts"), "--plans", plans], { cwd: ROOT, timeout: 120_000 }, (err, stdout) =>
            resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
        );
    });
}

/** customer-b's lines: compute kind → ok | FAIL. */
function tenantLines(stdout: string): Record<string, string> {
    return Object.fromEntries(stdout.split("\n").map((l) => l.match(TENANT_LINE)).filter((m) => m !== null).map((m) => [m[2], m[1].trim()]));
}

/** A copy of the plans with one resource's outputs changed. */
function narrowed(from: string, urnSuffix: string, change: (outputs: any) => void): string {
    const dir = makeTempDir("twin-narrowed-");
    for (const f of fs.readdirSync(from).filter((f) => f.endsWith(".json"))) fs.copyFileSync(path.join(from, f), path.join(dir, f));
    const file = path.join(dir, "ops.json");
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    const resource = doc.deployment.resources.find((r: { urn: string }) => r.urn.endsWith(urnSuffix));
    assert.ok(resource, `no resource ${urnSuffix} in the plan`);
    change(resource.outputs);
    fs.writeFileSync(file, JSON.stringify(doc));
    return dir;
}

const SIG = "4dabf18193072939515e22adb298388d";

/** Edits a policy as the plan holds it: a document, JSON text, or a secret of either; it stays in that form. */
function editPolicy(value: any, edit: (policy: any) => void): unknown {
    if (value && typeof value === "object" && value[SIG]) return { ...value, plaintext: JSON.stringify(editPolicy(JSON.parse(value.plaintext), edit)) };
    const policy = typeof value === "string" ? JSON.parse(value) : value;
    edit(policy);
    return typeof value === "string" ? JSON.stringify(policy) : policy;
}

describe("npm run twin:check", function () {
    this.timeout(240_000);
    let plans: string;

    before(async () => {
        plans = makeTempDir("twin-plans-");
        await runPlan({ projectDir: ROOT, outDir: plans, log: () => undefined });
    });

    it("holds every expectation of a tenant on the project's plans, and fails them once its invoke permissions or its trust are narrowed", async () => {
        const narrowInvoke = narrowed(plans, "::tenants-customer-b-invoke", (o) => {
            o.policy = editPolicy(o.policy, (policy) => {
                const statement = policy.Statement.find((s: { Sid?: string }) => s.Sid === "InvokeApplicationProfiles");
                statement.Resource = ["arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/someone-else"];
            });
        });
        const narrowTrust = narrowed(plans, "::tenants-customer-b-role", (o) => {
            o.assumeRolePolicy = editPolicy(o.assumeRolePolicy, (trust) => {
                const assume = trust.Statement.find((s: { Sid?: string }) => s.Sid === "AssumeFromTenantRuntime");
                assume.Condition.StringEquals["sts:ExternalId"] = "an-id-the-runtime-does-not-have";
            });
        });

        const [shipped, invoke, trust] = await Promise.all([twinCheck(plans), twinCheck(narrowInvoke), twinCheck(narrowTrust)]);

        const kinds = ["lambda", "ecs", "ec2", "existing-role"];
        assert.deepEqual(tenantLines(shipped.stdout), Object.fromEntries(kinds.map((k) => [k, "ok"])), shipped.stdout);
        assert.deepEqual(tenantLines(invoke.stdout), Object.fromEntries(kinds.map((k) => [k, "FAIL"])), invoke.stdout);
        assert.deepEqual(tenantLines(trust.stdout), Object.fromEntries(kinds.map((k) => [k, "FAIL"])), trust.stdout);
        assert.match(invoke.stdout, /AccessDeniedException: User: arn:aws:sts::999999999999:assumed-role\/BedrockTenantAccess-customer-b\/.* because no identity-based policy allows the bedrock:InvokeModel action/);
        assert.match(trust.stdout, /AccessDenied: User: arn:aws:sts::222222222222:assumed-role\/BedrockTenancyRuntime-customer-b\/.* is not authorized to perform: sts:AssumeRole/);
        assert.equal(invoke.code, 1);
        assert.equal(trust.code, 1);
        assert.match(invoke.stdout, /^\d+ passed, [1-9]\d* failed$/m);
    });
});
