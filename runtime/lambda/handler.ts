/**
 * The Lambda that `PrivateInvocationLogging` deploys: validates the event,
 * calls Bedrock through the tenant's ops role, and writes one audit record per
 * request into the customer's own log group.
 */
import { randomUUID } from "crypto";
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from "@aws-sdk/client-bedrock-runtime";
import { QUOTA_EXHAUSTED_ERROR_CODE, QUOTA_EXHAUSTED_MESSAGE } from "../quota-error";
import { ArgumentError, integerAtLeast, optionKeysProblem, raise, recordProblem, thrownText } from "../../contract";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { S3Client } from "@aws-sdk/client-s3";
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { AuditedChatBedrockConverse, COMPLETION_WAIT_OWNED, type TrackedStream } from "../audited-chat-model";
import { describeError } from "../audit-record";
import { PrivateInvocationLogger, AuditWriteError } from "../private-invocation-logger";
import type { PriceTable } from "../pricing";
import { bedrockUsage, contentText, replyStopReason } from "../run-data";
import { boundArchiveWrites } from "../sinks/archive-sink";
import { guardedWarning, type AuditSink } from "../sinks/audit-sink";
import { StdoutSink } from "../sinks/stdout-sink";
import { createAuditLogger } from "../wiring/audit-logger";
import { RUNTIME_CONFIG_KEYS, guardrailFields, loadRuntimeConfig, type RuntimeConfig } from "../wiring/config";
import { checkOpsBedrockClientOptions, createOpsBedrockClient } from "../wiring/ops-bedrock-client";
import { eventMessages, validateEvent, type ChatMessage, type EventError, type InvocationEvent } from "./event";
import { ModelCache } from "./model-cache";
import { streamInvocation, untilAborted, type ResponseStreamLike } from "./streaming";

export interface HandlerOptions extends Partial<RuntimeConfig> {
    /** Environment to read configuration from. @default process.env */
    env?: Readonly<Record<string, string | undefined>>;
    /** Where records go. @default - a {@link StdoutSink} (the function's log group) */
    sink?: AuditSink;
    /** Bedrock Runtime endpoint URL. @default - the SDK's (honours `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`) */
    bedrockEndpoint?: string;
    /** The customer account's credentials that call AssumeRole. @default - the default credential chain */
    customerCredentials?: AwsCredentialIdentityProvider;
    /** Connection timeout to Bedrock, ms. @default DEFAULT_BEDROCK_CONNECTION_TIMEOUT_MS (3000) */
    bedrockConnectionTimeoutMs?: number;
    /** Most sockets to Bedrock at once, per client. @default DEFAULT_BEDROCK_MAX_SOCKETS (500) */
    bedrockMaxSockets?: number;
    /**
     * Further Bedrock client settings (a `retryStrategy`, a `requestHandler`, ...),
     * applied over the handler's; `credentials` is always the ops session.
     */
    bedrockClientConfig?: Omit<BedrockRuntimeClientConfig, "credentials">;
    /** S3 client for the audit archive. @default - one with `customerCredentials` (honours `AWS_ENDPOINT_URL_S3`) */
    archiveClient?: S3Client;
    /** Prices laid over the default table. */
    prices?: PriceTable;
    /**
     * Ops sessions kept when sessions carry a user tag: beyond it, the least
     * recently used idle one is closed; one with a call in progress never is.
     * @default 100
     */
    maxUserSessions?: number;
    onWarning?: (message: string) => void;
}

const HANDLER_OPTIONS: readonly string[] = [
    ...RUNTIME_CONFIG_KEYS,
    ...([
        "env",
        "sink",
        "bedrockEndpoint",
        "customerCredentials",
        "bedrockConnectionTimeoutMs",
        "bedrockMaxSockets",
        "bedrockClientConfig",
        "archiveClient",
        "prices",
        "maxUserSessions",
        "onWarning",
    ] satisfies (keyof HandlerOptions)[]),
];

/** The part of the Lambda context the handler uses. */
export interface LambdaContextLike {
    getRemainingTimeInMillis(): number;
}

export interface InvocationSuccess {
    output: string;
    modelId: string;
    stopReason?: string;
    /** Bedrock's counts: `inputTokens` excludes the cache tokens, which have their own fields. */
    usage: InvocationUsage;
    /** Bedrock's request id. */
    requestId?: string;
    clientRequestId?: string;
}

export interface InvocationUsage {
    inputTokens?: number;
    outputTokens?: number;
    totalTokens?: number;
    cacheReadInputTokens?: number;
    cacheWriteInputTokens?: number;
}

