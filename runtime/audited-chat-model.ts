/**
 * `ChatBedrockConverse` with the audit logger built in. The model records its
 * own calls, around LangChain rather than through its callback dispatch: no
 * entry point can skip the record (`invoke`, `batch`, `generate`, `stream`
 * and every `streamEvents` form, including the one that dispatches no
 * callbacks at all), and a CPU-bound service does not pay LangChain's
 * dispatch of a handler on every call, nor, when no handler sees the call,
 * its handling of the call's metadata. Other callbacks see the same run ids.
 * (`streamEvents` without a version drops the call's metadata before the
 * model sees it; its record carries the model's own metadata.)
 */
import type { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { ChatBedrockConverse, type ChatBedrockConverseInput } from "@langchain/aws";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { ChatModelStreamEvent } from "@langchain/core/language_models/event";
import { CallbackManager, type CallbackManagerForLLMRun, type Callbacks } from "@langchain/core/callbacks/manager";
import { ensureConfig, type RunnableConfig } from "@langchain/core/runnables";
import { AsyncGeneratorWithSetup, IterableReadableStream } from "@langchain/core/utils/stream";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { coerceMessageLikeToMessage, type AIMessageChunk, type BaseMessage, type BaseMessageLike } from "@langchain/core/messages";
import type { ChatGenerationChunk, LLMResult } from "@langchain/core/outputs";
import { randomUUID } from "crypto";
import type { PrivateInvocationLogger } from "./private-invocation-logger";
import { secretsOf, withoutSecrets } from "./secrets";
import { readableMetadata } from "./content";
import { callOptionsProblem, modelInputProblem, promptsProblem } from "./call-input";
import { ArgumentError, methodsProblem, raise, recordProblem, showBrief, type Problem } from "../contract";
import { auditLoggerProblem } from "./wiring/audit-logger";
import type { StreamRun } from "./sts-failure";
import { leavableLog } from "./stream-log";
import type { LogStreamCallbackHandler, RunLogPatch } from "@langchain/core/tracers/log_stream";

/** The request metadata key a stream's token travels under to the client's middleware, which takes it out before the request is sent. */
export const STREAM_TOKEN_KEY = "bedrock-tenancy-run-id";
const MIDDLEWARE_NAME = "bedrockTenancyRequestIds";

/**
 * A call option for a caller that bounds the wait for a fail-closed
 * completion record itself (the Lambda handler, which answers by the
 * function's deadline, later than its call's signal): the model then waits
 * for the record whatever the signal says, and the caller decides.
 */
export const COMPLETION_WAIT_OWNED = Symbol("bedrock-tenancy.completion-wait-owned");

/** A streamed call the caller stopped reading before it ended. */
export class StreamClosedError extends Error {
    constructor() {
        super("the caller stopped reading the stream before it ended");
        this.name = "StreamClosed";
    }
}

/**
 * A ConverseStream answer that ended before its `messageStop` and `metadata`
 * events: Bedrock ends every answer it completes with both, so one without
 * them never completed (an empty body, or a stream closed cleanly between
 * frames), and without `metadata` its usage, cost and quota are unknown.
 */
export class IncompleteStreamError extends Error {
    constructor() {
        super("the model's streamed answer ended before its messageStop and metadata events, so it is incomplete");
        this.name = "IncompleteStream";
    }
}

export interface AuditedChatModelFields extends ChatBedrockConverseInput {
    client: BedrockRuntimeClient;
    auditLogger: PrivateInvocationLogger;
}

type CallOptions = ChatBedrockConverse["ParsedCallOptions"];

/**
 * One call's record in the making, carried in the call options from the
 * entry point (which knows the caller's metadata) to the method that reaches
 * Bedrock. A symbol key: LangChain passes it on untouched, and no request or
 * trace serializes it.
 */
const AUDIT_RUN = Symbol("bedrock-tenancy.audit-run");

interface AuditRun {
    runId: string;
    metadata: Record<string, unknown> | undefined;
    /** Set once the logger knows the run: whoever begins it also ends it. */
    begun: boolean;
    /** A stream's completion record once handed to the logger: fail-closed, rejects when it could not be written. */
    record?: Promise<void>;
    /** The stream reached its end: its record is the call's completion, not a failure, whatever stops a wait for it. */
    completed?: boolean;
    /** Of a stream the caller holds: set the moment the caller leaves it. */
    leaving?: Leaving;
}

/**
 * Whether the caller has left a stream (`return()` or `throw()` on it), and
 * the chunk fetched before the caller asked for one: LangChain's `stream`
 * fetches the first before it returns, to surface a failing start, and that
 * chunk is noted into the record only once the caller takes it.
 */
type Leaving = { requested: boolean; ahead?: boolean; held?: () => void };

/**
 * The stream as the caller holds it. A generator queues a `return()` behind
 * a `next()` still waiting for Bedrock, so the chunk that wait brings would
 * be recorded as sent, and then dropped by LangChain's stream on its way to
 * a caller who has left. Here the caller's leaving is known at once.
 */
function leavable<T>(inner: AsyncGenerator<T>, leaving: Leaving): AsyncGenerator<T> {
    const stream: AsyncGenerator<T> = {
        next: (...args) => inner.next(...args),
        return: (value) => {
            leaving.requested = true;
            return inner.return(value);
        },
        throw: (err) => {
            leaving.requested = true;
            return inner.throw(err);
        },
        [Symbol.asyncIterator]: () => stream,
    };
    return stream;
}

/** What {@link AuditedChatBedrockConverse.trackStream} tells of a stream once it has ended. */
export interface TrackedStream {
    /** Resolves once its record is handed to the logger; fail-closed, rejects with `AuditWriteError` when it could not be written. */
    record(): Promise<void>;
    /** Whether that record is the stream's completion (it reached its end before anything stopped it). */
    completed(): boolean;
}

type Tagged = { [AUDIT_RUN]?: AuditRun };
/** What reaches `generate` and `stream` at run time: LangChain's call options hold the run's config too. */
type EntryOptions = Partial<CallOptions> & { runId?: string; metadata?: Record<string, unknown> } & Tagged;

export class AuditedChatBedrockConverse extends ChatBedrockConverse {
    readonly auditLogger: PrivateInvocationLogger;
    /** Runs of {@link trackStream} whose stream has not started yet. */
    private readonly tracked = new Map<string, AuditRun>();

    static lc_name(): string {
        return "ChatBedrockConverse";
    }

    constructor(fields: AuditedChatModelFields) {
        raise(fieldsProblem(fields));
        const { auditLogger, ...rest } = fields;
        super({ ...rest, callbacks: withoutHandler(rest.callbacks, auditLogger) });
        this.auditLogger = auditLogger;
    }

    /** `batch` comes here too: each input and the options are checked before LangChain reads them. */
    invoke(input: BaseLanguageModelInput, options?: Parameters<ChatBedrockConverse["invoke"]>[1]): ReturnType<ChatBedrockConverse["invoke"]> {
        const problem = modelInputProblem(input) ?? callOptionsProblem(options);
        return problem === undefined ? super.invoke(input, options) : Promise.reject(new ArgumentError(problem));
    }

    /** Checked as {@link invoke} is, before LangChain reads the options to start the stream. */
    stream(input: BaseLanguageModelInput, options?: Parameters<ChatBedrockConverse["stream"]>[1]): ReturnType<ChatBedrockConverse["stream"]> {
        const problem = modelInputProblem(input) ?? callOptionsProblem(options);
        return problem === undefined ? this.streamToCaller(input, options) : Promise.reject(new ArgumentError(problem));
    }

    /**
     * LangChain's `stream`, but the stream the caller holds fetches no chunk
     * ahead of its reader. The model counts a chunk into the record as it
     * hands it on; LangChain's stream fetches the next one as soon as the
     * caller takes one, so a caller who leaves between two reads would leave
     * a chunk in the record that never reached it.
     */
    private async streamToCaller(input: BaseLanguageModelInput, options: Parameters<ChatBedrockConverse["stream"]>[1]): Promise<IterableReadableStream<AIMessageChunk>> {
        const config = ensureConfig(options);
        const leaving: Leaving = { requested: false, ahead: true };
        const chunks = new AsyncGeneratorWithSetup({ generator: leavable(this.streamIterated(input, config, leaving), leaving), config });
        try {
            await chunks.setup;
        } finally {
            leaving.ahead = false;
        }
        // The chunk the setup fetched reaches the record with the caller's first read, never without it.
        let held = leaving.held;
        leaving.held = undefined;
        return new IterableReadableStream<AIMessageChunk>(
            {
                async pull(controller) {
                    const next = await chunks.next();
                    held?.();
                    held = undefined;
                    if (next.done) controller.close();
                    else controller.enqueue(next.value);
                },
                async cancel(reason) {
                    await chunks.return(reason);
                },
            },
            // Pulled only while the caller waits for a chunk.
            { highWaterMark: 0 },
        );
    }

    /** `streamLog`: a caller that leaves it early closes the model's stream, whose record is written, and returns (see stream-log.ts). */
    protected _streamLog(input: BaseLanguageModelInput, logStreamCallbackHandler: LogStreamCallbackHandler, config: Partial<CallOptions>): AsyncGenerator<RunLogPatch> {
        return leavableLog(super._streamLog(input, logStreamCallbackHandler, config), logStreamCallbackHandler);
    }

    /** `invoke`, `batch` and `generate` all come here: one record per prompt, begun before the call leaves. */
    async generate(messages: BaseMessageLike[][], options?: string[] | Partial<CallOptions>, callbacks?: Callbacks): Promise<LLMResult> {
        const problem = promptsProblem(messages) ?? callOptionsProblem(options);
        if (problem !== undefined) throw new ArgumentError(problem);
        try {
            return await this.generateAudited(messages, options, callbacks);
        } catch (err) {
            throw await this.withoutSecrets(err);
        }
    }

    private async generateAudited(messages: BaseMessageLike[][], options?: string[] | Partial<CallOptions>, callbacks?: Callbacks): Promise<LLMResult> {
        let entry: EntryOptions & { callbacks?: Callbacks } = Array.isArray(options) ? { stop: options } : (options ?? {});
        if (callbacks !== undefined) callbacks = withoutHandler(callbacks, this.auditLogger);
        // Without callbacks of its own, the call takes an enclosing run's (LangChain reads them from its async context).
        const given = entry.callbacks ?? (callbacks === undefined ? implicitCallbacks() : undefined);
        if (given !== undefined) {
            const kept = withoutHandler(given, this.auditLogger);
            if (kept !== given) {
                entry = { ...entry, callbacks: kept };
                options = entry;
            }
        }
        if (messages.length !== 1) {
            return this.generateEach(messages, entry, callbacks);
        }
        const tagged = entry[AUDIT_RUN];
        if (tagged?.begun) {
            return super.generate(messages, options, callbacks);
        }
        const run = tagged ?? newRun(entry);
        const started = this.begin(run, messages[0].map(coerceMessageLikeToMessage), entry.signal);
        if (started) await this.startedUnlessAborted(run.runId, started, entry.signal);
        const forward = tagged ? entry : this.unobserved(entry, callbacks) ? forNobody(entry) : { ...entry, runId: run.runId, [AUDIT_RUN]: run };
        let result: LLMResult;
        try {
            result = await super.generate(messages, forward, callbacks);
        } catch (err) {
            await this.auditLogger.runFailed(run.runId, err);
            throw err;
        }
        const ended = this.auditLogger.runEnded(run.runId, result);
        // Fail-closed: the completion waits for its record, but no longer than the call's signal allows, as the started record does.
        if (ended) await this.durableUnlessAborted(ended, (entry as { [COMPLETION_WAIT_OWNED]?: boolean })[COMPLETION_WAIT_OWNED] ? undefined : entry.signal);
        return result;
    }

    /**
     * Fail-closed: waits for the completion record to be durable, but no
     * longer than the call's signal allows. An abort then fails the call with
     * the signal's reason, and the completion is not returned; the record
     * settles on its own, and one that never does is counted lost by the
     * logger's flush deadline.
     */
    private async durableUnlessAborted(ended: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
        if (signal === undefined) return ended;
        if ((await settledUnlessAborted(ended, signal)) !== "aborted") return;
        ended.catch(() => undefined);
        throw abortError(signal);
    }

    /** `stream` (and the `streamEvents` built on it): the caller's metadata and run id travel with the call to Bedrock. */
    _streamIterator(input: BaseLanguageModelInput, options?: Partial<CallOptions>): AsyncGenerator<AIMessageChunk> {
        const leaving = { requested: false };
        return leavable(this.streamIterated(input, options, leaving), leaving);
    }

    private async *streamIterated(input: BaseLanguageModelInput, options: Partial<CallOptions> | undefined, leaving: Leaving): AsyncGenerator<AIMessageChunk> {
        // `transform` (the model piped after another step of a streamed chain) comes here without passing `stream`.
        const problem = modelInputProblem(input) ?? callOptionsProblem(options);
        if (problem !== undefined) throw new ArgumentError(problem);
        const given = (options as { callbacks?: Callbacks } | undefined)?.callbacks ?? implicitCallbacks();
        if (given !== undefined) {
            const kept = withoutHandler(given, this.auditLogger);
            if (kept !== given) options = { ...options, callbacks: kept } as Partial<CallOptions>;
        }
        const entry: EntryOptions | undefined = options;
        const tagged = entry?.[AUDIT_RUN];
        if (tagged?.begun) {
            yield* super._streamIterator(input, options);
            return;
        }
        const tracked = entry?.runId === undefined ? undefined : this.tracked.get(entry.runId);
        if (tracked) this.tracked.delete(tracked.runId);
        const run = tagged ?? tracked ?? newRun(entry ?? {});
        run.metadata ??= entry?.metadata;
        run.leaving = leaving;
        yield* super._streamIterator(input, { ...options, runId: run.runId, [AUDIT_RUN]: run } as Partial<CallOptions>);
    }

    /**
     * For the stream that will run as `runId`: its record, which resolves once
     * handed to the logger (at once when the stream never began its run) and,
     * fail-closed, rejects with `AuditWriteError` when it could not be
     * written, and whether it is the completion. Ask after the stream has ended. A caller whose loop an
     * abort ended learns nothing of the record from it (LangChain throws the
     * abort); the Lambda needs this for its last line.
     */
    trackStream(runId: string): TrackedStream {
        const run = newRun({ runId });
        this.tracked.set(runId, run);
        return { record: async () => run.record, completed: () => run.completed === true };
    }

    /**
     * The event stream (`streamEvents` without a version, and handlers that
     * prefer events): ChatBedrockConverse builds it from its own Bedrock call,
     * which nothing would record; LangChain's generic form builds it from
     * {@link _streamResponseChunks}, the one streamed path that records.
     */
    _streamChatModelEvents(messages: BaseMessage[], options: CallOptions, runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatModelStreamEvent> {
        return BaseChatModel.prototype._streamChatModelEvents.call(this, messages, options, runManager);
    }

    async *_streamResponseChunks(messages: BaseMessage[], options: CallOptions, runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
        try {
            yield* this.streamAudited(messages, options, runManager);
        } catch (err) {
            throw await this.withoutSecrets(err);
        }
    }

    /**
     * Every error a caller gets passes here: none may quote a secret of the
     * client's (an STS refusal quoting the ExternalId, say), down to its causes.
     */
    private async withoutSecrets(err: unknown): Promise<unknown> {
        const secrets = secretsOf(this.client);
        await secrets?.complete();
        return withoutSecrets(err, secrets);
    }

    private async *streamAudited(messages: BaseMessage[], options: CallOptions, runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
        const tagged = (options as CallOptions & Tagged)[AUDIT_RUN];
        const run = tagged ?? newRun({ runId: runManager?.runId });
        // A stream begun here ends here; one inside `generate` (a streaming model) ends there.
        const owned = !run.begun;
        const started = owned ? this.begin(run, messages, options.signal) : undefined;
        const { runId } = run;
        const { signal } = options;
        // Whoever ends the run first writes its one record: the stream's end, its
        // error, the caller leaving the loop, or an abort.
        let ended = false;
        const end = (write: () => Promise<void> | undefined): Promise<void> | undefined => {
            ended = true;
            if (!owned) return undefined;
            run.record = write();
            return run.record;
        };
        const onAbort = () => {
            if (ended) return;
            // LangChain's stream wrapper throws an abort at the caller without
            // resuming this generator, so nothing below may run again: the record
            // is written now, with the output so far. A record that cannot be
            // written is counted and reported by the logger, and reaches the
            // caller if it reads on.
            end(() => this.auditLogger.runFailed(runId, abortError(signal!)))?.catch(() => undefined);
        };
        // Listening before the `started` record is durable: fail-closed, an abort while it is being written (the
        // deadline, say) writes the call's record now, rather than once that write ends, past the deadline.
        signal?.addEventListener("abort", onAbort, { once: true });
        if (signal?.aborted) onAbort();
        if (started) {
            try {
                await started;
            } catch (err) {
                // The started record was lost: the logger has ended the run, and the call stops before Bedrock.
                signal?.removeEventListener("abort", onAbort);
                throw err;
            }
        }
        this.auditLogger.observeStream(runId);
        // Joined at the client's first stream: a client that only makes unary calls builds every call's handler without it.
        reportRequestIds(this.client);
        // A token of this stream's own: a run id is unique for one logger only, and models of two tenants may stream one id at once.
        const token = String(++streamsBegun);
        const request = { ...options, requestMetadata: { ...options.requestMetadata, [STREAM_TOKEN_KEY]: token } };
        streams.set(token, { owner: this.auditLogger, runId });
        const reply = owned ? new StreamedReply() : undefined;
        let settled = false;
        const closing = { stop: false, metadata: false };
        try {
            if (!ended) {
                for await (const chunk of super._streamResponseChunks(messages, request, runManager)) {
                    // A chunk that arrives after the abort is not in the record, so the caller never gets it.
                    if (ended) break;
                    // The caller left while this chunk was on its way (a `return()` while a `next()` waited): it never reaches them, so it is not in the record.
                    if (run.leaving?.requested) throw new StreamClosedError();
                    // Counted before the caller sees it, so a stream the caller abandons is still counted in full;
                    // one fetched ahead of the caller is counted when the caller takes it.
                    if (run.leaving?.ahead) run.leaving.held = () => this.auditLogger.observeStream(runId, chunk.text, chunk.message as AIMessageChunk);
                    else this.auditLogger.observeStream(runId, chunk.text, chunk.message as AIMessageChunk);
                    noteClosing(closing, chunk);
                    reply?.note(chunk);
                    yield chunk;
                    if (ended) break;
                }
            }
            settled = true;
        } catch (err) {
            settled = true;
            // Aborted: the record is on its way; a failure to write it outranks the
            // abort, which outranks however the SDK reports the cut connection.
            if (!ended) {
                await end(() => this.auditLogger.runFailed(runId, err));
                throw err;
            }
            await run.record;
            throw abortError(signal!);
        } finally {
            signal?.removeEventListener("abort", onAbort);
            streams.delete(token);
            if (!settled && !ended) {
                // The caller left the loop: LangChain reports neither end nor error, so this run's record is written here.
                const closed = new StreamClosedError();
                await runManager?.handleLLMError(closed);
                await end(() => this.auditLogger.runFailed(runId, closed));
            }
        }
        if (ended) {
            // ChatBedrockConverse ends an aborted stream as if it were complete; it failed.
            await run.record;
            throw abortError(signal!);
        }
        if (!closing.stop || !closing.metadata) {
            // Thrown into generate when a streaming model's call runs here, which records it there.
            const incomplete = new IncompleteStreamError();
            await end(() => this.auditLogger.runFailed(runId, incomplete));
            throw incomplete;
        }
        if (reply) {
            run.completed = true;
            await end(() => this.auditLogger.runEnded(runId, reply.result(this.auditLogger.streamedText(runId))));
        }
    }

    /**
     * True when no handler of any kind will see this call: none passed, none
     * on the model, none of an enclosing run, and nothing LangChain adds itself
     * (tracing, verbose, hooks), as LangChain's own configure decides. A
     * streaming model carries the run to its stream, so it is never counted.
     */
    private unobserved(entry: EntryOptions & { callbacks?: Callbacks }, callbacks: Callbacks | undefined): boolean {
        if (this.streaming || entry.callbacks !== undefined || callbacks !== undefined || this.callbacks !== undefined) return false;
        if ((AsyncLocalStorageProviderSingleton.getRunnableConfig() as RunnableConfig | undefined)?.callbacks !== undefined) return false;
        return CallbackManager.configure(undefined, undefined, undefined, undefined, undefined, undefined, { verbose: this.verbose }) === undefined;
    }

    /**
     * Fail-closed: waits for the call's started record, but no longer than its
     * signal allows, as a stream does. Outside Lambda the signal is a call's
     * only bound, so a slow or stuck sink must not hold the call past it: an
     * abort ends the call at once with the signal's reason, before Bedrock, and
     * writes its record then (a record that cannot be written is counted and
     * reported by the logger).
     */
    private async startedUnlessAborted(runId: string, started: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
        if (signal === undefined) return started;
        if ((await settledUnlessAborted(started, signal)) !== "aborted") return;
        // The started record settles on its own: a loss is the logger's to count, and no rejection goes unhandled.
        started.catch(() => undefined);
        const reason = abortError(signal);
        this.auditLogger.runFailed(runId, reason)?.catch(() => undefined);
        throw reason;
    }

    private begin(run: AuditRun, messages: BaseMessage[], signal: AbortSignal | undefined): Promise<void> | undefined {
        run.begun = true;
        // The model's own metadata (its model id, the session's user) wins over the call's, as LangChain merges them for callbacks.
        // Each read without a throw: a getter or proxy of the caller's that throws costs the record that part, not the record.
        return this.auditLogger.runStarted(run.runId, messages, { ls_model_name: this.model, ...readableMetadata(run.metadata), ...readableMetadata(this.metadata) }, signal);
    }

    /** Prompts of one `generate` call, each recorded as a call of its own; fails as LangChain does once all have settled. */
    private async generateEach(messages: BaseMessageLike[][], options: EntryOptions, callbacks?: Callbacks): Promise<LLMResult> {
        const settled = await Promise.allSettled(
            messages.map((prompt, i) => this.generate([prompt], { ...options, runId: i === 0 ? options.runId : undefined, [AUDIT_RUN]: undefined } as Partial<CallOptions>, callbacks)),
        );
        const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
        if (failed) throw failed.reason;
        const results = settled.map((s) => (s as PromiseFulfilledResult<LLMResult>).value);
        return { generations: results.map((r) => r.generations[0]), llmOutput: this._combineLLMOutput?.(...results.map((r) => r.llmOutput ?? {})) ?? {} };
    }
}

/**
 * `streamEvents` in every form (and `streamV2`, built on it), checked as
 * `invoke` is: LangChain reads the input of the form without a version at
 * once, and the signal of every form (`AbortSignal.any`), before the model
 * sees the call, and fails with a TypeError naming neither. Set on the
 * prototype: a subclass cannot restate the method's overloads.
 */
// Called only through `apply` with the model as `this`.
// eslint-disable-next-line @typescript-eslint/unbound-method
const inheritedStreamEvents = ChatBedrockConverse.prototype.streamEvents;
AuditedChatBedrockConverse.prototype.streamEvents = function streamEvents(this: AuditedChatBedrockConverse, ...args: unknown[]) {
    const problem = modelInputProblem(args[0]) ?? callOptionsProblem(args[1]);
    if (problem !== undefined) throw new ArgumentError(problem);
    return (inheritedStreamEvents as (...a: unknown[]) => unknown).apply(this, args);
} as typeof inheritedStreamEvents;

/**
 * The call's options without what only handlers read (metadata, tags, run id
 * and name): with no handler, LangChain would copy them through every layer
 * of the call for nobody, several microseconds of a CPU-bound service's call.
 */
function forNobody(entry: EntryOptions & { tags?: string[]; runName?: string }): EntryOptions {
    const { metadata: _metadata, tags: _tags, runId: _runId, runName: _runName, ...rest } = entry;
    return rest;
}

/**
 * `callbacks` without `handler`, the same object when it is not among them.
 * The model records its own calls; its logger handed to LangChain as a
 * callback of the same call too (directly, or inherited from an enclosing
 * run) would start the call's run a second time.
 */
function withoutHandler(callbacks: Callbacks | undefined, handler: PrivateInvocationLogger): Callbacks | undefined {
    if (callbacks === undefined) return undefined;
    if (Array.isArray(callbacks)) return callbacks.includes(handler) ? callbacks.filter((h) => h !== handler) : callbacks;
    const manager = callbacks;
    if (!manager.handlers?.includes(handler) && !manager.inheritableHandlers?.includes(handler)) return callbacks;
    const copy = manager.copy();
    copy.removeHandler(handler);
    return copy;
}

/** The callbacks of the enclosing run, which LangChain gives a call made inside it. */
function implicitCallbacks(): Callbacks | undefined {
    return (AsyncLocalStorageProviderSingleton.getRunnableConfig() as RunnableConfig | undefined)?.callbacks;
}

function newRun(options: Pick<EntryOptions, "runId" | "metadata">): AuditRun {
    return { runId: options.runId ?? randomUUID(), metadata: options.metadata, begun: false };
}

/** `"settled"` once `work` resolves, `"aborted"` once `signal` aborts first; rejects as `work` does. */
async function settledUnlessAborted(work: Promise<void>, signal: AbortSignal): Promise<"settled" | "aborted"> {
    let onAbort: () => void = () => undefined;
    const aborted = new Promise<"aborted">((resolve) => {
        onAbort = () => resolve("aborted");
        signal.addEventListener("abort", onAbort, { once: true });
        if (signal.aborted) onAbort();
    });
    try {
        return await Promise.race([work.then(() => "settled" as const), aborted]);
    } finally {
        signal.removeEventListener("abort", onAbort);
    }
}

/** What an aborted stream fails with: the signal's reason, as LangChain reports it. */
function abortError(signal: AbortSignal): Error {
    const reason: unknown = signal.reason;
    return reason instanceof Error ? reason : new Error(typeof reason === "string" ? reason : "Aborted");
}

/**
 * What a stream's record needs from its chunks besides the text (which the
 * logger keeps as it passes): Bedrock's usage, metrics and stop reason, which
 * ChatBedrockConverse puts in the response metadata of the chunks that carry them.
 */
class StreamedReply {
    private readonly responseMetadata: Record<string, unknown> = {};
    private usage: AIMessageChunk["usage_metadata"];

    note(chunk: ChatGenerationChunk): void {
        const message = chunk.message as AIMessageChunk;
        if (message.usage_metadata) this.usage = message.usage_metadata;
        const meta = message.response_metadata;
        if (!chunk.text && meta) Object.assign(this.responseMetadata, meta);
    }

    result(text: string): LLMResult {
        return { generations: [[{ text, message: { content: text, response_metadata: this.responseMetadata, usage_metadata: this.usage } } as never]] };
    }
}

/** ChatBedrockConverse passes `messageStop` and `metadata` on as chunks without text whose response metadata holds the event. */
function noteClosing(closing: { stop: boolean; metadata: boolean }, chunk: ChatGenerationChunk): void {
    if (chunk.text !== "") return;
    const meta = (chunk.message as AIMessageChunk).response_metadata;
    if (meta?.messageStop !== undefined) closing.stop = true;
    if (meta?.metadata !== undefined) closing.metadata = true;
}

type ResponseFacts = { requestId?: string; attempts?: number };

/** The SDK's `$metadata` of a response or an error, if it has one: a client stubbed in a test may answer or throw anything. */
function metadataOf(value: unknown): ResponseFacts | undefined {
    return typeof value === "object" && value !== null ? (value as { $metadata?: ResponseFacts }).$metadata : undefined;
}

/**
 * The fields the model cannot do without, checked before LangChain reads
 * them: a client the request-id middleware can join (a plain object with
 * `send` alone has no middleware stack), and the logger its records go to.
 */
function fieldsProblem(fields: unknown): Problem {
    const problem = recordProblem("AuditedChatBedrockConverse fields", fields);
    if (problem !== undefined) return problem;
    const { client, auditLogger } = fields as { client?: unknown; auditLogger?: unknown };
    const clientProblem = methodsProblem("client", client, ["send"], "a BedrockRuntimeClient");
    if (clientProblem !== undefined) return clientProblem;
    const stack = (client as { middlewareStack?: { add?: unknown } }).middlewareStack;
    if (typeof stack?.add !== "function") return `client must be a BedrockRuntimeClient (with send() and middlewareStack.add()), got ${showBrief(client)}, which has no middlewareStack.add()`;
    return auditLoggerProblem("auditLogger", auditLogger);
}

/** Streamed runs in progress, by the token each one's request carries, for the client middleware and the ops session's wait. */
const streams = new Map<string, StreamRun & { owner: PrivateInvocationLogger }>();
let streamsBegun = 0;

/** The streamed run `command` was sent for (its logger and run id), when it was. */
export function streamRunOf(command: unknown): StreamRun | undefined {
    const token = (command as { input?: { requestMetadata?: Record<string, unknown> } } | undefined)?.input?.requestMetadata?.[STREAM_TOKEN_KEY];
    return typeof token === "string" ? streams.get(token) : undefined;
}

const wired = new WeakSet<BedrockRuntimeClient>();

/**
 * ConverseStream replies reach LangChain without the response's request id;
 * this middleware reads it from the response and hands it to the run's logger.
 * It joins the client's stack at the first stream, not with the model: the
 * SDK builds every call's handler from the whole stack (unless the client
 * reuses its handlers), and one more step there was about a tenth more of
 * that work for each unary call, which never carries a run id.
 */
function reportRequestIds(client: BedrockRuntimeClient): void {
    if (wired.has(client)) {
        return;
    }
    wired.add(client);
    client.middlewareStack.add(
        // Converse (LangChain's unary call) never carries a run id: its calls skip this middleware, and pay for no frame of it.
        (next, context) => (context.commandName === "ConverseCommand" ? next : async (args) => {
            const input = args.input as { requestMetadata?: Record<string, string> };
            const token = input.requestMetadata?.[STREAM_TOKEN_KEY];
            if (token === undefined) {
                return next(args);
            }
            const run = streams.get(token);
            const { [STREAM_TOKEN_KEY]: _, ...rest } = input.requestMetadata!;
            const cleaned = { ...input, requestMetadata: Object.keys(rest).length > 0 ? rest : undefined };
            try {
                const result = await next({ ...args, input: cleaned as typeof args.input });
                run?.owner.observeResponse(run.runId, metadataOf(result?.output));
                return result;
            } catch (err) {
                run?.owner.observeResponse(run.runId, metadataOf(err));
                throw err;
            }
        }),
        { step: "initialize", name: MIDDLEWARE_NAME },
    );
}
