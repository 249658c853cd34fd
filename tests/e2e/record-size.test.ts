import { strict as assert } from "assert";
import { createHash } from "crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { CUSTOMER_ACCESS_KEY_ID, LocalS3Server, useLocalAws, type LocalAws } from "../../testing/local-aws";
import { RuntimeEnv, archiveTenantPrefix } from "../../contract";
import { MAX_RECORD_LINE_BYTES } from "../../runtime/record-line";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { CONTEXT, TENANT_ENV, event, handlerWithCapture } from "../../testing/runtime-fixtures";
import { awslambdaHarness, invokeStreaming } from "../support/lambda-stream-harness";
import { localLogsSink, streamRecords } from "../support/runtime-harness";

const BUCKET = "btn-customer-a-archive-111111111111";
const KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("record size: no line over 256 KiB, nothing refused for size, the archive keeps everything", () => {
    let aws: LocalAws;
    let s3: LocalS3Server;
    const localAws = useLocalAws();
    before(async () => {
        aws = localAws();
        s3 = await new LocalS3Server().start();
    });
    after(() => s3.close());

    it("writes a full-mode Lambda record of a prompt of quotes and newlines in one line of at most 256 KiB", async () => {
        // 180,000 characters (under the event's 200,000) that JSON escaping doubles.
        const prompt = '"\n'.repeat(90_000);
        aws.bedrock.reply = () => ({ text: "ok", usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } });
        const { handler, stdout } = handlerWithCapture(aws.env, { contentMode: "full" });

        const response = await handler(event({ prompt }), CONTEXT);

        assert.ok("output" in response);
        const lines = stdout.all().split("\n").filter(Boolean);
        assert.equal(lines.length, 1);
        assert.ok(Buffer.byteLength(lines[0] + "\n") <= MAX_RECORD_LINE_BYTES, `${Buffer.byteLength(lines[0])} bytes`);
        const [r] = stdout.records();
        assert.equal(r.input.inputTruncated, true);
        assert.equal(r.input.inputSha256, sha256(prompt));
        assert.equal(r.input.inputCharCount, prompt.length);
    });

    it("delivers a full-mode record with 2 MiB of metadata through CloudWatch Logs instead of refusing it", async () => {
        const sink = localLogsSink(aws, { logStreamName: "big-metadata" });
        const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV, [RuntimeEnv.contentMode]: "full" } });
        aws.bedrock.reply = () => ({ text: "ok", usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } });
        const metadata = { ticket: "T-1", attachment: "a".repeat(2 * 1024 * 1024) };

        await model.invoke("hello", { metadata });
        await model.auditLogger.flush();
        await sink.close();

        assert.deepEqual(sink.stats(), { delivered: 1, lost: 0, rejected: 0, pending: 0 });
        assert.equal(model.auditLogger.stats().lost, 0);
        const [r] = streamRecords(aws, "big-metadata");
        assert.deepEqual(r.metadata, { ticket: "T-1" });
        assert.equal(r.metadataTruncated, true);
        assert.equal(r.metadataSha256, sha256(JSON.stringify(metadata)));
    });

    it("archives the whole output of a stream cut short, while its log line is cut", async () => {
        const chunks = Array.from({ length: 100 }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat(4096));
        aws.bedrock.reply = () => ({ text: chunks.join(""), chunks: [...chunks, "never sent"], chunkDelayMs: 5, usage: { inputTokens: 1, outputTokens: 1 } });
        const client = new S3Client({
            region: "us-east-1",
            endpoint: s3.url,
            forcePathStyle: true,
            credentials: { accessKeyId: CUSTOMER_ACCESS_KEY_ID, secretAccessKey: "secret" },
            requestHandler: new NodeHttpHandler(),
        });
        const { handler, stdout } = handlerWithCapture({ ...aws.env, [RuntimeEnv.archiveBucket]: BUCKET, [RuntimeEnv.archiveKmsKeyArn]: KEY_ARN, [RuntimeEnv.contentMode]: "full" }, { archiveClient: client });
        let received = "";

        await invokeStreaming(awslambdaHarness.streamifyResponse(handler.stream), event(), CONTEXT, (line, s) => {
            if (line.type === "chunk") received += line.text;
            if (received.length >= 300_000) s.disconnect();
        });

        const [archived] = s3.records(BUCKET, archiveTenantPrefix("customer-a"));
        assert.equal(archived.record.outcome, "error");
        const text = archived.record.output.outputText as string;
        assert.ok(text.length >= 300_000, `archived ${text.length} characters`);
        assert.equal(archived.record.output.outputTruncated, undefined);
        assert.ok(text.startsWith(received));
        assert.equal(archived.record.output.outputCharCount, text.length);
        const [logged] = stdout.records();
        assert.equal(logged.output.outputCharCount, text.length);
        assert.equal(logged.output.outputSha256, sha256(text));
        assert.equal(logged.output.outputTruncated, true);
        assert.ok(Buffer.byteLength(stdout.all()) <= MAX_RECORD_LINE_BYTES);
    });
});
