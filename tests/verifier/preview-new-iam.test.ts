/**
 * IAM resources a preview creates have no ARN yet: the engine writes the
 * unknown marker for it. A principal's ARN is still known (IAM makes it from
 * the account, path and name), and a reference whose policy ARN is not
 * known names the one policy created beside it, or is reported unresolved:
 * never whichever new policy happens to come last, and never the marker
 * taken as an ARN that matches nothing.
 */
import * as assert from "assert";
import { stackStateOf, UNKNOWN_VALUE } from "../../verifier/pulumi-formats";
import { verifyStates } from "../../verifier/verify";
import { shippedDocs, type StackDoc } from "../support/plan-files";
import { asPreview, find, OPS } from "../support/plan-mutations";

const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy";
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const opsRootTrust = (account: string) => doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "sts:AssumeRole" });

type Created = { type: string; name: string; inputs: Record<string, unknown>; minted?: string[] };

/** `pulumi preview --json` of `base` with `created` as new resources under `parentUrn`: what AWS mints for them is not known yet. */
function previewWith(base: StackDoc, parentUrn: string, created: Created[], edit?: (d: StackDoc) => void): unknown {
    const d: StackDoc = JSON.parse(JSON.stringify(base));
    edit?.(d);
    const preview = asPreview(d);
    const [stack, project] = parentUrn.slice("urn:pulumi:".length).split("::");
    const parentType = parentUrn.split("::")[2];
    for (const c of created) {
        const minted = Object.fromEntries((c.minted ?? ["arn", "id"]).map((k) => [k, UNKNOWN_VALUE]));
        const state = { urn: `urn:pulumi:${stack}::${project}::${parentType}$${c.type}::${c.name}`, custom: true, type: c.type, parent: parentUrn, inputs: c.inputs, outputs: { ...c.inputs, ...minted } };
        preview.steps.push({ op: "create", urn: state.urn, newState: state });
    }
    return preview;
}

