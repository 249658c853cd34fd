import { strict as assert } from "assert";
import { createHash } from "crypto";
import { useLocalAws, converseText, type LocalAws } from "../../testing/local-aws";
import { CONTEXT, EXTERNAL_ID, event, handlerWithCapture } from "../../testing/runtime-fixtures";

const SENTINEL = "SENTINEL-7f3a9c-patient-John-Doe";

describe("content privacy and concurrency of the Lambda handler", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });
    beforeEach(() => {
        // The model repeats the prompt back, so content would reach the output side too.
        aws.bedrock.reply = (call) => ({ text: `You said: ${converseText(call)}`, usage: { inputTokens: 10, outputTokens: 10 } });
    });

    /** Success, a Bedrock error that quotes the prompt, and a rejected event, all carrying the sentinel. */
    async function runAllPaths(contentMode: "none" | "hash" | "full") {
        const { handler, stdout } = handlerWithCapture(aws.env, { contentMode });
        const responses = [];
        responses.push(await handler(event({ prompt: `Diagnose ${SENTINEL}` }), CONTEXT));
        aws.bedrock.failNext({ kind: "error", status: 400, errorType: "ValidationException", message: `Input is invalid near '${SENTINEL}'` });
        responses.push(await handler(event({ prompt: `Diagnose ${SENTINEL}` }), CONTEXT));
        responses.push(await handler(event({ messages: [{ role: "user", content: SENTINEL, extra: 1 }] }), CONTEXT));
        responses.push(await handler(event({ prompt: SENTINEL, temperature: 7 }), CONTEXT));
        // The completion goes back to the caller by design; only error responses must stay content-free.
        return { stdout, responses: JSON.stringify(responses.filter((r) => "error" in r)) };
    }

    it("keeps a sentinel in the prompt out of every sink and response in none mode", async () => {
        const { stdout, responses } = await runAllPaths("none");

        assert.equal(stdout.records().length, 4);
        assert.deepEqual(stdout.records().map((r) => r.outcome), ["success", "error", "rejected", "rejected"]);
        assert.ok(!stdout.all().includes(SENTINEL), "the sentinel reached the audit sink");
        assert.ok(!stdout.all().includes("SENTINEL"), "part of the sentinel reached the audit sink");
        assert.ok(!responses.includes(SENTINEL), "the sentinel reached an error response");
        assert.equal(stdout.records()[1].errorCode, "ValidationException");
        // Control: the model did see and echo it, so its absence above is the logger's doing.
        assert.ok(converseText(aws.bedrock.calls[0]).includes(SENTINEL));
    });

    it("records SHA-256 digests and no text in hash mode", async () => {
        const { stdout } = await runAllPaths("hash");
        const [success] = stdout.records();
        assert.equal(success.input.inputSha256, createHash("sha256").update(`Diagnose ${SENTINEL}`).digest("hex"));
        assert.equal(success.output.outputSha256, createHash("sha256").update(`You said: Diagnose ${SENTINEL}`).digest("hex"));
        assert.ok(!stdout.all().includes(SENTINEL));
    });

    it("records the text in full mode (the control for the none-mode test)", async () => {
        const { stdout } = await runAllPaths("full");
        const [success, failed, rejected] = stdout.records();
        assert.equal(success.input.inputText, `Diagnose ${SENTINEL}`);
        assert.equal(success.output.outputText, `You said: Diagnose ${SENTINEL}`);
        assert.equal(failed.input.inputText, `Diagnose ${SENTINEL}`);
        // Error descriptions stay content-free in every mode; rejections carry no content at all.
        assert.equal(failed.errorMessage, "ValidationException (HTTP 400)");
        assert.ok(!JSON.stringify(rejected).includes(SENTINEL));
    });

    it("never writes the ExternalId into a record or a response", async () => {
        const { stdout, responses } = await runAllPaths("full");
        assert.ok(!stdout.all().includes(EXTERNAL_ID) && !responses.includes(EXTERNAL_ID));
    });

    it("gives 200 concurrent runs through one handler 200 correct records and no leftover run state", async () => {
        aws.bedrock.reply = (call) => {
            const text = converseText(call);
            return { text: `reply-${text.length}`, usage: { inputTokens: text.length, outputTokens: String(text.length).length } };
        };
        const { handler, stdout } = handlerWithCapture(aws.env);
        const runs = Array.from({ length: 200 }, (_, i) => ({ userId: `user-${i}`, requestId: `req-${i}`, prompt: "x".repeat(i + 1) }));

        const responses = await Promise.all(runs.map((r) => handler(event(r), CONTEXT)));

        responses.forEach((response, i) => assert.deepEqual("output" in response && response.output, `reply-${i + 1}`));
        const records = stdout.records();
        assert.equal(records.length, 200);
        const byRequest = new Map(records.map((r) => [r.clientRequestId, r]));
        assert.equal(byRequest.size, 200);
        for (const [i, run] of runs.entries()) {
            const record = byRequest.get(run.requestId)!;
            assert.equal(record.userId, run.userId);
            assert.equal(record.input.inputTokenCount, i + 1);
            assert.equal(record.input.inputCharCount, i + 1);
            assert.equal(record.output.outputCharCount, `reply-${i + 1}`.length);
            assert.equal(record.outcome, "success");
        }
        assert.equal(handler.logger.stats().activeRuns, 0);
        assert.equal(aws.sts.assumeRoleCalls.length >= 1, true);
    });
});