export interface InvocationFailure {
    error: { code: string; message: string; field?: string };
}

export type InvocationResponse = InvocationSuccess | InvocationFailure;

/** `error.code` values of failures after validation (validation codes are in `EventErrorCode`). */
export const InvocationErrorCode = {
    modelThrottled: "ModelThrottled",
    modelError: "ModelError",
    deadlineExceeded: "DeadlineExceeded",
    auditUnavailable: "AuditUnavailable",
    quotaExhausted: QUOTA_EXHAUSTED_ERROR_CODE,
} as const;

export const DEFAULT_MAX_USER_SESSIONS = 100;

export type RuntimeHandler = ((event: unknown, context?: LambdaContextLike) => Promise<InvocationResponse>) & {
    readonly config: RuntimeConfig;
    readonly logger: PrivateInvocationLogger;
    /** The streaming handler, for `awslambda.streamifyResponse`: NDJSON lines as Bedrock sends tokens. */
    readonly stream: (event: unknown, responseStream: ResponseStreamLike, context?: LambdaContextLike) => Promise<void>;
};

/**
 * Builds the handler. Configuration and the ops credential provider are
 * created here, once per container; each invocation reuses them.
 */
export function createHandler(options: HandlerOptions = {}): RuntimeHandler {
    raise(recordProblem("createHandler options", options), optionKeysProblem("createHandler options", options, HANDLER_OPTIONS));
    const { env, sink, bedrockEndpoint, customerCredentials, prices, onWarning, bedrockClientConfig, bedrockConnectionTimeoutMs, bedrockMaxSockets, maxUserSessions, archiveClient, ...overrides } =
        options;
    // The Bedrock clients are built per user at the first call: a bad option must stop the cold start, not fail every call without a record.
    checkOpsBedrockClientOptions({ endpoint: bedrockEndpoint, clientConfig: bedrockClientConfig, connectionTimeoutMs: bedrockConnectionTimeoutMs, maxSockets: bedrockMaxSockets, customerCredentials });
    const sessions = integerAtLeast("maxUserSessions", maxUserSessions ?? DEFAULT_MAX_USER_SESSIONS, 1);
    const config = loadRuntimeConfig(overrides, env ?? process.env);
    const logger = createAuditLogger(config, sink ?? new StdoutSink(), { archiveClient, customerCredentials, region: env?.AWS_REGION ?? process.env.AWS_REGION, prices, onWarning });
    const clients = new ClientCache(sessions, (userId) =>
        createOpsBedrockClient(config, {
            userId,
            endpoint: bedrockEndpoint,
            clientConfig: bedrockClientConfig,
            connectionTimeoutMs: bedrockConnectionTimeoutMs,
            maxSockets: bedrockMaxSockets,
            customerCredentials,
            stsRegion: env?.AWS_REGION ?? process.env.AWS_REGION,
        }),
    );

    // A model holds no call's state: warm invocations of one kind reuse it instead of building LangChain's model anew.
    const models = new ModelCache((client, event) => {
        const route = config.modelRoutes[event.modelId];
        return new AuditedChatBedrockConverse({
            model: event.modelId,
            ...(route ? { applicationInferenceProfile: route } : {}),
            client,
            credentials: client.config.credentials,
            region: config.bedrockRegion,
            auditLogger: logger,
            ...guardrailFields(config),
            ...(event.maxTokens !== undefined ? { maxTokens: event.maxTokens } : {}),
            ...(event.temperature !== undefined ? { temperature: event.temperature } : {}),
        });
    });

    const warn = guardedWarning(onWarning);

    const handler = async (event: unknown, context?: LambdaContextLike): Promise<InvocationResponse> => {
        const deadline = new CallDeadline(context, config.deadlineMarginMs);
        return boundArchiveWrites(deadline.archiveBound, async () => {
            try {
                const checked = validateEvent(event, config.allowedModels, config.defaultModel);
                if (!checked.ok) {
                    return await reject(checked.error, checked.ids, deadline);
                }
                return await invoke(checked.event, deadline);
            } finally {
                await flushBefore(deadline);
            }
        });
    };

    /** The last wait of every invocation: what is not written by the deadline is reported, not waited for past it. */
    async function flushBefore(deadline: CallDeadline): Promise<void> {
        try {
            await untilAborted(logger.flush(), deadline.records);
        } catch {
            warn("audit records still being written at the function's deadline were not confirmed written; they are lost if the function is stopped or frozen first");
        } finally {
            deadline.clear();
        }
    }

    async function reject(error: EventError, ids: Partial<InvocationEvent>, deadline: CallDeadline): Promise<InvocationFailure> {
        try {
            const written = logger.logRejection({
                ids: { userId: ids.userId, applicationId: ids.applicationId, clientRequestId: ids.requestId, taskType: ids.taskType, kbId: ids.kbId },
                modelId: ids.modelId,
                errorCode: error.code,
                errorMessage: error.message,
                errorField: error.field,
            });
            await untilAborted(written, deadline.records);
        } catch (err) {
            const message = err instanceof RecordDeadlineError ? "the audit record was not confirmed written before the function's deadline" : "the audit record could not be written";
            return { error: { code: InvocationErrorCode.auditUnavailable, message } };
        }
        return { error };
    }

    /** The call's model, on the user's client leased until `release`. */
    function modelFor(event: InvocationEvent & { modelId: string }): { model: AuditedChatBedrockConverse; release: () => void } {
        const { client, release } = clients.lease(config.sessionUserTag ? event.userId : undefined);
        return { model: models.of(client, event), release };
    }

    function callOptions(event: InvocationEvent & { modelId: string }, signal: AbortSignal) {
        return {
            signal,
            // The answer waits for a fail-closed completion record up to the function's deadline, past this signal: the handler bounds that wait.
            [COMPLETION_WAIT_OWNED]: true,
            metadata: {
                ...event.metadata,
                userId: event.userId,
                applicationId: event.applicationId,
                requestId: event.requestId,
                taskType: event.taskType,
                kbId: event.kbId,
                modelId: event.modelId,
                invokedModelId: config.modelRoutes[event.modelId] ?? event.modelId,
            },
        };
    }

    async function invoke(event: InvocationEvent & { modelId: string }, deadline: CallDeadline): Promise<InvocationResponse> {
        const { signal } = deadline;
        const runId = randomUUID();
        let stopped = false;
        try {
            // The SDK honours the signal only once a request is on the wire: resolving the ops credentials (a slow
            // AssumeRole) would hold the call past the function's timeout, where Lambda kills it with no record. So the
            // wait gives way to the deadline, and the record is written here (as streamInvocation does).
            const { model, release } = modelFor(event);
            // Released when the call itself ends, which may be after the answer (a call the deadline left running).
            const call = model.invoke(toLangChain(eventMessages(event)), { ...callOptions(event, signal), runId }).finally(release);
            const reply = await untilAborted(call, signal).catch(async (err: unknown) => {
                if (!signal.aborted) throw err;
                // The logger takes the run once: whichever of this and the call's own end comes first writes the one
                // record, and a late end finds no run. Fail-closed, a record that cannot be written rejects here.
                const recorded = logger.runFailed(runId, signal.reason);
                if (recorded === undefined && logger.auditMode === "fail-closed") {
                    // The call had ended and its completion record is on its way: that record is the call's one, so the
                    // answer follows it (the completion once it is durable, AuditUnavailable if it is lost or late), never
                    // DeadlineExceeded over a record that says otherwise.
                    return untilAborted(call, deadline.records);
                }
                stopped = true;
                if (recorded) await untilAborted(recorded, deadline.records);
                throw err;
            });
            const meta = reply.response_metadata as { $metadata?: { requestId?: string } };
            return {
                output: contentText(reply.content),
                modelId: event.modelId,
                stopReason: replyStopReason(reply),
                usage: bedrockUsage(reply),
                requestId: meta.$metadata?.requestId,
                clientRequestId: event.requestId,
            };
        } catch (err) {
            if (err instanceof RecordDeadlineError) warn(`audit record of call ${runId} not confirmed written by the function's deadline; the call is answered ${InvocationErrorCode.auditUnavailable}`);
            // The model may have met the deadline first (fail-closed, while its started record was being written) and
            // recorded it itself: the call then fails with the deadline's own reason, which is this answer too.
            return { error: failure(err, stopped || (signal.aborted && err === signal.reason)) };
        }
    }

    const stream = async (event: unknown, responseStream: ResponseStreamLike, context?: LambdaContextLike): Promise<void> => {
        const deadline = new CallDeadline(context, config.deadlineMarginMs);
        return boundArchiveWrites(deadline.archiveBound, async () => {
            try {
                const checked = validateEvent(streamedEvent(event), config.allowedModels, config.defaultModel);
                if (!checked.ok) {
                    return await streamInvocation.refuse(responseStream, await reject(checked.error, checked.ids, deadline));
                }
                const valid = checked.event;
                let tracked: TrackedStream | undefined;
                // Set once the stream starts; released once it has ended (the deadline aborts one still running).
                const lease: { release?: () => void } = {};
                try {
                    await streamInvocation({
                        responseStream,
                        start: (signal, runId) => {
                            const { model, release } = modelFor(valid);
                            lease.release = release;
                            tracked = model.trackStream(runId);
                            return model.stream(toLangChain(eventMessages(valid)), { ...callOptions(valid, signal), runId });
                        },
                        runFinished: async (runId) => {
                            await logger.runFinished(runId);
                            await tracked?.record();
                        },
                        completed: () => tracked?.completed() === true,
                        armDeadline: (controller) => deadline.arm(controller),
                        recordsDeadline: deadline.records,
                        describe: (err, deadlinePassed, streamed) => {
                            if (err instanceof RecordDeadlineError) warn(`audit record of a streamed call not confirmed written by the function's deadline; its last line is ${InvocationErrorCode.auditUnavailable}`);
                            return failure(err, deadlinePassed, streamed);
                        },
                        ids: { modelId: valid.modelId, clientRequestId: valid.requestId },
                    });
                } finally {
                    lease.release?.();
                }
            } finally {
                await flushBefore(deadline);
            }
        });
    };

    return Object.assign(handler, { config, logger, stream });
}