describe("IAM resources a preview creates", function () {
    this.timeout(300_000);
    let ops: StackDoc;
    let customer: StackDoc;
    let tenantB: string;
    let logging: string;
    before(async () => {
        ({ ops, customer } = await shippedDocs());
        tenantB = find(ops, "bedrock-tenancy:index:BedrockTenantAccess", (r) => r.urn.endsWith("::tenants-customer-b")).urn;
        logging = find(customer, "bedrock-tenancy:index:PrivateInvocationLogging", () => true).urn;
    });
    const violations = (files: { ops?: unknown; customer?: unknown }) =>
        verifyStates([stackStateOf("ops.json", files.ops ?? asPreview(ops)), stackStateOf("customer-a.json", files.customer ?? asPreview(customer))]).violations;
    const codes = (files: { ops?: unknown; customer?: unknown }) => [...new Set(violations(files).map((v) => v.code))].sort();

    const helperRole = { type: ROLE, name: "customer-b-helper", inputs: { name: "BedrockTenancyHelper-b", assumeRolePolicy: opsRootTrust(OPS) }, minted: ["arn", "id", "uniqueId"] };
    const wide = { type: POLICY, name: "customer-b-wide", inputs: { name: "helper-wide", policy: doc({ Effect: "Allow", Action: ["bedrock:PutModelInvocationLoggingConfiguration", "iam:*"], Resource: "*" }) } };
    const narrow = { type: POLICY, name: "customer-b-narrow", inputs: { name: "helper-read", policy: doc({ Effect: "Allow", Action: "bedrock:ListFoundationModels", Resource: "*" }) } };
    const attachUnknown = (role: string) => ({ type: ATTACHMENT, name: "customer-b-helper-attach", inputs: { role, policyArn: UNKNOWN_VALUE } });

    it("judge the one new policy an attachment with an unknown policy ARN names", () => {
        const found = codes({ ops: previewWith(ops, tenantB, [helperRole, wide, attachUnknown("BedrockTenancyHelper-b")]) });
        assert.ok(found.includes("BT-ACCOUNT-INVOCATION-LOGGING"), found.join(", "));
    });

    it("report an attachment with an unknown policy ARN unresolved when two new policies stand beside it, whichever comes last", () => {
        for (const order of [[wide, narrow], [narrow, wide]]) {
            const found = violations({ ops: previewWith(ops, tenantB, [helperRole, ...order, attachUnknown("BedrockTenancyHelper-b")]) });
            assert.ok(found.some((v) => v.code === "BT-PLAN-UNRESOLVED" && v.resource === "customer-b-helper-attach" && v.why.includes("2 managed policies")), found.map((v) => v.code).join(", "));
        }
    });

    it("report a role's unknown permissions boundary unresolved when two new policies stand beside it", () => {
        const boundary = { type: POLICY, name: "customer-b-boundary-copy", inputs: { name: "BedrockTenantBoundary-customer-b-v3", policy: doc({ Effect: "Allow", Action: "bedrock:InvokeModel", Resource: "*" }) } };
        const everything = { type: POLICY, name: "customer-b-boundary-wide", inputs: { name: "BedrockTenantBoundary-customer-b-v2", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) } };
        const repointed = (d: StackDoc) => {
            const role = find(d, ROLE, (r) => r.inputs.name === "BedrockTenantAccess-customer-b");
            role.inputs.permissionsBoundary = UNKNOWN_VALUE;
            role.outputs.permissionsBoundary = UNKNOWN_VALUE;
        };
        const found = violations({ ops: previewWith(ops, tenantB, [everything, boundary], repointed) });
        assert.ok(found.some((v) => v.code === "BT-PLAN-UNRESOLVED" && v.why.includes("permissions boundary")), found.map((v) => v.code).join(", "));
        assert.ok(found.some((v) => v.code === "BT-TENANT-BOUNDARY"), found.map((v) => v.code).join(", "));
    });

    it("give a new role its ARN from its path and name: one the quota enforcer's role pattern matches is a finding in a preview as in an export", () => {
        for (const inputs of [{ name: "BedrockTenantAccess-ops-admin" }, { name: "Admin", path: "/BedrockTenantAccess-ops/" }]) {
            const role = { type: ROLE, name: "customer-b-admin", inputs: { ...inputs, assumeRolePolicy: opsRootTrust(OPS) }, minted: ["arn", "id", "uniqueId"] };
            const found = codes({ ops: previewWith(ops, tenantB, [role]) });
            assert.ok(found.includes("BT-OPS-ESCALATION"), `${JSON.stringify(inputs)}: ${found.join(", ")}`);
        }
    });

    it("give a new customer role its ARN: one trusted by the ops account and named by the archive's policies is a finding", () => {
        const reader = "arn:aws:iam::111111111111:role/AuditReader";
        const openToReader = (d: StackDoc) => {
            const bucketPolicy = find(d, "aws:s3/bucketPolicy:BucketPolicy", () => true);
            const policy = JSON.parse(JSON.stringify(bucketPolicy.inputs.policy));
            const document = typeof policy === "string" ? JSON.parse(policy) : policy;
            document.Statement.push({ Sid: "Reader", Effect: "Allow", Principal: { AWS: reader }, Action: "s3:GetObject", Resource: `arn:aws:s3:::btn-customer-a-archive-111111111111/*` });
            bucketPolicy.inputs.policy = document;
            bucketPolicy.outputs.policy = document;
        };
        const role = { type: ROLE, name: "customer-a-auditor", inputs: { name: "AuditReader", assumeRolePolicy: opsRootTrust(OPS) }, minted: ["arn", "id", "uniqueId"] };
        const found = codes({ customer: previewWith(customer, logging, [role], openToReader) });
        assert.ok(found.includes("BT-CUSTOMER-FOREIGN-ROLE"), found.join(", "));
    });

    it("hold a key policy whose key is not known at preview to be unknown, not minted", () => {
        const keyPolicy = { type: KEY_POLICY, name: "customer-a-key-policy", inputs: { keyId: UNKNOWN_VALUE, policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" }), region: "us-east-1" }, minted: ["id"] };
        const found = violations({ customer: previewWith(customer, logging, [keyPolicy]) });
        assert.ok(found.some((v) => v.code === "BT-PLAN-UNKNOWN-VALUE" && v.resource === "customer-a-key-policy" && v.why.includes("keyId")), found.map((v) => `${v.code} ${v.resource}`).join(", "));
    });

    it("bind an unknown Resource only in a policy of a tenant's role: one of another role is a finding", () => {
        const relay = (role: string) => ({ type: "aws:iam/rolePolicy:RolePolicy", name: "customer-b-relay", inputs: { name: "relay", role, policy: doc({ Effect: "Allow", Action: ["sts:AssumeRole", "sns:Publish"], Resource: UNKNOWN_VALUE }) } });
        const helper = violations({ ops: previewWith(ops, tenantB, [helperRole, relay("BedrockTenancyHelper-b")]) });
        assert.ok(helper.some((v) => v.code === "BT-PLAN-UNKNOWN-VALUE" && v.resource === "customer-b-relay"), helper.map((v) => `${v.code} ${v.resource}`).join(", "));
        const tenant = violations({ ops: previewWith(ops, tenantB, [relay("BedrockTenantAccess-customer-b")]) });
        assert.ok(!tenant.some((v) => v.code === "BT-PLAN-UNKNOWN-VALUE" && v.resource === "customer-b-relay"), "the tenant proof binds the tenant role's own");
    });

    it("prove the shipped plan as a preview with nothing new", () => {
        assert.deepStrictEqual(codes({}), []);
    });
});
