/**
 * The Lambda that `PrivateInvocationLogging` deploys: validates the event,
 * calls Bedrock through the tenant's ops role, and writes one audit record per
 * request into the customer's own log group.
 */
import { randomUUID } from "crypto";
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from "@aws-sdk/client-bedrock-runtime";
import { QUOTA_EXHAUSTED_ERROR_CODE, QUOTA_EXHAUSTED_MESSAGE } from "../quota-error";
import { integerAtLeast, optionKeysProblem, raise, recordProblem } from "../../contract";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { S3Client } from "@aws-sdk/client-s3";
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { AuditedChatBedrockConverse } from "../audited-chat-model";
import { describeError } from "../audit-record";
import { PrivateInvocationLogger, AuditWriteError } from "../private-invocation-logger";
import type { PriceTable } from "../pricing";
import { bedrockUsage, contentText, replyStopReason } from "../run-data";
import type { AuditSink } from "../sinks/audit-sink";
import { StdoutSink } from "../sinks/stdout-sink";
import { createAuditLogger } from "../wiring/audit-logger";
import { RUNTIME_CONFIG_KEYS, guardrailFields, loadRuntimeConfig, type RuntimeConfig } from "../wiring/config";
import { checkOpsBedrockClientOptions, createOpsBedrockClient } from "../wiring/ops-bedrock-client";
import { eventMessages, validateEvent, type ChatMessage, type EventError, type InvocationEvent } from "./event";
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
    /** Connection timeout to Bedrock, ms. @default 3000 */
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
    /** Ops sessions kept when sessions carry a user tag (least recently used one goes first). @default 100 */
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

export const DEFAULT_BEDROCK_CONNECTION_TIMEOUT_MS = 3000;
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
            connectionTimeoutMs: bedrockConnectionTimeoutMs ?? DEFAULT_BEDROCK_CONNECTION_TIMEOUT_MS,
            maxSockets: bedrockMaxSockets,
            customerCredentials,
            stsRegion: env?.AWS_REGION ?? process.env.AWS_REGION,
        }),
    );

    const handler = async (event: unknown, context?: LambdaContextLike): Promise<InvocationResponse> => {
        try {
            const checked = validateEvent(event, config.allowedModels, config.defaultModel);
            if (!checked.ok) {
                return await reject(checked.error, checked.ids);
            }
            return await invoke(checked.event, context);
        } finally {
            await logger.flush();
        }
    };

    async function reject(error: EventError, ids: Partial<InvocationEvent>): Promise<InvocationFailure> {
        try {
            await logger.logRejection({
                ids: { userId: ids.userId, applicationId: ids.applicationId, clientRequestId: ids.requestId, taskType: ids.taskType, kbId: ids.kbId },
                modelId: ids.modelId,
                errorCode: error.code,
                errorMessage: error.message,
                errorField: error.field,
            });
        } catch {
            return { error: { code: InvocationErrorCode.auditUnavailable, message: "the audit record could not be written" } };
        }
        return { error };
    }

    function modelFor(event: InvocationEvent & { modelId: string }): AuditedChatBedrockConverse {
        const route = config.modelRoutes[event.modelId];
        const client = clients.get(config.sessionUserTag ? event.userId : undefined);
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
    }

    function callOptions(event: InvocationEvent & { modelId: string }, signal: AbortSignal) {
        return {
            signal,
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

    /** Aborts `controller` near the Lambda deadline; returns the timer to clear. */
    function deadlineTimer(controller: AbortController, context: LambdaContextLike | undefined): NodeJS.Timeout | undefined {
        const budget = context ? context.getRemainingTimeInMillis() - config.deadlineMarginMs : Infinity;
        return Number.isFinite(budget) ? setTimeout(() => controller.abort(new DeadlineError()), Math.max(0, budget)) : undefined;
    }

    async function invoke(event: InvocationEvent & { modelId: string }, context: LambdaContextLike | undefined): Promise<InvocationResponse> {
        const deadline = new AbortController();
        const timer = deadlineTimer(deadline, context);
        const runId = randomUUID();
        try {
            // The SDK honours the signal only once a request is on the wire: resolving the ops credentials (a slow
            // AssumeRole) would hold the call past the function's timeout, where Lambda kills it with no record. So the
            // wait gives way to the deadline, and the record is written here (as streamInvocation does).
            const call = modelFor(event).invoke(toLangChain(eventMessages(event)), { ...callOptions(event, deadline.signal), runId });
            const reply = await untilAborted(call, deadline.signal).catch(async (err: unknown) => {
                if (deadline.signal.aborted) {
                    // The logger takes the run once: whichever of this and the call's own end comes first writes the one
                    // record, and a late end finds no run. Fail-closed, a record that cannot be written rejects here.
                    await logger.runFailed(runId, deadline.signal.reason);
                }
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
            return { error: failure(err, deadline.signal.aborted) };
        } finally {
            clearTimeout(timer);
        }
    }

    const stream = async (event: unknown, responseStream: ResponseStreamLike, context?: LambdaContextLike): Promise<void> => {
        try {
            const checked = validateEvent(streamedEvent(event), config.allowedModels, config.defaultModel);
            if (!checked.ok) {
                return await streamInvocation.refuse(responseStream, await reject(checked.error, checked.ids));
            }
            const valid = checked.event;
            let written: (() => Promise<void>) | undefined;
            await streamInvocation({
                responseStream,
                start: (signal, runId) => {
                    const model = modelFor(valid);
                    written = model.trackStream(runId);
                    return model.stream(toLangChain(eventMessages(valid)), { ...callOptions(valid, signal), runId });
                },
                runFinished: async (runId) => {
                    await logger.runFinished(runId);
                    await written?.();
                },
                armDeadline: (controller) => deadlineTimer(controller, context),
                describe: (err, deadlinePassed, streamed) => failure(err, deadlinePassed, streamed),
                ids: { modelId: valid.modelId, clientRequestId: valid.requestId },
            });
        } finally {
            await logger.flush();
        }
    };

    return Object.assign(handler, { config, logger, stream });
}

/** A content-free error for the caller: Bedrock's messages may quote the prompt. */
function failure(err: unknown, deadlinePassed: boolean, streamed = false): InvocationFailure["error"] {
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

/** Bedrock clients by session user; each keeps its own cached ops credentials. */
class ClientCache {
    private readonly clients = new Map<string, BedrockRuntimeClient>();

    constructor(
        private readonly max: number,
        private readonly create: (userId: string | undefined) => BedrockRuntimeClient,
    ) {}

    get(userId: string | undefined): BedrockRuntimeClient {
        const key = userId ?? "";
        let client = this.clients.get(key);
        if (client) {
            this.clients.delete(key);
        } else {
            client = this.create(userId);
            if (this.clients.size >= this.max) {
                const oldest = this.clients.keys().next().value as string;
                this.clients.get(oldest)?.destroy();
                this.clients.delete(oldest);
            }
        }
        // Re-inserting keeps the map in least-recently-used order.
        this.clients.set(key, client);
        return client;
    }
}
