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
    protected readonly throttle = { status: 503, errorType: "SlowDown" };

    /** Also forgets stored objects and bucket owners. */
    reset(): void {
        super.reset();
        this.objects.clear();
        this.bucketOwners.clear();
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
        this.objects.set(`${bucket}/${key}`, { body, headers: request.headers, accessKeyId: request.accessKeyId });
        res.writeHead(200, { etag: `"${createHash("md5").update(body).digest("hex")}"`, "x-amz-version-id": `v-${this.objects.size}` });
        res.end();
    }

    protected sendError(res: http.ServerResponse, status: number, errorType: string, message: string): void {
        res.writeHead(status, { "content-type": "application/xml" });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${errorType}</Code><Message>${message}</Message></Error>`);
    }
}
