import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { readJson, runStart } from "../support/run-cli";

describe("isolation proof over 50 tenants", function () {
    this.timeout(180_000);

    it("reduces every tenant's role to its own runtime role and its own grants, with the evaluator agreeing", async () => {
        const run = await runStart(["--tenants", "50", "--quiet"]);
        assert.strictEqual(run.code, 0, run.stderr);
        const report = readJson(path.join(run.out, "isolation-report.json"));
        assert.strictEqual(report.result, "clean");
        assert.strictEqual(report.tenants.length, 50);
        for (const t of report.tenants) {
            // Exactly one admitted caller per tenant: its runtime role in its own account, with its own ExternalId.
            assert.deepStrictEqual(t.trust.map((p: any) => [p.principal, p.externalId]), [[`arn:aws:iam::${t.intent.accounts[0]}:role/BedrockTenancyRuntime-${t.tenantId}`, "(the tenant's)"]]);
            const profiles = t.grants.filter((g: any) => g.resource.includes(":application-inference-profile/")).map((g: any) => g.resource);
            assert.deepStrictEqual([...new Set(profiles)].sort(), Object.values(t.intent.inferenceProfileArns).sort());
        }
        const markdown = fs.readFileSync(path.join(run.out, "isolation-report.md"), "utf8");
        assert.match(markdown, /Tenants: 50\./);
        assert.match(markdown, /the IAM evaluator decided (\d+) requests .* agreed with the reducers on \1/);
    });
});
