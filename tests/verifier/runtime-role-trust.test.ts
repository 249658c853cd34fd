/**
 * The customer proof takes the runtime role from what the tenant's ops role
 * trusts, not from the component's outputs.
 */
import * as assert from "assert";
import { editedPlan, resource, ROLE, ROLE_POLICY, shippedPlan, verify, type StackDoc } from "../support/plan-files";

const FUNCTION = "aws:lambda/function:Function";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const COMPONENT = "bedrock-tenancy:index:PrivateInvocationLogging";
const RUNTIME = "arn:aws:iam::111111111111:role/BedrockTenancyRuntime-customer-a";
const DECOY_NAME = "BedrockTenancyRuntimeDecoy-customer-a";
const DECOY = `arn:aws:iam::111111111111:role/${DECOY_NAME}`;

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));

function stackUrn(doc: StackDoc): string {
    return doc.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack").urn;
}

/** A function of the stack, outside the component, with no audit logging, running as `role`. */
function addFunction(doc: StackDoc, name: string, role: string): void {
    const prefix = stackUrn(doc).split("::pulumi:pulumi:Stack::")[0];
    const inputs = { architectures: ["arm64"], handler: "index.handler", name, region: "us-east-1", role, runtime: "nodejs22.x", timeout: 60 };
    doc.deployment.resources.push({ urn: `${prefix}::${FUNCTION}::${name}`, type: FUNCTION, custom: true, id: name, parent: stackUrn(doc), inputs, outputs: { ...inputs, arn: `arn:aws:lambda:us-east-1:111111111111:function:${name}` } });
}

/** A copy of the runtime role and its policy under another name, which the component's outputs and the archive's writer name instead. */
function decoyRuntimeRole(doc: StackDoc): void {
    for (const r of [resource(doc, COMPONENT, "customer-a"), doc.deployment.resources.find((x) => x.type === "pulumi:pulumi:Stack")]) r.outputs.runtimeRoleArn = DECOY;
    const role = copy(resource(doc, ROLE, "customer-a-runtime-role"));
    role.urn = role.urn.replace("::customer-a-runtime-role", "::customer-a-decoy-role");
    role.id = DECOY_NAME;
    role.inputs.name = DECOY_NAME;
    role.outputs = { ...role.outputs, name: DECOY_NAME, arn: DECOY, uniqueId: "AROADECOY" };
    doc.deployment.resources.push(role);
    const policy = copy(resource(doc, ROLE_POLICY, "customer-a-runtime-policy"));
    policy.urn = policy.urn.replace("::customer-a-runtime-policy", "::customer-a-decoy-policy");
    policy.id = "decoy-policy";
    policy.inputs.role = DECOY_NAME;
    policy.outputs = { ...policy.outputs, role: DECOY_NAME };
    doc.deployment.resources.push(policy);
    const archive = resource(doc, BUCKET_POLICY, "customer-a-archive-policy");
    for (const s of archive.inputs.policy.Statement) if (s.Sid === "OnlyDeliveryPathWrites") s.Condition.ArnNotEquals["aws:PrincipalArn"] = [DECOY];
    archive.outputs.policy = copy(archive.inputs.policy);
}

describe("bedrock-tenancy verify on the runtime role the tenant's ops role trusts", function () {
    this.timeout(300_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const findings = (dir: string) => {
        const run = verify(dir);
        assert.strictEqual(run.code, 1, run.stderr);
        return run.report.violations as { code: string; resource: string; statement: string; why: string }[];
    };

    it("refuses a component naming a copy of the runtime role, and finds the function running as the role the ops role trusts", () => {
        const found = findings(editedPlan(plan, "customer-a", (d) => {
            decoyRuntimeRole(d);
            addFunction(d, "shadow", RUNTIME);
        }));
        assert.ok(found.some((v) => v.code === "BT-CUSTOMER-TENANT" && v.why.startsWith(`names ${DECOY} as its runtime role`) && v.why.includes(`is ${RUNTIME}`)), JSON.stringify(found));
        assert.ok(found.some((v) => v.code === "BT-CUSTOMER-RUNTIME-REDIRECT" && v.resource === "shadow" && v.why.startsWith(`runs as the runtime role ${RUNTIME}`)), JSON.stringify(found));
        // The archive's one writer is the copy: the role that calls Bedrock cannot archive its records.
        assert.ok(found.some((v) => v.code === "BT-CUSTOMER-AUDIT-REMOVAL" && v.statement.includes("OnlyDeliveryPathWrites") && v.why.includes("s3:PutObject")), JSON.stringify(found));
        assert.ok(found.some((v) => v.code === "BT-CUSTOMER-ARCHIVE" && v.why.includes(DECOY)), JSON.stringify(found));
    });

    it("refuses a component naming another role as its runtime role, with nothing else changed", () => {
        const found = findings(editedPlan(plan, "customer-a", (d) => {
            resource(d, COMPONENT, "customer-a").outputs.runtimeRoleArn = DECOY;
        }));
        assert.ok(found.some((v) => v.code === "BT-CUSTOMER-TENANT" && v.why.startsWith(`names ${DECOY} as its runtime role`)), JSON.stringify(found));
    });

    it("holds a second role the ops role trusts in the customer account to the runtime's rules", () => {
        const worker = "arn:aws:iam::111111111111:role/BedrockTenancyWorker-customer-a";
        const ops = editedPlan(plan, "ops", (d) => {
            const role = resource(d, ROLE, "tenants-customer-a-role");
            for (const s of role.inputs.assumeRolePolicy.Statement) s.Condition.ArnEquals["aws:PrincipalArn"].push(worker);
        });
        const found = findings(editedPlan(ops, "customer-a", (d) => {
            const role = copy(resource(d, ROLE, "customer-a-runtime-role"));
            role.urn = role.urn.replace("::customer-a-runtime-role", "::customer-a-worker-role");
            role.id = role.inputs.name = "BedrockTenancyWorker-customer-a";
            role.outputs = { ...role.outputs, name: role.id, arn: worker };
            d.deployment.resources.push(role);
            addFunction(d, "worker", worker);
        }));
        assert.ok(found.some((v) => v.code === "BT-CUSTOMER-RUNTIME-REDIRECT" && v.resource === "worker" && v.why.startsWith(`runs as the runtime role ${worker}`)), JSON.stringify(found));
    });

    it("finds another function on the runtime role when the component's outputs name no function of its Lambda compute", () => {
        const found = findings(editedPlan(plan, "customer-a", (d) => {
            const component = resource(d, COMPONENT, "customer-a");
            delete component.outputs.functionArn;
            delete component.outputs.functionName;
            resource(d, FUNCTION, "customer-a-function").parent = stackUrn(d);
            addFunction(d, "shadow", RUNTIME);
        }));
        assert.ok(found.some((v) => v.code === "BT-CUSTOMER-RUNTIME-REDIRECT" && v.resource === "shadow" && v.why.startsWith(`runs as the runtime role ${RUNTIME}`)), JSON.stringify(found));
    });
});
