import * as assert from "assert";
import { validateBedrockTenantAccessArgs, permissionsPolicyFor } from "../../components/bedrock-tenant-access/validation";
import { meteringProblems } from "../../contract/metering-rules";
import { GUARDRAIL_ARN, HAIKU, OPS_ACCOUNT, US_HAIKU_35 } from "../../testing/tenant-access-fixtures";

const OWN = {
    [HAIKU]: `arn:aws:bedrock:us-east-1:${OPS_ACCOUNT}:application-inference-profile/own00000haik`,
    [US_HAIKU_35]: `arn:aws:bedrock:us-east-1:${OPS_ACCOUNT}:application-inference-profile/own000000us3`,
};
const OTHER = `arn:aws:bedrock:us-east-1:${OPS_ACCOUNT}:application-inference-profile/other0000000`;
const FM = `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`;
const INVOKE = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];

function componentPolicy(costAttribution: boolean, guardrail?: { arn: string; version: string }) {
    const r = validateBedrockTenantAccessArgs({ tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU, US_HAIKU_35], region: "us-east-1", costAttribution, guardrail });
    return permissionsPolicyFor(r, OPS_ACCOUNT, costAttribution ? OWN : {});
}
const doc = (...Statement: unknown[]) => ({ Version: "2012-10-17", Statement });

describe("meteringProblems", () => {
    describe("over the component's own policies", () => {
        it("finds nothing in a metered tenant's policy, with or without a guardrail", () => {
            assert.deepStrictEqual(meteringProblems(componentPolicy(true), Object.values(OWN)), []);
            assert.deepStrictEqual(meteringProblems(componentPolicy(true, { arn: GUARDRAIL_ARN, version: "1" }), Object.values(OWN)), []);
        });

        it("reports the direct grants of an unmetered tenant's policy", () => {
            const problems = meteringProblems(componentPolicy(false), Object.values(OWN));
            assert.ok(problems.some((p) => /InvokeFoundationModels.*without going through its own profiles: it has no bedrock:InferenceProfileArn condition/.test(p)), problems.join("\n"));
            assert.ok(problems.some((p) => /InvokeCrossRegionProfiles/.test(p)), problems.join("\n"));
            assert.ok(problems.some((p) => /InvokeThroughProfile0.*not the tenant's own application profiles/.test(p)), problems.join("\n"));
        });
    });

    it("refuses a tenant without application profiles", () => {
        assert.match(meteringProblems(componentPolicy(true), [])[0], /no application inference profiles/);
    });

    it("accepts a statement naming only the tenant's own profiles", () => {
        assert.deepStrictEqual(meteringProblems(doc({ Effect: "Allow", Action: INVOKE, Resource: Object.values(OWN) }), Object.values(OWN)), []);
    });

    it("reports a wildcard action on every resource", () => {
        const problems = meteringProblems(doc({ Sid: "Everything", Effect: "Allow", Action: "bedrock:*", Resource: "*" }), Object.values(OWN));
        assert.deepStrictEqual(problems, ['Statement[0] (Everything) lets the role invoke ["*"] without going through its own profiles: it has no bedrock:InferenceProfileArn condition']);
    });

    it("reports a model reached through another tenant's profile", () => {
        const st = { Effect: "Allow", Action: "bedrock:InvokeModel", Resource: FM, Condition: { StringEquals: { "bedrock:InferenceProfileArn": [OWN[HAIKU], OTHER] } } };
        assert.match(meteringProblems(doc(st), Object.values(OWN))[0], /through \[".*other0000000"\], which are not the tenant's own/);
    });

    it("reports an IfExists or pattern condition, which a direct call satisfies", () => {
        for (const operator of ["StringEqualsIfExists", "StringLike", "ArnLike", "StringNotEquals"]) {
            const st = { Effect: "Allow", Action: "bedrock:Invoke*", Resource: FM, Condition: { [operator]: { "bedrock:InferenceProfileArn": OWN[HAIKU] } } };
            assert.match(meteringProblems(doc(st), Object.values(OWN))[0], new RegExp(`with ${operator}, not StringEquals`), operator);
        }
    });

    it("reads condition keys and actions case-insensitively", () => {
        const st = { Effect: "Allow", Action: "BEDROCK:invokemodel", Resource: FM, Condition: { StringEquals: { "Bedrock:InferenceProfileARN": OTHER } } };
        assert.strictEqual(meteringProblems(doc(st), Object.values(OWN)).length, 1);
    });

    it("fails closed on NotAction, NotResource, an unknown Effect and malformed statements", () => {
        const own = Object.values(OWN);
        assert.match(meteringProblems(doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }), own)[0], /NotAction/);
        assert.match(meteringProblems(doc({ Effect: "Allow", Action: INVOKE, NotResource: OWN[HAIKU] }), own)[0], /NotAction, NotResource/);
        assert.match(meteringProblems(doc({ Effect: "allow", Action: INVOKE, Resource: "*" }), own)[0], /Statement 1 has Effect "allow"/);
        assert.match(meteringProblems(doc("oops"), own)[0], /not an object/);
        assert.match(meteringProblems(doc({ Effect: "Allow", Action: INVOKE }), own)[0], /missing or non-string Resource/);
        assert.match(meteringProblems(null, own)[0], /not a document/);
    });

    it("ignores statements that grant no invocation, and Deny statements", () => {
        const own = Object.values(OWN);
        assert.deepStrictEqual(meteringProblems(doc({ Effect: "Allow", Action: "bedrock:GetInferenceProfile", Resource: "*" }, { Effect: "Deny", Action: "*", Resource: "*" }), own), []);
    });

    it("refuses the whole document when any statement or element is one IAM's model does not read", () => {
        const own = Object.values(OWN);
        const grant = { Effect: "Allow", Action: INVOKE, Resource: own };
        assert.deepStrictEqual(meteringProblems(doc({ ...grant, Principle: "*" }), own), ["the permissions policy Statement 1 has elements Principle, which this proof does not read"]);
        assert.deepStrictEqual(meteringProblems({ ...doc(grant), Statements: [] }, own), ["the permissions policy has elements Statements, which IAM policy documents do not have"]);
        // A Deny is read too: a malformed one cannot be told apart from a typo that drops a guard.
        assert.match(meteringProblems(doc(grant, { Effect: "Deny", Action: [42], Resource: "*" }), own)[0], /Statement 2 has a Action that is not a string/);
    });

    it("reads the document as JSON text, as a stack file holds it", () => {
        const own = Object.values(OWN);
        assert.match(meteringProblems(JSON.stringify(doc({ Effect: "Allow", Action: "bedrock:*", Resource: "*" })), own)[0], /without going through its own profiles/);
    });

    it("reads an action of 60 wildcards that matches no invocation (a backtracking matcher runs past the test timeout)", () => {
        const many = `${"*".repeat(30)}b${"*".repeat(30)}x`;
        assert.deepStrictEqual(meteringProblems(doc({ Effect: "Allow", Action: many, Resource: "*" }), Object.values(OWN)), []);
    });
});
