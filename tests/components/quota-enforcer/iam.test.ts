import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type * as aws from "@pulumi/aws";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { IAMClient } from "@aws-sdk/client-iam";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { BedrockTenantAccess, QuotaEnforcer } from "../../../components";
import { BOUNDARY_WRITE_ACTIONS, QUOTA_BLOCK_POLICY_NAME, opsRoleName, tenantBoundaryPolicyName } from "../../../contract";
import { createEnforcer } from "../../../enforcer";
import { evaluate, type Decision } from "../../../scripts/lib/iam-evaluator";
import { LocalCloudWatchServer, LocalIamServer } from "../../../testing/local-aws";
import { installMocks, promiseOf, type RecordedResource } from "../../../testing/pulumi-mocks";
import { HAIKU, OPS_ACCOUNT, opsMockOptions, parsePolicy, policiesOf, settled } from "../../../testing/tenant-access-fixtures";
import { makeTempDir } from "../../support/temp-dir";

const ALARM_EVENT = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../testing/fixtures/alarm-events/composite-alarm.json"), "utf8"));
const NOW = "2026-12-02T05:00:00Z";
const role = (tenant: string) => `arn:aws:iam::${OPS_ACCOUNT}:role/${opsRoleName(tenant)}`;

/**
 * Every decision comes from the independent evaluator, over the documents the
 * components registered under mocks and the one the enforcer's code actually
 * wrote to the IAM stand-in.
 */
