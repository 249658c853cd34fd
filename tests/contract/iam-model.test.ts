/** The one IAM document model: a linear wildcard matcher, a fail-closed parser, one ARN parser. */
import * as assert from "assert";
import { accountOfPrincipal, actionMatches, coversAction, coversEveryValueWith, coversResource, parseArn, parsePolicy, reachesUnder, wildcardMatch } from "../../contract";

describe("IAM wildcard matching", () => {
    it("matches * across / and : and ? as one character, actions case-insensitively", () => {
        assert.ok(wildcardMatch("arn:aws:iam::1:role/*", "arn:aws:iam::1:role/a/b/c"));
        assert.ok(wildcardMatch("arn:aws:bedrock:*::foundation-model/*", "arn:aws:bedrock:us-east-1::foundation-model/m:0"));
        assert.ok(wildcardMatch("a?c", "abc"));
        assert.ok(!wildcardMatch("a?c", "ac"));
        assert.ok(!wildcardMatch("Role/X", "role/x"));
        assert.ok(actionMatches("Bedrock:invoke*", "bedrock:InvokeModelWithResponseStream"));
        assert.ok(!actionMatches("bedrock:Invoke", "bedrock:InvokeModel"));
        assert.ok(wildcardMatch("*", ""));
        assert.ok(!wildcardMatch("", "a"));
    });

    it("decides patterns of 40 wildcards against long values without backtracking blow-up", () => {
        const pattern = `${"a*".repeat(40)}b`;
        const value = "a".repeat(5000);
        // A backtracking regular expression takes minutes here; the scan answers at once.
        assert.strictEqual(wildcardMatch(pattern, value), false);
        assert.strictEqual(wildcardMatch(pattern, `${value}b`), true);
    });
});

describe("coversEveryValueWith", () => {
    it("holds for a pattern that matches the prefix and then anything", () => {
        assert.ok(coversEveryValueWith("s3:*", "s3:", true));
        assert.ok(coversEveryValueWith("S3:*", "s3:", true));
        assert.ok(coversEveryValueWith("*", "s3:", true));
        assert.ok(coversEveryValueWith("arn:aws:s3:::b*", "arn:aws:s3:::b/"));
        assert.ok(coversEveryValueWith("arn:aws:s3:::b/*", "arn:aws:s3:::b/"));
    });

    it("fails for a pattern that covers only some values, though it matches the text of a pattern", () => {
        // Each of these matches the literal text "s3:*" or "arn:aws:s3:::b/*" through its "?".
        assert.ok(!coversEveryValueWith("s3:?", "s3:", true));
        assert.ok(!coversEveryValueWith("arn:aws:s3:::b/?", "arn:aws:s3:::b/"));
        assert.ok(!coversEveryValueWith("s3:Get*", "s3:", true));
        assert.ok(!coversEveryValueWith("S3:*", "s3:"));
    });
});

describe("IAM policy parser", () => {
    it("reads strings and objects alike, lowercasing condition keys and stringifying scalar values", () => {
        const parsed = parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": false } } } }));
        assert.ok(!("problem" in parsed));
        assert.deepStrictEqual(parsed.statements[0].conditions, [{ operator: "Bool", key: "aws:securetransport", values: ["false"] }]);
    });

    for (const [label, doc, why] of [
        ["an unknown statement element", { Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Extra: 1 }] }, /elements Extra/],
        ["an unknown document element", { Statement: [], Grants: [] }, /elements Grants/],
        ["an Effect other than Allow or Deny", { Statement: [{ Effect: "allow", Action: "*" }] }, /Effect "allow"/],
        ["Action and NotAction together", { Statement: [{ Effect: "Allow", Action: "*", NotAction: "s3:*" }] }, /both Action and NotAction/],
        ["a non-string action", { Statement: [{ Effect: "Allow", Action: [1] }] }, /Action that is not a string/],
        ["a condition value that is an object", { Statement: [{ Effect: "Allow", Action: "*", Condition: { StringEquals: { k: { a: 1 } } } }] }, /not strings/],
        ["text that is not JSON", "{", /not valid JSON/],
    ] as const) {
        it(`refuses ${label}`, () => {
            const parsed = parsePolicy(doc);
            assert.ok("problem" in parsed && why.test(parsed.problem), JSON.stringify(parsed));
        });
    }

    it("reads NotAction and NotResource as reaching everything they do not list", () => {
        const parsed = parsePolicy({ Statement: [{ Effect: "Allow", NotAction: "s3:*", NotResource: "arn:aws:s3:::b/*" }] });
        assert.ok(!("problem" in parsed));
        const s = parsed.statements[0];
        assert.ok(coversAction(s, "iam:PassRole") && !coversAction(s, "s3:GetObject"));
        assert.ok(coversResource(s, "arn:aws:iam::1:role/r") && !coversResource(s, "arn:aws:s3:::b/k"));
    });
});

describe("ARN parser", () => {
    it("splits five fields and keeps the resource whole", () => {
        assert.deepStrictEqual(parseArn("arn:aws:logs:us-east-1:111111111111:log-group:/a/b:*"), { partition: "aws", service: "logs", region: "us-east-1", account: "111111111111", resource: "log-group:/a/b:*" });
        assert.strictEqual(parseArn("arn:aws:s3:::bucket/key")?.resource, "bucket/key");
        assert.strictEqual(parseArn("not-an-arn"), undefined);
        assert.strictEqual(accountOfPrincipal("999999999999"), "999999999999");
        assert.strictEqual(accountOfPrincipal("arn:aws:iam::aws:policy/X"), undefined);
    });
});

describe("reachesUnder", () => {
    const statement = (doc: unknown) => {
        const parsed = parsePolicy(doc);
        assert.ok(!("problem" in parsed));
        return parsed.statements[0];
    };
    const on = (Resource: unknown) => statement({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource }] });
    it("holds for a grant on part of the space, which a probe of one made-up key misses", () => {
        const s = on("arn:aws:s3:::archive/tenant=a/*");
        assert.ok(!coversResource(s, "arn:aws:s3:::archive/any"));
        assert.ok(reachesUnder(s, "arn:aws:s3:::archive/"));
    });
    it("holds for a pattern whose wildcard comes before the prefix ends, and for one exact key", () => {
        assert.ok(reachesUnder(on("arn:aws:s3:::arch*"), "arn:aws:s3:::archive/"));
        assert.ok(reachesUnder(on("arn:aws:s3:::archiv?/x"), "arn:aws:s3:::archive/"));
        assert.ok(reachesUnder(on("arn:aws:s3:::archive/tenant=a/2026/x.json"), "arn:aws:s3:::archive/"));
    });
    it("does not hold for another bucket, nor for the bucket's name alone", () => {
        assert.ok(!reachesUnder(on("arn:aws:s3:::archive-2/*"), "arn:aws:s3:::archive/"));
        assert.ok(!reachesUnder(on("arn:aws:s3:::archive"), "arn:aws:s3:::archive/"));
    });
    it("holds for a policy variable, which can stand for the bucket's name", () => {
        assert.ok(reachesUnder(on("arn:aws:s3:::${aws:PrincipalTag/bucket}/*"), "arn:aws:s3:::archive/"));
    });
    it("holds for NotResource, which reaches what it does not list", () => {
        assert.ok(reachesUnder(statement({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::archive/tenant=a/*" }] }), "arn:aws:s3:::archive/"));
    });
});
