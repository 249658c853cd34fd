/**
 * An optional event field given as null is refused like any other wrong
 * value: `modelId: null` must not quietly become the default model.
 */
import { strict as assert } from "assert";
import { validateEvent } from "../../../runtime/lambda/event";

const MODELS = ["anthropic.claude-3-haiku-20240307-v1:0", "amazon.nova-lite-v1:0"];
const base = { prompt: "Summarise the contract.", userId: "user-17", applicationId: "claims-app" };

describe("Lambda event fields given as null", () => {
    for (const field of ["modelId", "requestId", "taskType", "kbId", "maxTokens", "temperature", "metadata"]) {
        it(`refuses ${field}: null as InvalidField`, () => {
            const checked = validateEvent({ ...base, [field]: null }, MODELS, MODELS[0]);
            assert.equal(checked.ok, false);
            assert.ok(!checked.ok);
            assert.equal(checked.error.code, "InvalidField");
            assert.equal(checked.error.field, field);
        });
    }

    it("still gives an absent modelId the default model", () => {
        const checked = validateEvent(base, MODELS, MODELS[1]);
        assert.ok(checked.ok);
        assert.equal(checked.event.modelId, MODELS[1]);
    });
});
