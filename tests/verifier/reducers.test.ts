/** The reducers on hand-written documents: exact normal forms for known shapes, a finding for every other shape. */
import * as assert from "assert";
import { reducePermissions } from "../../verifier/permissions-reducer";
import { readStackState, UnreadableInputError } from "../../verifier/pulumi-formats";
import { reduceTrustPolicy } from "../../verifier/trust-reducer";

const ROLE = "arn:aws:iam::111111111111:role/BedrockTenancyRuntime-a";

function trust(condition: Record<string, unknown>, principal: unknown = { AWS: "arn:aws:iam::111111111111:root" }) {
    return reduceTrustPolicy({ Version: "2012-10-17", Statement: [{ Sid: "T", Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", Condition: condition }] });
}

describe("trust reducer", () => {
    it("reduces the component's shape to one (role, ExternalId) pair", () => {
        const form = trust({ StringEquals: { "sts:ExternalId": "abcd1234" }, ArnEquals: { "aws:PrincipalArn": ROLE } });
        assert.deepStrictEqual(form, { pairs: [{ principal: ROLE, externalId: "abcd1234", statement: 'Statement 1 (Sid "T")' }], findings: [], narrowing: [] });
    });

    for (const [label, condition, why] of [
        ["StringEqualsIfExists", { StringEqualsIfExists: { "sts:ExternalId": "abcd1234" }, ArnEquals: { "aws:PrincipalArn": ROLE } }, /StringEqualsIfExists/],
        ["ForAnyValue:StringEquals", { "ForAnyValue:StringEquals": { "sts:ExternalId": ["abcd1234"] }, ArnEquals: { "aws:PrincipalArn": ROLE } }, /ForAnyValue:StringEquals/],
        ["two ExternalIds", { StringEquals: { "sts:ExternalId": ["a1", "b2"] }, ArnEquals: { "aws:PrincipalArn": ROLE } }, /accepts 2 ExternalIds/],
        ["a wildcard ExternalId", { StringLike: { "sts:ExternalId": "a*" }, ArnEquals: { "aws:PrincipalArn": ROLE } }, /StringLike/],
        ["no role name", { StringEquals: { "sts:ExternalId": "a1" } }, /any principal of the account/],
    ] as const) {
        it(`reports ${label}`, () => {
            const form = trust(condition);
            assert.ok(form.findings.some((f) => why.test(f.why)), JSON.stringify(form.findings));
        });
    }

    it("reduces a condition on another key as narrowing: the pair stays, with what narrows it", () => {
        const form = trust({ StringEquals: { "sts:ExternalId": "a1" }, IpAddress: { "aws:SourceIp": "10.0.0.0/8" }, ArnEquals: { "aws:PrincipalArn": ROLE } });
        assert.deepStrictEqual(form.findings, []);
        assert.deepStrictEqual(form.pairs, [{ principal: ROLE, externalId: "a1", statement: 'Statement 1 (Sid "T")', narrowedBy: ["IpAddress aws:sourceip"] }]);
    });

    it("reduces a Deny as narrowing, never as a finding", () => {
        const form = reduceTrustPolicy({ Statement: [{ Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }] });
        assert.deepStrictEqual(form.findings, []);
        assert.deepStrictEqual(form.pairs, []);
        assert.strictEqual(form.narrowing.length, 1);
    });

    it("reports NotPrincipal and NotAction on an Allow", () => {
        const id = { StringEquals: { "sts:ExternalId": "a1" } };
        const notPrincipal = reduceTrustPolicy({ Statement: [{ Effect: "Allow", NotPrincipal: { AWS: ROLE }, Action: "sts:AssumeRole", Condition: id }] });
        assert.match(notPrincipal.findings.map((f) => f.why).join("\n"), /NotPrincipal on an Allow/);
        const notAction = reduceTrustPolicy({ Statement: [{ Effect: "Allow", Principal: { AWS: ROLE }, NotAction: "sts:TagSession", Condition: id }] });
        assert.match(notAction.findings.map((f) => f.why).join("\n"), /NotAction on an Allow/);
    });

    it("reports wildcard, service and federated principals", () => {
        const id = { StringEquals: { "sts:ExternalId": "a1" }, ArnEquals: { "aws:PrincipalArn": ROLE } };
        assert.match(trust(id, "*").findings[0].why, /any principal/);
        assert.match(trust(id, { AWS: "arn:aws:iam::*:root" }).findings[0].why, /wildcard principal/);
        assert.match(trust(id, { Federated: "cognito-identity.amazonaws.com" }).findings[0].why, /Federated principal/);
    });
});

describe("trust reducer on session tags", () => {
    const tagging = (condition: Record<string, unknown>, action: unknown = ["sts:TagSession", "sts:SetSourceIdentity"]) =>
        ({ Version: "2012-10-17", Statement: [{ Sid: "Tag", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: action, Condition: { ArnEquals: { "aws:PrincipalArn": ROLE }, ...condition } }] });
    const shipped = { StringEquals: { "aws:RequestTag/TenantId": "a" }, "ForAllValues:StringEquals": { "aws:TagKeys": ["TenantId", "UserId"] } };

    it("accepts TagSession held to the tenant's id and the runtime's tag keys", () => {
        assert.deepStrictEqual(reduceTrustPolicy(tagging(shipped), { tenantId: "a" }).findings, []);
    });

    for (const [label, condition, action, why] of [
        ["no tag condition", {}, "sts:TagSession", /TenantId tag to the tenant's id "a"/],
        ["another tenant's id", { ...shipped, StringEquals: { "aws:RequestTag/TenantId": "b" } }, "sts:TagSession", /TenantId tag/],
        ["two ids", { ...shipped, StringEquals: { "aws:RequestTag/TenantId": ["a", "b"] } }, "sts:TagSession", /TenantId tag/],
        ["the id IfExists", { StringEqualsIfExists: { "aws:RequestTag/TenantId": "a" }, "ForAllValues:StringEquals": shipped["ForAllValues:StringEquals"] }, "sts:TagSession", /TenantId tag/],
        ["another tag key", { ...shipped, "ForAllValues:StringEquals": { "aws:TagKeys": ["TenantId", "CostCenter"] } }, "sts:TagSession", /tag keys to TenantId and UserId/],
        ["tag keys by ForAnyValue", { StringEquals: shipped.StringEquals, "ForAnyValue:StringEquals": { "aws:TagKeys": ["TenantId"] } }, "sts:TagSession", /tag keys/],
        ["TagSession through sts:*", {}, "sts:*", /TenantId tag/],
    ] as const) {
        it(`reports TagSession with ${label}`, () => {
            const form = reduceTrustPolicy(tagging(condition, action), { tenantId: "a" });
            assert.ok(form.findings.some((f) => why.test(f.why)), JSON.stringify(form.findings));
        });
    }
});

describe("permissions reducer", () => {
    const base = { Effect: "Allow", Action: ["bedrock:InvokeModel"], Resource: ["arn:aws:bedrock:us-east-1::foundation-model/m.x"], Condition: { StringEquals: { "aws:RequestedRegion": ["us-east-1"] } } };

    it("reduces an exact grant to (action, resource, Regions)", () => {
        const form = reducePermissions([{ name: "p", document: JSON.stringify({ Statement: [base] }) }]);
        assert.deepStrictEqual(form.grants.map((g) => [g.action, g.resource, g.regions]), [["bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/m.x", ["us-east-1"]]]);
        assert.deepStrictEqual(form.findings, []);
    });

    it("reports NotResource, a missing Region condition and another action", () => {
        const docs = [
            { ...base, Resource: undefined, NotResource: "arn:aws:bedrock:us-east-1::foundation-model/m.x" },
            { ...base, Condition: undefined },
            { ...base, Action: ["s3:GetObject"] },
        ];
        const form = reducePermissions([{ name: "p", document: { Statement: docs } }]);
        const whys = form.findings.map((f) => f.why).join("\n");
        for (const why of [/NotResource/, /any Region/, /"s3:GetObject", beyond/]) assert.match(whys, why);
        assert.deepStrictEqual(form.grants, []);
    });

    it("reduces an extra Deny and a condition on another key as narrowing, keeping the grant", () => {
        const narrowed = { ...base, Condition: { StringEquals: { "aws:RequestedRegion": ["us-east-1"], "aws:SourceVpc": "vpc-1" } } };
        const form = reducePermissions([{ name: "p", document: { Statement: [narrowed, { ...base, Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": false } } }] } }]);
        assert.deepStrictEqual(form.findings, []);
        assert.deepStrictEqual(form.grants.map((g) => [g.resource, g.narrowedBy]), [["arn:aws:bedrock:us-east-1::foundation-model/m.x", ["StringEquals aws:sourcevpc"]]]);
        assert.strictEqual(form.narrowing.length, 2);
    });

    it("names the surface a grant reaches beyond the invoke actions", () => {
        for (const [action, surface] of [["bedrock-mantle:CreateInference", /bedrock-mantle/], ["bedrock:CallWithBearerToken", /API keys/], ["aws-external-anthropic:CreateMessage", /Claude Platform/], ["iam:CreateServiceSpecificCredential", /service-specific/], ["bedrock:StartAsyncInvoke", /batch and async/], ["bedrock:*", /API keys/]] as const) {
            const form = reducePermissions([{ name: "p", document: { Statement: [{ ...base, Action: action }] } }]);
            assert.match(form.findings[0].surface ?? "", surface, action);
        }
    });
});

describe("Pulumi file reader", () => {
    it("refuses a file of two stacks, an unknown version and a malformed urn, naming the file", () => {
        const r = (stack: string) => ({ urn: `urn:pulumi:${stack}::p::aws:iam/role:Role::r`, type: "aws:iam/role:Role" });
        assert.throws(() => readStackState("f.json", JSON.stringify({ version: 3, deployment: { resources: [r("a"), r("b")] } })), (e: Error) => e instanceof UnreadableInputError && /f\.json holds resources of more than one stack \(a, b\)/.test(e.message));
        assert.throws(() => readStackState("f.json", JSON.stringify({ version: 2, deployment: {} })), /version 2/);
        assert.throws(() => readStackState("f.json", JSON.stringify({ steps: [{ op: "same", urn: "nope", newState: { urn: "nope", type: "t" } }] })), /f\.json: resource 0 has a malformed urn "nope"/);
    });
});
