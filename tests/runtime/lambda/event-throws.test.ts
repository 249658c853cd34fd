/**
 * An event that throws when read: refused as `InvalidEvent` when the event
 * itself throws (its fields cannot be listed), as `InvalidField` on the
 * top-level field whose reading threw; the thrown message is never quoted.
 */
import { strict as assert } from "assert";
import { validateEvent } from "../../../runtime/lambda/event";

const MODELS = ["anthropic.claude-3-haiku-20240307-v1:0"];
const SENTINEL = "SENTINEL-thrown-text";
const boom = () => {
    throw new Error(SENTINEL);
};

function refusal(event: unknown) {
    const checked = validateEvent(event, MODELS, MODELS[0]);
    assert.ok(!checked.ok, "the event was accepted");
    assert.ok(!JSON.stringify(checked.error).includes(SENTINEL), "the thrown message was quoted");
    return checked.error;
}

describe("Lambda events that throw when read", () => {
    it("refuses an event whose fields cannot be listed as InvalidEvent", () => {
        assert.equal(refusal(new Proxy({ prompt: "hi" }, { ownKeys: boom })).code, "InvalidEvent");
    });

    it("refuses a revoked proxy as InvalidEvent", () => {
        const { proxy, revoke } = Proxy.revocable({ prompt: "hi" }, {});
        revoke();
        assert.equal(refusal(proxy).code, "InvalidEvent");
    });

    for (const field of ["prompt", "metadata"]) {
        it(`refuses an event whose ${field} getter throws as InvalidField on ${field}`, () => {
            const event: Record<string, unknown> = { prompt: "hi", metadata: {} };
            Object.defineProperty(event, field, { enumerable: true, get: boom });
            const error = refusal(event);
            assert.deepEqual([error.code, error.field], ["InvalidField", field]);
        });
    }

    it("refuses a getter that throws deeper down as InvalidField on the top-level field holding it", () => {
        const note = {};
        Object.defineProperty(note, "x", { enumerable: true, get: boom });
        const error = refusal({ prompt: "hi", metadata: { note } });
        assert.deepEqual([error.code, error.field], ["InvalidField", "metadata"]);
    });
});
