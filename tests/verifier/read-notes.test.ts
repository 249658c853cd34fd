/**
 * What reading a file notes for the proof (the values free of JSON text of
 * an object, the inputs and outputs found the same, each secret decoded
 * once) only spares it work: every finding stays what walking every value
 * again would give, text held by a secret included, and a state changed
 * after it was read is proved as it now is. The policy reader takes every
 * shape a document can be given in code, holes in lists included.
 */
import * as assert from "assert";
import { parseArn, parsePolicy, stringList } from "../../contract";
import { textFreeTest } from "../../verifier/object-text";
import { repeatedKeys } from "../../verifier/policy-text";
import { prop, readStackState, SECRET_SIG, SIG_KEY, type StackState } from "../../verifier/pulumi-formats";
import { verifyStates } from "../../verifier/verify";
import { rooted } from "../support/stack-root";

const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(value) });
const twice = '{"Effect":"Allow","effect":"Deny"}';

/** A bucket (a type whose every value the egress checks read) in a stack of its own, after the stack's root, with these properties on both sides unless given apart. */
function stack(inputs: Record<string, unknown>, outputs: Record<string, unknown> = inputs): StackState {
    const bucket = { urn: "urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::b", type: "aws:s3/bucketV2:BucketV2", custom: true, id: "b", inputs, outputs };
    // The stack's root first, as Pulumi writes it: the bucket is resource 1.
    return readStackState("s.json", JSON.stringify(rooted({ version: 3, deployment: { resources: [bucket] } })));
}

/** Where the egress checks find a key written twice, with what the read noted; the same as a walk of every value finds. */
function duplicateKeys(state: StackState): string[] {
    const textFree = textFreeTest(state);
    const found = state.resources.flatMap((r, i) => repeatedKeys(r, (value) => textFree(r, i, value)).map(([path]) => path));
    assert.deepStrictEqual(found, state.resources.flatMap((r) => repeatedKeys(r).map(([path]) => path)));
    return found;
}

describe("what reading a file notes for the proof", () => {
    it("finds a key written twice in text a secret holds, however deep, and in text beside it", () => {
        assert.deepStrictEqual(duplicateKeys(stack({ policy: secret(twice) })), ["policy"]);
        assert.deepStrictEqual(duplicateKeys(stack({ tagging: { rules: [secret({ note: twice })] } })), ["tagging.rules[0].note"]);
        assert.deepStrictEqual(duplicateKeys(stack({ tagging: { a: secret({ b: 1 }), c: [twice] } })), ["tagging.c[0]"]);
        assert.deepStrictEqual(duplicateKeys(stack({ tagging: { a: secret({ b: 1 }) } })), []);
        // The same secret twice is decoded once, and found twice.
        assert.deepStrictEqual(duplicateKeys(stack({ first: secret({ note: twice }), second: secret({ note: twice }) })), ["first.note", "second.note"]);
        const long = { note: twice, padding: "x".repeat(20_000) };
        assert.deepStrictEqual(duplicateKeys(stack({ first: secret(long), second: secret(long), third: [secret(long)] })), ["first.note", "second.note", "third[0].note"]);
    });

    it("decodes a secret its inputs and outputs both hold to the same value on both sides", () => {
        const document = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] };
        const state = stack({ policy: secret(document) }, { policy: secret(document) });
        const [, bucket] = state.resources;
        assert.deepStrictEqual(bucket.inputs.policy, document);
        assert.deepStrictEqual(bucket.outputs.policy, document);
    });

    it("scans and compares a property given another value after the read", () => {
        const document = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::b/*" }] };
        const state = stack({ tagging: { a: "x" }, policy: document });
        const [, bucket] = state.resources;
        // A property the proof reads, whose two sides the read found the same.
        prop(bucket, "policy");
        assert.deepStrictEqual(duplicateKeys(state), []);
        assert.strictEqual(verifyStates([state], { requireOps: false }).outputsProved, false);
        bucket.inputs.tagging = { a: twice };
        assert.deepStrictEqual(duplicateKeys(state), ["tagging.a"]);
        bucket.outputs.policy = { ...document, Statement: [{ ...document.Statement[0], Effect: "Allow" }] };
        assert.strictEqual(verifyStates([state], { requireOps: false }).outputsProved, true);
    });

    it("proves a resource put in another place of the stack, or built anew, as any other", () => {
        const state = stack({ tagging: { a: twice } });
        const copy: StackState = { ...state, resources: [{ ...state.resources[1], inputs: { ...state.resources[1].inputs }, outputs: { ...state.resources[1].outputs } }] };
        assert.deepStrictEqual(duplicateKeys(copy), ["tagging.a"]);
        const moved: StackState = { ...state, resources: [{ ...state.resources[1], urn: "urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::c", name: "c" }, state.resources[1]] };
        assert.deepStrictEqual(duplicateKeys(moved), ["tagging.a", "tagging.a"]);
    });

    it("reads a secret that holds a whole side as the object it decodes to, and refuses one that decodes to anything else", () => {
        const state = stack({ ...secret({ bucket: "b", policy: twice }) }, { bucket: "b" });
        assert.deepStrictEqual(state.resources[1].inputs, { bucket: "b", policy: twice });
        assert.deepStrictEqual(duplicateKeys(state), ["policy"]);
        assert.throws(() => stack({ ...secret(" {\"a\":1,\"a\":2}") }, { bucket: "b" }), (err: Error) => err.name === "UnreadableInputError" && /inputs is a secret or an output value holding text, not an object of properties/.test(err.message));
    });
});

describe("the policy reader", () => {
    it("reads lists with holes as IAM-shaped code gives them, and condition values as their text", () => {
        const actions: unknown[] = ["s3:GetObject"];
        actions[2] = "s3:PutObject";
        assert.strictEqual(stringList(actions), actions);
        const mixed: unknown[] = ["a"];
        mixed[2] = 5;
        assert.strictEqual(stringList(mixed), undefined);
        const values: unknown[] = [true];
        values[2] = 7;
        const parsed = parsePolicy({ Statement: [{ Effect: "Allow", Action: actions, Resource: "*", Condition: { Bool: { "AWS:SecureTransport": values }, NumericLessThan: { "s3:Max": 5 } } }] });
        assert.ok("statements" in parsed);
        const [s] = parsed.statements;
        assert.strictEqual(s.actions, actions);
        assert.deepStrictEqual(s.conditions.map((c) => [c.operator, c.key, c.values.length, 1 in c.values, c.values[0], c.values[2]]), [["Bool", "aws:securetransport", 3, false, "true", "7"], ["NumericLessThan", "s3:max", 1, false, "5", undefined]]);
        assert.deepStrictEqual(parsePolicy({ Statement: { Effect: "Allow", Action: "*", Condition: { StringEquals: { k: [null] } } } }), { problem: "Statement 1: Condition StringEquals k has values that are not strings" });
    });

    it("splits an ARN into its fields, the resource keeping its colons, and refuses one without a partition, a service or its fields", () => {
        assert.deepStrictEqual(parseArn("arn:aws:lambda:us-east-1:111111111111:function:f:1"), { partition: "aws", service: "lambda", region: "us-east-1", account: "111111111111", resource: "function:f:1" });
        assert.deepStrictEqual(parseArn("arn:aws:s3:::b/k"), { partition: "aws", service: "s3", region: "", account: "", resource: "b/k" });
        for (const text of ["arn::s3:::b", "arn:aws::r:a:x", "arn:aws:iam::1", "arn:aws:s3", "urn:aws:s3:::b"]) assert.strictEqual(parseArn(text), undefined, text);
    });
});
