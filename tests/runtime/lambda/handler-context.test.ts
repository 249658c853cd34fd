/**
 * The handler's context is where its deadline comes from: a context that
 * cannot tell the time left is refused, naming it, before anything is called
 * (read as "no deadline", a call could outlast the function's timeout).
 */
import { strict as assert } from "assert";
import { PassThrough } from "stream";
import { ArgumentError } from "../../../contract";
import { useLocalAws, type LocalAws } from "../../../testing/local-aws";
import { event, handlerWithCapture } from "../../../testing/runtime-fixtures";
import type { LambdaContextLike } from "../../../runtime/lambda/handler";

describe("the Lambda handler's context", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    const refused: [string, unknown, string][] = [
        ["an object without getRemainingTimeInMillis", {}, "has no getRemainingTimeInMillis()"],
        ["getRemainingTimeInMillis that is not a function", { getRemainingTimeInMillis: 5000 }, "has no getRemainingTimeInMillis()"],
        ["a string", "context", "has no getRemainingTimeInMillis()"],
        ["getRemainingTimeInMillis returning a string", { getRemainingTimeInMillis: () => "5000" }, "returned string"],
        ["getRemainingTimeInMillis returning NaN", { getRemainingTimeInMillis: () => NaN }, "returned NaN"],
        ["getRemainingTimeInMillis returning undefined", { getRemainingTimeInMillis: () => undefined }, "returned undefined"],
        ["getRemainingTimeInMillis that throws", { getRemainingTimeInMillis: () => { throw new RangeError("clock gone"); } }, "getRemainingTimeInMillis() threw (RangeError: clock gone)"],
        ["a context whose getRemainingTimeInMillis getter throws", Object.defineProperty({}, "getRemainingTimeInMillis", { get: () => { throw new Error("no"); } }), "getRemainingTimeInMillis() threw (Error: no)"],
    ];
    for (const [what, context, says] of refused) {
        it(`refuses ${what}, naming it, and calls nothing (handler and handler.stream)`, async () => {
            const { handler, stdout } = handlerWithCapture(aws.env);
            const before = aws.bedrock.calls.length;
            await assert.rejects(handler(event(), context as LambdaContextLike), (err: Error) => err instanceof ArgumentError && err.message.includes("context") && err.message.includes(says));
            await assert.rejects(handler.stream(event(), new PassThrough(), context as LambdaContextLike), (err: Error) => err instanceof ArgumentError && err.message.includes(says));
            assert.equal(aws.bedrock.calls.length, before);
            assert.equal(stdout.records().length, 0);
        });
    }

    it("answers with no context, and with a context of Infinity time left (no deadline)", async () => {
        const { handler } = handlerWithCapture(aws.env);
        assert.equal(((await handler(event())) as { output?: string }).output, "ok");
        assert.equal(((await handler(event(), { getRemainingTimeInMillis: () => Infinity })) as { output?: string }).output, "ok");
    });

    it("calls a context's getRemainingTimeInMillis on the context (a class's method keeps its this)", async () => {
        class Context {
            private readonly deadline = Date.now() + 60_000;
            getRemainingTimeInMillis(): number {
                return this.deadline - Date.now();
            }
        }
        const { handler } = handlerWithCapture(aws.env);
        assert.equal(((await handler(event(), new Context())) as { output?: string }).output, "ok");
    });
});
