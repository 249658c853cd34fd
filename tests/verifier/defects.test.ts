/**
 * Each defect an independent review found, applied to the plan JSON that
 * `npm start` writes (never to the source), is caught with exit 1 naming the
 * tenant and the statement; the clean plan exits 0.
 */
import * as assert from "assert";
import { editedPlan, policyOf, resource, ROLE, shippedPlan, verify, type StackDoc } from "../support/plan-files";

const COMPONENT = "bedrock-tenancy:index:BedrockTenantAccess";
const roleA = "BedrockTenantAccess-customer-a";
const roleB = "BedrockTenantAccess-customer-b";

function trustOf(doc: StackDoc, roleName: string): any {
    return resource(doc, ROLE, roleName).inputs.assumeRolePolicy;
}

function assumeStatement(doc: StackDoc, roleName: string): any {
    return trustOf(doc, roleName).Statement.find((s: any) => s.Sid === "AssumeFromTenantRuntime");
}

/** Exit 1, and one violation of `tenant` whose statement and reason match. */
function assertCaught(dir: string, tenant: string, statement: RegExp, why: RegExp): void {
    const run = verify(dir);
    assert.strictEqual(run.code, 1, run.stderr);
    const hit = run.report.violations.find((v: any) => v.tenant === tenant && statement.test(v.statement) && why.test(v.why));
    assert.ok(hit, `no violation of ${tenant} matching ${statement} / ${why} in:\n${run.stderr}`);
    assert.ok(run.stderr.includes(`${tenant}: `), run.stderr);
}

