/**
 * Which service principals of a trust policy act for other accounts: the
 * runtime's compute services (the list the component trusts), services held
 * to the account by their source, and the services no condition ties.
 */
import * as assert from "assert";
import { COMPUTE_SERVICE_PRINCIPAL } from "../../components/private-invocation-logging/runtime-compute";
import { RUNTIME_SERVICE_PRINCIPALS, servicesFromOutside } from "../../verifier/identity-reach";

const ACCOUNT = "111111111111";
const trust = (Service: unknown, Condition?: unknown) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service }, Action: "sts:AssumeRole", ...(Condition ? { Condition } : {}) }] });
const outside = (Service: unknown, Condition?: unknown) => servicesFromOutside(trust(Service, Condition), ACCOUNT).length > 0;

describe("services in a trust policy", () => {
    it("exempts exactly the services the component runs the runtime under", () => {
        assert.deepStrictEqual([...RUNTIME_SERVICE_PRINCIPALS].sort(), Object.values(COMPUTE_SERVICE_PRINCIPAL).sort());
        for (const service of RUNTIME_SERVICE_PRINCIPALS) assert.strictEqual(outside(service), false, service);
    });

    it("holds any other service to the account by aws:SourceAccount or an aws:SourceArn of the account", () => {
        assert.strictEqual(outside("sns.amazonaws.com"), true);
        assert.strictEqual(outside("budgets.amazonaws.com", { StringEquals: { "aws:SourceAccount": ACCOUNT } }), false);
        assert.strictEqual(outside("events.amazonaws.com", { ArnLike: { "aws:SourceArn": `arn:aws:events:*:${ACCOUNT}:rule/*` } }), false);
        assert.strictEqual(outside("events.amazonaws.com", { StringLike: { "aws:SourceArn": `arn:aws:events:us-east-1:${ACCOUNT}:rule/*` } }), false);
    });

    it("does not take a condition that a request can leave out or that names another account", () => {
        assert.strictEqual(outside("sns.amazonaws.com", { StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT } }), true);
        assert.strictEqual(outside("sns.amazonaws.com", { StringEquals: { "aws:SourceAccount": [ACCOUNT, "222222222222"] } }), true);
        assert.strictEqual(outside("sns.amazonaws.com", { StringLike: { "aws:SourceAccount": "1111*" } }), true);
        assert.strictEqual(outside("s3.amazonaws.com", { ArnEquals: { "aws:SourceArn": "arn:aws:s3:::some-bucket" } }), true);
        // StringLike's `*` crosses `:`, so `arn:aws:events:*:ACCOUNT:*` also matches an ARN of another account whose resource holds the id.
        assert.strictEqual(outside("events.amazonaws.com", { StringLike: { "aws:SourceArn": `arn:aws:events:*:${ACCOUNT}:*` } }), true);
        assert.strictEqual(outside("events.amazonaws.com", { ArnLike: { "aws:SourceArn": "arn:aws:events:*:*:rule/*" } }), true);
    });

    it("takes IAM Roles Anywhere, Cognito and service patterns as outside whatever the condition", () => {
        const held = { StringEquals: { "aws:SourceAccount": ACCOUNT } };
        assert.strictEqual(outside("rolesanywhere.amazonaws.com", held), true);
        assert.strictEqual(outside("cognito-identity.amazonaws.com", held), true);
        assert.strictEqual(outside("*.amazonaws.com", held), true);
        assert.strictEqual(outside(["lambda.amazonaws.com", "rolesanywhere.amazonaws.com"]), true);
    });
});
