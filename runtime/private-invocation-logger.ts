import { BaseCallbackHandler, type HandleLLMNewTokenCallbackFields } from "@langchain/core/callbacks/base";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import {
    ArgumentError,
    DEFAULT_AUDIT_MODE,
    DEFAULT_CONTENT_MODE,
    auditModeProblem,
    recordCallId,
    contentModeProblem,
    firstProblem,
    functionProblem,
    integerProblem,
    isPlainObject,
    methodsProblem,
    optionKeysProblem,
    raise,
    recordProblem,
    regionProblem,
    safeMetadataKeysProblem,
    show,
    showBrief,
    tenantIdProblem,
    type AuditMode,
    type AuditRecord,
    type ContentMode,
    type Problem,
} from "../contract";
import { randomUUID } from "crypto";
import { errorRecord, describeError, rejectedRecord, startedRecord, successRecord, type CallResult, type Rejection } from "./audit-record";
import { describeCallMetadata, readMetadata } from "./content";
import { isPriceAmount, mergePriceTables, PRICE_FIELDS, type PriceTable } from "./pricing";
import { RecentIds } from "./recent-ids";
import { RecordDelivery, auditSinkProblem, timerMsProblem } from "./record-delivery";
import { elapsed, noteDelta, operationOf, streamText, type RunState } from "./run-state";

export { AuditWriteError } from "./record-delivery";
import { guardedWarning, type AuditSink } from "./sinks/audit-sink";
import { ASSUME_ROLE_OPERATION, abortedBeforeSession } from "./sts-failure";
import type { ChainOptions } from "./sinks/chaining-sink";
import { extractOutput, messagesText, splitMetadata } from "./run-data";


export interface PrivateInvocationLoggerOptions {
    /** Where records go; it must write into the customer's own account. */
    sink: AuditSink;
    /** Tenant the records belong to; 1-32 of `a-z`, `0-9`, `-`. */
    tenantId: string;
    /** How much prompt and completion text a record carries. @default "none" */
    contentMode?: ContentMode;
    /** What a failed audit write does to the model call. @default "best-effort" */
    auditMode?: AuditMode;
    /**
     * Metadata keys whose values are recorded as given in every content mode
     * (ids, counters, labels). Other values follow the content mode: redacted
     * in `none`, a digest in `hash`, kept in `full`.
     * @default []
     */
    safeMetadataKeys?: readonly string[];
    /** Prices laid over {@link DEFAULT_PRICE_TABLE}. @default - the default table */
    prices?: PriceTable;
    /** Bedrock Region, recorded as `region`. @default - not recorded */
    region?: string;
    /**
     * Most UTF-8 bytes of prompt or completion text a `full` record carries
     * (cut with a marker and the complete text's SHA-256). Whatever this is,
     * a sink's line is cut to 256 KiB, and an archive keeps the complete text.
     * @default - no limit of its own
     */
    maxContentBytes?: number;
    /**
     * Receives a line for each lost record or orphan event. A throw in it
     * stops no call, flush or delivery; it surfaces on its own turn.
     * @default console.warn
     */
    onWarning?: (message: string) => void;
    /**
     * The hash chain every record joins (see docs/audit-trail.md): where its
     * checkpoints go and how often.
     * @default - checkpoints into the sink when it is an `ArchivingSink`, every 100 records or 60 s
     */
    chain?: ChainOptions;
    /**
     * Longest wait of {@link PrivateInvocationLogger.flush} and
     * {@link PrivateInvocationLogger.close} for the sink, ms, from 1 to
     * 2,147,483,647 (a Node.js timer's limit). The records still on their
     * way then are counted as lost (`stats().lost`) and reported through
     * `onWarning`, and the flush resolves: a sink that never settles a write
     * or a flush cannot hold a shutdown forever.
     * @default 120000 - longer than the CloudWatch Logs sink and the archive take to give up on a record
     */
    flushTimeoutMs?: number;
}