describe("quota enforcement under the IAM evaluator", () => {
    const permissions: Record<string, aws.iam.PolicyDocument> = {};
    const boundaries: Record<string, aws.iam.PolicyDocument> = {};
    const profiles: Record<string, Record<string, string>> = {};
    let blockDocument: aws.iam.PolicyDocument;
    let enforcerPolicy: aws.iam.PolicyDocument;
    let capPolicy: aws.iam.PolicyDocument;
    let capExecutionPolicy: aws.iam.PolicyDocument;
    let capPolicyArn: string;
    let capTrust: aws.iam.PolicyDocument;
    let capActions: RecordedResource[];

    before(async () => {
        const recorded: RecordedResource[] = await installMocks(opsMockOptions());
        const bundle = path.join(makeTempDir("enforcer-"), "index.mjs");
        fs.writeFileSync(bundle, "export const handler = async () => {};\n");
        const enforcer = new QuotaEnforcer("quota-enforcer", { region: "us-east-1", accountId: OPS_ACCOUNT, bundlePath: bundle, costCaps: true });
        for (const [key, tenant, account] of [["a", "customer-a", "111111111111"], ["b", "customer-b", "222222222222"]]) {
            const access = new BedrockTenantAccess(`tenant-${key}`, {
                tenantId: tenant, accounts: [account], models: [HAIKU], region: "us-east-1", accountId: OPS_ACCOUNT,
                quota: { tokensPerDay: 1000, enforcerFunctionArn: enforcer.functionArn },
                costCap: { limitUsd: 100, emails: ["finops@example.com"], policyArn: enforcer.costCapPolicyArn!, executionRoleArn: enforcer.costCapExecutionRoleArn! },
            });
            profiles[tenant] = await promiseOf(access.inferenceProfileArns);
        }
        await settled();
        permissions["customer-a"] = policiesOf(recorded, "tenant-a").permissions;
        permissions["customer-b"] = policiesOf(recorded, "tenant-b").permissions;
        for (const [key, tenant] of [["a", "customer-a"], ["b", "customer-b"]]) {
            const boundary = recorded.find((r) => r.type === "aws:iam/policy:Policy" && r.name === `tenant-${key}-boundary`)!;
            assert.strictEqual(boundary.inputs.name, tenantBoundaryPolicyName(tenant));
            boundaries[tenant] = parsePolicy(boundary.inputs.policy);
        }
        enforcerPolicy = parsePolicy(recorded.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "quota-enforcer-policy")!.inputs.policy);
        const caps = recorded.filter((r) => r.type === "aws:iam/policy:Policy" && !r.inputs.name.startsWith("BedrockTenantBoundary-"));
        assert.deepStrictEqual(caps.map((c) => c.name), ["quota-enforcer-cost-cap"], "one cost-cap policy for the fleet");
        capPolicy = parsePolicy(caps[0].inputs.policy);
        capPolicyArn = `arn:aws:iam::${OPS_ACCOUNT}:policy/${caps[0].inputs.name}`;
        capExecutionPolicy = parsePolicy(recorded.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "quota-enforcer-cost-cap-action")!.inputs.policy);
        capTrust = parsePolicy(recorded.find((r) => r.type === "aws:iam/role:Role" && r.name === "quota-enforcer-cost-cap-action")!.inputs.assumeRolePolicy);
        capActions = recorded.filter((r) => r.type === "aws:budgets/budgetAction:BudgetAction");

        const iam = await new LocalIamServer().start();
        const alarms = await new LocalCloudWatchServer().start();
        try {
            iam.createRole(opsRoleName("customer-a"));
            alarms.setAlarm(ALARM_EVENT.detail.alarmName, "ALARM");
            const credentials = { accessKeyId: "AKIDENFORCER", secretAccessKey: "s" };
            const client = new IAMClient({ region: "us-east-1", endpoint: iam.url, requestHandler: new NodeHttpHandler(), credentials });
            const cloudwatch = new CloudWatchClient({ region: "us-east-1", endpoint: alarms.url, requestHandler: new NodeHttpHandler(), credentials });
            await createEnforcer({ iam: client, cloudwatch, now: () => Date.parse("2026-12-02T04:00:30Z"), report: () => undefined })(ALARM_EVENT);
            blockDocument = iam.inlinePolicy(opsRoleName("customer-a"), QUOTA_BLOCK_POLICY_NAME) as aws.iam.PolicyDocument;
            client.destroy();
            cloudwatch.destroy();
        } finally {
            await iam.close();
            await alarms.close();
        }
    });

    const invoke = (tenant: string, extra: aws.iam.PolicyDocument[], resource = profiles[tenant][HAIKU], action = "bedrock:InvokeModel"): Promise<Decision> => evaluate({
        principal: role(tenant), action, resource, resourceAccount: OPS_ACCOUNT,
        identityPolicies: [permissions[tenant], ...extra], permissionsBoundary: boundaries[tenant],
        context: { "aws:RequestedRegion": "us-east-1", "aws:CurrentTime": NOW },
    });
    const boundaryArn = (tenant: string) => `arn:aws:iam::${OPS_ACCOUNT}:policy/${tenantBoundaryPolicyName(tenant)}`;
    const ALLOW_EVERYTHING: aws.iam.PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

    describe("the tenant's permissions boundary", () => {
        it("caps an Allow put or attached on the role later at the tenant's own entitlement", async () => {
            const elsewhere = `arn:aws:bedrock:eu-west-1::foundation-model/${HAIKU}`;
            // Without the boundary, such a policy would open another tenant's profile, and IAM writes.
            const unbounded = (action: string, resource: string) => evaluate({ principal: role("customer-a"), action, resource, resourceAccount: OPS_ACCOUNT, identityPolicies: [permissions["customer-a"], ALLOW_EVERYTHING], context: { "aws:RequestedRegion": "us-east-1" } });
            assert.strictEqual(await unbounded("bedrock:InvokeModel", profiles["customer-b"][HAIKU]), "Allowed");
            assert.strictEqual(await unbounded("iam:PutRolePolicy", role("customer-b")), "Allowed");
            assert.notStrictEqual(await invoke("customer-a", [ALLOW_EVERYTHING], elsewhere), "Allowed");
            assert.notStrictEqual(await invoke("customer-a", [ALLOW_EVERYTHING], profiles["customer-b"][HAIKU]), "Allowed");
            assert.notStrictEqual(await invoke("customer-a", [ALLOW_EVERYTHING], role("customer-b"), "iam:PutRolePolicy"), "Allowed");
            assert.notStrictEqual(await invoke("customer-a", [ALLOW_EVERYTHING], role("customer-b"), "sts:AssumeRole"), "Allowed");
            // The metering Deny holds in the boundary too: the model called directly stays denied.
            assert.strictEqual(await invoke("customer-a", [ALLOW_EVERYTHING], `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`), "ExplicitlyDenied");
            assert.strictEqual(await invoke("customer-a", [ALLOW_EVERYTHING]), "Allowed");
        });
    });

    describe("before enforcement", () => {
        it("allows the tenant through its own profile and denies the model called directly", async () => {
            assert.strictEqual(await invoke("customer-a", []), "Allowed");
            assert.strictEqual(await invoke("customer-a", [], `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`), "ExplicitlyDenied");
        });
    });

    describe("after the enforcer attached its block to tenant A", () => {
        it("denies A everything: its profile, streaming, and any other action", async () => {
            assert.ok(blockDocument, "the enforcer wrote no policy");
            assert.strictEqual(await invoke("customer-a", [blockDocument]), "ExplicitlyDenied");
            assert.strictEqual(await invoke("customer-a", [blockDocument], undefined, "bedrock:InvokeModelWithResponseStream"), "ExplicitlyDenied");
            assert.strictEqual(await invoke("customer-a", [blockDocument], `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`), "ExplicitlyDenied");
            assert.strictEqual(await invoke("customer-a", [blockDocument], "*", "bedrock:ListFoundationModels"), "ExplicitlyDenied");
        });

        it("keeps the block past the month it was set in: only the alarm's return to OK lifts it", async () => {
            for (const time of ["2027-01-01T00:00:01Z", "2027-06-01T00:00:00Z"]) {
                const decision = await evaluate({
                    principal: role("customer-a"), action: "bedrock:InvokeModel", resource: profiles["customer-a"][HAIKU], resourceAccount: OPS_ACCOUNT,
                    identityPolicies: [permissions["customer-a"], blockDocument], context: { "aws:RequestedRegion": "us-east-1", "aws:CurrentTime": time },
                });
                assert.strictEqual(decision, "ExplicitlyDenied", time);
            }
        });

        it("leaves tenant B allowed through its own profile", async () => {
            assert.strictEqual(await invoke("customer-b", []), "Allowed");
        });
    });

    describe("the enforcer's own role", () => {
        const act = (action: string, resource: string) => evaluate({ principal: `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenancyQuotaEnforcer`, action, resource, resourceAccount: OPS_ACCOUNT, identityPolicies: [enforcerPolicy] });

        it("may put and delete inline policies on tenant roles", async () => {
            assert.strictEqual(await act("iam:PutRolePolicy", role("customer-a")), "Allowed");
            assert.strictEqual(await act("iam:DeleteRolePolicy", role("customer-b")), "Allowed");
        });

        it("touches no other role: not itself, not a runtime or cost-cap role, not an admin role", async () => {
            for (const other of ["BedrockTenancyQuotaEnforcer", "BedrockTenancyRuntime-customer-a", "BedrockTenancyCostCapAction", "OrganizationAccountAccessRole", "Admin"]) {
                assert.strictEqual(await act("iam:PutRolePolicy", `arn:aws:iam::${OPS_ACCOUNT}:role/${other}`), "ImplicitlyDenied", other);
            }
            assert.strictEqual(await act("iam:PutRolePolicy", `arn:aws:iam::111111111111:role/${opsRoleName("customer-a")}`), "ImplicitlyDenied");
        });

        it("can do nothing else to a tenant role: no managed policies, no reads, no trust changes, no deletion", async () => {
            for (const action of ["iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:GetRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "iam:TagRole"]) {
                assert.strictEqual(await act(action, role("customer-a")), "ImplicitlyDenied", action);
            }
            assert.strictEqual(await act("iam:PutUserPolicy", `arn:aws:iam::${OPS_ACCOUNT}:user/someone`), "ImplicitlyDenied");
            assert.strictEqual(await act("bedrock:InvokeModel", profiles["customer-a"][HAIKU]), "ImplicitlyDenied");
        });

        it("is explicitly denied every change to a tenant's boundary, on the role and on the boundary policy", async () => {
            for (const action of ["iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary"]) {
                assert.strictEqual(await act(action, role("customer-a")), "ExplicitlyDenied", action);
            }
            for (const action of ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy"]) {
                assert.strictEqual(await act(action, boundaryArn("customer-a")), "ExplicitlyDenied", action);
            }
        });
    });

    describe("the cost cap", () => {
        const EXECUTION_ROLE = `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenancyCostCapAction`;
        const execute = (action: string, resource: string, policyArn: string) => evaluate({
            principal: EXECUTION_ROLE, action, resource, resourceAccount: OPS_ACCOUNT,
            identityPolicies: [capExecutionPolicy], context: { "iam:PolicyARN": policyArn },
        });

        it("denies tenant A everything once Budgets attached the cap policy, and leaves B alone", async () => {
            assert.strictEqual(await invoke("customer-a", [capPolicy]), "ExplicitlyDenied");
            assert.strictEqual(await invoke("customer-b", []), "Allowed");
        });

        it("gives every tenant's budget action the one shared policy and execution role, each on its own tenant role", () => {
            assert.deepStrictEqual(capActions.map((a) => [a.inputs.definition.iamActionDefinition.roles, a.inputs.definition.iamActionDefinition.policyArn, a.inputs.executionRoleArn]), [
                [[opsRoleName("customer-a")], capPolicyArn, EXECUTION_ROLE],
                [[opsRoleName("customer-b")], capPolicyArn, EXECUTION_ROLE],
            ]);
        });

        it("lets the shared execution role attach and detach the cap policy on every tenant role", async () => {
            for (const tenant of ["customer-a", "customer-b", "a-tenant-not-yet-deployed"]) {
                assert.strictEqual(await execute("iam:AttachRolePolicy", role(tenant), capPolicyArn), "Allowed", tenant);
                assert.strictEqual(await execute("iam:DetachRolePolicy", role(tenant), capPolicyArn), "Allowed", tenant);
            }
        });

        it("lets it attach no other policy to a tenant role", async () => {
            for (const other of ["arn:aws:iam::aws:policy/AdministratorAccess", `arn:aws:iam::${OPS_ACCOUNT}:policy/BedrockTenancyCostCap-customer-a`, `arn:aws:iam::${OPS_ACCOUNT}:policy/AllowEverything`, `arn:aws:iam::111111111111:policy/BedrockTenancyCostCap-AllTenants`]) {
                assert.strictEqual(await execute("iam:AttachRolePolicy", role("customer-a"), other), "ImplicitlyDenied", other);
            }
        });

        it("lets it touch no role but a tenant's: not itself, the enforcer, a runtime or admin role, a role under a tenant-like path, another account's", async () => {
            const others = ["BedrockTenancyCostCapAction", "BedrockTenancyQuotaEnforcer", "BedrockTenancyRuntime-customer-a", "OrganizationAccountAccessRole", "Admin", "BedrockTenantAccess-customer-a/Admin"]
                .map((name) => `arn:aws:iam::${OPS_ACCOUNT}:role/${name}`);
            for (const other of [...others, `arn:aws:iam::111111111111:role/${opsRoleName("customer-a")}`]) {
                assert.notStrictEqual(await execute("iam:AttachRolePolicy", other, capPolicyArn), "Allowed", other);
                assert.notStrictEqual(await execute("iam:DetachRolePolicy", other, capPolicyArn), "Allowed", other);
            }
        });

        it("lets it do nothing else: no inline policies, no users or groups, no trust changes", async () => {
            for (const [action, resource] of [["iam:PutRolePolicy", role("customer-a")], ["iam:UpdateAssumeRolePolicy", role("customer-a")], ["iam:DeleteRole", role("customer-a")],
                ["iam:AttachUserPolicy", `arn:aws:iam::${OPS_ACCOUNT}:user/someone`], ["iam:AttachGroupPolicy", `arn:aws:iam::${OPS_ACCOUNT}:group/admins`], ["bedrock:InvokeModel", profiles["customer-a"][HAIKU]]]) {
                assert.strictEqual(await execute(action, resource, capPolicyArn), "ImplicitlyDenied", action);
            }
        });

        it("is explicitly denied every change to a tenant's boundary", async () => {
            for (const action of ["iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary"]) {
                assert.strictEqual(await execute(action, role("customer-a"), capPolicyArn), "ExplicitlyDenied", action);
            }
            for (const action of BOUNDARY_WRITE_ACTIONS.filter((a) => a.includes("Policy") && !a.includes("Role"))) {
                assert.strictEqual(await execute(action, boundaryArn("customer-b"), boundaryArn("customer-b")), "ExplicitlyDenied", action);
            }
        });

        it("may be assumed only by AWS Budgets acting for the ops account", async () => {
            const assume = (principal: string, sourceAccount: string) => evaluate({
                principal, action: "sts:AssumeRole", resource: EXECUTION_ROLE, resourceAccount: OPS_ACCOUNT,
                identityPolicies: [], resourcePolicy: capTrust, context: { "aws:SourceAccount": sourceAccount },
            });
            assert.strictEqual(await assume("budgets.amazonaws.com", OPS_ACCOUNT), "Allowed");
            assert.notStrictEqual(await assume("budgets.amazonaws.com", "111111111111"), "Allowed");
            assert.notStrictEqual(await assume("lambda.amazonaws.com", OPS_ACCOUNT), "Allowed");
        });
    });
});
