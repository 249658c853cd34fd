import { strict as assert } from "assert";
import { createHash } from "crypto";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { ChatBedrockConverse } from "@langchain/aws";
import { LocalBedrockServer, LocalS3Server } from "../../../testing/local-aws";
import { PrivateInvocationLogger } from "../../../runtime/private-invocation-logger";
import { ArchivingSink } from "../../../runtime/sinks/archive-sink";
import { MemorySink } from "../../support/memory-sink";
import { MAX_RECORD_LINE_BYTES } from "../../../runtime/record-line";

const BUCKET = "btn-customer-b-archive-222222222222";
const KEY_ARN = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const credentials = { accessKeyId: "AKIDCUSTOMERB", secretAccessKey: "secret" };

describe("ArchivingSink with the logger in a LangChain application (local Bedrock and S3)", () => {
    let bedrock: LocalBedrockServer;
    let s3: LocalS3Server;
    let model: ChatBedrockConverse;
    let client: S3Client;

    before(async () => {
        [bedrock, s3] = await Promise.all([new LocalBedrockServer().start(), new LocalS3Server().start()]);
        model = new ChatBedrockConverse({
            model: "amazon.nova-micro-v1:0",
            region: "us-east-1",
            client: new BedrockRuntimeClient({ region: "us-east-1", endpoint: bedrock.url, credentials, requestHandler: new NodeHttpHandler(), maxAttempts: 1 }),
        });
        client = new S3Client({ region: "us-east-1", endpoint: s3.url, forcePathStyle: true, credentials, requestHandler: new NodeHttpHandler(), maxAttempts: 1 });
    });
    beforeEach(() => s3.reset());
    after(() => Promise.all([bedrock.close(), s3.close()]));

    it("archives a 2 MiB prompt untruncated; its hash matches, and the log copy is cut", async () => {
        const primary = new MemorySink();
        const sink = new ArchivingSink({ primary, client, bucket: BUCKET, kmsKeyArn: KEY_ARN });
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-b", contentMode: "full", maxContentBytes: Infinity, auditMode: "fail-closed" });
        const prompt = "x".repeat(2 * 1024 * 1024);

        await model.invoke(prompt, { callbacks: [logger] });
        await logger.flush();

        const archived = s3.records(BUCKET, "tenant=customer-b/").find((a) => a.record.outcome === "success")!;
        assert.equal(archived.record.input.inputText.length, prompt.length);
        assert.ok(archived.record.input.inputText === prompt);
        assert.equal(archived.record.input.inputSha256, createHash("sha256").update(prompt).digest("hex"));
        const logged = primary.records().find((r) => r.outcome === "success")!;
        assert.equal(logged.input.inputTruncated, true);
        assert.ok(Buffer.byteLength(primary.lines.find((l) => l.includes('"success"'))!) < MAX_RECORD_LINE_BYTES);
        assert.equal(logged.input.inputSha256, archived.record.input.inputSha256);
        assert.equal(logged.archive?.key, archived.key);
        // The started record and the completion record, one object each.
        assert.deepEqual(sink.stats(), { delivered: 2, lost: 0, rejected: 0, pending: 0 });
    });

    it("rejects, after writing the log copy, when the archive refuses the object", async () => {
        s3.requiredKmsKeyArn = "arn:aws:kms:us-east-1:222222222222:key/00000000-0000-0000-0000-000000000000";
        const primary = new MemorySink();
        const sink = new ArchivingSink({ primary, client, bucket: BUCKET, kmsKeyArn: KEY_ARN });
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-b", onWarning: () => undefined });
        try {
            await model.invoke("hello", { callbacks: [logger] });
            await logger.flush();
        } finally {
            s3.requiredKmsKeyArn = undefined;
        }

        assert.equal(logger.stats().lost, 1);
        assert.equal(primary.records()[0].archive?.errorCode, "AccessDenied");
        assert.deepEqual(sink.stats(), { delivered: 0, lost: 1, rejected: 0, pending: 0 });
    });

    it("counts an object lost when the client answers PutObject with no response, and says so in the log copy", async () => {
        // What a client stubbed for other commands answers: no proof the object is stored.
        const stub = { send: async () => undefined };
        const primary = new MemorySink();
        const sink = new ArchivingSink({ primary, client: stub, bucket: BUCKET, kmsKeyArn: KEY_ARN });
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-b", onWarning: () => undefined });

        await model.invoke("hello", { callbacks: [logger] });
        await logger.flush();

        assert.equal(primary.records()[0].archive?.errorCode, "AuditDeliveryError");
        assert.deepEqual(sink.stats(), { delivered: 0, lost: 1, rejected: 0, pending: 0 });
    });

    it("passes a failure of the log sink on", async () => {
        const primary = new MemorySink();
        primary.failWith = "log group gone";
        const sink = new ArchivingSink({ primary, client, bucket: BUCKET, kmsKeyArn: KEY_ARN });
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-b", auditMode: "fail-closed", onWarning: () => undefined });

        await assert.rejects(model.invoke("hello", { callbacks: [logger] }), /could not be written/);
        assert.equal(s3.records(BUCKET).length, 1);
    });

    it("refuses a primary sink or client that is not one", () => {
        assert.throws(() => new ArchivingSink({ primary: {} as never, client, bucket: BUCKET, kmsKeyArn: KEY_ARN }), /primary must implement AuditSink/);
        assert.throws(() => new ArchivingSink({ primary: new MemorySink(), client: {} as never, bucket: BUCKET, kmsKeyArn: KEY_ARN }), /client must be an S3Client/);
    });

    it("refuses a logger text limit below 1 byte", () => {
        assert.throws(() => new PrivateInvocationLogger({ sink: new MemorySink(), tenantId: "customer-b", maxContentBytes: 0 }), /maxContentBytes must be at least 1, got 0/);
    });
});