/** Counters of the logger itself (the sink keeps its own). */
export interface LoggerStats {
    /** Runs started and not yet ended: 0 when idle. */
    activeRuns: number;
    /** Records handed to the sink. */
    records: number;
    /** Records the sink could not deliver. */
    lost: number;
    /** End or error events that had no matching start. */
    orphanEvents: number;
    /**
     * Times the clock was found stepped back more than a minute behind the
     * hash chain's time: each ended the writer's chain and began a new one
     * (reported through `onWarning`; see docs/audit-trail.md).
     */
    clockSteps: number;
}

/**
 * A LangChain callback handler that writes one audit record per chat-model
 * call into the customer's own account. Attach it with
 * `model.invoke(input, { callbacks: [logger], metadata: { userId, ... } })`.
 *
 * Handlers run awaited (`awaitHandlers`), so the record is built before
 * `invoke` returns; call {@link flush} before a process or Lambda freezes.
 */
export class PrivateInvocationLogger extends BaseCallbackHandler {
    name = "PrivateInvocationLogger";
    readonly tenantId: string;
    readonly contentMode: ContentMode;
    readonly auditMode: AuditMode;
    readonly safeMetadataKeys: ReadonlySet<string>;
    /** The sink the logger was given: where its records go. */
    readonly sink: AuditSink;
    private readonly delivery: RecordDelivery;
    private readonly prices: PriceTable;
    private readonly region: string | undefined;
    private readonly maxContentBytes: number | undefined;
    private readonly warn: (message: string) => void;
    private readonly runs = new Map<string, RunState>();
    private readonly finishing = new Map<string, () => void>();
    private orphanEvents = 0;
    /**
     * Runs ended lately (the last 4,096 at least): a call the Lambda recorded at its
     * deadline still ends on its own afterwards, and that end is expected,
     * not an event for a run nobody started.
     */
    private readonly ended = new RecentIds(RECENTLY_ENDED_RUNS);

    constructor(options: PrivateInvocationLoggerOptions) {
        raise(recordProblem("PrivateInvocationLogger options", options), optionKeysProblem("PrivateInvocationLogger options", options, LOGGER_OPTIONS));
        const auditMode = options.auditMode ?? DEFAULT_AUDIT_MODE;
        const contentMode = options.contentMode ?? DEFAULT_CONTENT_MODE;
        const safeMetadataKeys = options.safeMetadataKeys ?? [];
        // Every option is checked here: most are otherwise only used on a call's path, where a
        // wrong one reads as a lost record, a wrong record, or a throw nothing reports.
        raise(
            auditModeProblem("auditMode", auditMode),
            contentModeProblem("contentMode", contentMode),
            safeMetadataKeysProblem("safeMetadataKeys", safeMetadataKeys),
            tenantIdProblem("tenantId", options.tenantId),
            auditSinkProblem("sink", options.sink),
            options.prices === undefined ? undefined : pricesProblem("prices", options.prices),
            options.region === undefined ? undefined : regionProblem("region", options.region),
            options.onWarning === undefined ? undefined : functionProblem("onWarning", options.onWarning),
            options.maxContentBytes === undefined ? undefined : maxContentBytesProblem("maxContentBytes", options.maxContentBytes),
            options.chain === undefined ? undefined : chainOptionsProblem("chain", options.chain),
            options.flushTimeoutMs === undefined ? undefined : timerMsProblem("flushTimeoutMs", options.flushTimeoutMs),
        );
        // A handler error reaches the caller of invoke(): in best-effort only the refusal of a
        // run id already in progress, as every other step there settles without throwing.
        super({ raiseError: true });
        this.awaitHandlers = true;
        this.tenantId = options.tenantId;
        this.contentMode = contentMode;
        this.auditMode = auditMode;
        this.safeMetadataKeys = new Set(safeMetadataKeys);
        this.sink = options.sink;
        // A warning handler that throws must not break a flush, a sink's batch or a call's answer; its throw surfaces on its own turn.
        this.warn = guardedWarning(options.onWarning);
        this.delivery = new RecordDelivery({
            sink: options.sink,
            tenantId: options.tenantId,
            auditMode,
            chain: options.chain,
            warn: this.warn,
            flushTimeoutMs: options.flushTimeoutMs,
        });
        this.prices = mergePriceTables(options.prices);
        this.region = options.region;
        this.maxContentBytes = options.maxContentBytes;
    }

