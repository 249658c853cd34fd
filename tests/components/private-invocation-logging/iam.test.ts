import * as assert from "assert";
import type * as aws from "@pulumi/aws";
import { PrivateInvocationLogging } from "../../../components/private-invocation-logging/private-invocation-logging";
import { runtimeRolePolicy } from "../../../components/private-invocation-logging/runtime-role-policy";
import { evaluate } from "../../../scripts/lib/iam-evaluator";
import { CUSTOMER_A_ACCOUNT, CUSTOMER_B_ACCOUNT, EXTERNAL_ID_A, OPS_ACCOUNT, customerAArgs, fixtureBundle, opsRoleArnFor, settle } from "../../support/customer-fixtures";
import { installMocks, ofType } from "../../../testing/pulumi-mocks";
import { parsePolicy } from "../../../testing/tenant-access-fixtures";

const RUNTIME_ROLE_A = `arn:aws:iam::${CUSTOMER_A_ACCOUNT}:role/BedrockTenancyRuntime-customer-a`;
const GROUP_A = `arn:aws:logs:us-east-1:${CUSTOMER_A_ACCOUNT}:log-group:/bedrock-tenancy/customer-a/audit`;
const KEY_A = `arn:aws:kms:us-east-1:${CUSTOMER_A_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/**
 * The ops role's trust policy as the ops side writes it (written out here by
 * hand): the customer account root as principal, narrowed to the runtime role
 * by name through aws:PrincipalArn, plus the tenant's ExternalId on
 * AssumeRole. The evaluator does not put sts:ExternalId into the context of
 * sts:TagSession / sts:SetSourceIdentity, so those are a separate statement.
 */
function opsTrustFixture(customerAccount: string, tenantId: string, externalId: string): aws.iam.PolicyDocument {
    const principalArn = { "aws:PrincipalArn": `arn:aws:iam::${customerAccount}:role/BedrockTenancyRuntime-${tenantId}` };
    const principal = { AWS: `arn:aws:iam::${customerAccount}:root` };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: principal,
                Action: "sts:AssumeRole",
                Condition: { ArnEquals: principalArn, StringEquals: { "sts:ExternalId": externalId } },
            },
            { Effect: "Allow", Principal: principal, Action: ["sts:TagSession", "sts:SetSourceIdentity"], Condition: { ArnEquals: principalArn } },
        ],
    };
}

describe("customer-side policies under the IAM evaluator", () => {
    let runtimePolicy: aws.iam.PolicyDocument;
    let keyPolicy: aws.iam.PolicyDocument;

    before(async () => {
        const recorded = await installMocks({ account: CUSTOMER_A_ACCOUNT });
        await settle(new PrivateInvocationLogging("iam", customerAArgs({ lambdaBundlePath: fixtureBundle() })));
        runtimePolicy = (parsePolicy(ofType(recorded, "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy));
        keyPolicy = (parsePolicy(ofType(recorded, "aws:kms/key:Key")[0].inputs.policy));
    });

    const asRuntime = (action: string, resource: string, resourceAccount: string, extra: Partial<Parameters<typeof evaluate>[0]> = {}) =>
        evaluate({ principal: RUNTIME_ROLE_A, action, resource, resourceAccount, identityPolicies: [runtimePolicy], ...extra });

    describe("assuming ops roles", () => {
        for (const action of ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]) {
            it(`allows ${action} on the tenant's own ops role with its ExternalId`, async () => {
                const decision = await asRuntime(action, opsRoleArnFor("customer-a"), OPS_ACCOUNT, {
                    resourcePolicy: opsTrustFixture(CUSTOMER_A_ACCOUNT, "customer-a", EXTERNAL_ID_A),
                    context: { "sts:ExternalId": EXTERNAL_ID_A },
                });
                assert.strictEqual(decision, "Allowed");
            });
        }

        it("denies another tenant's ops role even when that role's trust wrongly names this account", async () => {
            const decision = await asRuntime("sts:AssumeRole", opsRoleArnFor("customer-b"), OPS_ACCOUNT, {
                resourcePolicy: opsTrustFixture(CUSTOMER_A_ACCOUNT, "customer-a", EXTERNAL_ID_A),
                context: { "sts:ExternalId": EXTERNAL_ID_A },
            });
            assert.strictEqual(decision, "ImplicitlyDenied");
        });

        it("denies another tenant's ops role that trusts only that tenant", async () => {
            const decision = await asRuntime("sts:AssumeRole", opsRoleArnFor("customer-b"), OPS_ACCOUNT, {
                resourcePolicy: opsTrustFixture(CUSTOMER_B_ACCOUNT, "customer-b", "ext-customer-b"),
                context: { "sts:ExternalId": "ext-customer-b" },
            });
            assert.strictEqual(decision, "ImplicitlyDenied");
        });

        it("denies any other role in the ops account", async () => {
            const other = `arn:aws:iam::${OPS_ACCOUNT}:role/OrganizationAccountAccessRole`;
            assert.strictEqual(await asRuntime("sts:AssumeRole", other, OPS_ACCOUNT), "ImplicitlyDenied");
        });
    });

    describe("writing logs", () => {
        it("allows creating a stream in its own log group", async () => {
            assert.strictEqual(await asRuntime("logs:CreateLogStream", `${GROUP_A}:log-stream:2026/01/15/abc`, CUSTOMER_A_ACCOUNT), "Allowed");
        });

        it("allows putting events into a stream of its own log group", async () => {
            assert.strictEqual(await asRuntime("logs:PutLogEvents", `${GROUP_A}:log-stream:2026/01/15/abc`, CUSTOMER_A_ACCOUNT), "Allowed");
        });

        for (const other of ["/bedrock-tenancy/customer-b/audit", "/bedrock-tenancy/customer-a/audit-copy", "/aws/lambda/anything"]) {
            it(`denies writing to the log group ${other}`, async () => {
                const group = `arn:aws:logs:us-east-1:${CUSTOMER_A_ACCOUNT}:log-group:${other}`;
                assert.strictEqual(await asRuntime("logs:CreateLogStream", `${group}:log-stream:s`, CUSTOMER_A_ACCOUNT), "ImplicitlyDenied");
                assert.strictEqual(await asRuntime("logs:PutLogEvents", `${group}:log-stream:s`, CUSTOMER_A_ACCOUNT), "ImplicitlyDenied");
            });
        }

        it("denies reading or deleting its own log group", async () => {
            assert.strictEqual(await asRuntime("logs:GetLogEvents", `${GROUP_A}:log-stream:s`, CUSTOMER_A_ACCOUNT), "ImplicitlyDenied");
            assert.strictEqual(await asRuntime("logs:DeleteLogGroup", GROUP_A, CUSTOMER_A_ACCOUNT), "ImplicitlyDenied");
        });

        it("denies calling Bedrock directly with the customer's own credentials", async () => {
            const model = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0";
            assert.strictEqual(await asRuntime("bedrock:InvokeModel", model, CUSTOMER_A_ACCOUNT), "ImplicitlyDenied");
        });
    });

    describe("in a VPC", () => {
        const vpcPolicy = () =>
            runtimeRolePolicy({ opsRoleArn: opsRoleArnFor("customer-a"), region: "us-east-1", accountId: CUSTOMER_A_ACCOUNT, logGroupName: "/bedrock-tenancy/customer-a/audit", vpc: true });
        const eni = `arn:aws:ec2:us-east-1:${CUSTOMER_A_ACCOUNT}:network-interface/eni-0abc`;

        it("allows creating and deleting the function's network interfaces", async () => {
            for (const action of ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"]) {
                const decision = await evaluate({ principal: RUNTIME_ROLE_A, action, resource: eni, resourceAccount: CUSTOMER_A_ACCOUNT, identityPolicies: [vpcPolicy()] });
                assert.strictEqual(decision, "Allowed", action);
            }
        });

        it("allows nothing else in EC2", async () => {
            const instance = `arn:aws:ec2:us-east-1:${CUSTOMER_A_ACCOUNT}:instance/i-0abc`;
            const decision = await evaluate({ principal: RUNTIME_ROLE_A, action: "ec2:TerminateInstances", resource: instance, resourceAccount: CUSTOMER_A_ACCOUNT, identityPolicies: [vpcPolicy()] });
            assert.strictEqual(decision, "ImplicitlyDenied");
        });

        it("has no ENI permissions without a VPC", async () => {
            const decision = await asRuntime("ec2:CreateNetworkInterface", eni, CUSTOMER_A_ACCOUNT);
            assert.strictEqual(decision, "ImplicitlyDenied");
        });
    });

    describe("the customer's key", () => {
        const adminPolicy: aws.iam.PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }] };

        for (const action of ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]) {
            it(`denies ${action} to an administrator of the ops account`, async () => {
                const decision = await evaluate({
                    principal: `arn:aws:iam::${OPS_ACCOUNT}:role/Admin`,
                    action,
                    resource: KEY_A,
                    resourceAccount: CUSTOMER_A_ACCOUNT,
                    identityPolicies: [adminPolicy],
                    resourcePolicy: keyPolicy,
                });
                assert.strictEqual(decision, "ImplicitlyDenied");
            });
        }

        it("allows an administrator of the customer account (the key policy delegates to the account)", async () => {
            const decision = await evaluate({
                principal: `arn:aws:iam::${CUSTOMER_A_ACCOUNT}:role/Admin`,
                action: "kms:Decrypt",
                resource: KEY_A,
                resourceAccount: CUSTOMER_A_ACCOUNT,
                identityPolicies: [adminPolicy],
                resourcePolicy: keyPolicy,
            });
            assert.strictEqual(decision, "Allowed");
        });
    });
});
