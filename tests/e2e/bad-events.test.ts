import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { EventLimits } from "../../runtime/lambda/event";
import type { RuntimeHandler } from "../../runtime/lambda/handler";
import { CONTEXT, type CapturedStdout, event, handlerWithCapture } from "../../testing/runtime-fixtures";
import { SENTINEL } from "../support/runtime-harness";

/** Events arrive as JSON: parsing keeps `__proto__` as an own key, as Lambda's runtime does. */
const fromJson = (json: string): unknown => JSON.parse(json);
const base = { userId: "user-17", applicationId: "claims-app" };
const withSentinel = (overrides: Record<string, unknown>) => event({ prompt: `Summarise ${SENTINEL}`, ...overrides });

function nested(depth: number): Record<string, unknown> {
    const root: Record<string, unknown> = {};
    let level = root;
    for (let i = 1; i < depth; i++) {
        const next: Record<string, unknown> = {};
        level.next = next;
        level = next;
    }
    level.note = SENTINEL;
    return root;
}

/** [what is wrong, the event, error code, field named]. */
const BAD_EVENTS: [string, unknown, string, string][] = [
    // Each documented rejection once.
    ["a non-object event", "hello", "InvalidEvent", "event"],
    ["an array event", [1, 2], "InvalidEvent", "event"],
    ["an unknown field", event({ promt: "typo" }), "UnknownField", "promt"],
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
    ["a malformed modelId", event({ modelId: "arn:aws:bedrock:us-east-1::foundation-model/x y" }), "InvalidField", "modelId"],
    ["a fractional maxTokens", event({ maxTokens: 1.5 }), "InvalidField", "maxTokens"],
    ["a maxTokens of 0", event({ maxTokens: 0 }), "InvalidField", "maxTokens"],
    ["a temperature above 1", event({ temperature: 1.5 }), "InvalidField", "temperature"],
    ["a string temperature", event({ temperature: "0.5" }), "InvalidField", "temperature"],
    ["metadata that is an array", event({ metadata: [1] }), "InvalidField", "metadata"],
    ["metadata using a reserved key", event({ metadata: { userId: "someone-else" } }), "InvalidField", "metadata"],
    ["metadata over the size limit", event({ metadata: { note: "n".repeat(EventLimits.maxMetadataBytes) } }), "TooLarge", "metadata"],
    ["metadata with too many keys", event({ metadata: Object.fromEntries(Array.from({ length: EventLimits.maxMetadataKeys + 1 }, (_, i) => [`k${i}`, i])) }), "TooLarge", "metadata"],
    // Not an object at all.
    ["a null event", null, "InvalidEvent", "event"],
    ["an undefined event", undefined, "InvalidEvent", "event"],
    ["a number event", 42, "InvalidEvent", "event"],
    ["a string event holding the prompt", SENTINEL, "InvalidEvent", "event"],
    ["an array of events", [withSentinel({})], "InvalidEvent", "event"],
    // Missing or empty fields.
    ["a missing userId", { prompt: SENTINEL, applicationId: "claims-app" }, "MissingField", "userId"],
    ["an empty userId", withSentinel({ userId: "" }), "InvalidField", "userId"],
    ["an empty applicationId", withSentinel({ applicationId: "" }), "InvalidField", "applicationId"],
    ["a null prompt", event({ prompt: null }), "InvalidField", "prompt"],
    ["an empty messages list", { userId: "u-1", applicationId: "a", messages: [] }, "InvalidField", "messages"],
    ["a message with empty content", { userId: "u-1", applicationId: "a", messages: [{ role: "system", content: SENTINEL }, { role: "user", content: "" }] }, "InvalidField", "messages[1]"],
    ["an empty modelId", withSentinel({ modelId: "" }), "InvalidField", "modelId"],
    // Wrong types.
    ["a numeric userId", withSentinel({ userId: 42 }), "InvalidField", "userId"],
    ["a numeric prompt", event({ prompt: 12345 }), "InvalidField", "prompt"],
    ["messages given as an object", { userId: "u-1", applicationId: "a", messages: { role: "user", content: SENTINEL } }, "InvalidField", "messages"],
    ["message content given as blocks", { userId: "u-1", applicationId: "a", messages: [{ role: "user", content: [{ text: SENTINEL }] }] }, "InvalidField", "messages[0]"],
    ["a maxTokens given as a string", withSentinel({ maxTokens: "100" }), "InvalidField", "maxTokens"],
    ["a temperature of NaN", withSentinel({ temperature: Number.NaN }), "InvalidField", "temperature"],
    ["metadata given as a string", withSentinel({ metadata: SENTINEL }), "InvalidField", "metadata"],
    ["null metadata", withSentinel({ metadata: null }), "InvalidField", "metadata"],
    // Beyond the documented limits.
    ["a prompt one character over the limit", event({ prompt: SENTINEL + "x".repeat(EventLimits.maxPromptChars) }), "TooLarge", "prompt"],
    ["metadata over the byte limit", withSentinel({ metadata: { note: SENTINEL.repeat(Math.ceil(EventLimits.maxMetadataBytes / SENTINEL.length)) } }), "TooLarge", "metadata"],
    ["a maxTokens over the limit", withSentinel({ maxTokens: EventLimits.maxTokens + 1 }), "InvalidField", "maxTokens"],
    // Models.
    ["a model the tenant may not use", withSentinel({ modelId: "amazon.titan-text-express-v1" }), "ModelNotAllowed", "modelId"],
    ["an inference-profile ARN as modelId", withSentinel({ modelId: "arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/x" }), "InvalidField", "modelId"],
    // User ids STS refuses as a session tag or that would corrupt a log line.
    ["a userId with a NUL character", withSentinel({ userId: "user\u0000admin" }), "InvalidField", "userId"],
    ["a userId with a comma", withSentinel({ userId: "user,admin" }), "InvalidField", "userId"],
    ["a userId with a newline", withSentinel({ userId: "user\n{\"outcome\":\"success\"}" }), "InvalidField", "userId"],
    ["a userId with a hash sign", withSentinel({ userId: "user#1" }), "InvalidField", "userId"],
    ["a non-ASCII userId", withSentinel({ userId: "ユーザー" }), "InvalidField", "userId"],
    ["a userId of 129 characters", withSentinel({ userId: "u".repeat(129) }), "InvalidField", "userId"],
    // Prototype keys.
    ["a top-level __proto__ key", fromJson(`{"prompt":"${SENTINEL}","userId":"u-1","applicationId":"a","__proto__":{"admin":true}}`), "UnknownField", "__proto__"],
    ["a top-level constructor key", withSentinel({ constructor: { prototype: {} } }), "UnknownField", "constructor"],
    ["a __proto__ key in metadata", fromJson(`{"prompt":"${SENTINEL}","userId":"u-1","applicationId":"a","metadata":{"__proto__":{"polluted":true}}}`), "InvalidField", "metadata"],
    ["a constructor key in metadata", withSentinel({ metadata: { constructor: SENTINEL } }), "InvalidField", "metadata"],
    ["a __proto__ key nested in metadata", fromJson(`{"prompt":"x","userId":"u-1","applicationId":"a","metadata":{"a":{"b":{"__proto__":{"polluted":true}}}}}`), "InvalidField", "metadata"],
    // Deep nesting.
    ["metadata one level deeper than the limit", withSentinel({ metadata: nested(EventLimits.maxMetadataDepth + 1) }), "InvalidField", "metadata"],
    ["metadata nested 100,000 levels deep", withSentinel({ metadata: nested(100_000) }), "InvalidField", "metadata"],
    // Invalid UTF-16.
    ["a prompt with a lone high surrogate", event({ prompt: `${SENTINEL} \uD83D` }), "InvalidField", "prompt"],
    ["a message with a lone low surrogate", { userId: "u-1", applicationId: "a", messages: [{ role: "user", content: `\uDE00 ${SENTINEL}` }] }, "InvalidField", "messages[0]"],
    ["a metadata value with a lone surrogate", withSentinel({ metadata: { note: `${SENTINEL}\uD800` } }), "InvalidField", "metadata"],
    ["a userId with a lone surrogate", withSentinel({ userId: "user-\uD800" }), "InvalidField", "userId"],
    // Not JSON data: only a handler called directly can be handed these; JSON would drop or change them.
    ["an event whose every read throws", throwingProxy(), "InvalidEvent", "event"],
    ["an event whose metadata getter throws", withGetter(withSentinel({}), "metadata"), "InvalidField", "metadata"],
    ["an event of a class", Object.assign(new (class Request {})(), withSentinel({})), "InvalidEvent", "event"],
    ["metadata holding NaN", withSentinel({ metadata: { score: NaN } }), "InvalidField", "metadata"],
    ["metadata holding a function", withSentinel({ metadata: { f: () => SENTINEL } }), "InvalidField", "metadata"],
    ["metadata holding a bigint", withSentinel({ metadata: { n: 10n } }), "InvalidField", "metadata"],
    ["metadata holding a Date", withSentinel({ metadata: { at: new Date(0) } }), "InvalidField", "metadata"],
    ["metadata with toJSON", withSentinel({ metadata: { v: { toJSON: () => SENTINEL } } }), "InvalidField", "metadata"],
    ["metadata holding a Map", withSentinel({ metadata: { m: new Map([["k", SENTINEL]]) } }), "InvalidField", "metadata"],
    ["a message list with a hole", { ...base, messages: [{ role: "user", content: SENTINEL }, undefined] }, "InvalidField", "messages"],
    ["a prompt as a String object", event({ prompt: Object(SENTINEL) as unknown }), "InvalidField", "prompt"],
];