    async handleChatModelStart(
        _llm: unknown,
        messages: BaseMessage[][],
        runId: string,
        _parentRunId?: string,
        extraParams?: Record<string, unknown>,
        _tags?: string[],
        metadata?: Record<string, unknown>,
    ): Promise<void> {
        this.refuseRunning(runId);
        const signal = (extraParams?.options as { signal?: unknown } | undefined)?.signal;
        await this.guard(() => this.startRun(runId, messages[0] ?? [], metadata ?? {}, signal instanceof AbortSignal ? signal : undefined));
    }

    /** Keeps what the start knows; fail-closed, also writes the `started` record and returns the wait for it. */
    private startRun(runId: string, messages: BaseMessage[], metadata: Record<string, unknown>, signal: AbortSignal | undefined): Promise<void> | undefined {
        // Read once, without a throw: metadata a caller made unreadable costs it parts of the record, never the record.
        const read = readMetadata(metadata);
        const { ids, modelId, invokedModelId, extra } = splitMetadata(read.values);
        const described = describeCallMetadata(extra, this.contentMode, this.safeMetadataKeys);
        const run: RunState = {
            startedMs: performance.now(),
            signal,
            start: {
                // A caller may choose the run id: bounded here, so the record and its archive object share one id however long it was,
                // and kept distinct from every other run id, since it names the call's records and archive objects.
                callId: recordCallId(String(runId)),
                timestamp: new Date(),
                tenantId: this.tenantId,
                contentMode: this.contentMode,
                ids,
                modelId,
                invokedModelId,
                region: this.region,
                inputText: messagesText(messages),
                metadata: described.metadata,
                metadataTruncated: described.truncated || read.unreadable || undefined,
                maxContentBytes: this.maxContentBytes,
            },
        };
        this.runs.set(runId, run);
        if (this.auditMode !== "fail-closed") return undefined;
        // Write-ahead: the call goes to Bedrock, and a stream's first chunk to the
        // caller, only once a record of it is durable. A rejection here stops the call.
        let durable: Promise<void> | undefined;
        try {
            durable = this.delivery.deliver(startedRecord(run.start));
        } finally {
            if (durable === undefined) this.endWithoutRecord(runId, run);
        }
        return durable?.catch((err: unknown) => {
            this.endWithoutRecord(runId, run);
            throw err;
        });
    }

    /** Token events of a plain `ChatBedrockConverse.stream()`: they mark the call as streamed. */
    // Async so that a throw reaches LangChain as a rejected handler, which it reports, never as a throw into the stream.
    // eslint-disable-next-line @typescript-eslint/require-await
    async handleLLMNewToken(token: string, _idx: unknown, runId: string, _parentRunId?: string, _tags?: string[], fields?: HandleLLMNewTokenCallbackFields): Promise<void> {
        const run = this.runs.get(runId);
        if (run && !run.stream?.observed) {
            const message = fields?.chunk && "message" in fields.chunk ? fields.chunk.message : undefined;
            try {
                noteDelta(run, token, false, message instanceof AIMessageChunk ? message : undefined);
            } catch (err) {
                // LangChain raises a handler's error into the stream: best-effort keeps the stream, and the record what it has.
                if (this.auditMode === "fail-closed") throw err;
                this.warn(`PrivateInvocationLogger: a streamed token of run ${runId} could not be noted (${describeError(err).errorCode})`);
            }
        }
    }

