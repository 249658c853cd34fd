/** A reserved metadata key is refused with what to do instead, which differs by key. */
import { strict as assert } from "assert";
import { validateEvent } from "../../../runtime/lambda/event";

const MODELS = ["anthropic.claude-3-haiku-20240307-v1:0"];
const base = { prompt: "Summarise the contract.", userId: "user-17", applicationId: "claims-app" };

function refusal(metadata: Record<string, unknown>): string {
    const checked = validateEvent({ ...base, metadata }, MODELS, MODELS[0]);
    assert.equal(checked.ok, false);
    return (checked as { error: { message: string } }).error.message;
}

describe("Lambda event metadata with a reserved key", () => {
    it("a key LangChain or LangSmith sets is not sent to the top level", () => {
        for (const key of ["ls_provider", "ls_model_name", "versions"]) {
            const message = refusal({ [key]: "x" });
            assert.ok(message.includes(JSON.stringify(key)), message);
            assert.ok(!message.includes("top-level"), message);
            assert.ok(message.includes("choose another name"), message);
        }
    });

    it("an event field is named as the top-level field to use", () => {
        for (const key of ["userId", "applicationId", "requestId", "taskType", "kbId", "modelId"]) {
            assert.ok(refusal({ [key]: "x" }).includes(`top-level field ${JSON.stringify(key)}`), key);
        }
    });

    it("invokedModelId is said to come from the model routes", () => {
        assert.ok(refusal({ invokedModelId: "x" }).includes("model routes"));
    });
});
