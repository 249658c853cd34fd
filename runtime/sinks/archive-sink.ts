/**
 * Fans each record out to the write-once archive (one S3 object per call,
 * written with the customer's own credentials) and to the log sink. The
 * archive copy is complete: in `full` mode the prompt and completion are
 * untruncated and carry their SHA-256. The log copy is cut to the line limit
 * by the primary sink and names the archive object and its SHA-256, or the
 * error that lost it.
 */
import { AsyncLocalStorage } from "async_hooks";
import { createHash, randomUUID } from "crypto";
import type { PutObjectCommand } from "@aws-sdk/client-s3";
import {
    AUDIT_CHAIN_SCHEMA_TYPE,
    KMS_KEY_ARN_PATTERN,
    accountIdProblem,
    bucketNameProblem,
    functionProblem,
    methodsProblem,
    patternProblem,
    raise,
    optionKeysProblem,
    recordProblem,
    archiveChainRecordKey,
    archiveCheckpointKey,
    archiveObjectKey,
    sha256Hex,
    showBrief,
    type AuditRecord,
    type ChainCheckpoint,
    type ChainRecord,
    type StoredRecord,
} from "../../contract";
import { describeError } from "../audit-record";
import { auditSinkProblem } from "../record-delivery";
import { s3Package, type ObjectPutClient } from "./s3-package";
import { stringifyRecord } from "../serialize";
import { completeTextOf } from "../content";
import { AuditDeliveryError, SinkCounters, type AuditSink, type SinkStats } from "./audit-sink";

const ARCHIVING_SINK_OPTIONS: readonly (keyof ArchivingSinkOptions)[] = ["primary", "client", "bucket", "kmsKeyArn", "expectedBucketOwner", "callId"];

export interface ArchivingSinkOptions {
    /** Where the log copy goes (the function's log group). */
    primary: AuditSink;
    /** S3 client (an `S3Client`) with the customer account's credentials; its retry settings apply to each object. */
    client: ObjectPutClient;
    bucket: string;
    /** The key the bucket policy requires every object to name. */
    kmsKeyArn: string;
    /**
     * Account that must own the bucket (sent as `ExpectedBucketOwner`): S3
     * refuses the write if the bucket belongs to anyone else, so a bucket
     * name that points at another account's bucket cannot receive records.
     * @default - not sent
     */
    expectedBucketOwner?: string;
    /**
     * Creates the unique part of each key.
     * @default - the record's `callId` and outcome (a call's `started` and completion records are two objects side by side), or a random UUID
     */
    callId?: () => string;
}

/**
 * The archive body of `record`: full-mode text gains the SHA-256 an auditor
 * checks it against, and text the logger's `maxContentBytes` cut is whole
 * again (the log copy keeps the cut text, with the same SHA-256).
 */
export function archivedRecord(record: AuditRecord): AuditRecord {
    const copy: AuditRecord = { ...record, input: { ...record.input }, output: { ...record.output } };
    const complete = completeTextOf(record);
    if (complete?.inputText !== undefined) {
        copy.input.inputText = complete.inputText;
        copy.input.inputTruncated = undefined;
    }
    if (complete?.outputText !== undefined) {
        copy.output.outputText = complete.outputText;
        copy.output.outputTruncated = undefined;
    }
    if (copy.input.inputText !== undefined) copy.input.inputSha256 = sha256Hex(copy.input.inputText);
    if (copy.output.outputText !== undefined) copy.output.outputSha256 = sha256Hex(copy.output.outputText);
    return copy;
}

/**
 * The log copy of `record`: the record with the archive pointer. The primary
 * sink cuts its line to the size limit (`recordLine`), so its text may be a
 * prefix of the archived text; the SHA-256 fields match the archive's.
 */
export function loggedRecord(record: AuditRecord, archive: NonNullable<AuditRecord["archive"]>): AuditRecord {
    return { ...record, archive };
}