    /**
     * Called by the model wrapper (`createTenantChatModel`, the Lambda) as
     * each streamed chunk passes, before the caller sees it; `text` undefined
     * only marks the call as streamed. `message`, the chunk's, carries what is
     * not text (pieces of a tool call, reasoning), which the record holds too.
     */
    observeStream(runId: string, text?: string, message?: AIMessageChunk): void {
        const run = this.runs.get(runId);
        if (run) {
            noteDelta(run, text, true, message);
        }
    }

    /** Bedrock's request id and the SDK's attempts for a run, read from the response by the model wrapper. */
    observeResponse(runId: string, facts: { requestId?: string; attempts?: number } | undefined): void {
        const run = this.runs.get(runId);
        if (run && facts) {
            run.response = facts;
        }
    }

    async handleLLMEnd(output: LLMResult, runId: string): Promise<void> {
        await this.guard(() => this.endRun(runId, output));
    }

    private endRun(runId: string, output: LLMResult): Promise<void> | undefined {
        const run = this.takeRun(runId, "end");
        if (!run) {
            return undefined;
        }
        let result: CallResult;
        try {
            result = extractOutput(output);
        } catch {
            // A surprising result shape must not cost the record: keep what the start knew.
            result = { outputText: run.stream ? streamText(run.stream) : "", usage: {} };
        }
        result.requestId ??= run.response?.requestId;
        result.attempts ??= run.response?.attempts;
        result.timeToFirstTokenMs = run.stream?.firstTokenMs;
        const priceProblem = (problem: string) => this.warn(`PrivateInvocationLogger: ${problem}; call ${runId} is recorded with estimatedCostUsd null`);
        return this.finish(runId, () => successRecord(operationOf(run), run.start, result, elapsed(run), this.prices, priceProblem));
    }

    async handleLLMError(err: Error, runId: string): Promise<void> {
        await this.guard(() => this.errorRun(runId, err));
    }

    private errorRun(runId: string, err: unknown): Promise<void> | undefined {
        const run = this.takeRun(runId, "error");
        if (!run) {
            return undefined;
        }
        // The SDK reports an abort as a bare AbortError; the signal's reason (the
        // handler's deadline, say) is what the caller is told, so record that.
        const reason: unknown = run.signal?.aborted ? run.signal.reason : undefined;
        const facts = describeError(reason instanceof Error ? reason : err);
        // Stopped while AssumeRole was pending: the call ended there, whatever stopped it.
        if (abortedBeforeSession(run.signal, { owner: this, runId })) facts.operation = ASSUME_ROLE_OPERATION;
        facts.requestId ??= run.response?.requestId;
        facts.attempts ??= run.response?.attempts;
        const partial = run.stream && { text: streamText(run.stream), deltas: run.stream.deltas, timeToFirstTokenMs: run.stream.firstTokenMs };
        return this.finish(runId, () => errorRecord(operationOf(run), run.start, facts, elapsed(run), partial));
    }

    /**
     * The same events, called by a model that records its own calls (the
     * audited model of `createTenantChatModel` and the Lambda) instead of
     * through LangChain's callback dispatch. They return `undefined` when
     * there is nothing to wait for (best-effort), so a call pays no promise
     * for them. Fail-closed: a start that cannot be made durable, or an end
     * that cannot be written, rejects, as it does through LangChain.
     * Best-effort: never throws; a record that cannot be built or handed to
     * the sink counts as lost and is reported.
     */
    runStarted(runId: string, messages: BaseMessage[], metadata: Record<string, unknown>, signal?: AbortSignal): Promise<void> | undefined {
        this.refuseRunning(runId);
        return this.guard(() => this.startRun(runId, messages, metadata, signal));
    }

