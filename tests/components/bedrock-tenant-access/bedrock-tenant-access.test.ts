import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { BedrockTenantAccess } from "../../../components";
import { installMocks, ofType, promiseOf, type RecordedResource } from "../../../testing/pulumi-mocks";
import { GUARDRAIL_ARN, HAIKU, OPS_ACCOUNT, US_HAIKU_35, failureOf, opsMockOptions, parsePolicy, policiesOf, settled } from "../../../testing/tenant-access-fixtures";

const BOUNDARY = `arn:aws:iam::${OPS_ACCOUNT}:policy/BedrockTenantBoundary-customer-a`;

describe("BedrockTenantAccess under mocks", () => {
    let recorded: RecordedResource[];

    beforeEach(async () => {
        recorded = await installMocks(opsMockOptions());
    });

    it("creates the role with a one-hour session cap, its own boundary and the tenant tag", async () => {
        const access = new BedrockTenantAccess("a", { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU], accountId: OPS_ACCOUNT });
        await promiseOf(access.roleArn);
        await settled();
        const { role, trust } = policiesOf(recorded, "a");
        assert.strictEqual(role.inputs.name, "BedrockTenantAccess-customer-a");
        assert.strictEqual(role.inputs.maxSessionDuration, 3600);
        assert.strictEqual(role.inputs.permissionsBoundary, BOUNDARY);
        assert.strictEqual(role.inputs.tags["bedrock-tenancy:tenant"], "customer-a");
        const statements = trust.Statement as any[];
        assert.deepStrictEqual(statements[0].Principal, { AWS: ["arn:aws:iam::111111111111:root"] });
        assert.deepStrictEqual(statements[0].Condition.ArnEquals, { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/BedrockTenancyRuntime-customer-a"] });
        assert.strictEqual(statements[0].Condition.StringEquals["sts:ExternalId"], await promiseOf(access.externalId));
    });

    it("caps the role with a boundary policy holding exactly its invoke grant, named for the tenant", async () => {
        const access = new BedrockTenantAccess("a", { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU, US_HAIKU_35], guardrail: { arn: GUARDRAIL_ARN, version: "1" }, accountId: OPS_ACCOUNT });
        assert.deepStrictEqual([await promiseOf(access.boundaryPolicyArn), await promiseOf(access.boundaryPolicyName)], [BOUNDARY, "BedrockTenantBoundary-customer-a"]);
        assert.strictEqual(await promiseOf(access.roleArn), `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenantAccess-customer-a`);
        await settled();
        const [boundary] = ofType(recorded, "aws:iam/policy:Policy");
        assert.strictEqual(boundary.inputs.name, "BedrockTenantBoundary-customer-a");
        const document = parsePolicy(boundary.inputs.policy);
        assert.deepStrictEqual(document, policiesOf(recorded, "a").permissions);
        const sids = (document.Statement as any[]).map((s) => `${s.Effect}:${s.Sid}`);
        assert.ok(sids.includes("Deny:DenyOutsideOwnProfiles") && sids.includes("Deny:DenyWithoutGuardrail"), JSON.stringify(sids));
    });

    it("refuses a caller's permissionsBoundary, naming the argument and the tenant's own boundary", async () => {
        assert.throws(
            () => new BedrockTenantAccess("a", { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU], permissionsBoundary: `arn:aws:iam::${OPS_ACCOUNT}:policy/Mine`, accountId: OPS_ACCOUNT }),
            /permissionsBoundary is refused: .*"BedrockTenantBoundary-customer-a"/,
        );
        await settled();
        assert.deepStrictEqual(recorded.filter((r) => r.type.startsWith("aws:")), []);
    });

    it("keeps the ExternalId secret and uses a supplied one as is", async () => {
        const access = new BedrockTenantAccess("a", { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU], externalId: "given-id:42", accountId: OPS_ACCOUNT });
        assert.strictEqual(await promiseOf(access.externalId), "given-id:42");
        assert.strictEqual(await pulumi.isSecret(access.externalId), true);
        await settled();
        assert.deepStrictEqual(ofType(recorded, "random:index/randomPassword:RandomPassword"), []);
    });

    it("creates one tagged application profile per model, copied from the model or the system profile", async () => {
        const access = new BedrockTenantAccess("a", { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU, US_HAIKU_35], costTagKey: "tenant", accountId: OPS_ACCOUNT });
        const arns = await promiseOf(access.inferenceProfileArns);
        await settled();
        const profiles = ofType(recorded, "aws:bedrock/inferenceProfile:InferenceProfile");
        assert.deepStrictEqual(profiles.map((p) => p.inputs.modelSource.copyFrom), [
            `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`,
            `arn:aws:bedrock:us-east-1:${OPS_ACCOUNT}:inference-profile/${US_HAIKU_35}`,
        ]);
        assert.ok(profiles.every((p) => p.inputs.tags.tenant === "customer-a" && p.inputs.region === "us-east-1"));
        assert.deepStrictEqual(Object.keys(arns), [HAIKU, US_HAIKU_35]);
        const { permissions } = policiesOf(recorded, "a");
        const viaApplication = (permissions.Statement as any[]).find((s) => s.Sid === "InvokeApplicationProfiles");
        assert.deepStrictEqual(viaApplication.Resource, [arns[HAIKU], arns[US_HAIKU_35]]);
    });

    it("creates no application profile when cost attribution is off", async () => {
        const access = new BedrockTenantAccess("a", { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU], costAttribution: false, accountId: OPS_ACCOUNT });
        assert.deepStrictEqual(await promiseOf(access.inferenceProfileArns), {});
        await settled();
        assert.deepStrictEqual(ofType(recorded, "aws:bedrock/inferenceProfile:InferenceProfile"), []);
        const { permissions } = policiesOf(recorded, "a");
        assert.deepStrictEqual((permissions.Statement as any[]).map((s) => s.Sid), ["InvokeFoundationModels"]);
    });

    it("fails before creating any child when an argument is bad", async () => {
        assert.throws(() => new BedrockTenantAccess("a", { tenantId: "customer-a", accounts: ["1234"], models: [HAIKU] }), /accounts\[0\] must be a 12-digit AWS account id, got "1234"/);
        await settled();
        assert.deepStrictEqual(recorded.filter((r) => r.type.startsWith("aws:") || r.type.startsWith("random:")), []);
    });

    it("raises a ResourceError naming externalId when a computed ExternalId breaks STS rules", async () => {
        const access = new BedrockTenantAccess("a", { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU], externalId: pulumi.output("bad id"), accountId: OPS_ACCOUNT });
        const error = await failureOf(access.externalId);
        assert.ok(error instanceof pulumi.ResourceError);
        assert.match(String(error), /externalId must be 2 to 1224 letters, digits .*, got a string of 6 characters \(not shown: it is secret\)/);
        assert.ok(!String(error).includes("bad id"));
    });
});
