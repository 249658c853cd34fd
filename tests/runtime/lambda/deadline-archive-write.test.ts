/**
 * An archive write that S3 does not answer cannot hold the handler or the
 * log copy past the function's timeout: the write gives up within the
 * deadline margin, and the log copy reaches the log in time, saying why its
 * archive object is missing.
 */
import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../../../testing/local-aws";
import type { AuditMode } from "../../../contract";
import { event, handlerWithCapture } from "../../../testing/runtime-fixtures";
import { contextWithDeadline } from "../../support/runtime-harness";
import { ARCHIVE_BUCKET, stillRunningAfter, useLocalArchive } from "../../support/archive-rig";

const FUNCTION_TIMEOUT_MS = 1500;
const MARGIN_MS = 600;

describe("Lambda handler deadline with an archive write S3 does not answer", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    const archive = useLocalArchive();
    before(() => {
        aws = localAws();
    });

    for (const auditMode of ["best-effort", "fail-closed"] as AuditMode[]) {
        it(`answers before the function's timeout, its log copy in the log with archive.errorCode DeadlineExceeded (${auditMode})`, async () => {
            archive().s3.faultFor = () => ({ kind: "slow", ms: 60_000 });
            const warnings: string[] = [];
            const { handler, stdout } = handlerWithCapture(aws.env, {
                auditMode,
                ...archive().options,
                deadlineMarginMs: MARGIN_MS,
                onWarning: (w) => warnings.push(w),
            });
            const context = contextWithDeadline(FUNCTION_TIMEOUT_MS);

            const answer = await Promise.race([handler(event(), context), stillRunningAfter(FUNCTION_TIMEOUT_MS + 1000)]);
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
        const { handler, stdout } = handlerWithCapture(aws.env, { ...archive().options, deadlineMarginMs: MARGIN_MS });

        const answer = await handler(event(), contextWithDeadline(FUNCTION_TIMEOUT_MS));

        assert.equal((answer as { output?: string }).output, "ok");
        const [record] = stdout.records();
        assert.equal(record.archive?.errorCode, undefined);
        assert.ok(archive().s3.objects.has(`${ARCHIVE_BUCKET}/${record.archive!.key}`));
    });
});
