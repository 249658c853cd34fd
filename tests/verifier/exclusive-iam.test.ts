/**
 * A resource that makes a principal's inline policies or managed attachments
 * exactly its list (a `*PoliciesExclusive`, a `*PolicyAttachmentsExclusive`,
 * a role's own `inlinePolicies` or `managedPolicyArns`, an
 * `aws:iam/policyAttachment` for its policy across the account): AWS holds
 * only what the list keeps, so the proof counts nothing else, and a tenant
 * role so managed loses the quota enforcer's block and the cost cap on
 * every deploy.
 */
import * as assert from "assert";
import { buildAccountIam } from "../../verifier/iam-graph";
import { stackStateOf } from "../../verifier/pulumi-formats";
import { verifyStates } from "../../verifier/verify";
import { shippedDocs, type StackDoc } from "../support/plan-files";
import { added, CUSTOMER_A, find, TENANT_A_ROLE } from "../support/plan-mutations";

const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const RUNTIME_ROLE = "BedrockTenancyRuntime-customer-a";
const COST_CAP = "arn:aws:iam::999999999999:policy/BedrockTenancyCostCap-AllTenants";

describe("exclusive lists of a principal's policies", function () {
    this.timeout(300_000);
    let ops: StackDoc;
    let customer: StackDoc;
    before(async () => {
        ({ ops, customer } = await shippedDocs());
    });
    const copy = (doc: StackDoc): StackDoc => JSON.parse(JSON.stringify(doc));
    const codes = (edit: { ops?: (d: StackDoc) => void; customer?: (d: StackDoc) => void }, code: string): string[] => {
        const [o, c] = [copy(ops), copy(customer)];
        edit.ops?.(o);
        edit.customer?.(c);
        return verifyStates([stackStateOf("ops.json", o), stackStateOf("customer-a.json", c)]).violations.filter((v) => v.code === code).map((v) => `${v.resource}: ${v.why}`);
    };

    /** The runtime's policy split in two: the Bedrock route kept under its name, the audit writes in a second inline policy. */
    const split = (d: StackDoc) => {
        const p = find(d, ROLE_POLICY, (r) => r.inputs.name === "bedrock-tenancy-runtime");
        const statements: any[] = p.inputs.policy.Statement;
        const writes = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith("logs:") || a.startsWith("s3:") || a.startsWith("kms:")));
        const rest = statements.filter((s) => !writes.includes(s));
        for (const side of [p.inputs, p.outputs]) side.policy = { ...p.inputs.policy, Statement: rest };
        d.deployment.resources.push({ ...added("customer-a", ROLE_POLICY, "runtime-audit-writes", { name: "audit-writes", role: RUNTIME_ROLE, policy: { Version: "2012-10-17", Statement: writes } }), parent: p.parent });
    };

    it("counts only the inline policies a rolePoliciesExclusive keeps: the runtime loses its audit writes", () => {
        assert.deepStrictEqual(codes({ customer: split }, "BT-CUSTOMER-AUDIT-REMOVAL"), [], "the split alone is the same grant");
        const exclusive = (keep: string[]) => (d: StackDoc) => {
            split(d);
            d.deployment.resources.push(added("customer-a", "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive", "runtime-exclusive", { roleName: RUNTIME_ROLE, policyNames: keep }));
        };
        assert.ok(codes({ customer: exclusive(["bedrock-tenancy-runtime"]) }, "BT-CUSTOMER-AUDIT-REMOVAL").length > 0);
        assert.deepStrictEqual(codes({ customer: exclusive(["bedrock-tenancy-runtime", "audit-writes"]) }, "BT-CUSTOMER-AUDIT-REMOVAL"), []);
    });

    it("counts only the managed policies a role's own managedPolicyArns lists, and a policy only on the principals its policyAttachment names", () => {
        const doc = copy(customer);
        const role = find(doc, "aws:iam/role:Role", (r) => r.inputs.name === RUNTIME_ROLE);
        role.inputs.managedPolicyArns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];
        doc.deployment.resources.push(added("customer-a", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "extra", { role: RUNTIME_ROLE, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }));
        doc.deployment.resources.push(added("customer-a", "aws:iam/policyAttachment:PolicyAttachment", "only-elsewhere", { policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", roles: ["SomeoneElse"] }));
        doc.deployment.resources.push(added("customer-a", "aws:iam/role:Role", "someone-else", { name: "SomeoneElse", assumeRolePolicy: { Version: "2012-10-17", Statement: [] } }));
        const iam = buildAccountIam(stackStateOf("customer-a.json", doc), CUSTOMER_A);
        const runtime = iam.byName.role.get(RUNTIME_ROLE.toLowerCase())![0];
        assert.deepStrictEqual(runtime.policies.filter((p) => p.managedArn !== undefined).map((p) => p.managedArn), []);
        assert.deepStrictEqual(iam.byName.role.get("someoneelse")![0].policies.map((p) => p.managedArn), ["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    });

    it("finds a tenant role whose inline policies or managed attachments a resource keeps to its list, and the cost cap attached only elsewhere", () => {
        const onTenant = (type: string, props: Record<string, unknown>) => (d: StackDoc) => { d.deployment.resources.push(added("ops", type, "exclusive", props)); };
        const quota = codes({ ops: onTenant("aws:iam/rolePoliciesExclusive:RolePoliciesExclusive", { roleName: TENANT_A_ROLE, policyNames: ["bedrock-invoke"] }) }, "BT-OPS-QUOTA-WIRING");
        assert.ok(quota.some((f) => f.includes("every deploy removes the block the quota enforcer puts on the role")), JSON.stringify(quota));
        const attachments = codes({ ops: onTenant("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", { roleName: TENANT_A_ROLE, policyArns: [] }) }, "BT-OPS-QUOTA-WIRING");
        assert.ok(attachments.some((f) => f.includes("every deploy detaches the cost cap")), JSON.stringify(attachments));
        const ownList = codes({ ops: (d) => { find(d, "aws:iam/role:Role", (r) => r.inputs.name === TENANT_A_ROLE).inputs.managedPolicyArns = []; } }, "BT-OPS-QUOTA-WIRING");
        assert.ok(ownList.some((f) => f.includes("every deploy detaches the cost cap")), JSON.stringify(ownList));
        const elsewhere = codes({ ops: onTenant("aws:iam/policyAttachment:PolicyAttachment", { policyArn: COST_CAP, roles: ["BedrockTenancyQuotaEnforcer"] }) }, "BT-OPS-QUOTA-WIRING");
        assert.ok(elsewhere.some((f) => f.includes(`attaches the cost-cap policy ${COST_CAP} to exactly the principals it lists, not tenant customer-a's role`)), JSON.stringify(elsewhere));
        assert.deepStrictEqual(codes({}, "BT-OPS-QUOTA-WIRING"), []);
    });
});
