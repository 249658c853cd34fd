import * as assert from "assert";
import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import { tenantRoleTrustPolicy } from "../../policy/rules";
import { resourceViolations } from "../support/policy-harness";

const ROLE = "aws:iam/role:Role";
const TENANT_ROLE = "BedrockTenantAccess-customer-a";
// The sentinel the engine sends for a string that is unknown during preview.
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const trustCustomerA = {
    Sid: "TenantRuntime",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::111111111111:root" },
    Action: "sts:AssumeRole",
    Condition: {
        StringEquals: { "sts:ExternalId": "ext-customer-a-7f3c" },
        ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/BedrockTenancyRuntime-customer-a" },
    },
};

function check(assumeRolePolicy: unknown, name: string = TENANT_ROLE): Promise<string[]> {
    return resourceViolations(tenantRoleTrustPolicy, { type: ROLE, props: { name, assumeRolePolicy } });
}

function withStatement(overrides: Record<string, unknown>) {
    return { Version: "2012-10-17", Statement: { ...trustCustomerA, ...overrides } };
}

describe("policy: tenant-role-trust-requires-external-id", () => {
    describe("accepts", () => {
        it("a single-statement object that pins the ExternalId", async () => {
            assert.deepStrictEqual(await check({ Version: "2012-10-17", Statement: trustCustomerA }), []);
        });

        it("the same trust as a JSON string with a Statement array", async () => {
            assert.deepStrictEqual(await check(JSON.stringify({ Version: "2012-10-17", Statement: [trustCustomerA] })), []);
        });

        it("a condition key spelled in another case, as IAM allows", async () => {
            const doc = withStatement({ Condition: { StringEquals: { "STS:externalid": ["ext-1"] } } });
            assert.deepStrictEqual(await check(doc), []);
        });

        it("a wildcard principal in a Deny statement", async () => {
            const deny = { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { Bool: { "aws:SecureTransport": "false" } } };
            assert.deepStrictEqual(await check({ Statement: [trustCustomerA, deny] }), []);
        });

        it("a statement that allows only sts:TagSession without an ExternalId", async () => {
            const tag = { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:TagSession" };
            assert.deepStrictEqual(await check({ Statement: [trustCustomerA, tag] }), []);
        });

        it("a trust policy that is not known yet", async () => {
            assert.deepStrictEqual(await check(undefined), []);
        });
    });

    describe("ignores", () => {
        it("roles that are not tenant roles", async () => {
            assert.deepStrictEqual(await check(withStatement({ Principal: "*", Condition: undefined }), "deploy-role"), []);
        });
    });

    describe("reports", () => {
        it("an AssumeRole statement without any condition", async () => {
            assert.deepStrictEqual(await check(withStatement({ Condition: undefined })), [
                'Statement 1 (Sid "TenantRuntime") allows sts:AssumeRole without a StringEquals condition on sts:ExternalId',
            ]);
        });

        for (const operator of ["StringLike", "StringEqualsIfExists", "ForAnyValue:StringEquals"]) {
            it(`an ExternalId checked with ${operator} instead of StringEquals`, async () => {
                const doc = withStatement({ Sid: undefined, Condition: { [operator]: { "sts:ExternalId": "ext-1" } } });
                assert.deepStrictEqual(await check(doc), ["Statement 1 allows sts:AssumeRole without a StringEquals condition on sts:ExternalId"]);
            });
        }

        it("an empty ExternalId", async () => {
            const doc = withStatement({ Sid: undefined, Condition: { StringEquals: { "sts:ExternalId": "" } } });
            assert.deepStrictEqual(await check(doc), ["Statement 1 allows sts:AssumeRole without a StringEquals condition on sts:ExternalId"]);
        });

        for (const action of ["sts:*", "*", "STS:assumerole", ["sts:TagSession", "sts:Assume*"]]) {
            it(`Action ${JSON.stringify(action)} without an ExternalId`, async () => {
                const doc = withStatement({ Sid: undefined, Action: action, Condition: undefined });
                assert.deepStrictEqual(await check(JSON.stringify(doc)), [
                    "Statement 1 allows sts:AssumeRole without a StringEquals condition on sts:ExternalId",
                ]);
            });
        }

        it("NotAction that leaves sts:AssumeRole allowed", async () => {
            const doc = withStatement({ Sid: undefined, Action: undefined, NotAction: "sts:TagSession", Condition: undefined });
            assert.deepStrictEqual(await check(doc), [
                "Statement 1 grants sts:AssumeRole through NotAction; list the allowed actions instead",
                "Statement 1 allows sts:AssumeRole without a StringEquals condition on sts:ExternalId",
            ]);
        });

        it('Principal "*" even with an ExternalId', async () => {
            assert.deepStrictEqual(await check(withStatement({ Principal: "*" })), ['Statement 1 (Sid "TenantRuntime") names the wildcard principal AWS "*"']);
        });

        it('Principal {"AWS": "*"}', async () => {
            assert.deepStrictEqual(await check(JSON.stringify(withStatement({ Principal: { AWS: "*" } }))), [
                'Statement 1 (Sid "TenantRuntime") names the wildcard principal AWS "*"',
            ]);
        });

        it("an account-less wildcard ARN among named principals", async () => {
            const doc = withStatement({ Principal: { AWS: ["arn:aws:iam::111111111111:root", "arn:aws:iam::*:role/BedrockTenancyRuntime-customer-a"] } });
            assert.deepStrictEqual(await check(doc), [
                'Statement 1 (Sid "TenantRuntime") names the wildcard principal AWS "arn:aws:iam::*:role/BedrockTenancyRuntime-customer-a"',
            ]);
        });

        it("NotPrincipal in an Allow statement", async () => {
            const doc = withStatement({ Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::222222222222:root" } });
            assert.deepStrictEqual(await check(doc), [
                'Statement 1 (Sid "TenantRuntime") uses NotPrincipal with Allow, which trusts every principal it does not list',
            ]);
        });

        it("each faulty statement of several, numbered in order", async () => {
            const second = { ...trustCustomerA, Sid: "CustomerB", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Condition: undefined };
            const third = { ...trustCustomerA, Sid: undefined, Principal: "*" };
            assert.deepStrictEqual(await check({ Statement: [trustCustomerA, second, third] }), [
                'Statement 2 (Sid "CustomerB") allows sts:AssumeRole without a StringEquals condition on sts:ExternalId',
                'Statement 3 names the wildcard principal AWS "*"',
            ]);
        });

        it("a role found by its name prefix", async () => {
            const props = { namePrefix: "BedrockTenantAccess-", assumeRolePolicy: withStatement({ Condition: undefined }) };
            assert.strictEqual((await resourceViolations(tenantRoleTrustPolicy, { type: ROLE, props })).length, 1);
        });

        it("a trust policy that is not valid JSON", async () => {
            const violations = await check('{"Statement": [');
            assert.strictEqual(violations.length, 1);
            assert.match(violations[0], /^assumeRolePolicy cannot be checked: it is not valid JSON$/);
        });

        it("a Statement that is not an object", async () => {
            assert.deepStrictEqual(await check({ Statement: ["sts:AssumeRole"] }), [
                'assumeRolePolicy cannot be checked: Statement 1 is not an object',
            ]);
        });
    });

    describe("refuses what IAM's grammar does not hold, instead of reading part of it", () => {
        it("an ExternalId list with a value that is not a string", async () => {
            const doc = withStatement({ Condition: { StringEquals: { "sts:ExternalId": ["ext-customer-a-7f3c", { ref: "x" }] } } });
            assert.deepStrictEqual(await check(doc), ['assumeRolePolicy cannot be checked: Statement 1 (Sid "TenantRuntime"): Condition StringEquals sts:ExternalId has values that are not strings']);
        });

        it("a principal list with a value that is not a string", async () => {
            const doc = withStatement({ Principal: { AWS: ["arn:aws:iam::111111111111:root", 7] } });
            assert.match((await check(doc))[0], /^assumeRolePolicy cannot be checked: Statement 1 \(Sid "TenantRuntime"\) has a Principal this proof cannot read/);
        });

        it("an element of the document that IAM does not have", async () => {
            assert.deepStrictEqual(await check({ Version: "2012-10-17", Statement: trustCustomerA, Statment: { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" } }), [
                "assumeRolePolicy cannot be checked: it has elements Statment, which IAM policy documents do not have",
            ]);
        });

        it("an action of 60 wildcards, without a backtracking matcher running past the test timeout", async () => {
            const doc = withStatement({ Sid: undefined, Action: `${"*".repeat(30)}a${"*".repeat(30)}z`, Condition: undefined });
            assert.deepStrictEqual(await check(doc), []);
        });
    });

    it("leaves a trust policy unknown at preview to the engine's can't-run-during-preview advisory", async () => {
        const props = unknownCheckingProxy({ name: TENANT_ROLE, assumeRolePolicy: UNKNOWN_STRING });
        await assert.rejects(resourceViolations(tenantRoleTrustPolicy, { type: ROLE, props }), UnknownValueError);
    });
});
