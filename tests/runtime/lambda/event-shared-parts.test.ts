/**
 * A handler called directly may be handed an event whose parts are shared:
 * it is copied once per reference, as JSON would carry it, and the copy stops
 * at a budget no valid event reaches, naming the field.
 */
import { strict as assert } from "assert";
import { EventLimits, validateEvent } from "../../../runtime/lambda/event";
import { MAX_EVENT_VALUES } from "../../../runtime/lambda/event-snapshot";
import { useLocalAws, type LocalAws } from "../../../testing/local-aws";
import { event, handlerWithCapture } from "../../../testing/runtime-fixtures";

const MODELS = ["anthropic.claude-3-haiku-20240307-v1:0"];

/** `depth` levels of `{ a, b }` both holding the level below, every read of a member counted. */
function sharedLevels(depth: number): { value: unknown; reads: () => number } {
    let reads = 0;
    let level: unknown = 1;
    for (let i = 0; i < depth; i++) {
        const below = level;
        const read = () => (reads++, below);
        level = Object.defineProperties({}, { a: { enumerable: true, get: read }, b: { enumerable: true, get: read } });
    }
    return { value: level, reads: () => reads };
}

describe("a Lambda event whose parts are shared", () => {
    it(`is refused as TooLarge on the field that holds it, having read at most ${MAX_EVENT_VALUES} values`, () => {
        // 2 ** 16 leaves as JSON, 16 objects in memory.
        const { value, reads } = sharedLevels(16);

        const checked = validateEvent(event({ metadata: { dag: value } }), MODELS, MODELS[0]);

        assert.ok(!checked.ok);
        assert.equal(checked.error.code, "TooLarge");
        assert.equal(checked.error.field, "metadata");
        assert.ok(checked.error.message.includes(`more than ${MAX_EVENT_VALUES} values`), checked.error.message);
        assert.ok(reads() <= MAX_EVENT_VALUES, `${reads()} members read`);
        assert.deepEqual(checked.ids, { userId: "user-17", applicationId: "claims-app" });
    });

    it("is refused when shared in a field other than metadata, named by that field", () => {
        const { value } = sharedLevels(16);

        const checked = validateEvent(event({ messages: [value], prompt: undefined }), MODELS, MODELS[0]);

        assert.ok(!checked.ok);
        assert.deepEqual([checked.error.code, checked.error.field], ["TooLarge", "messages"]);
    });

    it("passes when it is as large as a valid event may be: 100 messages and 8 KiB of metadata", () => {
        const messages = Array.from({ length: EventLimits.maxMessages }, (_, i) => ({ role: i === 0 ? "user" : "assistant", content: `m${i}` }));
        // The smallest JSON values there are: "0," is 2 bytes.
        const zeros = Array.from({ length: Math.floor((EventLimits.maxMetadataBytes - 16) / 2) }, () => 0);

        const checked = validateEvent(event({ prompt: undefined, messages, metadata: { z: zeros } }), MODELS, MODELS[0]);

        assert.ok(checked.ok, JSON.stringify(!checked.ok && checked.error));
    });

    describe("through the handler", () => {
        let aws: LocalAws;
        const localAws = useLocalAws();
        before(() => {
            aws = localAws();
        });

        it("answers TooLarge naming the field, records the rejection, and answers the next valid event", async () => {
            const { handler, stdout } = handlerWithCapture(aws.env);
            const { value, reads } = sharedLevels(16);

            const refused = await handler(event({ requestId: "req-shared", metadata: { dag: value } }));
            const answered = await handler(event({ requestId: "req-next" }));

            assert.deepEqual((refused as { error: { code: string; field: string } }).error.code, "TooLarge");
            assert.deepEqual((refused as { error: { code: string; field: string } }).error.field, "metadata");
            assert.ok(reads() <= MAX_EVENT_VALUES, `${reads()} members read`);
            assert.equal(typeof (answered as { output?: unknown }).output, "string", JSON.stringify(answered));
            await handler.logger.flush();
            const outcomes = stdout.records().filter((r) => r.outcome !== "started").map((r) => [r.clientRequestId, r.outcome, r.errorCode]);
            assert.deepEqual(outcomes, [["req-shared", "rejected", "TooLarge"], ["req-next", "success", undefined]]);
        });
    });
});
