import { hostname } from "os";
import { randomUUID } from "crypto";
import {
    CloudWatchLogsClient,
    CreateLogStreamCommand,
    PutLogEventsCommand,
    type CloudWatchLogsClientConfig,
    type PutLogEventsCommandOutput,
} from "@aws-sdk/client-cloudwatch-logs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import {
    ArgumentError,
    booleanProblem,
    functionProblem,
    integerAtLeast,
    methodsProblem,
    raise,
    optionKeysProblem,
    recordProblem,
    regionProblem,
    show,
    showBrief,
    type AuditRecord,
    type StoredRecord,
} from "../../contract";
import { safeStringify } from "../serialize";
import { MAX_RECORD_LINE_BYTES, recordLine } from "../record-line";
import { AuditDeliveryError, SinkCounters, guardedWarning, invokeCallback, refusalError, type CallbackRecordSink, type SerializedRecordSink, type SinkStats } from "./audit-sink";
import { planBatches, rejectedIndexes, PUT_LOG_EVENTS_MAX_EVENTS } from "./log-batches";
import { sinkLogsClient } from "./logs-client";
import { backoffDelay, isRetryableAwsError } from "./retry";

const CLOUDWATCH_SINK_OPTIONS: readonly (keyof CloudWatchLogsSinkOptions)[] = [
    "logGroupName",
    "logStreamName",
    "client",
    "region",
    "connectionTimeoutMs",
    "requestTimeoutMs",
    "maxBufferedRecords",
    "flushIntervalMs",
    "maxAttempts",
    "baseBackoffMs",
    "maxBackoffMs",
    "flushOnExit",
    "onWarning",
];

export interface CloudWatchLogsSinkOptions {
    /** Log group to write into; it must exist (the `PrivateInvocationLogging` component creates it). */
    logGroupName: string;
    /**
     * Log stream, created on first use when missing.
     * @default - `bedrock-tenancy/<host>/<pid>/<random>`, one per sink instance
     */
    logStreamName?: string;
    /**
     * Client to send with. Its credentials must be the customer account's own
     * (the default credential chain of the compute), never an ops session.
     * @default - a client with the default credential chain, `region`, SDK retries off (the sink retries itself), and the SDK's JSON codec that writes through `JSON.stringify` (see logs-client.ts)
     */
    client?: CloudWatchLogsClient;
    /** Region of the log group when the sink creates the client. @default - the SDK's region resolution */
    region?: string;
    /** Connection timeout of the client the sink creates, ms. @default 3000 */
    connectionTimeoutMs?: number;
    /** Per-attempt request (socket idle) timeout of the client the sink creates, ms: a hung call is retried rather than waited on. @default 10000 */
    requestTimeoutMs?: number;
    /**
     * Records buffered and not yet sent. When full, `write` refuses the new
     * record (counted as lost, the promise rejects) rather than dropping an
     * older one silently.
     * @default 20000
     */
    maxBufferedRecords?: number;
    /** How long a record may wait for more to batch with. @default 1000 */
    flushIntervalMs?: number;
    /** Tries per PutLogEvents call on throttling, 5xx and network errors. @default 5 */
    maxAttempts?: number;
    /** First retry delay; doubles per attempt with full jitter. @default 100 */
    baseBackoffMs?: number;
    /** Cap on one retry delay. @default 5000 */
    maxBackoffMs?: number;
    /** Flush when the Node.js event loop empties (`beforeExit`). @default true */
    flushOnExit?: boolean;
    /**
     * Receives a line about each failure to deliver. A throw in it stops no
     * flush and resends no batch; it surfaces on its own turn.
     * @default console.warn
     */
    onWarning?: (message: string) => void;
}

export const DEFAULT_MAX_BUFFERED_RECORDS = 20_000;
export const DEFAULT_LOGS_CONNECTION_TIMEOUT_MS = 3000;
export const DEFAULT_LOGS_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
export const DEFAULT_PUT_MAX_ATTEMPTS = 5;
export const DEFAULT_BASE_BACKOFF_MS = 100;
export const DEFAULT_MAX_BACKOFF_MS = 5000;

