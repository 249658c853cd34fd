import * as assert from "assert";
import { BEDROCK_TENANT_ACCESS_TYPE } from "../../contract/naming";
import { tenantRoleModelScopePolicy } from "../../policy/rules";
import { isWildcardModelResource } from "../../policy/rules/model-scope";
import { FakeResource, resourceViolations } from "../support/policy-harness";

const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const TENANT_ROLE = "BedrockTenantAccess-customer-a";
const HAIKU = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
const HAIKU_ANY_REGION = "arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
const HAIKU_PROFILE = "arn:aws:bedrock:us-east-1:999999999999:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0";
const INVOKE = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];

function statement(overrides: Record<string, unknown>) {
    return { Effect: "Allow", Action: INVOKE, Resource: [HAIKU_PROFILE, HAIKU_ANY_REGION], ...overrides };
}

function rolePolicy(policy: unknown, role: string = TENANT_ROLE): FakeResource {
    return { type: ROLE_POLICY, props: { role, policy } };
}

function check(resource: FakeResource): Promise<string[]> {
    return resourceViolations(tenantRoleModelScopePolicy, resource);
}

describe("policy: tenant-role-no-wildcard-models", () => {
    describe("accepts", () => {
        it("named models and profiles, with a Region wildcard for cross-Region inference", async () => {
            assert.deepStrictEqual(await check(rolePolicy({ Version: "2012-10-17", Statement: statement({}) })), []);
        });

        it("the same grant as a JSON string with a Statement array", async () => {
            assert.deepStrictEqual(await check(rolePolicy(JSON.stringify({ Statement: [statement({ Resource: HAIKU })] }))), []);
        });

        it("a Deny of every Bedrock action on every resource", async () => {
            assert.deepStrictEqual(await check(rolePolicy({ Statement: [statement({}), statement({ Effect: "Deny", Action: "bedrock:*", Resource: "*" })] })), []);
        });

        it("non-invoke actions on wildcards", async () => {
            const list = statement({ Action: "bedrock:ListFoundationModels", Resource: "*" });
            const s3 = statement({ Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" });
            assert.deepStrictEqual(await check(rolePolicy({ Statement: [list, s3] })), []);
        });

        it("a NotAction that excludes every Bedrock action", async () => {
            assert.deepStrictEqual(await check(rolePolicy({ Statement: statement({ Action: undefined, NotAction: "bedrock:*", Resource: "*" }) })), []);
        });

        it("a policy that is not known yet", async () => {
            assert.deepStrictEqual(await check(rolePolicy(undefined)), []);
        });
    });

    describe("ignores", () => {
        it("role policies of roles outside the tenancy", async () => {
            assert.deepStrictEqual(await check(rolePolicy({ Statement: statement({ Action: "*", Resource: "*" }) }, "ci-deployer")), []);
        });

        it("managed policies outside a BedrockTenantAccess", async () => {
            const resource = { type: "aws:iam/policy:Policy", props: { policy: { Statement: statement({ Resource: "*" }) } } };
            assert.deepStrictEqual(await check(resource), []);
        });
    });

    describe("reports", () => {
        const wildcardGrants: [string, string | string[], unknown][] = [
            ["bedrock:InvokeModel", "bedrock:InvokeModel", "*"],
            ["bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream", "bedrock:*", "*"],
            ["bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream", "*", ["*"]],
            ["bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream", "bedrock:InvokeModel*", "arn:aws:bedrock:us-east-1::foundation-model/*"],
            ["bedrock:InvokeModelWithResponseStream", "bedrock:invokemodelwithresponsestream", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.*"],
            ["bedrock:InvokeModel", ["bedrock:InvokeModel"], "arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/*"],
            ["bedrock:InvokeModel", "bedrock:InvokeModel", "arn:aws:bedrock:*"],
            ["bedrock:InvokeModel", "bedrock:InvokeModel", "arn:aws:*:*:*:*"],
        ];
        for (const [granted, action, resource] of wildcardGrants) {
            it(`Action ${JSON.stringify(action)} on ${JSON.stringify(resource)}`, async () => {
                const doc = { Statement: statement({ Action: action, Resource: resource }) };
                const shown = JSON.stringify(Array.isArray(resource) ? resource[0] : resource);
                assert.deepStrictEqual(await check(rolePolicy(JSON.stringify(doc))), [
                    `policy: Statement 1 grants ${granted} on ${shown}; name each model or inference profile`,
                ]);
            });
        }

        it("only the wildcard resource among named ones, with the statement's Sid", async () => {
            const doc = { Statement: [statement({}), statement({ Sid: "Everything", Resource: [HAIKU, "arn:aws:bedrock:us-west-2::foundation-model/*"] })] };
            assert.deepStrictEqual(await check(rolePolicy(doc)), [
                'policy: Statement 2 (Sid "Everything") grants bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream on ' +
                    '"arn:aws:bedrock:us-west-2::foundation-model/*"; name each model or inference profile',
            ]);
        });

        it("NotResource on an invoke grant", async () => {
            const doc = { Statement: statement({ Resource: undefined, NotResource: HAIKU }) };
            assert.deepStrictEqual(await check(rolePolicy(doc)), [
                "policy: Statement 1 grants bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream through NotResource, " +
                    "which covers every model it does not list",
            ]);
        });

        it("NotAction that leaves model invocation allowed, even on a named model", async () => {
            const doc = { Statement: statement({ Action: undefined, NotAction: ["iam:*", "bedrock:InvokeModelWithResponseStream"], Resource: HAIKU }) };
            assert.deepStrictEqual(await check(rolePolicy(doc)), [
                "policy: Statement 1 grants bedrock:InvokeModel through NotAction; list the allowed actions instead",
            ]);
        });

        it("a policy found through its BedrockTenantAccess parent, whatever the role is called", async () => {
            const resource: FakeResource = { ...rolePolicy({ Statement: statement({ Resource: "*" }) }, "AROAEXAMPLEID"), ancestors: [BEDROCK_TENANT_ACCESS_TYPE] };
            assert.deepStrictEqual(await check(resource), [
                'policy: Statement 1 grants bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream on "*"; name each model or inference profile',
            ]);
        });

        it("a managed policy inside a BedrockTenantAccess", async () => {
            const resource = { type: "aws:iam/policy:Policy", props: { policy: { Statement: statement({ Resource: "*" }) } }, ancestors: ["acme:index:Platform", BEDROCK_TENANT_ACCESS_TYPE] };
            assert.strictEqual((await check(resource)).length, 1);
        });

        it("inline policies on the tenant role itself", async () => {
            const inlinePolicies = [
                { name: "ok", policy: JSON.stringify({ Statement: statement({}) }) },
                { name: "wide", policy: JSON.stringify({ Statement: statement({ Resource: "*" }) }) },
            ];
            const resource = { type: "aws:iam/role:Role", props: { name: TENANT_ROLE, assumeRolePolicy: "{}", inlinePolicies } };
            assert.deepStrictEqual(await check(resource), [
                'inlinePolicies[1]: Statement 1 grants bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream on "*"; name each model or inference profile',
            ]);
        });

        it("a policy that is not a JSON object", async () => {
            assert.deepStrictEqual(await check(rolePolicy("[]")), ["policy cannot be checked: it is not a policy document (got [])"]);
        });
    });

    describe("refuses what IAM's grammar does not hold, instead of reading part of it", () => {
        it("an invoke grant whose Resource is not a string", async () => {
            assert.deepStrictEqual(await check(rolePolicy({ Statement: statement({ Resource: [42] }) })), [
                "policy cannot be checked: Statement 1 has a Resource that is not a string or a list of strings",
            ]);
        });

        it("an Effect IAM does not know, which is neither granting nor narrowing", async () => {
            assert.deepStrictEqual(await check(rolePolicy({ Statement: statement({ Effect: "Allow ", Resource: HAIKU }) })), ['policy cannot be checked: Statement 1 has Effect "Allow "']);
        });

        it("an action of 60 wildcards, without a backtracking matcher running past the test timeout", async () => {
            const doc = { Statement: statement({ Action: `${"*".repeat(30)}q${"*".repeat(30)}z`, Resource: "*" }) };
            assert.deepStrictEqual(await check(rolePolicy(doc)), []);
        });
    });

    describe("isWildcardModelResource", () => {
        for (const named of [HAIKU, HAIKU_ANY_REGION, HAIKU_PROFILE, "arn:aws:bedrock:*:*:application-inference-profile/a1b2c3", "arn:aws:s3:::logs/*"]) {
            it(`treats ${named} as naming its models`, () => assert.strictEqual(isWildcardModelResource(named), false));
        }
        for (const wild of ["*", "arn:aws:bedrock:*", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-?", "arn:aws:bedrock:us-east-1::*"]) {
            it(`treats ${wild} as a wildcard`, () => assert.strictEqual(isWildcardModelResource(wild), true));
        }
    });
});
