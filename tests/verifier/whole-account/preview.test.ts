/**
 * The proof at pull-request time: `npm start -- --preview` against the
 * deployed state proves a fleet in which one tenant is new, and refuses by
 * name the unknowns of two new tenants, which a preview cannot tell apart.
 */
import * as assert from "assert";
import * as path from "path";
import { shippedPlan, verify } from "../../support/plan-files";
import { projectWith, readJson, runStart } from "../../support/run-cli";

const CUSTOMER_B = `    - id: customer-b
      accounts:
        - "222222222222"
      models:
        - anthropic.claude-3-haiku-20240307-v1:0
`;
const tenant = (id: string, account: string) => CUSTOMER_B.replace("customer-b", id).replace("222222222222", account);

describe("the proof on npm start -- --preview", function () {
    this.timeout(240_000);

    it("proves a fleet in which one tenant is new, binding its unknown profile ARNs to its own new profiles", async () => {
        const previous = await shippedPlan();
        const project = projectWith((yaml) => yaml + tenant("customer-c", "333333333333"));
        const run = await runStart(["--project", project, "--preview", "--previous", previous]);
        assert.strictEqual(run.code, 0, `${run.stderr}\n${run.stdout.slice(-2000)}`);
        const report = readJson(path.join(run.out, "isolation-report.json"));
        assert.strictEqual(report.result, "clean");
        assert.ok(report.tenants.some((t: any) => t.tenantId === "customer-c" && t.grants.length > 0));
        assert.ok(report.facts.some((f: string) => /unknown at preview; each is proved as a new resource of tenants-customer-c/.test(f)), JSON.stringify(report.facts));
        // A widened trust in the new tenant's previewed role is still caught.
        const ops = readJson(path.join(run.out, "ops.json"));
        const role = ops.steps.find((s: any) => s.urn.endsWith("::tenants-customer-c-role")).newState;
        const trust = JSON.parse(role.inputs.assumeRolePolicy.plaintext);
        trust.Statement[0].Principal.AWS.push("arn:aws:iam::111111111111:root");
        trust.Statement[0].Condition.ArnEquals["aws:PrincipalArn"].push("arn:aws:iam::111111111111:role/BedrockTenancyRuntime-customer-a");
        role.inputs.assumeRolePolicy = trust;
        const fs = await import("fs");
        fs.writeFileSync(path.join(run.out, "ops.json"), JSON.stringify(ops));
        const caught = verify([path.join(run.out, "ops.json"), path.join(run.out, "customer-a.json")]);
        assert.strictEqual(caught.code, 1, caught.stderr);
        assert.ok(caught.report.violations.some((v: any) => v.tenant === "customer-c" && v.code === "BT-TENANT-TRUST"), caught.stderr);
    });

    it("refuses by name the unknowns of two new tenants at once", async () => {
        const previous = await shippedPlan();
        const project = projectWith((yaml) => yaml + tenant("customer-c", "333333333333") + tenant("customer-d", "444444444444"));
        const run = await runStart(["--project", project, "--preview", "--previous", previous]);
        assert.strictEqual(run.code, 1, run.stderr);
        const report = readJson(path.join(run.out, "isolation-report.json"));
        const unknown = report.violations.filter((v: any) => v.code === "BT-PLAN-UNKNOWN-VALUE");
        assert.ok(unknown.some((v: any) => /tenants-customer-c-invoke/.test(v.resource)) && unknown.some((v: any) => /tenants-customer-d-invoke/.test(v.resource)), run.stderr);
    });
});
