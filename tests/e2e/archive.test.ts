import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as http from "http";
import { CUSTOMER_ACCESS_KEY_ID, LocalS3Server, converseText, useLocalAws, type LocalAws } from "../../testing/local-aws";
import { ARCHIVE_DATE_PARTITION, RuntimeEnv, archiveTenantPrefix } from "../../contract";
import { MAX_RECORD_LINE_BYTES } from "../../runtime/record-line";
import { CONTEXT, TENANT_ENV, event, handlerWithCapture } from "../../testing/runtime-fixtures";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { MemorySink } from "../support/memory-sink";
import { awslambdaHarness, invokeStreaming } from "../support/lambda-stream-harness";
import { localLogsSink, streamRecords } from "../support/runtime-harness";
import { ARCHIVE_BUCKET, ARCHIVE_KEY_ARN, archiveS3Client } from "../support/archive-rig";

const BUCKET = ARCHIVE_BUCKET;
const KEY_ARN = ARCHIVE_KEY_ARN;
const ARCHIVE_ENV = { [RuntimeEnv.archiveBucket]: BUCKET, [RuntimeEnv.archiveKmsKeyArn]: KEY_ARN };
const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

const s3Client = archiveS3Client;

describe("audit archive end to end (local Bedrock, STS and S3)", () => {
    let aws: LocalAws;
    let s3: LocalS3Server;
    const localAws = useLocalAws();
    before(async () => {
        aws = localAws();
        s3 = await new LocalS3Server().start();
        s3.requiredKmsKeyArn = KEY_ARN;
    });
    beforeEach(() => {
        s3.reset();
        // Each completion repeats its own prompt, so a record mixed with another call's content shows.
        aws.bedrock.reply = (call) => ({ text: `answer to ${converseText(call)}`, usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } });
    });
    after(() => s3.close());

    // The calls' objects, where the Athena table reads them (the chain's checkpoints sit beside them).
    const archived = () => s3.records(BUCKET, `${archiveTenantPrefix("customer-a")}${ARCHIVE_DATE_PARTITION}=`);
    const handlerFor = (env: Record<string, string>, client = s3Client(s3.url)) => handlerWithCapture({ ...aws.env, ...ARCHIVE_ENV, ...env }, { archiveClient: client });

    it("archives the calls of createTenantChatModel too, for ECS, EC2 or any compute", async () => {
        const sink = new MemorySink();
        const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV, ...ARCHIVE_ENV, [RuntimeEnv.contentMode]: "full" }, archiveClient: s3Client(s3.url) });

        await model.invoke("archived from a container");
        await model.auditLogger.flush();

        assert.equal(archived().length, 1);
        assert.equal(archived()[0].record.input.inputText, "archived from a container");
        assert.equal(archived()[0].object.accessKeyId, CUSTOMER_ACCESS_KEY_ID);
        assert.equal(sink.records()[0].archive?.key, archived()[0].key);
    });

    it("archives a 570 KB prompt and a 2 MiB completion untruncated, with matching hashes, while the log copy keeps its cut and points at the object", async () => {
        // The handler accepts prompts up to 200,000 characters; "€" takes 3 bytes in UTF-8.
        const prompt = "€".repeat(190_000) + "end-of-prompt";
        const completion = "é".repeat(1024 * 1024) + "end-of-completion";
        aws.bedrock.reply = () => ({ text: completion, usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } });
        const { handler, stdout } = handlerFor({ [RuntimeEnv.contentMode]: "full" });

        const response = await handler(event({ prompt }), CONTEXT);

        assert.ok("output" in response);
        assert.equal(archived().length, 1);
        const [{ key, record, object }] = archived();
        assert.ok(record.input.inputText === prompt, "the prompt arrives whole");
        assert.equal(record.input.inputSha256, sha256(prompt));
        assert.ok(record.output.outputText === completion, "the completion arrives whole");
        assert.equal(Buffer.byteLength(record.output.outputText), 2 * 1024 * 1024 + "end-of-completion".length);
        assert.equal(record.output.outputSha256, sha256(completion));
        assert.equal(record.input.inputTruncated, undefined);
        assert.match(key, /^tenant=customer-a\/dt=\d{4}-\d{2}-\d{2}\/\d{9}-[0-9a-f-]{36}-success\.json$/);
        const [logged] = stdout.records();
        assert.equal(logged.input.inputTruncated, true);
        assert.equal(logged.output.outputTruncated, true);
        assert.ok(Buffer.byteLength(stdout.all().split("\n")[0]) < MAX_RECORD_LINE_BYTES);
        assert.deepEqual([logged.input.inputSha256, logged.output.outputSha256], [sha256(prompt), sha256(completion)]);
        assert.deepEqual(logged.archive, { key, sha256: sha256(object.body) });
    });

    it("sends the SHA-256 checksum header and names the customer key on every write, signed with the customer's key", async () => {
        const { handler } = handlerFor({ [RuntimeEnv.contentMode]: "hash" });

        await handler(event(), CONTEXT);

        const [{ object, record }] = archived();
        assert.equal(object.headers["x-amz-checksum-sha256"], createHash("sha256").update(object.body).digest("base64"));
        assert.equal(object.headers["x-amz-server-side-encryption"], "aws:kms");
        assert.equal(object.headers["x-amz-server-side-encryption-aws-kms-key-id"], KEY_ARN);
        assert.equal(object.accessKeyId, CUSTOMER_ACCESS_KEY_ID);
        assert.equal(record.input.inputText, undefined);
        assert.equal(record.input.inputSha256, sha256("Summarise the contract."));
    });

    it("the stand-in refuses a write without an integrity header, as an Object Lock bucket does", async () => {
        const status = await new Promise<number>((resolve, reject) => {
            const req = http.request(`${s3.url}/${BUCKET}/tenant=customer-a/x.json`, { method: "PUT" }, (res) => resolve(res.statusCode ?? 0));
            req.on("error", reject);
            req.end("{}");
        });
        assert.equal(status, 400);
        assert.equal(archived().length, 0);
    });

    it("keeps the record content-free in none mode", async () => {
        const { handler } = handlerFor({});

        await handler(event(), CONTEXT);

        const [{ record }] = archived();
        assert.deepEqual(Object.keys(record.input).sort(), ["inputCharCount", "inputTokenCount"]);
        assert.equal(JSON.stringify(record).includes("Summarise"), false);
    });

    it("retries S3 throttling and archives the record", async () => {
        s3.failNext({ kind: "throttle" }, { kind: "throttle" });
        const { handler, stdout } = handlerFor({ [RuntimeEnv.auditMode]: "fail-closed" });

        const response = await handler(event(), CONTEXT);

        assert.ok("output" in response);
        // Fail-closed: the started record, then the completion record, each its own object.
        assert.deepEqual(archived().map((a) => a.record.outcome).sort(), ["started", "success"]);
        assert.equal(s3.requests.length, 4);
        assert.deepEqual(stdout.records().map((r) => r.archive?.errorCode), [undefined, undefined]);
    });

    for (const [fault, makeClient] of [
        ["throttling past every retry", () => (s3.faultFor = () => ({ kind: "throttle" }), s3Client(s3.url))],
        ["an unreachable endpoint", () => s3Client("http://127.0.0.1:9", 2)],
    ] as const) {
        it(`best-effort: answers, counts and reports a lost archive write under ${fault}, and the log copy says so`, async () => {
            const warnings: string[] = [];
            const { handler, stdout } = handlerWithCapture({ ...aws.env, ...ARCHIVE_ENV }, { archiveClient: makeClient(), onWarning: (m) => warnings.push(m) });

            const response = await handler(event(), CONTEXT);

            assert.ok("output" in response);
            assert.equal(handler.logger.stats().lost, 1);
            assert.equal(warnings.length, 1);
            assert.match(warnings[0], /audit record lost/);
            const [logged] = stdout.records();
            assert.match(String(logged.archive?.errorCode), /SlowDown|ECONNREFUSED|Error/);
            assert.equal(archived().length, 0);
        });

        it(`fail-closed: refuses the call under ${fault}`, async () => {
            const { handler, stdout } = handlerWithCapture({ ...aws.env, ...ARCHIVE_ENV, [RuntimeEnv.auditMode]: "fail-closed" }, { archiveClient: makeClient() });

            const response = await handler(event(), CONTEXT);

            assert.deepEqual("error" in response && response.error.code, "AuditUnavailable");
            assert.equal(archived().length, 0);
            assert.ok(stdout.records()[0].archive?.errorCode);
        });

        it(`fail-closed: streams nothing and never calls Bedrock under ${fault}`, async () => {
            const { handler, stdout } = handlerWithCapture({ ...aws.env, ...ARCHIVE_ENV, [RuntimeEnv.auditMode]: "fail-closed" }, { archiveClient: makeClient() });
            const bedrockCalls = aws.bedrock.calls.length;

            const { stream: response } = await invokeStreaming(awslambdaHarness.streamifyResponse(handler.stream), event(), CONTEXT);

            assert.deepEqual(response.lines.map((l) => l.line.type), ["error"]);
            assert.equal((response.lines[0].line as { error: { code: string } }).error.code, "AuditUnavailable");
            assert.equal(aws.bedrock.calls.length, bedrockCalls, "Bedrock was called before the call was on record");
            assert.deepEqual(stdout.records().map((r) => r.outcome), ["started"]);
            assert.ok(stdout.records()[0].archive?.errorCode);
            assert.equal(handler.logger.stats().activeRuns, 0);
        });
    }

    it("names the customer account as the bucket's expected owner, so another account's bucket is refused", async () => {
        s3.bucketOwners.set(BUCKET, "111111111111");
        const { handler: own } = handlerFor({});
        assert.ok("output" in (await own(event(), CONTEXT)));
        assert.equal(archived().length, 1);
        assert.equal(archived()[0].object.headers["x-amz-expected-bucket-owner"], "111111111111");

        // The same bucket name, now owned by someone else: S3 refuses, and the log copy says so.
        s3.reset();
        s3.bucketOwners.set(BUCKET, "222222222222");
        const { handler, stdout } = handlerFor({});
        const response = await handler(event(), CONTEXT);

        assert.ok("output" in response);
        assert.equal(archived().length, 0);
        assert.equal(stdout.records()[0].archive?.errorCode, "AccessDenied");
        assert.equal(handler.logger.stats().lost, 1);
    });

    for (const auditMode of ["best-effort", "fail-closed"] as const) {
        it(`with the CloudWatch Logs sink (${auditMode}), every record is stored when the call returns, with no wait for the sink's timer`, async () => {
            // An hour-long batching timer: a call that waited for it would time the test out.
            const sink = localLogsSink(aws, { logStreamName: `archive-timer-${auditMode}`, flushIntervalMs: 3_600_000 });
            const { handler } = handlerWithCapture({ ...aws.env, ...ARCHIVE_ENV, [RuntimeEnv.auditMode]: auditMode }, { archiveClient: s3Client(s3.url), sink });

            for (let i = 0; i < 3; i++) {
                assert.ok("output" in (await handler(event({ requestId: `t-${i}` }), CONTEXT)));
                const stored = streamRecords(aws, sink.logStreamName).filter((r) => r.outcome === "success");
                assert.equal(stored.length, i + 1, "the log copy was still waiting in the sink's buffer");
            }
            await sink.close();
        });
    }

    it("createTenantChatModel, fail-closed, archive and CloudWatch Logs: each call returns with its records stored", async () => {
        const sink = localLogsSink(aws, { logStreamName: "archive-timer-model", flushIntervalMs: 3_600_000 });
        const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV, ...ARCHIVE_ENV, [RuntimeEnv.auditMode]: "fail-closed" }, archiveClient: s3Client(s3.url) });

        await model.invoke("first");
        await model.invoke("second");

        assert.deepEqual(streamRecords(aws, sink.logStreamName).map((r) => r.outcome), ["started", "success", "started", "success"]);
        assert.equal(archived().length, 4);
        await sink.close();
    });

    it("archives 1,000 calls at 100 in flight, each object holding only its own content", async function () {
        this.timeout(120_000);
        const { handler } = handlerFor({ [RuntimeEnv.contentMode]: "full" });
        const prompts = Array.from({ length: 1000 }, (_, i) => `prompt number ${i} of the load run`);

        for (let start = 0; start < prompts.length; start += 100) {
            const wave = prompts.slice(start, start + 100);
            const responses = await Promise.all(wave.map((prompt, i) => handler(event({ prompt, requestId: `req-${start + i}` }), CONTEXT)));
            assert.ok(responses.every((r) => "output" in r));
        }

        const records = archived().map((a) => a.record);
        assert.equal(records.length, 1000);
        const byRequest = new Map(records.map((r) => [r.clientRequestId, r]));
        assert.equal(byRequest.size, 1000);
        for (const [i, prompt] of prompts.entries()) {
            const r = byRequest.get(`req-${i}`)!;
            assert.equal(r.input.inputText, prompt);
            assert.equal(r.output.outputText, `answer to ${prompt}`);
        }
    });
});