/** A content-free error for the caller: Bedrock's messages may quote the prompt. */
function failure(err: unknown, deadlinePassed: boolean, streamed = false): InvocationFailure["error"] {
    if (err instanceof RecordDeadlineError) {
        const message = streamed
            ? "the completion record was not confirmed written before the function's deadline; the call's started record is in the log"
            : "the audit record was not confirmed written before the function's deadline, so no completion is returned";
        return { code: InvocationErrorCode.auditUnavailable, message };
    }
    if (err instanceof AuditWriteError) {
        // A stream starts only after its `started` record is durable, so text that reached the caller is on record.
        const message = streamed
            ? "the completion record could not be written; the call's started record is in the log"
            : "the audit record could not be written, so no completion is returned";
        return { code: InvocationErrorCode.auditUnavailable, message };
    }
    if (deadlinePassed) {
        return { code: InvocationErrorCode.deadlineExceeded, message: "the model call was stopped before the function's deadline" };
    }
    const facts = describeError(err);
    if (facts.errorCode === QUOTA_EXHAUSTED_ERROR_CODE) return { code: InvocationErrorCode.quotaExhausted, message: QUOTA_EXHAUSTED_MESSAGE };
    return {
        code: facts.throttled ? InvocationErrorCode.modelThrottled : InvocationErrorCode.modelError,
        message: facts.errorMessage,
    };
}

