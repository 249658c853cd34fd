/**
 * The rules judge documents by their shape; these cases check with the
 * independent IAM evaluator that what they accept really shuts the door and
 * what they reject really leaves it open.
 */
import * as assert from "assert";
import type * as aws from "@pulumi/aws";
import { trustPolicyProblems } from "../../policy/rules/trust-policy";
import { wildcardModelProblems } from "../../policy/rules/model-scope";
import { evaluate } from "../../scripts/lib/iam-evaluator";

const OPS_ROLE = "arn:aws:iam::999999999999:role/BedrockTenantAccess-customer-a";
const RUNTIME_A = "arn:aws:iam::111111111111:role/BedrockTenancyRuntime-customer-a";
const STRANGER = "arn:aws:iam::222222222222:role/BedrockTenancyRuntime-customer-b";
const EXTERNAL_ID = "ext-customer-a-7f3c";
const assumeAnything: aws.iam.PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] };

// Drops keys left undefined, as a JSON round trip through the engine would.
function plain<T>(value: T): T {
    return JSON.parse(JSON.stringify(value)) as T;
}

function trust(principal: aws.iam.PolicyStatement["Principal"], condition?: Record<string, Record<string, string>>): aws.iam.PolicyDocument {
    return plain({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", Condition: condition }] });
}

async function assumes(principal: string, resourcePolicy: aws.iam.PolicyDocument, externalId?: string): Promise<boolean> {
    const decision = await evaluate({
        principal,
        action: "sts:AssumeRole",
        resource: OPS_ROLE,
        resourceAccount: "999999999999",
        identityPolicies: [assumeAnything],
        resourcePolicy,
        context: externalId === undefined ? {} : { "sts:ExternalId": externalId },
    });
    return decision === "Allowed";
}

describe("policy rules agree with the IAM evaluator", () => {
    describe("trust policies", () => {
        it("an accepted trust admits only the tenant with its ExternalId", async () => {
            const doc = trust({ AWS: "arn:aws:iam::111111111111:root" }, {
                StringEquals: { "sts:ExternalId": EXTERNAL_ID },
                ArnEquals: { "aws:PrincipalArn": RUNTIME_A },
            });
            assert.deepStrictEqual(trustPolicyProblems(doc), []);
            assert.strictEqual(await assumes(RUNTIME_A, doc, EXTERNAL_ID), true);
            assert.strictEqual(await assumes(RUNTIME_A, doc), false);
            assert.strictEqual(await assumes(RUNTIME_A, doc, "guessed"), false);
            assert.strictEqual(await assumes(STRANGER, doc, EXTERNAL_ID), false);
        });

        it("a rejected trust without a condition lets the tenant in without an ExternalId", async () => {
            const doc = trust({ AWS: "arn:aws:iam::111111111111:root" });
            assert.strictEqual(trustPolicyProblems(doc).length, 1);
            assert.strictEqual(await assumes(RUNTIME_A, doc), true);
        });

        it("a rejected StringEqualsIfExists condition lets the tenant in without an ExternalId", async () => {
            const doc = trust({ AWS: "arn:aws:iam::111111111111:root" }, { StringEqualsIfExists: { "sts:ExternalId": EXTERNAL_ID } });
            assert.strictEqual(trustPolicyProblems(doc).length, 1);
            assert.strictEqual(await assumes(RUNTIME_A, doc), true);
        });

        it("a rejected wildcard principal lets another account in with a known ExternalId", async () => {
            const doc = trust({ AWS: "*" }, { StringEquals: { "sts:ExternalId": EXTERNAL_ID } });
            assert.strictEqual(trustPolicyProblems(doc).length, 1);
            assert.strictEqual(await assumes(STRANGER, doc, EXTERNAL_ID), true);
        });
    });

    describe("model grants", () => {
        const HAIKU = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
        const UNLISTED = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1";

        async function invokes(document: aws.iam.PolicyDocument, model: string): Promise<boolean> {
            const decision = await evaluate({
                principal: OPS_ROLE,
                action: "bedrock:InvokeModel",
                resource: model,
                resourceAccount: "999999999999",
                identityPolicies: [document],
                context: { "aws:RequestedRegion": "us-east-1" },
            });
            return decision === "Allowed";
        }

        function grant(statement: Partial<aws.iam.PolicyStatement>): aws.iam.PolicyDocument {
            return plain({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["bedrock:InvokeModel"], ...statement }] });
        }

        it("an accepted grant invokes the named model only", async () => {
            const doc = grant({ Resource: ["arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"] });
            assert.deepStrictEqual(wildcardModelProblems(doc, "policy"), []);
            assert.strictEqual(await invokes(doc, HAIKU), true);
            assert.strictEqual(await invokes(doc, UNLISTED), false);
        });

        for (const [label, statement] of [
            ['Resource "*"', { Resource: "*" }],
            ["a foundation-model/* ARN", { Resource: "arn:aws:bedrock:us-east-1::foundation-model/*" }],
            ["NotResource", { NotResource: HAIKU }],
            ["NotAction", { Action: undefined, NotAction: "iam:*", Resource: "*" }],
        ] as [string, Partial<aws.iam.PolicyStatement>][]) {
            it(`a rejected grant through ${label} invokes an unlisted model`, async () => {
                const doc = grant(statement);
                assert.ok(wildcardModelProblems(doc, "policy").length > 0);
                assert.strictEqual(await invokes(doc, UNLISTED), true);
            });
        }
    });
});
