/** Inputs that prove nothing are refused, and what the files leave unproved is said. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Writable } from "stream";
import { main } from "../../../verifier/cli";
import { shippedPlan, stackFiles, verify } from "../../support/plan-files";
import { added, asPreview, CUSTOMER_A, documentOf, find, mutatedPlan, named, TENANT_A_ROLE } from "../../support/plan-mutations";
import { rooted } from "../../support/stack-root";
import { makeTempDir } from "../../support/temp-dir";

describe("inputs the whole-account proof refuses or reports", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("exits 2 on an ops file with no tenants beside a customer file, saying why", () => {
        const dir = mutatedPlan(plan, "stack-export", { ops: (doc) => (doc.deployment.resources = doc.deployment.resources.filter((r: any) => r.type === "pulumi:pulumi:Stack")) });
        const run = verify(dir);
        assert.strictEqual(run.code, 2, run.stderr);
        assert.match(run.stderr, /holds no BedrockTenantAccess and no PrivateInvocationLogging|no BedrockTenantAccess in the files/);
    });

    it("exits 2 on a customer file alone: its tenant cannot be proved without the ops file", () => {
        const run = verify(stackFiles(plan).filter((f) => f.endsWith("customer-a.json")));
        assert.strictEqual(run.code, 2, run.stderr);
        assert.match(run.stderr, /give the ops stack's file/);
    });

    it("exits 2 on a file of another stack, naming it", () => {
        const other = path.join(mutatedPlan(plan, "stack-export", {}), "unrelated.json");
        fs.writeFileSync(other, JSON.stringify(rooted({ version: 3, deployment: { resources: [added("unrelated", "aws:s3/bucket:Bucket", "b", { bucket: "b" })] } })));
        const run = verify([...stackFiles(plan), other]);
        assert.strictEqual(run.code, 2, run.stderr);
        assert.match(run.stderr, /unrelated\.json: stack unrelated holds no BedrockTenantAccess/);
    });

    it("names a customer stack whose tenant is not in the ops files", () => {
        const dir = mutatedPlan(plan, "stack-export", {
            ops: (doc) => (doc.deployment.resources = doc.deployment.resources.filter((r: any) => !r.urn.includes("customer-a"))),
        });
        const run = verify(dir);
        assert.strictEqual(run.code, 1, run.stderr);
        assert.ok(run.report.violations.some((v: any) => v.code === "BT-CUSTOMER-TENANT" && /which no ops stack given declares/.test(v.why)), run.stderr);
    });

    it("lists tenants without a customer stack, and makes them violations with --require-customers", () => {
        const loose = verify(plan);
        assert.strictEqual(loose.code, 0, loose.stderr);
        assert.deepStrictEqual(loose.report.customersNotProved, ["customer-b"]);
        assert.match(loose.stdout, /Customer side not proved \(no customer stack given\): customer-b/);
        let stderr = "";
        let stdout = "";
        const sink = (append: (s: string) => void) => new Writable({ write(c, _e, done) { append(String(c)); done(); } });
        const out = makeTempDir("rc-");
        const code = main(["verify", "--require-customers", "--out", out, ...stackFiles(plan)], sink((s) => (stdout += s)), sink((s) => (stderr += s)));
        assert.strictEqual(code, 1);
        assert.match(stderr, /customer-b: .*no customer stack of this tenant is among the files: its customer side is not proved \[BT-FLEET-CUSTOMER-MISSING\]/);
        // Named once, as the violation it now is: not also as the note for a run without the option, nor with advice to add the option given.
        assert.doesNotMatch(stdout, /Customer side not proved/);
        const markdown = fs.readFileSync(path.join(out, "isolation-report.md"), "utf8");
        assert.match(markdown, /No customer stack among the files for: customer-b\. Each is a violation above \(BT-FLEET-CUSTOMER-MISSING\): give their files\./);
    });

    it("lists each account of a tenant without its customer stack, though another account's is given, and makes it a violation with --require-customers", () => {
        const second = "333333333333";
        const dir = mutatedPlan(plan, "stack-export", {
            ops: (doc) => {
                // customer-a in two accounts: the component lists both and the role admits the runtime role of each.
                const access = find(doc, "bedrock-tenancy:index:BedrockTenantAccess", (r) => r.outputs?.tenantId === "customer-a");
                access.outputs = { ...access.outputs, accounts: [CUSTOMER_A, second] };
                const role = find(doc, "aws:iam/role:Role", named(TENANT_A_ROLE));
                for (const side of ["inputs", "outputs"] as const) {
                    const trust = documentOf(role, side, "assumeRolePolicy");
                    for (const statement of trust.Statement) {
                        statement.Principal.AWS = [...[statement.Principal.AWS].flat(), `arn:aws:iam::${second}:root`];
                        const arns = statement.Condition.ArnEquals["aws:PrincipalArn"];
                        statement.Condition.ArnEquals["aws:PrincipalArn"] = [...[arns].flat(), `arn:aws:iam::${second}:role/BedrockTenancyRuntime-customer-a`];
                    }
                    role[side] = { ...role[side], assumeRolePolicy: JSON.stringify(trust) };
                }
            },
        });
        const loose = verify(dir);
        assert.strictEqual(loose.code, 0, loose.stderr);
        assert.deepStrictEqual(loose.report.customersNotProved, ["customer-a", "customer-b"]);
        assert.deepStrictEqual(loose.report.accountsNotProved, [{ tenant: "customer-a", account: second }, { tenant: "customer-b", account: "222222222222" }]);
        assert.match(loose.stdout, /Customer side not proved \(no customer stack given\): customer-a \(account 333333333333\), customer-b\n/);
        const strict = verify(dir, ["--require-customers"]);
        assert.strictEqual(strict.code, 1, strict.stderr);
        const missing = strict.report.violations.filter((v: any) => v.code === "BT-FLEET-CUSTOMER-MISSING");
        assert.deepStrictEqual(missing.map((v: any) => [v.tenant, v.why]), [
            ["customer-a", "no customer stack of account 333333333333, which the tenant lists and its role admits, is among the files: that account's customer side is not proved"],
            ["customer-b", "no customer stack of this tenant is among the files: its customer side is not proved"],
        ]);
    });

    it("proves a policy a preview deletes with retainOnDelete, since AWS keeps it", () => {
        const dir = mutatedPlan(plan, "stack-export", {});
        const file = path.join(dir, "ops.json");
        const preview = asPreview(JSON.parse(fs.readFileSync(file, "utf8")));
        const kept = added("ops", "aws:iam/rolePolicy:RolePolicy", "kept", { role: TENANT_A_ROLE, name: "kept", policy: { Statement: [{ Effect: "Allow", Action: "bedrock:*", Resource: "*" }] } });
        preview.steps.push({ op: "delete", urn: kept.urn, oldState: { ...kept, retainOnDelete: true } });
        fs.writeFileSync(file, JSON.stringify(preview));
        const run = verify(dir);
        assert.strictEqual(run.code, 1, run.stderr);
        assert.ok(run.report.violations.some((v: any) => v.tenant === "customer-a" && /bedrock:\*/.test(v.why)), run.stderr);
        // Without retainOnDelete the policy leaves AWS with the step.
        preview.steps[preview.steps.length - 1].oldState.retainOnDelete = false;
        fs.writeFileSync(file, JSON.stringify(preview));
        assert.strictEqual(verify(dir).code, 0);
    });

    it("prints its usage and exits 0 for --help", () => {
        let stdout = "";
        const code = main(["--help"], new Writable({ write(c, _e, done) { stdout += String(c); done(); } }));
        assert.strictEqual(code, 0);
        assert.match(stdout, /usage: bedrock-tenancy verify .*--require-customers/);
    });

});
