/**
 * The customer proof takes the runtime role from what the tenant's ops role
 * trusts, not from the component's outputs, and a resource policy open to
 * every principal of the customer account names every role of it, a role
 * another account can assume among them.
 */
import * as assert from "assert";
import { addPolicyStatement, editedPlan, resource, ROLE, ROLE_POLICY, shippedPlan, stackUrn, verify, type StackDoc } from "../support/plan-files";

const FUNCTION = "aws:lambda/function:Function";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const KEY = "aws:kms/key:Key";
const COMPONENT = "bedrock-tenancy:index:PrivateInvocationLogging";
const RUNTIME = "arn:aws:iam::111111111111:role/BedrockTenancyRuntime-customer-a";
const DECOY_NAME = "BedrockTenancyRuntimeDecoy-customer-a";
const DECOY = `arn:aws:iam::111111111111:role/${DECOY_NAME}`;
const ARCHIVE = "arn:aws:s3:::btn-customer-a-archive-111111111111";
const READER = "arn:aws:iam::111111111111:role/AuditReader";

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));

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

/** A role of the customer account that the ops account can assume, holding no policy of its own. */
function auditReader(doc: StackDoc): void {
    const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:AssumeRole" }] };
    const component = resource(doc, COMPONENT, "customer-a");
    const typePath = component.urn.slice(0, component.urn.lastIndexOf("::"));
    doc.deployment.resources.push({ urn: `${typePath}$${ROLE}::customer-a-auditor`, type: ROLE, custom: true, id: "AuditReader", parent: component.urn, inputs: { name: "AuditReader", assumeRolePolicy: JSON.stringify(trust) }, outputs: { name: "AuditReader", arn: READER } });
}

function addArchiveStatement(doc: StackDoc, statement: Record<string, unknown>): void {
    addPolicyStatement(doc, [BUCKET_POLICY, "customer-a-archive-policy"], { Sid: "AccountReads", Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: [ARCHIVE, `${ARCHIVE}/*`], ...statement });
}

function addKeyStatement(doc: StackDoc, statement: Record<string, unknown>): void {
    addPolicyStatement(doc, [KEY, "customer-a-key"], { Sid: "AccountDecrypts", Effect: "Allow", Action: "kms:Decrypt", Resource: "*", ...statement });
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

describe("bedrock-tenancy verify on resource policies open to the whole customer account", function () {
    this.timeout(300_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const foreignRole = (dir: string) => {
        const run = verify(dir);
        assert.ok(run.report, run.stderr);
        return run.report.violations.filter((v: any) => v.code === "BT-CUSTOMER-FOREIGN-ROLE" && v.resource === "customer-a-auditor");
    };
    const held = { Condition: { StringEquals: { "aws:PrincipalAccount": "111111111111" } } };

    const open: [string, (d: StackDoc) => void][] = [
        ["Principal \"*\" held to the account by aws:PrincipalAccount", (d) => addArchiveStatement(d, { Principal: "*", ...held })],
        ["Principal {\"AWS\": \"*\"} with no condition", (d) => addArchiveStatement(d, { Principal: { AWS: "*" } })],
        ["Principal \"*\" held to the account's organization", (d) => addArchiveStatement(d, { Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } } })],
        ["NotPrincipal naming only the ops account", (d) => addArchiveStatement(d, { NotPrincipal: { AWS: "arn:aws:iam::999999999999:root" } })],
        ["a key policy's {\"AWS\": \"*\"} held by kms:CallerAccount", (d) => addKeyStatement(d, { Principal: { AWS: "*" }, Condition: { StringEquals: { "kms:CallerAccount": "111111111111" } } })],
    ];
    for (const [what, edit] of open) {
        it(`finds a role trusted from outside the account that a statement with ${what} admits`, () => {
            const found = foreignRole(editedPlan(plan, "customer-a", (d) => {
                auditReader(d);
                edit(d);
            }));
            assert.strictEqual(found.length, 1, JSON.stringify(found));
            assert.match(found[0].why, /can be assumed by arn:aws:iam::999999999999:root, outside the account, and customer-a-(archive-policy|key) Statement \d+ \(Sid "Account(Reads|Decrypts)"\) allows every principal of the account/);
        });
    }

    it("accepts the same account-wide statements without a role trusted from outside", () => {
        const run = verify(editedPlan(plan, "customer-a", (d) => {
            addArchiveStatement(d, { Principal: "*", ...held });
            addKeyStatement(d, { Principal: { AWS: "*" }, Condition: { StringEquals: { "kms:CallerAccount": "111111111111" } } });
        }));
        assert.strictEqual(run.code, 0, run.stderr);
    });

    const closed: [string, (d: StackDoc) => void][] = [
        ["names the account's root, which leaves the decision to the role's own policies", (d) => addArchiveStatement(d, { Principal: { AWS: "arn:aws:iam::111111111111:root" } })],
        ["names the account by its id", (d) => addArchiveStatement(d, { Principal: { AWS: "111111111111" } })],
        ["holds \"*\" to the runtime role by aws:PrincipalArn", (d) => addArchiveStatement(d, { Principal: "*", Condition: { ArnEquals: { "aws:PrincipalArn": RUNTIME } } })],
    ];
    for (const [what, edit] of closed) {
        it(`lets a role trusted from outside with no policy stand beside a statement that ${what}`, () => {
            const found = foreignRole(editedPlan(plan, "customer-a", (d) => {
                auditReader(d);
                edit(d);
            }));
            assert.deepStrictEqual(found, []);
        });
    }
});