    /** The end of a run begun with {@link runStarted}; see there. */
    runEnded(runId: string, output: LLMResult): Promise<void> | undefined {
        return this.guard(() => this.endRun(runId, output));
    }

    /** The failure of a run begun with {@link runStarted}; see there. */
    runFailed(runId: string, err: unknown): Promise<void> | undefined {
        return this.guard(() => this.errorRun(runId, err));
    }

    /** What a streamed run has delivered so far, as its record holds it: the text, then tool calls and other parts. */
    streamedText(runId: string): string {
        const stream = this.runs.get(runId)?.stream;
        return stream ? streamText(stream) : "";
    }

    /** Records a request refused before any model call; it never carries content. */
    async logRejection(rejection: Omit<Rejection, "callId" | "tenantId" | "contentMode" | "timestamp"> & { timestamp?: Date }): Promise<void> {
        raise(rejectionProblem(rejection));
        await this.delivery.deliver(
            rejectedRecord({ ...rejection, callId: randomUUID(), timestamp: rejection.timestamp ?? new Date(), tenantId: this.tenantId, contentMode: this.contentMode }),
        );
    }

    /**
     * Resolves once the run's record has been handed to the sink (at once for
     * a run not in progress). LangChain may report an aborted stream's end
     * after the caller's loop has stopped; wait for it before flushing.
     */
    runFinished(runId: string): Promise<void> {
        if (!this.runs.has(runId)) {
            return Promise.resolve();
        }
        return new Promise((resolve) => {
            const previous = this.finishing.get(runId);
            this.finishing.set(runId, () => {
                previous?.();
                resolve();
            });
        });
    }

    /**
     * Flushes the sink and waits for every write handed to it, up to
     * `flushTimeoutMs`: those still unsettled then count as lost and are
     * reported. Never rejects.
     */
    flush(): Promise<void> {
        return this.delivery.flush().then(() => undefined);
    }

    /**
     * A clean shutdown: ends this writer's hash chain with a close record and
     * a final checkpoint, and flushes, waiting for the writes on their way,
     * all up to `timeoutMs` (`flushTimeoutMs` unless given; shutdown passes
     * its `closeTimeoutMs`). Records written afterwards start a new chain.
     * Never rejects for a sink's failure: a lost close record, and every
     * record still on its way at the deadline, count as lost (shutdown then
     * exits non-zero). Resolves to false when the deadline cut the wait
     * short (a sink whose flush never settled, even with every write settled),
     * true otherwise. Throws an `ArgumentError` for a bad or unknown option.
     */
    close(options: { timeoutMs?: number } = {}): Promise<boolean> {
        raise(
            firstProblem(
                () => recordProblem("close options", options),
                () => optionKeysProblem("close options", options, CLOSE_OPTIONS),
                () => (options.timeoutMs === undefined ? undefined : timerMsProblem("timeoutMs", options.timeoutMs)),
            ),
        );
        return this.delivery.close(options.timeoutMs);
    }

    /** The id of the writer whose chain this logger's records join. */
    get chainWriter(): string {
        return this.delivery.writer;
    }

    stats(): LoggerStats {
        const { handed, lost } = this.delivery.records;
        return { activeRuns: this.runs.size, records: handed, lost, orphanEvents: this.orphanEvents, clockSteps: this.delivery.clockSteps };
    }

    private guard(step: () => Promise<void> | undefined): Promise<void> | undefined {
        try {
            const durable = step();
            // Best-effort deliveries settle on their own (a lost one is counted there): nothing to wait for.
            return this.auditMode === "fail-closed" ? durable : undefined;
        } catch (err) {
            // A record that could not be built is lost as one the sink refused: counted, reported, and fail-closed refuses the call.
            return this.delivery.lost(err);
        }
    }

    /** Builds and delivers a run's last record; best-effort returns without a promise hop. */
    private finish(runId: string, build: () => AuditRecord): Promise<void> | undefined {
        let durable: Promise<void> | undefined;
        try {
            durable = this.delivery.deliver(build());
        } finally {
            if (durable === undefined) this.finished(runId);
        }
        return durable?.finally(() => this.finished(runId));
    }

