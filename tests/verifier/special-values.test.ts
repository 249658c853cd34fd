/**
 * Special values and deleting steps, read as the engine reads them: an
 * output value is the value it wraps (or not known yet), decoded once as the
 * file is read; a step that deletes is judged by its old state alone, whose
 * flags are read in the shapes the engine writes and whose `skipDestroy` is
 * decoded like every property.
 */
import * as assert from "assert";
import { SECRET_SIG, SIG_KEY, stackStateOf, UNKNOWN_VALUE, UnreadableInputError, type StackState } from "../../verifier/pulumi-formats";
import { rooted } from "../support/stack-root";

/** Pulumi's signature of an output value. */
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const STACK = "urn:pulumi:customer-a::bedrock-tenancy::pulumi:pulumi:Stack::bedrock-tenancy-customer-a";
const KEY_URN = "urn:pulumi:customer-a::bedrock-tenancy::aws:kms/key:Key::audit-key";
const ROLE_URN = "urn:pulumi:customer-a::bedrock-tenancy::aws:iam/role:Role::bridge";

const outputValue = (value?: unknown, extra: Record<string, unknown> = {}) => ({ [SIG_KEY]: OUTPUT_VALUE_SIG, ...(value === undefined ? {} : { value }), ...extra });
const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(value) });
const key = (inputs: Record<string, unknown>) => ({ urn: KEY_URN, type: "aws:kms/key:Key", custom: true, id: "k", parent: STACK, inputs, outputs: {} });
// Each file holds the stack's root first, as Pulumi writes it: the resource under test is the second.
const exported = (...resources: unknown[]) => rooted({ version: 3, deployment: { resources } });
const role = (trustedAccount: string, extra: Record<string, unknown> = {}) => ({
    urn: ROLE_URN, type: "aws:iam/role:Role", custom: true, id: "bridge", parent: STACK,
    inputs: { name: "bridge", assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${trustedAccount}:root` }, Action: "sts:AssumeRole" }] }) },
    outputs: {}, ...extra,
});

describe("output values", () => {
    it("are read as the value they wrap, secrets inside them opened, in both shapes", () => {
        const inputs = { isEnabled: outputValue(false), keyUsage: outputValue(secret("SIGN_VERIFY"), { secret: true, dependencies: [STACK] }), tags: { a: outputValue("b") } };
        for (const doc of [exported(key(inputs)), rooted({ steps: [{ op: "same", urn: KEY_URN, newState: key(inputs) }] })]) {
            const [, r] = stackStateOf("f.json", doc).resources;
            assert.deepStrictEqual([r.inputs.isEnabled, r.inputs.keyUsage, r.inputs.tags], [false, "SIGN_VERIFY", { a: "b" }]);
        }
    });

    it("are read as not known at preview when they hold no value", () => {
        const [, r] = stackStateOf("f.json", rooted({ steps: [{ op: "same", urn: KEY_URN, newState: key({ isEnabled: outputValue() }) }] })).resources;
        assert.strictEqual(r.inputs.isEnabled, UNKNOWN_VALUE);
    });

    it("refuse a stack export holding one with no value, naming the file and the resource", () => {
        assert.throws(() => stackStateOf("f.json", exported(key({ isEnabled: outputValue() }))), (err: Error) => err instanceof UnreadableInputError && err.message.includes("f.json") && err.message.includes(KEY_URN));
    });

    it("refuse one whose flags are not in the shape Pulumi writes", () => {
        assert.throws(() => stackStateOf("f.json", exported(key({ isEnabled: outputValue(true, { secret: "no" }) }))), UnreadableInputError);
        assert.throws(() => stackStateOf("f.json", exported(key({ isEnabled: outputValue(true, { dependencies: "x" }) }))), UnreadableInputError);
    });
});

describe("steps that delete", () => {
    const deleting = (old: Record<string, unknown>, extra: Record<string, unknown> = {}) => rooted({ steps: [{ op: "delete", urn: old.urn, oldState: old, ...extra }] });
    // What the stack keeps but its root.
    const kept = (state: StackState) => state.resources.filter((r) => r.urn !== STACK);

    it("are judged by their old state, not by a new state the engine never writes for them", () => {
        const state = stackStateOf("p.json", deleting(role("222222222222", { retainOnDelete: true }), { newState: role("111111111111") }));
        assert.strictEqual(kept(state).length, 1);
        assert.strictEqual(kept(state)[0].retained, true);
        assert.ok(String(kept(state)[0].inputs.assumeRolePolicy).includes("222222222222"));
        // Nothing keeps it: gone, whatever new state the step carries.
        assert.strictEqual(kept(stackStateOf("p.json", deleting(role("222222222222"), { newState: role("111111111111", { retainOnDelete: true }) }))).length, 0);
    });

    it("are refused without an old state, which alone says what stays in AWS", () => {
        assert.throws(() => stackStateOf("p.json", rooted({ steps: [{ op: "delete", urn: ROLE_URN, newState: role("222222222222", { retainOnDelete: true }) }] })), /p\.json: step 1 \("delete" of .*\) has no oldState/);
    });

    it("are refused when the old state's flags are not in the shape the engine writes", () => {
        for (const flags of [{ retainOnDelete: secret(true) }, { protect: "true" }, { deletedWith: 1 }]) {
            assert.throws(() => stackStateOf("p.json", deleting(role("222222222222", flags))), UnreadableInputError, JSON.stringify(flags));
        }
    });

    it("leave the resource in AWS when its skipDestroy is true in any recorded shape, or not known yet", () => {
        for (const skip of [true, "true", secret(true), outputValue(true), outputValue(secret(true)), outputValue()]) {
            const old = role("222222222222");
            const state = stackStateOf("p.json", deleting({ ...old, inputs: { ...old.inputs, skipDestroy: skip } }));
            assert.deepStrictEqual(kept(state).map((r) => r.retained), [true], JSON.stringify(skip));
        }
        for (const skip of [false, "false", secret(false), outputValue(false)]) {
            const old = role("222222222222");
            assert.strictEqual(kept(stackStateOf("p.json", deleting({ ...old, outputs: { skipDestroy: skip } }))).length, 0, JSON.stringify(skip));
        }
    });
});