class DeadlineError extends Error {
    constructor() {
        super("the Lambda deadline is near");
        this.name = "DeadlineExceeded";
    }
}

/** A record the answer waits for was not durable when the time left for records ran out. */
class RecordDeadlineError extends Error {
    constructor() {
        super("the audit record was not confirmed written before the function's deadline");
        this.name = "DeadlineExceeded";
    }
}

/**
 * The invocation's time left, from its context: Infinity without one (a
 * service calling the handler itself). A context that cannot say is refused,
 * naming it, before anything is called: read as no deadline, a call could
 * outlast the function's timeout and leave no record.
 */
function remainingMs(context: LambdaContextLike | undefined): number {
    if (context === undefined || context === null) return Infinity;
    // The context is the caller's: its getter or its function may throw, which is named as the context's fault.
    const threw = (err: unknown) => new ArgumentError(`the handler's context.getRemainingTimeInMillis() threw (${thrownText(err)}): pass the Lambda context, or no context for a call without a deadline`);
    let read: unknown;
    try {
        read = (context as Partial<LambdaContextLike>).getRemainingTimeInMillis;
    } catch (err) {
        throw threw(err);
    }
    if (typeof read !== "function") {
        throw new ArgumentError("the handler's context has no getRemainingTimeInMillis(): pass the Lambda context, or no context for a call without a deadline");
    }
    let remaining: unknown;
    try {
        remaining = read.call(context);
    } catch (err) {
        throw threw(err);
    }
    if (typeof remaining !== "number" || Number.isNaN(remaining) || remaining === -Infinity) {
        throw new ArgumentError(`the handler's context.getRemainingTimeInMillis() returned ${typeof remaining === "number" ? remaining : typeof remaining}, not a number of milliseconds`);
    }
    return remaining;
}

