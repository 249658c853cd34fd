/**
 * Ops sessions by user (`sessionUserTag`), at most `maxUserSessions` kept:
 * the least recently used idle one is closed to make room, and one with a
 * call in progress never is, since closing its client would cut that call.
 */
import { strict as assert } from "assert";
import { PassThrough } from "stream";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { RuntimeEnv } from "../../../contract";
import { useLocalAws, type LocalAws } from "../../../testing/local-aws";
import { event, handlerWithCapture } from "../../../testing/runtime-fixtures";
import type { StreamLine } from "../../../runtime/lambda/streaming";

describe("the handler's ops sessions by user", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    let destroyed: number;
    let destroy: BedrockRuntimeClient["destroy"];
    before(() => {
        aws = localAws();
        destroy = BedrockRuntimeClient.prototype.destroy;
        BedrockRuntimeClient.prototype.destroy = function (this: BedrockRuntimeClient) {
            destroyed++;
            destroy.call(this);
        };
    });
    beforeEach(() => (destroyed = 0));
    after(() => (BedrockRuntimeClient.prototype.destroy = destroy));

    const env = () => ({ ...aws.env, [RuntimeEnv.sessionUserTag]: "true" });
    const answered = (r: unknown) => (r as { output?: string; error?: { code: string } }).output ?? (r as { error: { code: string } }).error.code;

    it("with maxUserSessions 1, a second user's call does not cut the first user's call in progress", async () => {
        let served = 0;
        aws.bedrock.reply = () => ({ text: "ok", delayMs: ++served === 1 ? 400 : 0 });
        const { handler, stdout } = handlerWithCapture(env(), { maxUserSessions: 1 });

        const first = handler(event({ userId: "user-a", requestId: "a-1" }));
        await new Promise((resolve) => setTimeout(resolve, 100));
        const second = await handler(event({ userId: "user-b", requestId: "b-1" }));

        assert.deepEqual([answered(await first), answered(second)], ["ok", "ok"]);
        // A cut call would be sent again by the SDK's retry (and answered at once): each call reached Bedrock once.
        assert.equal(aws.bedrock.calls.length, 2);
        assert.deepEqual(
            stdout.records().filter((r) => r.outcome !== "started").map((r) => [r.clientRequestId, r.outcome]).sort(),
            [
                ["a-1", "success"],
                ["b-1", "success"],
            ],
        );
    });

    it("with maxUserSessions 1, a second user's call does not cut the first user's stream in progress", async () => {
        aws.bedrock.reply = (call) => (call.operation === "ConverseStream" ? { text: "one two three four", chunkDelayMs: 100 } : { text: "ok" });
        const { handler } = handlerWithCapture(env(), { maxUserSessions: 1 });
        const out = new PassThrough();
        let text = "";
        out.on("data", (d: Buffer) => (text += d.toString("utf8")));

        const streamed = handler.stream(event({ userId: "user-a" }), out);
        await new Promise((resolve) => setTimeout(resolve, 150));
        assert.equal(answered(await handler(event({ userId: "user-b" }))), "ok");
        await streamed;

        const lines = text.trim().split("\n").map((l) => JSON.parse(l) as StreamLine);
        assert.equal(lines.filter((l) => l.type === "error").length, 0, text);
        assert.equal(lines.at(-1)?.type, "end", text);
    });

    it("closes the least recently used idle session once more than maxUserSessions are kept", async () => {
        aws.bedrock.reply = () => ({ text: "ok" });
        const { handler } = handlerWithCapture(env(), { maxUserSessions: 2 });

        for (const userId of ["user-a", "user-b", "user-a"]) assert.equal(answered(await handler(event({ userId }))), "ok");
        assert.equal(destroyed, 0);
        // user-b is the least recently used: it goes, user-a stays.
        assert.equal(answered(await handler(event({ userId: "user-c" }))), "ok");
        assert.equal(destroyed, 1);
        const assumed = aws.sts.assumeRoleCalls.length;
        assert.equal(answered(await handler(event({ userId: "user-a" }))), "ok");
        assert.equal(aws.sts.assumeRoleCalls.length, assumed, "user-a's session was kept");
        assert.equal(answered(await handler(event({ userId: "user-b" }))), "ok");
        assert.equal(aws.sts.assumeRoleCalls.length, assumed + 1, "user-b's session was closed and is made again");
        assert.equal(destroyed, 2);
    });
});
