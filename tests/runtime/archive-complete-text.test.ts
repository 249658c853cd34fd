/** The archive keeps what the log copy cuts: text cut by `maxContentBytes`, and call ids no key can hold. */
import { strict as assert } from "assert";
import { createHash } from "crypto";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import type { PutObjectCommand } from "@aws-sdk/client-s3";
import type { AuditRecord, StoredRecord } from "../../contract";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { ArchivingSink, type ArchivingSinkOptions } from "../../runtime/sinks/archive-sink";
import { allBreaks, verifyAuditTrail } from "../../verifier/audit";
import { jsonLines } from "../support/audit-trail";
import { MemorySink } from "../support/memory-sink";

const BUCKET = "btn-customer-b-archive-222222222222";
const KEY_ARN = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const sha = (text: string) => createHash("sha256").update(text).digest("hex");

/** An S3 client that keeps each object's key and body. */
class MemoryS3 {
    readonly objects = new Map<string, string>();
    send(command: PutObjectCommand): Promise<unknown> {
        this.objects.set(command.input.Key!, Buffer.from(command.input.Body as Buffer).toString("utf8"));
        return Promise.resolve({});
    }
    records(): StoredRecord[] {
        return [...this.objects.entries()].filter(([key]) => !key.includes("/chain/")).map(([, body]) => JSON.parse(body) as StoredRecord);
    }
}

const reply = (text: string) => ({ generations: [[{ text, message: new AIMessage(text) } as never]] });

describe("the archive copy of a record the logger's maxContentBytes cut", () => {
    it("holds the complete prompt and completion, with the SHA-256 the log copy carries, and the trail verifies", async () => {
        const primary = new MemorySink();
        const s3 = new MemoryS3();
        const sink = new ArchivingSink({ primary, client: s3, bucket: BUCKET, kmsKeyArn: KEY_ARN });
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-b", contentMode: "full", maxContentBytes: 16, auditMode: "fail-closed", onWarning: () => undefined });
        const prompt = "The complete prompt text that is longer than sixteen bytes";
        const completion = "A completion that is also longer than sixteen bytes";

        await logger.runStarted("run-1", [new HumanMessage(prompt)], {});
        await logger.runEnded("run-1", reply(completion));
        await logger.flush();

        const archived = s3.records().find((r) => r.schemaType !== undefined && (r as AuditRecord).outcome === "success") as AuditRecord;
        assert.equal(archived.input.inputText, prompt);
        assert.equal(archived.output.outputText, completion);
        assert.equal(archived.input.inputSha256, sha(prompt));
        assert.equal(archived.output.outputSha256, sha(completion));
        assert.equal(archived.input.inputTruncated, undefined);
        assert.equal(archived.output.outputTruncated, undefined);

        const logged = primary.records().find((r) => r.outcome === "success")!;
        assert.equal(logged.input.inputTruncated, true);
        assert.ok(logged.input.inputText!.length < prompt.length);
        assert.equal(logged.input.inputSha256, archived.input.inputSha256);
        assert.equal(logged.output.outputSha256, archived.output.outputSha256);

        const log = jsonLines(primary.lines);
        const archive = jsonLines([...s3.objects.values()].map((body) => body.trimEnd()));
        assert.deepEqual(allBreaks(verifyAuditTrail([log, archive])), []);
        // Control: the checker compares the two copies, so an archived prompt edited afterwards shows.
        const edited = jsonLines([...s3.objects.values()].map((body) => body.trimEnd().replace(prompt, prompt.toUpperCase())));
        assert.notDeepEqual(allBreaks(verifyAuditTrail([log, edited])), []);
    });

    it("keeps a lone surrogate in the kept part of a cut text as itself, so the two copies still agree", async () => {
        const primary = new MemorySink();
        const s3 = new MemoryS3();
        const sink = new ArchivingSink({ primary, client: s3, bucket: BUCKET, kmsKeyArn: KEY_ARN });
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-b", contentMode: "full", maxContentBytes: 16, onWarning: () => undefined });
        const prompt = `\ud800${"a".repeat(60)}`;
        const completion = `b\udfff${"b".repeat(60)}`;

        await logger.runStarted("run-1", [new HumanMessage(prompt)], {});
        await logger.runEnded("run-1", reply(completion));
        await logger.flush();

        const logged = primary.records().find((r) => r.outcome === "success")!;
        assert.equal(logged.input.inputTruncated, true);
        assert.ok(prompt.startsWith(logged.input.inputText!.replace(/…\[truncated\]$/, "")), JSON.stringify(logged.input.inputText));
        assert.ok(completion.startsWith(logged.output.outputText!.replace(/…\[truncated\]$/, "")), JSON.stringify(logged.output.outputText));
        const log = jsonLines(primary.lines);
        const archive = jsonLines([...s3.objects.values()].map((body) => body.trimEnd()));
        assert.deepEqual(allBreaks(verifyAuditTrail([log, archive])), []);
    });

    it("names the object of a call whose id no key can hold by the id's SHA-256, and archives the record", async () => {
        const primary = new MemorySink();
        const s3 = new MemoryS3();
        const sink = new ArchivingSink({ primary, client: s3, bucket: BUCKET, kmsKeyArn: KEY_ARN });
        const logger = new PrivateInvocationLogger({ sink, tenantId: "customer-b", auditMode: "fail-closed", onWarning: () => undefined });

        await logger.runStarted("r/".repeat(200 * 1024), [new HumanMessage("hi")], {});
        await logger.runEnded("r/".repeat(200 * 1024), reply("ok"));
        await logger.flush();

        assert.equal(logger.stats().lost, 0);
        const keys = [...s3.objects.keys()];
        assert.equal(keys.length, 2);
        for (const key of keys) {
            assert.ok(Buffer.byteLength(key) <= 1024, `key of ${Buffer.byteLength(key)} bytes`);
            assert.match(key, /\/\d{9}-sha256-[0-9a-f]{64}-(started|success)\.json$/);
        }
    });
});

