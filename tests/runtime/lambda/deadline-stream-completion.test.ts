/**
 * Fail-closed streaming: Bedrock's stream has ended, every chunk has reached
 * the caller, and the completion record is still being written when the
 * deadline comes. That record is the call's one, so the last line follows
 * it, as the buffered handler's answer does: `end` once it is durable in
 * time, `AuditUnavailable` when it is not, never `DeadlineExceeded` while
 * the trail holds a `success` record for the call.
 */
import { strict as assert } from "assert";
import { PassThrough } from "stream";
import { useLocalAws, type LocalAws } from "../../../testing/local-aws";
import { event, handlerWithCapture } from "../../../testing/runtime-fixtures";
import type { StreamLine } from "../../../runtime/lambda/streaming";
import { contextWithDeadline } from "../../support/runtime-harness";
import { DelayingSink, stillRunningAfter } from "../../support/archive-rig";

const FUNCTION_TIMEOUT_MS = 1500;
const MARGIN_MS = 600;

describe("fail-closed handler.stream, completion record still being written at the deadline", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    /** The lines answered and the records written, with the completion record durable `delayMs` after it is handed over. */
    async function streamed(delayMs: number): Promise<{ lines: StreamLine[]; sink: DelayingSink; returnedAt: number; deadline: number }> {
        const sink = new DelayingSink((record) => (record.outcome === "started" ? 0 : delayMs));
        const { handler } = handlerWithCapture(aws.env, { auditMode: "fail-closed", sink, deadlineMarginMs: MARGIN_MS, onWarning: () => undefined });
        const out = new PassThrough();
        let text = "";
        out.on("data", (d: Buffer) => (text += d.toString("utf8")));
        const context = contextWithDeadline(FUNCTION_TIMEOUT_MS);
        const returned = await Promise.race([handler.stream(event(), out, context), stillRunningAfter(FUNCTION_TIMEOUT_MS + 1000)]);
        assert.notEqual(returned, "still running");
        const returnedAt = Date.now();
        return { lines: text.trim().split("\n").map((l) => JSON.parse(l) as StreamLine), sink, returnedAt, deadline: context.deadline };
    }

    it("a completion record durable before the last moment: the stream ends with its end line", async () => {
        // Durable 300 ms after the call's deadline (900 ms), before the handler stops waiting for records.
        const { lines, sink, returnedAt, deadline } = await streamed(1200);
        assert.ok(returnedAt < deadline, `returned ${returnedAt - deadline} ms after the function's timeout`);
        assert.deepEqual(lines.filter((l) => l.type === "chunk").map((l) => (l as { text: string }).text).join(""), "ok");
        assert.equal(lines.at(-1)?.type, "end", JSON.stringify(lines.at(-1)));
        assert.deepEqual(sink.records.map((r) => r.outcome), ["started", "success"]);
    });

    it("a completion record not durable in time: the stream ends with AuditUnavailable, never DeadlineExceeded over its success record", async () => {
        const { lines, sink, returnedAt, deadline } = await streamed(2500);
        assert.ok(returnedAt < deadline);
        const last = lines.at(-1) as { type: string; error?: { code: string } };
        assert.deepEqual([last.type, last.error?.code], ["error", "AuditUnavailable"]);
        await new Promise((resolve) => setTimeout(resolve, 2500));
        assert.deepEqual(sink.records.map((r) => r.outcome), ["started", "success"]);
    });
});
