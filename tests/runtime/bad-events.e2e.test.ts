import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../helpers/local-aws";
import { EventLimits } from "../../runtime/lambda/event";
import { CONTEXT, event, handlerWithCapture } from "./fixtures";

const base = { userId: "user-17", applicationId: "claims-app" };

/** One event per documented rejection: [description, event, code, field]. */
const BAD_EVENTS: [string, unknown, string, string][] = [
    ["a non-object event", "hello", "InvalidEvent", "event"],
    ["an array event", [1, 2], "InvalidEvent", "event"],
    ["an unknown field", event({ promt: "typo" }), "UnknownField", "promt"],
    ["a missing userId", { prompt: "hi", applicationId: "a" }, "MissingField", "userId"],
    ["a missing applicationId", { prompt: "hi", userId: "u" }, "MissingField", "applicationId"],
    ["a userId with spaces", event({ userId: "John Doe" }), "InvalidField", "userId"],
    ["a numeric applicationId", event({ applicationId: 7 }), "InvalidField", "applicationId"],
    ["a requestId over 128 characters", event({ requestId: "r".repeat(129) }), "InvalidField", "requestId"],
    ["neither prompt nor messages", { ...base }, "MissingField", "prompt"],
    ["both prompt and messages", event({ messages: [{ role: "user", content: "hi" }] }), "InvalidField", "prompt"],
    ["an empty prompt", event({ prompt: "" }), "InvalidField", "prompt"],
    ["a prompt over the size limit", event({ prompt: "x".repeat(EventLimits.maxPromptChars + 1) }), "TooLarge", "prompt"],
    ["messages that are not an array", { ...base, messages: "hi" }, "InvalidField", "messages"],
    ["a message with an unknown role", { ...base, messages: [{ role: "tool", content: "hi" }] }, "InvalidField", "messages[0]"],
    ["messages without a user message", { ...base, messages: [{ role: "system", content: "be brief" }] }, "InvalidField", "messages"],
    ["too many messages", { ...base, messages: Array.from({ length: EventLimits.maxMessages + 1 }, () => ({ role: "user", content: "a" })) }, "TooLarge", "messages"],
    ["messages over the size limit", { ...base, messages: [{ role: "user", content: "x".repeat(EventLimits.maxPromptChars + 1) }] }, "TooLarge", "messages"],
    ["a model the tenant may not use", event({ modelId: "anthropic.claude-3-opus-20240229-v1:0" }), "ModelNotAllowed", "modelId"],
    ["a malformed modelId", event({ modelId: "arn:aws:bedrock:us-east-1::foundation-model/x y" }), "InvalidField", "modelId"],
    ["a fractional maxTokens", event({ maxTokens: 1.5 }), "InvalidField", "maxTokens"],
    ["a maxTokens of 0", event({ maxTokens: 0 }), "InvalidField", "maxTokens"],
    ["a temperature above 1", event({ temperature: 1.5 }), "InvalidField", "temperature"],
    ["a string temperature", event({ temperature: "0.5" }), "InvalidField", "temperature"],
    ["metadata that is an array", event({ metadata: [1] }), "InvalidField", "metadata"],
    ["metadata using a reserved key", event({ metadata: { userId: "someone-else" } }), "InvalidField", "metadata"],
    ["metadata over the size limit", event({ metadata: { note: "n".repeat(EventLimits.maxMetadataBytes) } }), "TooLarge", "metadata"],
    ["metadata with too many keys", event({ metadata: Object.fromEntries(Array.from({ length: EventLimits.maxMetadataKeys + 1 }, (_, i) => [`k${i}`, i])) }), "TooLarge", "metadata"],
];

describe("Lambda handler rejecting bad events", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    for (const [description, bad, code, field] of BAD_EVENTS) {
        it(`rejects ${description} with ${code} on ${field} and records the rejection`, async () => {
            const { handler, stdout } = handlerWithCapture(aws.env);
            const callsBefore = aws.bedrock.calls.length;

            const response = await handler(bad, CONTEXT);

            assert.ok("error" in response, JSON.stringify(response).slice(0, 200));
            assert.equal(response.error.code, code);
            assert.equal(response.error.field, field);
            assert.ok(response.error.message.length > 0);
            assert.equal(aws.bedrock.calls.length, callsBefore, "a rejected event reached Bedrock");
            const records = stdout.records();
            assert.equal(records.length, 1);
            assert.equal(records[0].outcome, "rejected");
            assert.equal(records[0].errorCode, code);
            assert.equal(records[0].errorField, field);
            assert.deepEqual(records[0].input, {});
            assert.deepEqual(records[0].output, {});
        });
    }

    it("keeps the ids of a rejected event that passed their own checks", async () => {
        const { handler, stdout } = handlerWithCapture(aws.env);
        await handler(event({ requestId: "req-9", temperature: 9 }), CONTEXT);
        const [record] = stdout.records();
        assert.equal(record.userId, "user-17");
        assert.equal(record.clientRequestId, "req-9");
    });

    it("stays healthy after bad events: the next good event succeeds", async () => {
        const { handler, stdout } = handlerWithCapture(aws.env);
        for (const [, bad] of BAD_EVENTS) {
            await handler(bad, CONTEXT);
        }
        const response = await handler(event(), CONTEXT);
        assert.ok("output" in response);
        assert.equal(stdout.records().length, BAD_EVENTS.length + 1);
        assert.equal(handler.logger.stats().activeRuns, 0);
    });
});
