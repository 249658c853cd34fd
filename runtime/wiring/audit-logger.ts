/**
 * The audit logger every runtime entry (the Lambda handler, `createTenantChatModel`)
 * builds from its configuration: the given sink alone, or with an archive
 * configured, an `ArchivingSink` in front of it whose S3 client is loaded
 * only then.
 */
import type * as S3 from "@aws-sdk/client-s3";
import type { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { PrivateInvocationLogger } from "../private-invocation-logger";
import type { PriceTable } from "../pricing";
import { ArchivingSink } from "../sinks/archive-sink";
import { s3Package, type ObjectPutClient } from "../sinks/s3-package";
import type { AuditSink } from "../sinks/audit-sink";
import type { RuntimeConfig } from "./config";
import { customerCredentialsProblem } from "./ops-credentials";
import { methodsProblem, raise, type Problem } from "../../contract";

/** Connection timeout of the archive's S3 client. */
export const ARCHIVE_CONNECTION_TIMEOUT_MS = 3000;
/**
 * Per-attempt socket (inactivity) timeout of an archive write: a 2 MiB object
 * takes well under a second inside the Region. A socket timeout, because the
 * HTTP handler's `requestTimeout` only logs a warning.
 */
export const ARCHIVE_REQUEST_TIMEOUT_MS = 10_000;

/** The handler's sink: `sink` alone without an archive; with one, an {@link ArchivingSink} in front of it. */
export function createArchivingSink(
    config: RuntimeConfig,
    sink: AuditSink,
    options: { client?: ObjectPutClient; customerCredentials?: AwsCredentialIdentityProvider; region?: string },
): { sink: AuditSink } {
    // Checked with an archive configured or not: a bad client set today would otherwise surface only once the archive is.
    raise(
        options.client === undefined ? undefined : methodsProblem("archiveClient", options.client, ["send"], "an S3Client"),
        options.customerCredentials === undefined ? undefined : customerCredentialsProblem("customerCredentials", options.customerCredentials),
    );
    if (config.archiveBucket === undefined || config.archiveKmsKeyArn === undefined) return { sink };
    const client =
        options.client ??
        lazyArchiveClient(
            (s3) =>
                new s3.S3Client({
                    region: options.region ?? config.bedrockRegion,
                    credentials: options.customerCredentials,
                    requestHandler: new NodeHttpHandler({ connectionTimeout: ARCHIVE_CONNECTION_TIMEOUT_MS, socketTimeout: ARCHIVE_REQUEST_TIMEOUT_MS }),
                }),
        );
    return {
        sink: new ArchivingSink({ primary: sink, client, bucket: config.archiveBucket, kmsKeyArn: config.archiveKmsKeyArn, expectedBucketOwner: keyAccount(config.archiveKmsKeyArn) }),
    };
}

/** What a model calls on its audit logger, and what shutdown calls on it. */
export const AUDIT_LOGGER_METHODS = ["runStarted", "runEnded", "runFailed", "observeStream", "observeResponse", "streamedText", "flush", "close", "stats"] as const;

/**
 * `value` must be a {@link PrivateInvocationLogger}, or an object with the
 * `methods` the caller uses: one without them fails only on the first call
 * or at shutdown, where nothing can report it.
 */
export function auditLoggerProblem(argName: string, value: unknown, methods: readonly string[] = AUDIT_LOGGER_METHODS): Problem {
    return value instanceof PrivateInvocationLogger ? undefined : methodsProblem(argName, value, methods, "a PrivateInvocationLogger");
}

/**
 * The audit logger for a configuration, the archive included when the
 * configuration names one: the one way both the Lambda handler and
 * `createTenantChatModel` build it, so no compute can leave the archive out.
 */
export function createAuditLogger(
    config: RuntimeConfig,
    sink: AuditSink,
    options: { archiveClient?: S3Client; customerCredentials?: AwsCredentialIdentityProvider; region?: string; prices?: PriceTable; onWarning?: (message: string) => void; flushTimeoutMs?: number },
): PrivateInvocationLogger {
    const archiving = createArchivingSink(config, sink, { client: options.archiveClient, customerCredentials: options.customerCredentials, region: options.region });
    return new PrivateInvocationLogger({
        sink: archiving.sink,
        tenantId: config.tenantId,
        contentMode: config.contentMode,
        auditMode: config.auditMode,
        safeMetadataKeys: config.safeMetadataKeys,
        region: config.bedrockRegion,
        prices: options.prices,
        onWarning: options.onWarning,
        flushTimeoutMs: options.flushTimeoutMs,
    });
}

/**
 * An S3 client built on its first request, so that building a runtime with an
 * archive loads no S3 code yet. It passes the archive's abort signal on: a
 * write the archive gives up on at a call's deadline stops on the wire too,
 * rather than running on through its socket timeouts and retries.
 */
function lazyArchiveClient(create: (s3: typeof S3) => S3Client): ObjectPutClient {
    let client: Promise<S3Client> | undefined;
    const send = async (command: PutObjectCommand, options?: { abortSignal?: AbortSignal }): Promise<unknown> => (await (client ??= s3Package().then(create))).send(command, options);
    return { send };
}

/**
 * The customer account: the archive key is the customer's own (the bucket
 * policy requires it), so its ARN names the account the bucket must belong to.
 */
function keyAccount(kmsKeyArn: string): string {
    return kmsKeyArn.split(":")[4];
}