/**
 * One invocation's deadlines, from the Lambda context. At `deadlineMarginMs`
 * before the function's timeout the call stops (`signal`). The margin is the
 * records' time: archive writes still running at half of it give up, so their
 * log copies go on (`archive.errorCode: "DeadlineExceeded"`); at a quarter
 * of it the handler stops waiting for records (`records`), keeping the rest
 * to answer. Without a context there is no deadline.
 */
class CallDeadline {
    private readonly call = new AbortController();
    private readonly archive = new AbortController();
    private readonly recordWaits = new AbortController();
    private readonly timers: NodeJS.Timeout[] = [];
    private done = false;

    constructor(context: LambdaContextLike | undefined, marginMs: number) {
        const remaining = remainingMs(context);
        if (remaining === Infinity) return;
        const at = (ms: number, controller: AbortController, reason: () => Error) => this.timers.push(setTimeout(() => controller.abort(reason()), Math.max(0, ms)));
        at(remaining - marginMs, this.call, () => new DeadlineError());
        at(remaining - marginMs / 2, this.archive, () => new DeadlineError());
        at(remaining - marginMs / 4, this.recordWaits, () => new RecordDeadlineError());
    }

    /** Aborts at the deadline: the call stops. */
    get signal(): AbortSignal {
        return this.call.signal;
    }

    /** Aborts when the handler stops waiting for records. */
    get records(): AbortSignal {
        return this.recordWaits.signal;
    }

    /** The bound of the call's archive writes; none once the invocation has answered (a later write is another's, or the chain's own). */
    readonly archiveBound = (): AbortSignal | undefined => (this.done ? undefined : this.archive.signal);

    /** Aborts `controller` too at the deadline. */
    arm(controller: AbortController): undefined {
        const stop = () => controller.abort(this.call.signal.reason);
        if (this.call.signal.aborted) stop();
        else this.call.signal.addEventListener("abort", stop, { once: true });
        return undefined;
    }

    clear(): void {
        this.done = true;
        for (const timer of this.timers) clearTimeout(timer);
    }
}

/** A function URL delivers the request as an HTTP event: the invocation event is its JSON body. */
function streamedEvent(event: unknown): unknown {
    const e = event as { requestContext?: unknown; body?: unknown; isBase64Encoded?: boolean } | null;
    try {
        if (typeof e !== "object" || e === null || e.requestContext === undefined || typeof e.body !== "string") {
            return event;
        }
    } catch {
        // An event that throws when read is refused by validateEvent, which reads it again.
        return event;
    }
    try {
        return JSON.parse(e.isBase64Encoded ? Buffer.from(e.body, "base64").toString("utf8") : e.body);
    } catch {
        return "the request body is not JSON";
    }
}

function toLangChain(messages: ChatMessage[]): BaseMessage[] {
    return messages.map((m) => (m.role === "system" ? new SystemMessage(m.content) : m.role === "assistant" ? new AIMessage(m.content) : new HumanMessage(m.content)));
}

/**
 * Bedrock clients by session user; each keeps its own cached ops credentials.
 * A client is leased for a call: the least recently used idle one is closed
 * once more than `max` are kept, and one with a call in progress never is
 * (closing it would cut that call), so more may be open while more users'
 * calls run at once.
 */
class ClientCache {
    /** In least-recently-used order. */
    private readonly clients = new Map<string, { client: BedrockRuntimeClient; calls: number }>();

    constructor(
        private readonly max: number,
        private readonly create: (userId: string | undefined) => BedrockRuntimeClient,
    ) {}

    /** The user's client for one call; `release` once the call has ended (a second release does nothing). */
    lease(userId: string | undefined): { client: BedrockRuntimeClient; release: () => void } {
        const key = userId ?? "";
        let entry = this.clients.get(key);
        if (entry) {
            this.clients.delete(key);
        } else {
            entry = { client: this.create(userId), calls: 0 };
        }
        this.clients.set(key, entry);
        entry.calls++;
        this.trim();
        const leased = entry;
        let released = false;
        return {
            client: leased.client,
            release: () => {
                if (released) return;
                released = true;
                leased.calls--;
                this.trim();
            },
        };
    }

    private trim(): void {
        if (this.clients.size <= this.max) return;
        for (const [key, entry] of this.clients) {
            if (this.clients.size <= this.max) return;
            if (entry.calls > 0) continue;
            entry.client.destroy();
            this.clients.delete(key);
        }
    }
}