describe("ArchivingSink options", () => {
    const good = (): ArchivingSinkOptions => ({ primary: new MemorySink(), client: new MemoryS3(), bucket: BUCKET, kmsKeyArn: KEY_ARN });
    const cases: [string, Partial<Record<keyof ArchivingSinkOptions, unknown>>, RegExp][] = [
        ["a missing bucket", { bucket: undefined }, /^bucket is required \(an S3 bucket name .*\), got undefined$/],
        ["a bucket name S3 refuses", { bucket: "Not A Bucket!" }, /^bucket must be an S3 bucket name .*got "Not A Bucket!"$/],
        ["a missing key", { kmsKeyArn: undefined }, /^kmsKeyArn is required \(a KMS key ARN .*\), got undefined$/],
        ["a key alias", { kmsKeyArn: "alias/archive" }, /^kmsKeyArn must be a KMS key ARN .*got "alias\/archive"$/],
        ["an owner that is no account id", { expectedBucketOwner: "me" }, /^expectedBucketOwner must be a 12-digit AWS account id, got "me"$/],
        ["a callId that is no function", { callId: "fixed" }, /^callId must be a function, got "fixed"$/],
        ["a primary without flush() and stats()", { primary: { write: () => Promise.resolve() } }, /^primary must implement AuditSink .*which has no flush\(\), stats\(\)$/],
    ];
    for (const [what, change, message] of cases) {
        it(`refuses ${what}, naming the option and the value`, () => {
            assert.throws(() => new ArchivingSink({ ...good(), ...change } as ArchivingSinkOptions), (err: Error) => err.name === "ArgumentError" && message.test(err.message));
        });
    }

    it("refuses options that are not an object", () => {
        assert.throws(() => new ArchivingSink(undefined as never), { name: "ArgumentError", message: "ArchivingSink options must be an object, got undefined" });
    });

    it("takes good options", () => {
        assert.ok(new ArchivingSink({ ...good(), expectedBucketOwner: "222222222222", callId: () => "id" }));
    });
});