describe("bedrock-tenancy verify on defects applied to the plan JSON", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("exits 0 on the clean plan and reports each tenant's normal form", () => {
        const run = verify(plan);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.strictEqual(run.report.result, "clean");
        const a = run.report.tenants.find((t: any) => t.tenantId === "customer-a");
        assert.deepStrictEqual(a.trust.map((p: any) => [p.principal, p.externalId]), [["arn:aws:iam::111111111111:role/BedrockTenancyRuntime-customer-a", "(the tenant's)"]]);
        assert.ok(a.grants.length > 0);
        assert.ok(a.grants.every((g: any) => g.regions.every((r: string) => ["us-east-1", "us-east-2", "us-west-2"].includes(r))));
    });

    it("rejects an ExternalId tested with StringLike and a 4-character prefix plus *", () => {
        const dir = editedPlan(plan, "ops", (doc) => {
            const s = assumeStatement(doc, roleA);
            const id = s.Condition.StringEquals["sts:ExternalId"];
            delete s.Condition.StringEquals;
            s.Condition.StringLike = { "sts:ExternalId": `${id.slice(0, 4)}*` };
        });
        assertCaught(dir, "customer-a", /AssumeFromTenantRuntime/, /StringLike/);
    });

    it("rejects aws:PrincipalArn ending in *", () => {
        const dir = editedPlan(plan, "ops", (doc) => {
            const s = assumeStatement(doc, roleB);
            s.Condition.ArnLike = { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/BedrockTenancyRuntime-customer-b*" };
            delete s.Condition.ArnEquals;
        });
        assertCaught(dir, "customer-b", /AssumeFromTenantRuntime/, /wildcard/);
    });

    it("rejects a grant on application-inference-profile/*", () => {
        const dir = editedPlan(plan, "ops", (doc) => {
            const s = policyOf(doc, roleB).Statement.find((x: any) => x.Sid === "InvokeApplicationProfiles");
            s.Resource = ["arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/*"];
        });
        assertCaught(dir, "customer-b", /InvokeApplicationProfiles/, /resource pattern .*application-inference-profile\/\*/);
    });

    it("rejects a grant naming another tenant's application profile, naming its owner", () => {
        const dir = editedPlan(plan, "ops", (doc) => {
            const a = doc.deployment.resources.find((r) => r.type === COMPONENT && r.urn.endsWith("::tenants-customer-a"));
            const s = policyOf(doc, roleB).Statement.find((x: any) => x.Sid === "InvokeApplicationProfiles");
            s.Resource.push(Object.values(a.outputs.inferenceProfileArns)[0]);
        });
        assertCaught(dir, "customer-b", /InvokeApplicationProfiles/, /customer-a's application inference profile/);
    });

    it("rejects two Regions the tenant is not entitled to, whichever they are", () => {
        const dir = editedPlan(plan, "ops", (doc) => {
            const s = policyOf(doc, roleB).Statement.find((x: any) => x.Sid === "ReachedThroughOwnProfile0");
            s.Condition.StringEquals["aws:RequestedRegion"].push("me-central-1", "af-south-1");
            s.Resource.push(s.Resource[0].replace("us-east-1", "me-central-1"), s.Resource[0].replace("us-east-1", "af-south-1"));
        });
        assertCaught(dir, "customer-b", /ReachedThroughOwnProfile0/, /me-central-1, af-south-1, Regions the tenant is not entitled to/);
        assertCaught(dir, "customer-b", /ReachedThroughOwnProfile0/, /af-south-1::foundation-model.*not entitled/);
    });

    it("rejects tenant ids a--b and a-b, which get the same inference profile name", () => {
        const dir = editedPlan(plan, "ops", (doc) => {
            for (const [urnName, id] of [["customer-a", "a--b"], ["customer-b", "a-b"]]) {
                doc.deployment.resources.find((r) => r.type === COMPONENT && r.urn.endsWith(`::tenants-${urnName}`)).outputs.tenantId = id;
            }
        });
        assertCaught(dir, "(fleet)", /fleet rule/, /a-b.*a--b|a--b.*a-b/);
    });

    it("rejects a customer account listed by two tenants", () => {
        const dir = editedPlan(plan, "ops", (doc) => {
            doc.deployment.resources.find((r) => r.type === COMPONENT && r.urn.endsWith("::tenants-customer-b")).outputs.accounts.push("111111111111");
        });
        assertCaught(dir, "(fleet)", /fleet rule/, /customer-b.*lists account 111111111111, which .*customer-a/);
        assertCaught(dir, "customer-b", /account/, /customer account 111111111111 belongs to both customer-a and customer-b/);
    });

    it("rejects a trust policy that also admits another tenant's runtime role", () => {
        const dir = editedPlan(plan, "ops", (doc) => {
            const s = assumeStatement(doc, roleB);
            s.Principal.AWS.push("arn:aws:iam::111111111111:root");
            s.Condition.ArnEquals["aws:PrincipalArn"].push("arn:aws:iam::111111111111:role/BedrockTenancyRuntime-customer-a");
        });
        assertCaught(dir, "customer-b", /AssumeFromTenantRuntime/, /admits arn:aws:iam::111111111111:role\/BedrockTenancyRuntime-customer-a, which is not the tenant's runtime role/);
    });

    it("rejects a trust policy without the ExternalId, with NotPrincipal, or with a service principal", () => {
        const noId = editedPlan(plan, "ops", (doc) => delete assumeStatement(doc, roleA).Condition.StringEquals);
        assertCaught(noId, "customer-a", /AssumeFromTenantRuntime/, /without an ExternalId/);
        const not = editedPlan(plan, "ops", (doc) => {
            const s = assumeStatement(doc, roleA);
            s.NotPrincipal = s.Principal;
            delete s.Principal;
        });
        assertCaught(not, "customer-a", /AssumeFromTenantRuntime/, /NotPrincipal/);
        const service = editedPlan(plan, "ops", (doc) => (assumeStatement(doc, roleA).Principal.Service = "lambda.amazonaws.com"));
        assertCaught(service, "customer-a", /AssumeFromTenantRuntime/, /Service principal/);
    });

    it("rejects a grant on every model", () => {
        const dir = editedPlan(plan, "ops", (doc) => (policyOf(doc, roleB).Statement[0].Resource = "*"));
        assertCaught(dir, "customer-b", /InvokeApplicationProfiles/, /resource pattern "\*"/);
    });

    it("rejects a key policy that lets the ops account use a customer key", () => {
        const dir = editedPlan(plan, "customer-a", (doc) => {
            const key = doc.deployment.resources.find((r) => r.type === "aws:kms/key:Key");
            const policy = JSON.parse(key.inputs.policy);
            policy.Statement.push({ Sid: "OpsReads", Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "kms:Decrypt", Resource: "*" });
            key.inputs.policy = JSON.stringify(policy);
        });
        assertCaught(dir, "customer-a", /OpsReads/, /account 999999999999/);
    });

    it("rejects a log group encrypted with a key of another account, and Bedrock invocation logging", () => {
        const dir = editedPlan(plan, "customer-a", (doc) => {
            const group = doc.deployment.resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup");
            group.inputs.kmsKeyId = "arn:aws:kms:us-east-1:999999999999:key/ops-key";
            doc.deployment.resources.push({
                urn: "urn:pulumi:customer-a::bedrock-tenancy::aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration::logging",
                custom: true, type: "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration", inputs: {}, outputs: {},
            });
        });
        assertCaught(dir, "customer-a", /kmsKeyId/, /key of account 999999999999, not of its own account 111111111111/);
        assertCaught(dir, "customer-a", /-/, /configures Bedrock invocation logging/);
    });

    it("rejects a trust policy over IAM's 2,048-character quota", () => {
        const dir = editedPlan(plan, "ops", (doc) => {
            const s = trustOf(doc, roleA).Statement.find((x: any) => x.Sid === "AttributeTenantSessions");
            s.Sid = `AttributeTenantSessions${"x".repeat(2100)}`;
        });
        assertCaught(dir, "customer-a", /assumeRolePolicy/, /over IAM's default 2048/);
    });

    it("exits 2 with export with --show-secrets on a still-encrypted secret", () => {
        const dir = editedPlan(plan, "ops", (doc) => {
            const a = doc.deployment.resources.find((r) => r.type === COMPONENT);
            a.outputs.externalId = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
        });
        const run = verify(dir);
        assert.strictEqual(run.code, 2);
        assert.match(run.stderr, /ops\.json.*encrypted secret: export with --show-secrets/);
    });
    it("rejects a direct call that skips the tenant's application profile, and a missing metering Deny", () => {
        const dir = editedPlan(plan, "ops", (doc) => {
            const policy = policyOf(doc, roleB);
            policy.Statement = policy.Statement.filter((x: any) => x.Sid !== "DenyOutsideOwnProfiles");
            policy.Statement.push({
                Sid: "InvokeDirectly",
                Effect: "Allow",
                Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                Resource: ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"],
                Condition: { StringEquals: { "aws:RequestedRegion": ["us-east-1"] } },
            });
        });
        assertCaught(dir, "customer-b", /InvokeDirectly/, /directly; the tenant is entitled to it only through its own profiles/);
        assertCaught(dir, "customer-b", /^-$/, /no Deny of model calls outside the tenant's own application profiles/);
    });

    it("rejects an archive bucket policy that no longer denies the ops account", () => {
        const dir = editedPlan(plan, "customer-a", (doc) => {
            const bucketPolicy = doc.deployment.resources.find((r: any) => r.type === "aws:s3/bucketPolicy:BucketPolicy")!;
            const document = typeof bucketPolicy.inputs.policy === "string" ? JSON.parse(bucketPolicy.inputs.policy) : bucketPolicy.inputs.policy;
            document.Statement = document.Statement.filter((x: any) => !JSON.stringify(x.Condition ?? {}).includes("aws:PrincipalAccount"));
            bucketPolicy.inputs.policy = JSON.stringify(document);
        });
        assertCaught(dir, "customer-a", /^-$/, /ops account|999999999999/);
    });
});
