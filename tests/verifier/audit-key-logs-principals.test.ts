/**
 * The audit key's policy may let CloudWatch Logs in only for the customer's
 * own log groups, however the statement spells the service: the global name
 * `logs.amazonaws.com` is weighed as the Regional one is, with or without an
 * archive, and a finding about the key names the key, not the archive's
 * bucket policy.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CUSTOMER_A, LOG_GROUP_A, OPS } from "../support/plan-mutations";
import { editedPlan, openPolicySecrets, shippedPlan, verify, type StackDoc } from "../support/plan-files";
import { REPO, runStart } from "../support/run-cli";
import { makeTempDir } from "../support/temp-dir";

const KEY = "aws:kms/key:Key";
const KEY_NAME = "customer-a-key";
const LOGS_USE = ["kms:Decrypt*", "kms:GenerateDataKey*"];

/** The repository's stacks with customer-a asked for no archive, planned as `npm start` plans them. */
async function planWithoutArchive(): Promise<string> {
    const project = makeTempDir("bedrock-tenancy-no-archive-");
    for (const f of ["Pulumi.yaml", "Pulumi.ops.yaml"]) fs.copyFileSync(path.join(REPO, f), path.join(project, f));
    const customer = fs.readFileSync(path.join(REPO, "Pulumi.customer-a.yaml"), "utf8");
    const at = customer.indexOf("  bedrock-tenancy:archive:");
    assert.ok(at > 0, "the customer-a config asks for an archive");
    fs.writeFileSync(path.join(project, "Pulumi.customer-a.yaml"), customer.slice(0, at));
    const run = await runStart(["--project", project, "--quiet"]);
    assert.strictEqual(run.code, 0, run.stderr);
    return run.out;
}

/** A copy of the plan whose audit key policy also holds `statement`, in inputs and outputs alike. */
function withKeyStatement(plan: string, statement: Record<string, unknown>): string {
    return editedPlan(plan, "customer-a", (doc: StackDoc) => {
        openPolicySecrets(doc);
        const key = doc.deployment.resources.find((r) => r.type === KEY && r.urn.endsWith(`::${KEY_NAME}`));
        for (const side of ["inputs", "outputs"] as const) {
            const held = key[side].policy;
            const policy = typeof held === "string" ? JSON.parse(held) : held;
            policy.Statement.push(statement);
            key[side].policy = typeof held === "string" ? JSON.stringify(policy) : policy;
        }
    });
}

const logsStatement = (Service: string, Condition?: Record<string, unknown>) => ({ Sid: "X", Effect: "Allow", Principal: { Service }, Action: LOGS_USE, Resource: "*", ...(Condition ? { Condition } : {}) });

/** Whether a finding is on statement X (labelled by its index and Sid). */
const names = (v: any) => String(v.statement).includes('Sid "X"');

/** Exit 1 with a BT-CUSTOMER-KEY finding on the audit key naming statement X, and none on another resource naming it. */
function assertKeyFinding(dir: string): void {
    const run = verify(dir);
    assert.strictEqual(run.code, 1, `exit ${run.code}: ${run.stderr}${run.stdout}`);
    const onKey = run.report.violations.filter((v: any) => v.code === "BT-CUSTOMER-KEY" && v.resource === KEY_NAME && names(v));
    assert.ok(onKey.length > 0, `no BT-CUSTOMER-KEY on ${KEY_NAME} statement X in:\n${run.stderr}`);
    const elsewhere = run.report.violations.filter((v: any) => v.resource !== KEY_NAME && (names(v) || v.why.includes('"X"')));
    assert.deepStrictEqual(elsewhere, []);
}

const HOSTILE: [string, Record<string, unknown> | undefined][] = [
    ["no condition", undefined],
    ["aws:SourceAccount of the ops account", { StringEquals: { "aws:SourceAccount": OPS } }],
    ["StringLike aws:SourceAccount *", { StringLike: { "aws:SourceAccount": "*" } }],
    ["StringLike aws:SourceAccount *1", { StringLike: { "aws:SourceAccount": "*1" } }],
    ["aws:SourceAccount of its own account and another", { StringEquals: { "aws:SourceAccount": [CUSTOMER_A, "333333333333"] } }],
];

describe("CloudWatch Logs in the audit key's policy, however spelled", function () {
    this.timeout(120_000);
    let plain: string;
    let archived: string;
    before(async () => {
        plain = await planWithoutArchive();
        archived = await shippedPlan();
    });

    it("proves the stack without an archive clean as planned", () => {
        const run = verify(plain);
        assert.strictEqual(run.code, 0, run.stderr);
    });

    for (const [what, condition] of HOSTILE) {
        it(`refuses logs.amazonaws.com with ${what} on the audit key, without an archive`, () => {
            assertKeyFinding(withKeyStatement(plain, logsStatement("logs.amazonaws.com", condition)));
        });
    }

    it("refuses the Regional name of another Region with no condition", () => {
        assertKeyFinding(withKeyStatement(plain, logsStatement("logs.eu-west-1.amazonaws.com")));
    });

    it("names the key, not the bucket policy, for logs.amazonaws.com with StringLike aws:SourceAccount *1 beside an archive", () => {
        const dir = withKeyStatement(archived, logsStatement("logs.amazonaws.com", { StringLike: { "aws:SourceAccount": "*1" } }));
        assertKeyFinding(dir);
        const run = verify(dir);
        assert.deepStrictEqual(run.report.violations.filter((v: any) => v.code === "BT-CUSTOMER-ARCHIVE"), []);
    });

    it("names the key for an AWS principal of another account in its policy beside an archive", () => {
        const dir = withKeyStatement(archived, { Sid: "X", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OPS}:root` }, Action: "kms:Decrypt", Resource: "*" });
        assertKeyFinding(dir);
    });

    it("passes logs.amazonaws.com held to the audit log group, as the component holds the Regional name", () => {
        for (const plan of [plain, archived]) {
            const run = verify(withKeyStatement(plan, logsStatement("logs.amazonaws.com", { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": LOG_GROUP_A } })));
            assert.strictEqual(run.code, 0, run.stderr);
        }
    });
});