    /**
     * A call refused before its completion (its started record failed): it
     * ends here, and whoever waits for it (runFinished) stops waiting. Only
     * while the id still names this run: a call that ended before its started
     * record failed (an abort) may have left the id to a new call, whose run
     * must not end with it.
     */
    private endWithoutRecord(runId: string, run: RunState): void {
        if (this.runs.get(runId) !== run) return;
        this.runs.delete(runId);
        this.finished(runId);
    }

    private finished(runId: string): void {
        const waiting = this.finishing.get(runId);
        if (waiting) {
            this.finishing.delete(runId);
            waiting();
        }
    }

    /**
     * Per-run state is keyed by run id: a second start under an id in progress
     * would take over the first call's state and leave one record mixing both
     * calls. The second call is refused before it reaches Bedrock, in both
     * audit modes; the first keeps its record.
     */
    private refuseRunning(runId: string): void {
        // A caller may choose the run id (LangChain's `runId` option): anything but a text names no call, and
        // different objects would write their records, and archive objects, under one callId ("[object Object]").
        if (typeof runId !== "string" || runId === "") {
            throw new ArgumentError(`runId must be a non-empty string (omit it for a new one), got ${showBrief(runId)}; this call is refused before reaching Bedrock`);
        }
        if (this.runs.has(runId)) {
            throw new ArgumentError(
                `runId ${showBrief(runId)} is already in progress on this PrivateInvocationLogger: a call's runId must be unique while it runs (omit runId for a new one). ` +
                    "This call is refused before reaching Bedrock; the running call keeps its record. (Handing a model's own auditLogger to it as a callback is not needed: it records its calls itself.)",
            );
        }
    }

    private takeRun(runId: string, event: string): RunState | undefined {
        const run = this.runs.get(runId);
        this.runs.delete(runId);
        if (run) {
            this.ended.add(runId);
        } else if (!this.ended.delete(runId)) {
            this.orphanEvents++;
            this.warn(`PrivateInvocationLogger: ${event} event for unknown run ${runId}; no record written`);
        }
        return run;
    }
}

const LOGGER_OPTIONS: readonly (keyof PrivateInvocationLoggerOptions)[] = [
    "sink",
    "tenantId",
    "contentMode",
    "auditMode",
    "safeMetadataKeys",
    "prices",
    "region",
    "maxContentBytes",
    "onWarning",
    "chain",
    "flushTimeoutMs",
];
const CHAIN_OPTIONS: readonly (keyof ChainOptions)[] = ["checkpoints", "checkpointEveryRecords", "checkpointEveryMs", "env"];
const CLOSE_OPTIONS: readonly string[] = ["timeoutMs"];

/** How many ended runs are remembered at least, to take a late second end of each quietly: far more than a process has calls in flight. */
const RECENTLY_ENDED_RUNS = 4096;


/**
 * `value` must be a {@link PriceTable}: model id to a price of non-negative
 * US dollars per 1,000 tokens. A price given by a getter is read on each
 * call (a live price), so it is left to that call: one that throws or is no
 * price there gives that call's record a null cost, reported.
 */
function pricesProblem(argName: string, value: unknown): Problem {
    if (!isPlainObject(value)) return `${argName} must be an object of model id to { input, output } prices, got ${showBrief(value)}`;
    for (const id of Object.keys(value)) {
        const price = dataValue(value, id);
        if (price === GETTER) continue;
        const at = `${argName}[${show(id)}]`;
        if (typeof price !== "object" || price === null || Array.isArray(price)) return `${at} must be an object of US dollars per 1,000 tokens ({ input, output }), got ${showBrief(price)}`;
        const unknown = Object.keys(price).find((field) => !(PRICE_FIELDS as readonly string[]).includes(field));
        if (unknown !== undefined) return `${at} has no field ${show(unknown)} (fields: ${PRICE_FIELDS.join(", ")})`;
        for (const field of PRICE_FIELDS) {
            const amount = dataValue(price, field);
            if (amount !== GETTER && !isPriceAmount(field, amount)) return `${at}.${field} must be a non-negative number of US dollars per 1,000 tokens, got ${showBrief(amount)}`;
        }
    }
    return undefined;
}

