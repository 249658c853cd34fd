/**
 * The S3 client package, loaded on first use: a runtime configured without
 * an archive never loads it, which keeps the Lambda's cold start close to a
 * handler that uses CloudWatch Logs alone (bench: bundle load ratio).
 */
import type * as S3 from "@aws-sdk/client-s3";

let loaded: typeof S3 | undefined;

export function s3Package(): typeof S3 {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (loaded ??= require("@aws-sdk/client-s3") as typeof S3);
}
