/**
 * An archive write that S3 does not answer cannot hold the handler or the
 * log copy past the function's timeout: the write gives up within the
 * deadline margin, and the log copy reaches the log in time, saying why its
 * archive object is missing.
 */
import { strict as assert } from "assert";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { CUSTOMER_ACCESS_KEY_ID, LocalS3Server, useLocalAws, type LocalAws } from "../../../testing/local-aws";
import type { AuditMode } from "../../../contract";
import { event, handlerWithCapture } from "../../../testing/runtime-fixtures";
import { contextWithDeadline } from "../../support/runtime-harness";

const BUCKET = "btn-customer-a-archive-111111111111";
const KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const FUNCTION_TIMEOUT_MS = 1500;
const MARGIN_MS = 600;

const sleep = (ms: number) => new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), ms));

describe("Lambda handler deadline with an archive write S3 does not answer", () => {
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

    for (const auditMode of ["best-effort", "fail-closed"] as AuditMode[]) {
        it(`answers before the function's timeout, its log copy in the log with archive.errorCode DeadlineExceeded (${auditMode})`, async () => {
            s3.faultFor = () => ({ kind: "slow", ms: 60_000 });
            const warnings: string[] = [];
            const { handler, stdout } = handlerWithCapture(aws.env, {
                auditMode,
                archiveClient,
                archiveBucket: BUCKET,
                archiveKmsKeyArn: KEY_ARN,
                deadlineMarginMs: MARGIN_MS,
                onWarning: (w) => warnings.push(w),
            });
            const context = contextWithDeadline(FUNCTION_TIMEOUT_MS);

            const answer = await Promise.race([handler(event(), context), sleep(FUNCTION_TIMEOUT_MS + 1000)]);
            const answeredAt = Date.now();

            assert.notEqual(answer, "still running", "the handler was still waiting for S3 a second after the function's timeout");
            assert.ok(answeredAt < context.deadline, `answered ${answeredAt - context.deadline} ms after the function's timeout`);
            const records = stdout.records();
            const completions = records.filter((r) => r.outcome !== "started");
            assert.equal(completions.length, 1, `log lines at the answer: ${JSON.stringify(records.map((r) => r.outcome))}`);
            for (const record of records) {
                assert.equal(record.archive?.errorCode, "DeadlineExceeded");
                assert.equal(record.archive?.sha256, undefined);
            }
            // The log copies are in the log; the archive objects are not, and that loss is counted and reported.
            assert.ok(handler.logger.stats().lost >= 1);
            assert.ok(warnings.some((w) => w.startsWith("audit record lost")), JSON.stringify(warnings));
            if (auditMode === "best-effort") {
                assert.equal((answer as { output?: string }).output, "ok");
            } else {
                // Fail-closed: no record of the call is durable in both places, so nothing is returned.
                assert.equal((answer as { error?: { code: string } }).error?.code, "AuditUnavailable");
            }
        });
    }

    it("archives as before when S3 answers within the deadline", async () => {
        const { handler, stdout } = handlerWithCapture(aws.env, { archiveClient, archiveBucket: BUCKET, archiveKmsKeyArn: KEY_ARN, deadlineMarginMs: MARGIN_MS });

        const answer = await handler(event(), contextWithDeadline(FUNCTION_TIMEOUT_MS));

        assert.equal((answer as { output?: string }).output, "ok");
        const [record] = stdout.records();
        assert.equal(record.archive?.errorCode, undefined);
        assert.ok(s3.objects.has(`${BUCKET}/${record.archive!.key}`));
    });
});
