/**
 * The S3 client package, loaded on first use with a dynamic `import()`: a
 * runtime configured without an archive never loads it, and the Lambda
 * bundle keeps it in a chunk of its own that such a runtime never reads,
 * which keeps the cold start close to a handler that uses CloudWatch Logs
 * alone (bench: bundle load ratio).
 */
import type * as S3 from "@aws-sdk/client-s3";
import type { PutObjectCommand } from "@aws-sdk/client-s3";

/** What the archive needs of an S3 client: an `S3Client` is one. */
export interface ObjectPutClient {
    send(command: PutObjectCommand): Promise<unknown>;
}

let loading: Promise<typeof S3> | undefined;

export function s3Package(): Promise<typeof S3> {
    // A CommonJS package's named exports sit on `default` when Node cannot list them statically.
    return (loading ??= import("@aws-sdk/client-s3").then((m: typeof S3 & { default?: typeof S3 }) => (typeof m.PutObjectCommand === "function" ? m : m.default!)));
}
