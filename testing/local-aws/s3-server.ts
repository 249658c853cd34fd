/**
 * S3 on 127.0.0.1, path-style PutObject only, with the rules an Object Lock
 * bucket enforces on a write: an integrity header is required
 * (`Content-MD5` or `x-amz-checksum-*`), and a checksum that does not match
 * the body is refused. Optionally the SSE-KMS key the bucket policy requires.
 */
import { createHash } from "crypto";
import type * as http from "http";
import { LocalAwsServer, type RecordedRequest } from "./local-server";

export interface StoredObject {
    body: Buffer;
    headers: http.IncomingHttpHeaders;
    accessKeyId?: string;
    versionId?: string;
    storedAt?: number;
}

const CHECKSUM_HEADERS: Record<string, string> = {
    "x-amz-checksum-sha256": "sha256",
    "x-amz-checksum-sha1": "sha1",
};

export class LocalS3Server extends LocalAwsServer {
    /** `bucket/key` → the stored object. */
    readonly objects = new Map<string, StoredObject>();
    /** When set, a write naming another SSE-KMS key (or none) is denied, as the archive's bucket policy does. */
    requiredKmsKeyArn: string | undefined;
    /**
     * Bucket → the account that owns it. A write whose `x-amz-expected-bucket-owner`
     * names another account is denied (403 AccessDenied), as S3 does.
     */
    readonly bucketOwners = new Map<string, string>();
    /** Buckets with a default Object Lock retention, in days: a version cannot be deleted before it ends. */
    readonly lockDays = new Map<string, number>();
    /** How far the service's clock runs ahead of the caller's, e.g. past a retention. */
    clockAheadMs = 0;
    private versions = 0;
    protected readonly throttle = { status: 503, errorType: "SlowDown" };

    /** Also forgets stored objects and bucket owners. */
    reset(): void {
        super.reset();
        this.objects.clear();
        this.bucketOwners.clear();
        this.clockAheadMs = 0;
    }

    /** Stored objects under `prefix` of `bucket`, bodies parsed as one JSON record each. */
    records(bucket: string, prefix = ""): { key: string; record: Record<string, any>; object: StoredObject }[] {
        return [...this.objects.entries()]
            .filter(([k]) => k.startsWith(`${bucket}/${prefix}`))
            .map(([k, object]) => ({ key: k.slice(bucket.length + 1), record: JSON.parse(object.body.toString("utf8")), object }));
    }

    protected handle(request: RecordedRequest, res: http.ServerResponse): void {
        const url = new URL(request.path, "http://127.0.0.1");
        const [, bucket, ...rest] = url.pathname.split("/");
        const key = decodeURIComponent(rest.join("/"));
        if (request.method === "DELETE" && bucket && key) {
            return this.deleteObject(bucket, key, url.searchParams.get("versionId") ?? undefined, res);
        }
        if (request.method !== "PUT" || !bucket || !key || url.search !== "" && !url.search.startsWith("?x-id=PutObject")) {
            return this.sendError(res, 501, "NotImplemented", `the local S3 implements path-style PutObject only, got ${request.method} ${request.path}`);
        }
        const body = Buffer.from(request.body, "utf8");
        const md5 = request.headers["content-md5"];
        const checksums = Object.keys(CHECKSUM_HEADERS).filter((h) => request.headers[h] !== undefined);
        if (md5 === undefined && checksums.length === 0 && !Object.keys(request.headers).some((h) => h.startsWith("x-amz-checksum-"))) {
            return this.sendError(res, 400, "InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters");
        }
        if (md5 !== undefined && md5 !== createHash("md5").update(body).digest("base64")) {
            return this.sendError(res, 400, "BadDigest", "The Content-MD5 you specified did not match what we received.");
        }
        for (const header of checksums) {
            if (request.headers[header] !== createHash(CHECKSUM_HEADERS[header]).update(body).digest("base64")) {
                return this.sendError(res, 400, "BadDigest", `The ${header} you specified did not match the calculated checksum.`);
            }
        }
        const expectedOwner = request.headers["x-amz-expected-bucket-owner"];
        if (expectedOwner !== undefined && this.bucketOwners.has(bucket) && this.bucketOwners.get(bucket) !== expectedOwner) {
            return this.sendError(res, 403, "AccessDenied", "Access Denied");
        }
        if (this.requiredKmsKeyArn !== undefined && request.headers["x-amz-server-side-encryption-aws-kms-key-id"] !== this.requiredKmsKeyArn) {
            return this.sendError(res, 403, "AccessDenied", "Access Denied");
        }
        const versionId = `v-${++this.versions}`;
        this.objects.set(`${bucket}/${key}`, { body, headers: request.headers, accessKeyId: request.accessKeyId, versionId, storedAt: Date.now() });
        res.writeHead(200, { etag: `"${createHash("md5").update(body).digest("hex")}"`, "x-amz-version-id": versionId });
        res.end();
    }

    /** Without a version id S3 only adds a delete marker; a version under Object Lock stays until its retention ends. */
    private deleteObject(bucket: string, key: string, versionId: string | undefined, res: http.ServerResponse): void {
        const stored = this.objects.get(`${bucket}/${key}`);
        if (versionId !== undefined && stored?.versionId === versionId) {
            const days = this.lockDays.get(bucket);
            if (days !== undefined && Date.now() + this.clockAheadMs < (stored.storedAt ?? 0) + days * 86_400_000) {
                return this.sendError(res, 403, "AccessDenied", "Access Denied because object protected by object lock.");
            }
            this.objects.delete(`${bucket}/${key}`);
        }
        res.writeHead(204, versionId ? { "x-amz-version-id": versionId } : { "x-amz-delete-marker": "true" });
        res.end();
    }

    protected sendError(res: http.ServerResponse, status: number, errorType: string, message: string): void {
        res.writeHead(status, { "content-type": "application/xml" });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${errorType}</Code><Message>${message}</Message></Error>`);
    }
}