interface Pending {
    timestamp: number;
    message: string;
    settled: (err?: Error) => void;
    /** Settled: its writer has been told, and the counters moved. */
    done?: boolean;
}

/**
 * Sends audit records to a CloudWatch Logs stream in batches, for compute
 * other than Lambda (ECS, EC2, on premises). Each `write` resolves when its
 * record is stored, or rejects once it is lost.
 */
export class CloudWatchLogsSink implements SerializedRecordSink, CallbackRecordSink {
    readonly logGroupName: string;
    readonly logStreamName: string;
    private readonly client: CloudWatchLogsClient;
    private readonly maxBuffered: number;
    private readonly flushIntervalMs: number;
    private readonly maxAttempts: number;
    private readonly baseBackoffMs: number;
    private readonly maxBackoffMs: number;
    private readonly warn: (message: string) => void;
    private readonly counters = new SinkCounters();
    private buffer: Pending[] = [];
    private timer: NodeJS.Timeout | undefined;
    private draining: Promise<void> = Promise.resolve();
    private streamReady = false;
    private lastAt: string | undefined;
    private lastAtMs: number | undefined;
    private readonly onExit = () => void this.flush();

    constructor(options: CloudWatchLogsSinkOptions) {
        // Without options the one required setting is what is missing, so the message names it.
        raise(options === undefined ? undefined : recordProblem("CloudWatchLogsSink options", options), optionKeysProblem("CloudWatchLogsSink options", options, CLOUDWATCH_SINK_OPTIONS));
        if (typeof options?.logGroupName !== "string" || !/^[\w\-/.#]{1,512}$/.test(options.logGroupName)) {
            throw new ArgumentError(`logGroupName must be a CloudWatch log group name, got ${showBrief(options?.logGroupName)}`);
        }
        this.logGroupName = options.logGroupName;
        this.logStreamName = options.logStreamName ?? `bedrock-tenancy/${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
        if (typeof this.logStreamName !== "string" || /[:*]/.test(this.logStreamName) || this.logStreamName.length > 512 || this.logStreamName.length === 0) {
            throw new ArgumentError(`logStreamName must be 1-512 characters without ':' or '*', got ${show(this.logStreamName)}`);
        }
        // Otherwise a wrong one fails only when first used (a send, a warning), where it reads as a lost batch or a crash.
        raise(
            options.client === undefined ? undefined : methodsProblem("client", options.client, ["send"], "a CloudWatchLogsClient"),
            options.region === undefined ? undefined : regionProblem("region", options.region),
            options.onWarning === undefined ? undefined : functionProblem("onWarning", options.onWarning),
            options.flushOnExit === undefined ? undefined : booleanProblem("flushOnExit", options.flushOnExit),
        );
        this.maxBuffered = integerAtLeast("maxBufferedRecords", options.maxBufferedRecords ?? DEFAULT_MAX_BUFFERED_RECORDS, 1);
        this.flushIntervalMs = integerAtLeast("flushIntervalMs", options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS, 0);
        this.maxAttempts = integerAtLeast("maxAttempts", options.maxAttempts ?? DEFAULT_PUT_MAX_ATTEMPTS, 1);
        this.baseBackoffMs = integerAtLeast("baseBackoffMs", options.baseBackoffMs ?? DEFAULT_BASE_BACKOFF_MS, 0);
        this.maxBackoffMs = integerAtLeast("maxBackoffMs", options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS, 0);
        if (this.maxBackoffMs < this.baseBackoffMs) {
            // The cap would silently replace every delay, the first one included.
            throw new ArgumentError(`maxBackoffMs must be at least baseBackoffMs (${this.baseBackoffMs}), got ${show(this.maxBackoffMs)}`);
        }
        // A warning handler that throws must not stop a flush halfway; its throw surfaces on its own turn.
        this.warn = guardedWarning(options.onWarning);
        const config: CloudWatchLogsClientConfig = {
            maxAttempts: 1,
            ...(options.region ? { region: options.region } : {}),
            requestHandler: new NodeHttpHandler({
                connectionTimeout: integerAtLeast("connectionTimeoutMs", options.connectionTimeoutMs ?? DEFAULT_LOGS_CONNECTION_TIMEOUT_MS, 1),
                // A socket timeout fails the attempt (a requestTimeout alone only logs a warning), and the sink retries.
                socketTimeout: integerAtLeast("requestTimeoutMs", options.requestTimeoutMs ?? DEFAULT_LOGS_REQUEST_TIMEOUT_MS, 1),
            }),
        };
        this.client = options.client ?? sinkLogsClient(config);
        if (options.flushOnExit ?? true) {
            process.on("beforeExit", this.onExit);
        }
    }

    write(record: StoredRecord): Promise<void> {
        return this.promised(record, undefined);
    }

    writeSerialized(record: StoredRecord, json: string): Promise<void> {
        return this.promised(record, json);
    }

    enqueue(record: StoredRecord, json: string | undefined, settled: (err?: Error) => void): void {
        let refused: Error | undefined;
        try {
            refused = this.accept(record, json, settled);
        } catch (err) {
            // A record that cannot be made into a line is lost to the caller, as a rejected write is.
            refused = refusalError(err);
        }
        if (refused) invokeCallback(settled, refused);
    }

    private promised(record: StoredRecord, json: string | undefined): Promise<void> {
        return new Promise<void>((resolve, reject) => {
            const refused = this.accept(record, json, (err) => (err ? reject(err) : resolve()));
            if (refused) reject(refused);
        });
    }

    /** Buffers the record, or returns why not (the buffer is full: counted as lost and reported). Throws when the record cannot be made into a line. */
    private accept(record: StoredRecord, json: string | undefined, settled: (err?: Error) => void): AuditDeliveryError | undefined {
        if (this.buffer.length >= this.maxBuffered) {
            this.counters.lost++;
            const err = new AuditDeliveryError(`audit buffer full (${this.maxBuffered} records); record not accepted`);
            this.warn(err.message);
            return err;
        }
        let message: string;
        try {
            message = recordLine(record as AuditRecord, MAX_RECORD_LINE_BYTES, json);
        } catch (err) {
            // A record that cannot be made into a line is lost here, as one the service refused is.
            this.counters.lost++;
            this.warn(`audit record lost: ${err instanceof Error ? err.message : String(err)}`);
            throw err;
        }
        const timestamp = this.eventTime(record);
        this.buffer.push({ timestamp, message, settled, done: false });
        this.counters.pending++;
        this.schedule();
        return undefined;
    }

    flush(): Promise<void> {
        this.clearTimer();
        // After a drain that failed as well: one failure must not stop every later flush.
        const drain = () => this.drain();
        this.draining = this.draining.then(drain, drain);
        return this.draining;
    }

    /** Flushes and stops listening for process exit. */
    async close(): Promise<void> {
        process.removeListener("beforeExit", this.onExit);
        await this.flush();
    }

    stats(): SinkStats {
        return this.counters.snapshot();
    }

    /**
     * The chain's write time, which never goes back: CloudWatch then stores a
     * writer's records in chain order. Records written in one millisecond
     * share the text, so the last one parsed is kept.
     */
    private eventTime(record: StoredRecord): number {
        const at = record.chain?.at ?? record.timestamp;
        if (at !== this.lastAt) {
            const parsed = Date.parse(at);
            this.lastAt = at;
            this.lastAtMs = Number.isNaN(parsed) ? undefined : parsed;
        }
        return this.lastAtMs ?? Date.now();
    }

    private schedule(): void {
        if (this.buffer.length >= PUT_LOG_EVENTS_MAX_EVENTS) {
            void this.flush();
        } else if (!this.timer) {
            this.timer = setTimeout(() => void this.flush(), this.flushIntervalMs);
            this.timer.unref();
        }
    }

    private clearTimer(): void {
        if (this.timer) {
            clearTimeout(this.timer);
            this.timer = undefined;
        }
    }

    /** Sends what is buffered now; the buffer is emptied first so a failure cannot resend or keep anything. */
    private async drain(): Promise<void> {
        const taken = this.buffer;
        this.buffer = [];
        const { batches, oversized } = planBatches(taken);
        for (const event of oversized) {
            this.settle(event, new AuditDeliveryError("audit record larger than a CloudWatch Logs event may be"), false);
        }
        for (const batch of batches) {
            try {
                await this.sendBatch(batch);
            } catch (err) {
                // Whatever went wrong past the send, the batch's writers learn it and the sink sends the next batch.
                const lost = batch.filter((event) => !event.done);
                const why = errorName(err) ?? String(err);
                this.warn(`lost ${lost.length} audit records: the sink failed handling PutLogEvents: ${why}`);
                const failed = new AuditDeliveryError(`PutLogEvents could not be handled: ${why}`, { cause: err });
                lost.forEach((event) => this.settle(event, failed, false));
            }
        }
    }

    private async sendBatch(batch: Pending[]): Promise<void> {
        let lastError: unknown;
        for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
            let result: PutLogEventsCommandOutput;
            try {
                if (!this.streamReady) {
                    await this.createStream();
                }
                result = await this.client.send(
                    new PutLogEventsCommand({
                        logGroupName: this.logGroupName,
                        logStreamName: this.logStreamName,
                        logEvents: batch.map(({ timestamp, message }) => ({ timestamp, message })),
                    }),
                );
            } catch (err) {
                lastError = err;
                if (errorName(err) === "DataAlreadyAcceptedException" && attempt > 1) {
                    // "The event was already logged": an earlier attempt of this batch was stored and its answer lost
                    // (an endpoint that still checks sequence tokens says so). Its records are in the log. On a first
                    // attempt it can only be another writer's batch, and this one is not stored.
                    batch.forEach((event) => this.settle(event, undefined, true));
                    return;
                }
                if (errorName(err) === "ResourceNotFoundException") {
                    // The stream was deleted (or never made): recreate it and try again at once.
                    this.streamReady = false;
                    continue;
                }
                if (!isRetryableAwsError(err) || attempt === this.maxAttempts) {
                    break;
                }
                await delay(backoffDelay(attempt, this.baseBackoffMs, this.maxBackoffMs));
                continue;
            }
            if (typeof result !== "object" || result === null) {
                // No response is no proof the batch is stored (a client stubbed for other commands answers so): not sent again, and lost.
                lastError = new AuditDeliveryError(`the CloudWatch Logs client answered PutLogEvents with ${showBrief(result)}, not a response`);
                break;
            }
            // Outside the try: nothing done once the batch is stored may count as a failed attempt and send it again.
            const refused = rejectedIndexes(batch.length, result.rejectedLogEventsInfo);
            if (refused.size > 0) {
                this.warn(`CloudWatch Logs rejected ${refused.size} of ${batch.length} audit records: ${safeStringify(result.rejectedLogEventsInfo)}`);
            }
            batch.forEach((event, i) =>
                this.settle(event, refused.has(i) ? new AuditDeliveryError("CloudWatch Logs rejected the audit record (too old, too new or expired)") : undefined, true),
            );
            return;
        }
        // Its own refusal says what was wrong; an error of the client's is named.
        const name = lastError instanceof AuditDeliveryError ? lastError.message : (errorName(lastError) ?? String(lastError));
        this.warn(`lost ${batch.length} audit records after PutLogEvents failed: ${name}`);
        const err = new AuditDeliveryError(`PutLogEvents failed: ${name}`, { cause: lastError });
        batch.forEach((event) => this.settle(event, err, false));
    }

    private async createStream(): Promise<void> {
        try {
            await this.client.send(new CreateLogStreamCommand({ logGroupName: this.logGroupName, logStreamName: this.logStreamName }));
        } catch (err) {
            if (errorName(err) !== "ResourceAlreadyExistsException") {
                throw err;
            }
        }
        this.streamReady = true;
    }

    private settle(event: Pending, err: Error | undefined, byDestination: boolean): void {
        if (event.done) return;
        event.done = true;
        this.counters.pending--;
        if (err) {
            this.counters.lost++;
            if (byDestination) {
                this.counters.rejected++;
            }
            invokeCallback(event.settled, err);
        } else {
            this.counters.delivered++;
            invokeCallback(event.settled);
        }
    }
}

/** An error's name, when it is an object with one: a stubbed client may reject with anything, `null` included. */
function errorName(err: unknown): string | undefined {
    const name = typeof err === "object" && err !== null ? (err as { name?: unknown }).name : undefined;
    return typeof name === "string" ? name : undefined;
}

function delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