/** An `S3Client` takes the abort signal of a write the archive gives up on, so the request stops on the wire too. */
interface AbortablePutClient extends ObjectPutClient {
    send(command: PutObjectCommand, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** The bound of the archive writes of records written in the current call, if it has one. */
const archiveBounds = new AsyncLocalStorage<() => AbortSignal | undefined>();

/**
 * Runs `fn` (one call of a handler with a deadline) with the archive writes
 * of the records it writes bounded: `bound` is asked as each record reaches
 * an {@link ArchivingSink}, and a write still running when its signal aborts
 * gives up. The record's log copy then goes on at once, with
 * `archive.errorCode` from the signal's reason (`DeadlineExceeded`), so a
 * slow S3 cannot hold the log copy past the function's timeout, where Lambda
 * would stop the function and leave no record at all.
 */
export function boundArchiveWrites<T>(bound: () => AbortSignal | undefined, fn: () => T): T {
    return archiveBounds.run(bound, fn);
}

/** `promise`, or the signal's reason once it aborts first. */
function untilBound<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (signal === undefined) return promise;
    return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error("Aborted"));
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
        promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
}

/** Characters a key part keeps as they are: what a UUID or a LangChain run id is made of. */
const KEY_PART_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * `part` as a key may hold it: a caller's run id (the call id) can be of any
 * length and hold any character, and S3 refuses a key over 1,024 bytes, so
 * one that is not a short, plain id is named by its SHA-256 instead.
 */