const GETTER = Symbol("getter");

/** An own member's value, or {@link GETTER} for one a getter gives (read only when used). */
function dataValue(holder: object, key: string): unknown {
    const descriptor = Object.getOwnPropertyDescriptor(holder, key);
    return descriptor === undefined ? undefined : "value" in descriptor ? descriptor.value : GETTER;
}

/** `value` must be a whole number of bytes of at least 1, or `Infinity` (no limit of the logger's own). */
function maxContentBytesProblem(argName: string, value: unknown): Problem {
    if (value === Infinity || (typeof value === "number" && Number.isInteger(value) && value >= 1)) return undefined;
    if (typeof value === "number" && value < 1) return `${argName} must be at least 1, got ${show(value)}`;
    return `${argName} must be a whole number of bytes (at least 1) or Infinity, got ${showBrief(value)}`;
}

/** `value` must be {@link ChainOptions}. */
function chainOptionsProblem(argName: string, value: unknown): Problem {
    const problem = recordProblem(argName, value, "an object of chain options") ?? optionKeysProblem(argName, value, CHAIN_OPTIONS, `${argName}.`);
    if (problem !== undefined) return problem;
    const chain = value as Record<string, unknown>;
    return firstProblem(
        () => (chain.checkpoints === undefined ? undefined : methodsProblem(`${argName}.checkpoints`, chain.checkpoints, ["writeCheckpoint"], "a CheckpointStore")),
        () => (chain.checkpointEveryRecords === undefined ? undefined : integerProblem(`${argName}.checkpointEveryRecords`, chain.checkpointEveryRecords, 1)),
        () => (chain.checkpointEveryMs === undefined ? undefined : integerProblem(`${argName}.checkpointEveryMs`, chain.checkpointEveryMs, 1)),
        () => (chain.env === undefined ? undefined : recordProblem(`${argName}.env`, chain.env, "an object of environment variables")),
    );
}

const REJECTION_IDS: readonly string[] = ["userId", "applicationId", "clientRequestId", "taskType", "kbId"];

/** `rejection` must be what {@link PrivateInvocationLogger.logRejection} records: strings, and a valid time. */
function rejectionProblem(rejection: unknown): Problem {
    const problem = recordProblem("rejection", rejection);
    if (problem !== undefined) return problem;
    const r = rejection as Record<string, unknown>;
    const optionalString = (name: string, v: unknown): Problem => (v === undefined || typeof v === "string" ? undefined : `${name} must be a string, got ${showBrief(v)}`);
    return firstProblem(
        () => (typeof r.errorCode === "string" ? undefined : `rejection.errorCode must be a string, got ${showBrief(r.errorCode)}`),
        () => (typeof r.errorMessage === "string" ? undefined : `rejection.errorMessage must be a string, got ${showBrief(r.errorMessage)}`),
        () => optionalString("rejection.errorField", r.errorField),
        () => optionalString("rejection.modelId", r.modelId),
        () => (r.timestamp === undefined || (r.timestamp instanceof Date && !Number.isNaN(r.timestamp.getTime())) ? undefined : `rejection.timestamp must be a valid Date, got ${showBrief(r.timestamp)}`),
        () => recordProblem("rejection.ids", r.ids),
        () => REJECTION_IDS.map((id) => optionalString(`rejection.ids.${id}`, (r.ids as Record<string, unknown>)[id])).find((p) => p !== undefined),
    );
}
