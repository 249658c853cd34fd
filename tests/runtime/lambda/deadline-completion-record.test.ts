/**
 * Fail-closed, the model call has ended but its completion record is still
 * being written when the deadline comes: that record is the call's one
 * completion record, so the answer follows it. The caller is never told
 * DeadlineExceeded while the trail says `success`; no second completion
 * record is written; and the answer still comes before the function's timeout.
 */
import { strict as assert } from "assert";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { CUSTOMER_ACCESS_KEY_ID, LocalS3Server, useLocalAws, type LocalAws } from "../../../testing/local-aws";
import type { AuditRecord, StoredRecord } from "../../../contract";
import { event, handlerWithCapture } from "../../../testing/runtime-fixtures";
import { SinkCounters, type AuditSink, type SinkStats } from "../../../runtime/sinks/audit-sink";
import { contextWithDeadline } from "../../support/runtime-harness";

const BUCKET = "btn-customer-a-archive-111111111111";
const KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const FUNCTION_TIMEOUT_MS = 1500;
const MARGIN_MS = 600;

const sleep = (ms: number) => new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), ms));

/** A sink of one's own that takes `delayMs` to make a completion record durable. */
class SlowCompletionSink implements AuditSink {
    readonly records: AuditRecord[] = [];
    private readonly counters = new SinkCounters();
    constructor(private readonly delayMs: number) {}
    write(record: StoredRecord): Promise<void> {
        const delay = (record as AuditRecord).outcome === "started" ? 0 : this.delayMs;
        return new Promise((resolve) =>
            setTimeout(() => {
                this.records.push(JSON.parse(JSON.stringify(record)) as AuditRecord);
                this.counters.delivered++;
                resolve();
            }, delay),
        );
    }
    async flush(): Promise<void> {}
    stats(): SinkStats {
        return this.counters.snapshot();
    }
}

describe("fail-closed Lambda handler, completion record still being written at the deadline", () => {
    let aws: LocalAws;
    let s3: LocalS3Server;
    let archiveClient: S3Client;
    const localAws = useLocalAws();
    before(async () => {
        aws = localAws();
        s3 = await new LocalS3Server().start();
        archiveClient = new S3Client({
            region: "us-east-1",
            endpoint: s3.url,
            forcePathStyle: true,
            credentials: { accessKeyId: CUSTOMER_ACCESS_KEY_ID, secretAccessKey: "secret" },
            requestHandler: new NodeHttpHandler(),
            maxAttempts: 1,
        });
    });
    beforeEach(() => s3.reset());
    after(async () => {
        archiveClient.destroy();
        await s3.close();
    });

    it("archive slow for the success record: answers AuditUnavailable in time, and the one completion record says its archive write was cut", async () => {
        s3.faultFor = (request) => (/-success\.json/.test(request.path) ? { kind: "slow", ms: 3000 } : undefined);
        const { handler, stdout } = handlerWithCapture(aws.env, {
            auditMode: "fail-closed",
            archiveClient,
            archiveBucket: BUCKET,
            archiveKmsKeyArn: KEY_ARN,
            deadlineMarginMs: MARGIN_MS,
        });
        const context = contextWithDeadline(FUNCTION_TIMEOUT_MS);

        const answer = await Promise.race([handler(event(), context), sleep(FUNCTION_TIMEOUT_MS + 2500)]);
        const answeredAt = Date.now();

        assert.notEqual(answer, "still running");
        assert.ok(answeredAt < context.deadline, `answered ${answeredAt - context.deadline} ms after the function's timeout`);
        assert.deepEqual(answer, { error: { code: "AuditUnavailable", message: "the audit record could not be written, so no completion is returned" } });
        const atAnswer = stdout.records();
        assert.deepEqual(atAnswer.map((r) => r.outcome), ["started", "success"]);
        assert.equal(atAnswer[1].archive?.errorCode, "DeadlineExceeded");
        assert.equal(atAnswer[1].callId, atAnswer[0].callId);

        // S3's late answer changes nothing: still one completion record, and no object for it.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        await handler.logger.flush();
        assert.equal(stdout.records().length, 2);
        assert.equal(s3.records(BUCKET).filter((o) => o.record.outcome === "success").length, 0);
    });

    it("a sink slow for the success record: answers AuditUnavailable in time, never DeadlineExceeded over a success record, and writes no second completion", async () => {
        const sink = new SlowCompletionSink(2500);
        const warnings: string[] = [];
        const { handler } = handlerWithCapture(aws.env, { auditMode: "fail-closed", sink, deadlineMarginMs: MARGIN_MS, onWarning: (w) => warnings.push(w) });
        const context = contextWithDeadline(FUNCTION_TIMEOUT_MS);

        const answer = await Promise.race([handler(event(), context), sleep(FUNCTION_TIMEOUT_MS + 2500)]);
        const answeredAt = Date.now();

        assert.notEqual(answer, "still running");
        assert.ok(answeredAt < context.deadline, `answered ${answeredAt - context.deadline} ms after the function's timeout`);
        assert.deepEqual(answer, {
            error: { code: "AuditUnavailable", message: "the audit record was not confirmed written before the function's deadline, so no completion is returned" },
        });
        assert.ok(warnings.some((w) => /not confirmed written by the function's deadline/.test(w)), JSON.stringify(warnings));

        await new Promise((resolve) => setTimeout(resolve, 2500));
        const completions = sink.records.filter((r) => r.outcome !== "started");
        assert.deepEqual(
            completions.map((r) => r.outcome),
            ["success"],
        );
        assert.equal(sink.records.filter((r) => r.outcome === "started")[0].callId, completions[0].callId);
    });

    it("a completion record that becomes durable before the last moment is answered with the completion", async () => {
        // Durable 300 ms after the deadline (900 ms), before the handler stops waiting for records (1350 ms).
        const { handler } = handlerWithCapture(aws.env, { auditMode: "fail-closed", sink: new SlowCompletionSink(1200), deadlineMarginMs: MARGIN_MS });
        const context = contextWithDeadline(FUNCTION_TIMEOUT_MS);

        const answer = await handler(event(), context);

        assert.ok(Date.now() < context.deadline);
        assert.equal((answer as { output?: string }).output, "ok");
    });
});
