/**
 * Fans each record out to the write-once archive (one S3 object per call,
 * written with the customer's own credentials) and to the log sink. The
 * archive copy is complete: in `full` mode the prompt and completion are
 * untruncated and carry their SHA-256. The log copy keeps the usual cut and
 * names the archive object and its SHA-256, or the error that lost it.
 */
import { createHash, randomUUID } from "crypto";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { AUDIT_CHAIN_SCHEMA_TYPE, archiveCheckpointKey, archiveChainRecordKey, archiveObjectKey, type AuditRecord, type ChainCheckpoint, type ChainRecord, type StoredRecord } from "../../contract";
import { describeError } from "../audit-record";
import { MAX_CONTENT_TEXT_BYTES, TRUNCATION_MARKER, truncateUtf8 } from "../content";
import { safeStringify } from "../serialize";
import { AuditDeliveryError, SinkCounters, type AuditSink, type SinkStats } from "./audit-sink";

export interface ArchivingSinkOptions {
    /** Where the log copy goes (the function's log group). */
    primary: AuditSink;
    /** S3 client with the customer account's credentials; its retry settings apply to each object. */
    client: S3Client;
    bucket: string;
    /** The key the bucket policy requires every object to name. */
    kmsKeyArn: string;
    /** Most UTF-8 bytes of text per field in the log copy. @default MAX_CONTENT_TEXT_BYTES */
    logContentBytes?: number;
    /**
     * Creates the unique part of each key.
     * @default - the record's `callId` and outcome (a call's `started` and completion records are two objects side by side), or a random UUID
     */
    callId?: () => string;
}

/** The archive body of `record`: full-mode text gains the SHA-256 an auditor checks it against. */
export function archivedRecord(record: AuditRecord): AuditRecord {
    const sha = (text: string | undefined) => (text === undefined ? undefined : createHash("sha256").update(text, "utf8").digest("hex"));
    const copy: AuditRecord = { ...record, input: { ...record.input }, output: { ...record.output } };
    if (copy.input.inputText !== undefined) copy.input.inputSha256 = sha(copy.input.inputText);
    if (copy.output.outputText !== undefined) copy.output.outputSha256 = sha(copy.output.outputText);
    return copy;
}

/** The log copy of `record`: text cut to `maxBytes` per field, marked as truncated. */
export function loggedRecord(record: AuditRecord, maxBytes: number, archive: NonNullable<AuditRecord["archive"]>): AuditRecord {
    const cut = (text: string | undefined) => (text === undefined ? undefined : truncateUtf8(text, maxBytes));
    const input = cut(record.input.inputText);
    const output = cut(record.output.outputText);
    const copy: AuditRecord = { ...record, input: { ...record.input }, output: { ...record.output }, archive };
    if (input?.truncated) Object.assign(copy.input, { inputText: input.text + TRUNCATION_MARKER, inputTruncated: true });
    if (output?.truncated) Object.assign(copy.output, { outputText: output.text + TRUNCATION_MARKER, outputTruncated: true });
    return copy;
}

function chainRecordKey(record: ChainRecord): string {
    return archiveChainRecordKey(record.tenantId, record.chain.writer, record.chain.seq, record.event);
}

/**
 * One object per call rather than batched lines: each call's fate is known
 * when it returns (fail-closed can refuse exactly that call), nothing waits
 * in a buffer a frozen Lambda would lose, and no record size limit applies.
 */
export class ArchivingSink implements AuditSink {
    private readonly options: ArchivingSinkOptions;
    private readonly counters = new SinkCounters();
    /** Settles when the previous record's log copy has been handed to the primary sink. */
    private handOff: Promise<void> = Promise.resolve();

    constructor(options: ArchivingSinkOptions) {
        if (typeof options.primary?.write !== "function") throw new TypeError("primary must implement AuditSink");
        if (typeof options.client?.send !== "function") throw new TypeError("client must be an S3Client");
        this.options = options;
    }

    /**
     * Archives first, then hands the log copy (which says whether the archive
     * has it) to the primary sink. Rejects when either write fails: the
     * logger then counts and reports the loss, or refuses the call in
     * fail-closed mode. Log copies are handed on in the order records came
     * in (the chain's order), whichever archive write finishes first.
     */
    async write(record: StoredRecord): Promise<void> {
        const { bucket } = this.options;
        const turn = this.handOff;
        let release!: () => void;
        this.handOff = new Promise<void>((resolve) => (release = resolve));
        try {
            const own = record.schemaType === AUDIT_CHAIN_SCHEMA_TYPE;
            const key = own ? chainRecordKey(record) : this.callKey(record);
            const body = Buffer.from(safeStringify(own ? record : archivedRecord(record)) + "\n", "utf8");
            let archiveError: unknown;
            let digest: string | undefined;
            try {
                digest = await this.put(key, body);
            } catch (err) {
                archiveError = err;
            }
            const pointer = digest !== undefined ? { key, sha256: digest } : { key, errorCode: describeError(archiveError).errorCode };
            const logCopy = own ? { ...record, archive: pointer } : loggedRecord(record, this.options.logContentBytes ?? MAX_CONTENT_TEXT_BYTES, pointer);
            await turn;
            const logged = this.options.primary.write(logCopy);
            release();
            await logged;
            if (archiveError !== undefined) {
                throw new AuditDeliveryError(`audit record not archived to s3://${bucket}/${key} (${pointer.errorCode})`, { cause: archiveError });
            }
        } finally {
            release();
        }
    }

    /** Writes a chain checkpoint beside the writer's chain records; rejects when it is not stored. */
    async writeCheckpoint(checkpoint: ChainCheckpoint): Promise<void> {
        await this.put(archiveCheckpointKey(checkpoint.tenantId, checkpoint.writer, checkpoint.seq), Buffer.from(JSON.stringify(checkpoint) + "\n", "utf8"));
    }

    private callKey(record: AuditRecord): string {
        const unique = this.options.callId?.() ?? (record.callId ? `${record.callId}-${record.outcome}` : randomUUID());
        return archiveObjectKey(record.tenantId, new Date(record.timestamp), unique);
    }

    /** One object, counted; resolves to the hex SHA-256 of the body. */
    private async put(key: string, body: Buffer): Promise<string> {
        const { client, bucket, kmsKeyArn } = this.options;
        const digest = createHash("sha256").update(body).digest();
        this.counters.pending++;
        try {
            await client.send(
                new PutObjectCommand({
                    Bucket: bucket,
                    Key: key,
                    Body: body,
                    ContentType: "application/x-ndjson",
                    // Object Lock refuses writes without an integrity header; S3 checks this one against the body.
                    ChecksumSHA256: digest.toString("base64"),
                    ServerSideEncryption: "aws:kms",
                    SSEKMSKeyId: kmsKeyArn,
                    BucketKeyEnabled: true,
                }),
            );
            this.counters.delivered++;
            return digest.toString("hex");
        } catch (err) {
            this.counters.lost++;
            throw err;
        } finally {
            this.counters.pending--;
        }
    }

    async flush(): Promise<void> {
        await this.options.primary.flush();
    }

    /** The archive's own counters; the primary sink keeps its own. */
    stats(): SinkStats {
        return this.counters.snapshot();
    }
}
