/** An error that repeats a caller's name (a field, a metadata key) cuts a long one without splitting a character. */
import { strict as assert } from "assert";
import { validateEvent } from "../../../runtime/lambda/event";

const MODELS = ["anthropic.claude-3-haiku-20240307-v1:0"];
const base = { prompt: "Summarise the contract.", userId: "user-17", applicationId: "claims-app" };
/** A lone surrogate: half of a character outside the Basic Multilingual Plane. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function refusal(event: Record<string, unknown>): { code: string; field: string; message: string } {
    const checked = validateEvent(event, MODELS, MODELS[0]);
    assert.equal(checked.ok, false);
    return (checked as unknown as { error: { code: string; field: string; message: string } }).error;
}

describe("Lambda event errors naming a long name of the caller's", () => {
    // One unit before the emoji puts the 64-unit cut inside a surrogate pair.
    const name = `a${"😀".repeat(40)}`;
    const cases: [string, Record<string, unknown>, string][] = [
        ["an unknown field", { ...base, [name]: 1 }, "UnknownField"],
        ["an unknown field holding what JSON cannot", { ...base, [name]: () => 1 }, "InvalidField"],
        ["a reserved metadata key", { ...base, metadata: { [`ls_${"😀".repeat(40)}`]: "x" } }, "InvalidField"],
    ];
    for (const [what, event, code] of cases) {
        it(`${what}: the field and the message hold whole characters only`, () => {
            const error = refusal(event);
            assert.equal(error.code, code);
            assert.ok(!LONE_SURROGATE.test(error.field), JSON.stringify(error.field));
            assert.ok(!LONE_SURROGATE.test(error.message), JSON.stringify(error.message));
            assert.ok(error.field.length <= 64, `${error.field.length} units`);
        });
    }

    it("an unknown field's name is cut to its first 63 units when the 64th would be half a character", () => {
        assert.equal(refusal({ ...base, [name]: 1 }).field, name.slice(0, 63));
        const plain = "k".repeat(300);
        assert.equal(refusal({ ...base, [plain]: 1 }).field, plain.slice(0, 64));
    });
});