function keyPart(part: string): string {
    return typeof part === "string" && KEY_PART_PATTERN.test(part) ? part : `sha256-${sha256Hex(String(part))}`;
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
    /** Writes whose archive object is in progress and whose log copy is not yet with the primary sink. */
    private readonly handingOff = new Set<Promise<unknown>>();
    /** Settles once the previous record's log copy is with the primary sink: copies go on in the order records came (the chain's). */
    private turn: Promise<void> = Promise.resolve();

    constructor(options: ArchivingSinkOptions) {
        // Each of these is otherwise only used on the first record, where a wrong one reads as a lost record (or an object in the wrong place).
        raise(recordProblem("ArchivingSink options", options), optionKeysProblem("ArchivingSink options", options, ARCHIVING_SINK_OPTIONS));
        const { primary, client, bucket, kmsKeyArn, expectedBucketOwner, callId } = options;
        raise(
            auditSinkProblem("primary", primary),
            methodsProblem("client", client, ["send"], "an S3Client"),
            bucketNameProblem("bucket", bucket),
            patternProblem("kmsKeyArn", kmsKeyArn, KMS_KEY_ARN_PATTERN, "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>; the bucket policy names the key, not an alias)"),
            expectedBucketOwner === undefined ? undefined : accountIdProblem("expectedBucketOwner", expectedBucketOwner),
            callId === undefined ? undefined : functionProblem("callId", callId),
        );
        this.options = options;
    }

    /** The bucket the records are archived in. */
    get bucket(): string {
        return this.options.bucket;
    }

    /**
     * Archives first, then hands the log copy (which says whether the archive
     * has it) to the primary sink. Rejects when either write fails: the
     * logger then counts and reports the loss, or refuses the call in
     * fail-closed mode. Log copies are handed on in the order records came
     * in, whichever archive write finishes first, so the log stores a
     * writer's records in chain order. Inside {@link boundArchiveWrites} the
     * archive write gives up at its bound, so neither this copy nor the
     * copies queued behind it wait past it.
     */
    async write(record: StoredRecord): Promise<void> {
        const previous = this.turn;
        let release!: () => void;
        this.turn = new Promise<void>((resolve) => (release = resolve));
        const handoff = this.archiveAndHandOff(record, previous, archiveBounds.getStore()?.()).finally(release);
        this.handingOff.add(handoff);
        const { delivered, archiveError, pointer } = await handoff.finally(() => this.handingOff.delete(handoff));
        await delivered;
        if (archiveError !== undefined) {
            throw new AuditDeliveryError(`audit record not archived to s3://${this.options.bucket}/${pointer.key} (${pointer.errorCode})`, { cause: archiveError });
        }
    }

    /**
     * Waits for archive writes in progress to hand their log copies over,
     * then flushes the primary sink: a flush never leaves a copy behind in a
     * buffer, waiting for the primary's batching timer.
     */
    async flush(): Promise<void> {
        await Promise.allSettled([...this.handingOff]);
        await this.options.primary.flush();
    }

    /** Writes a chain checkpoint beside the writer's chain records; rejects when it is not stored. */
    async writeCheckpoint(checkpoint: ChainCheckpoint): Promise<void> {
        const body = Buffer.from(JSON.stringify(checkpoint) + "\n", "utf8");
        await this.put(archiveCheckpointKey(checkpoint.tenantId, checkpoint.writer, checkpoint.seq), body, createHash("sha256").update(body).digest(), archiveBounds.getStore()?.());
    }

    private async archiveAndHandOff(
        record: StoredRecord,
        previous: Promise<void>,
        bound: AbortSignal | undefined,
    ): Promise<{ delivered: Promise<void>; archiveError: unknown; pointer: NonNullable<AuditRecord["archive"]> }> {
        const own = record.schemaType === AUDIT_CHAIN_SCHEMA_TYPE;
        const key = own ? chainRecordKey(record) : this.callKey(record);
        // A record with no JSON text rejects (it is lost, and counted so) rather than being archived as a stand-in.
        const body = Buffer.from(stringifyRecord(own ? record : archivedRecord(record)) + "\n", "utf8");
        const digest = createHash("sha256").update(body).digest();
        let archiveError: unknown;
        try {
            await this.put(key, body, digest, bound);
        } catch (err) {
            archiveError = err;
        }
        const pointer = archiveError === undefined ? { key, sha256: digest.toString("hex") } : { key, errorCode: describeError(archiveError).errorCode };
        await previous;
        const delivered = this.options.primary.write(own ? { ...record, archive: pointer } : loggedRecord(record, pointer));
        // The caller awaits it; keep an early rejection from being reported as unhandled meanwhile.
        delivered.catch(() => undefined);
        return { delivered, archiveError, pointer };
    }

    private callKey(record: AuditRecord): string {
        const { callId } = this.options;
        const unique = callId ? keyPart(callId()) : record.callId ? `${keyPart(record.callId)}-${record.outcome}` : randomUUID();
        return archiveObjectKey(record.tenantId, new Date(record.timestamp), unique);
    }

    /** One object, counted; given up once `bound` aborts, with its reason as the error. */
    private async put(key: string, body: Buffer, digest: Buffer, bound?: AbortSignal): Promise<void> {
        const { bucket, kmsKeyArn, expectedBucketOwner } = this.options;
        const client: AbortablePutClient = this.options.client;
        this.counters.pending++;
        try {
            const { PutObjectCommand } = await untilBound(s3Package(), bound);
            const command = new PutObjectCommand({
                Bucket: bucket,
                Key: key,
                Body: body,
                ContentType: "application/x-ndjson",
                // Object Lock refuses writes without an integrity header; S3 checks this one against the body.
                ChecksumSHA256: digest.toString("base64"),
                ServerSideEncryption: "aws:kms",
                SSEKMSKeyId: kmsKeyArn,
                BucketKeyEnabled: true,
                ...(expectedBucketOwner === undefined ? {} : { ExpectedBucketOwner: expectedBucketOwner }),
            });
            let answer: unknown;
            if (bound === undefined) {
                answer = await client.send(command);
            } else {
                // A client that ignores the signal still cannot hold the log copy: the wait ends with the bound.
                const sent = Promise.resolve(client.send(command, { abortSignal: bound }));
                sent.catch(() => undefined);
                answer = await untilBound(sent, bound);
            }
            // No response is no proof the object is stored (a client stubbed for other commands answers so).
            if (typeof answer !== "object" || answer === null) throw new AuditDeliveryError(`the S3 client answered PutObject with ${showBrief(answer)}, not a response`);
            this.counters.delivered++;
        } catch (err) {
            this.counters.lost++;
            // The SDK reports its own abort as a bare AbortError: the bound's reason says why.
            throw bound?.aborted && bound.reason instanceof Error ? bound.reason : err;
        } finally {
            this.counters.pending--;
        }
    }

    /** The archive's own counters; the primary sink keeps its own. */
    stats(): SinkStats {
        return this.counters.snapshot();
    }
}