/** A proxy that throws on every read, its message holding content. */
function throwingProxy(): unknown {
    const boom = () => {
        throw new Error(`boom ${SENTINEL}`);
    };
    return new Proxy({}, { get: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, has: boom });
}

/** `value` with `key` a getter that throws, its message holding content. */
function withGetter(value: Record<string, unknown>, key: string): unknown {
    return Object.defineProperty({ ...value }, key, {
        enumerable: true,
        get() {
            throw new Error(`getter ${SENTINEL}`);
        },
    });
}

describe("bad Lambda events: a structured error, a content-free record, and a healthy handler", () => {
    let aws: LocalAws;
    let handler: RuntimeHandler;
    let stdout: CapturedStdout;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
        // One handler instance for every event, as in a warm Lambda container.
        ({ handler, stdout } = handlerWithCapture(aws.env));
    });

    for (const [what, bad, code, field] of BAD_EVENTS) {
        it(`refuses ${what} with ${code} on ${field}, records it without content, then answers a valid event`, async () => {
            const firstLine = stdout.records().length;
            const callsBefore = aws.bedrock.calls.length;

            const response = await handler(bad, CONTEXT);
            const rejection = stdout.records().slice(firstLine);
            const next = await handler(event({ requestId: "next-valid" }), CONTEXT);

            assert.ok("error" in response, JSON.stringify(response).slice(0, 200));
            assert.deepEqual([response.error.code, response.error.field], [code, field]);
            assert.ok(response.error.message.length > 0);
            assert.ok(!JSON.stringify(response).includes(SENTINEL), "the error response carries content");
            assert.equal(rejection.length, 1);
            assert.deepEqual([rejection[0].outcome, rejection[0].errorCode, rejection[0].errorField], ["rejected", code, field]);
            assert.deepEqual([rejection[0].input, rejection[0].output, rejection[0].metadata], [{}, {}, undefined]);
            assert.ok(!JSON.stringify(rejection[0]).includes(SENTINEL), "the rejection record carries content");
            assert.ok("output" in next, JSON.stringify(next));
            assert.equal(aws.bedrock.calls.length, callsBefore + 1, "only the valid event reached Bedrock");
            assert.deepEqual(stdout.records().slice(firstLine + 1).map((r) => [r.outcome, r.clientRequestId]), [["success", "next-valid"]]);
            assert.equal(handler.logger.stats().activeRuns, 0);
        });
    }

    it("keeps the ids of a rejected event that passed their own checks", async () => {
        const firstLine = stdout.records().length;
        await handler(event({ requestId: "req-9", temperature: 9 }), CONTEXT);
        const [record] = stdout.records().slice(firstLine);
        assert.equal(record.userId, "user-17");
        assert.equal(record.clientRequestId, "req-9");
    });

    it("reads an event handed over directly once, and uses what it read", async () => {
        let reads = 0;
        const changing = {
            ...base,
            requestId: "read-once",
            get prompt() {
                reads++;
                return reads === 1 ? "first reading" : "x".repeat(EventLimits.maxPromptChars + 1);
            },
        };
        const response = await handler(changing, CONTEXT);
        assert.ok("output" in response, JSON.stringify(response).slice(0, 200));
        assert.equal(reads, 1);
        assert.ok(JSON.stringify(aws.bedrock.calls.at(-1)).includes("first reading"));
    });

    it("takes an undefined metadata member as absent, as JSON does", async () => {
        const firstLine = stdout.records().length;
        const response = await handler(event({ requestId: "undefined-member", metadata: { feature: "chat", later: undefined } }), CONTEXT);
        assert.ok("output" in response, JSON.stringify(response).slice(0, 200));
        const [record] = stdout.records().slice(firstLine);
        assert.equal(record.outcome, "success");
    });

    it("leaves no prototype polluted", () => {
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
        assert.equal(({} as Record<string, unknown>).admin, undefined);
    });
});
