/**
 * The customer's archive on the local S3 server, and sinks that take their
 * time, for tests of what a call does while a write is slow: the bucket and
 * key the archive writes with, a client for the server, and a race against
 * the function's timeout.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { CUSTOMER_ACCESS_KEY_ID, LocalS3Server } from "../../testing/local-aws";
import { fastRetries } from "../../testing/runtime-fixtures";
import type { AuditRecord, StoredRecord } from "../../contract";
import { SinkCounters, type AuditSink, type SinkStats } from "../../runtime/sinks/audit-sink";

export const ARCHIVE_BUCKET = "btn-customer-a-archive-111111111111";
export const ARCHIVE_KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** A client of the local S3 server signed with the customer's own fake key; `maxAttempts` 1 leaves retrying to the archive. */
export function archiveS3Client(endpoint: string, maxAttempts = 3): S3Client {
    return new S3Client({
        region: "us-east-1",
        endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: CUSTOMER_ACCESS_KEY_ID, secretAccessKey: "secret" },
        requestHandler: new NodeHttpHandler({ connectionTimeout: 500 }),
        ...fastRetries(maxAttempts),
    });
}

export interface LocalArchive {
    s3: LocalS3Server;
    /** One attempt per write, so a fault is seen as it is. */
    client: S3Client;
    /** The handler options that archive through {@link client}. */
    options: { archiveClient: S3Client; archiveBucket: string; archiveKmsKeyArn: string };
}

/** Registers mocha hooks: a local S3 server for the suite, its faults and objects cleared before each test. */
export function useLocalArchive(): () => LocalArchive {
    let archive: LocalArchive | undefined;
    before(async () => {
        const s3 = await new LocalS3Server().start();
        const client = archiveS3Client(s3.url, 1);
        archive = { s3, client, options: { archiveClient: client, archiveBucket: ARCHIVE_BUCKET, archiveKmsKeyArn: ARCHIVE_KEY_ARN } };
    });
    beforeEach(() => archive?.s3.reset());
    after(async () => {
        archive?.client.destroy();
        await archive?.s3.close();
    });
    return () => {
        if (!archive) throw new Error("useLocalArchive(): the local archive is read before its before() hook ran");
        return archive;
    };
}

/** Resolves "still running" after `ms`: raced against a call, it tells a late answer from none. */
export function stillRunningAfter(ms: number): Promise<"still running"> {
    return new Promise((resolve) => setTimeout(() => resolve("still running"), ms));
}

/** A sink of one's own that makes each record durable after `delayMs(record)`, keeping a copy of each. */
export class DelayingSink implements AuditSink {
    readonly records: AuditRecord[] = [];
    private readonly counters = new SinkCounters();
    constructor(private readonly delayMs: (record: AuditRecord) => number) {}

    write(record: StoredRecord): Promise<void> {
        return new Promise((resolve) =>
            setTimeout(() => {
                this.records.push(JSON.parse(JSON.stringify(record)) as AuditRecord);
                this.counters.delivered++;
                resolve();
            }, this.delayMs(record as AuditRecord)),
        );
    }

    async flush(): Promise<void> {}

    stats(): SinkStats {
        return this.counters.snapshot();
    }
}
