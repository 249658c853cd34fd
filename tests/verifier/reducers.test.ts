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
        assert.deepStrictEqual(form, { pairs: [{ principal: ROLE, externalId: "abcd1234", statement: 'Statement 1 (Sid "T")' }], findings: [] });
    });

    for (const [label, condition, why] of [
        ["StringEqualsIfExists", { StringEqualsIfExists: { "sts:ExternalId": "abcd1234" }, ArnEquals: { "aws:PrincipalArn": ROLE } }, /StringEqualsIfExists/],
        ["ForAnyValue:StringEquals", { "ForAnyValue:StringEquals": { "sts:ExternalId": ["abcd1234"] }, ArnEquals: { "aws:PrincipalArn": ROLE } }, /ForAnyValue:StringEquals/],
        ["two ExternalIds", { StringEquals: { "sts:ExternalId": ["a1", "b2"] }, ArnEquals: { "aws:PrincipalArn": ROLE } }, /accepts 2 ExternalIds/],
        ["an unknown condition", { StringEquals: { "sts:ExternalId": "a1", "aws:SourceIp": "10.0.0.1" }, ArnEquals: { "aws:PrincipalArn": ROLE } }, /does not reduce: StringEquals aws:sourceip/],
        ["no role name", { StringEquals: { "sts:ExternalId": "a1" } }, /any principal of the account/],
    ] as const) {
        it(`reports ${label}`, () => {
            const form = trust(condition as Record<string, unknown>);
            assert.ok(form.findings.some((f) => why.test(f.why)), JSON.stringify(form.findings));
        });
    }

    it("reports wildcard, service and federated principals", () => {
        const id = { StringEquals: { "sts:ExternalId": "a1" }, ArnEquals: { "aws:PrincipalArn": ROLE } };
        assert.match(trust(id, "*").findings[0].why, /any principal/);
        assert.match(trust(id, { AWS: "arn:aws:iam::*:root" }).findings[0].why, /wildcard principal/);
        assert.match(trust(id, { Federated: "cognito-identity.amazonaws.com" }).findings[0].why, /Federated principal/);
    });
});

describe("permissions reducer", () => {
    const base = { Effect: "Allow", Action: ["bedrock:InvokeModel"], Resource: ["arn:aws:bedrock:us-east-1::foundation-model/m.x"], Condition: { StringEquals: { "aws:RequestedRegion": ["us-east-1"] } } };

    it("reduces an exact grant to (action, resource, Regions)", () => {
        const form = reducePermissions([{ name: "p", document: JSON.stringify({ Statement: [base] }) }]);
        assert.deepStrictEqual(form.grants.map((g) => [g.action, g.resource, g.regions]), [["bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/m.x", ["us-east-1"]]]);
        assert.deepStrictEqual(form.findings, []);
    });

    it("reports NotResource, a missing Region condition, another action and an unrecognised Deny", () => {
        const docs = [
            { ...base, Resource: undefined, NotResource: "arn:aws:bedrock:us-east-1::foundation-model/m.x" },
            { ...base, Condition: undefined },
            { ...base, Action: ["s3:GetObject"] },
            { ...base, Effect: "Deny" },
        ];
        const form = reducePermissions([{ name: "p", document: { Statement: docs } }]);
        const whys = form.findings.map((f) => f.why).join("\n");
        for (const why of [/NotResource/, /any Region/, /"s3:GetObject", beyond/, /Deny statement of a shape/]) assert.match(whys, why);
        assert.deepStrictEqual(form.grants, []);
    });
});

describe("Pulumi file reader", () => {
    it("refuses a file of two stacks, an unknown version and a malformed urn, naming the file", () => {
        const r = (stack: string) => ({ urn: `urn:pulumi:${stack}::p::aws:iam/role:Role::r`, type: "aws:iam/role:Role" });
        assert.throws(() => readStackState("f.json", JSON.stringify({ version: 3, deployment: { resources: [r("a"), r("b")] } })), (e: Error) => e instanceof UnreadableInputError && /f\.json holds resources of more than one stack \(a, b\)/.test(e.message));
        assert.throws(() => readStackState("f.json", JSON.stringify({ version: 2, deployment: {} })), /version 2/);
        assert.throws(() => readStackState("f.json", JSON.stringify({ steps: [{ newState: { urn: "nope", type: "t" } }] })), /f\.json: resource 0 has a malformed urn "nope"/);
    });
});
