/**
 * The Lambda that `PrivateInvocationLogging` deploys: validates the event,
 * calls Bedrock through the tenant's ops role, and writes one audit record per
 * request into the customer's own log group.
 */
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from "@aws-sdk/client-bedrock-runtime";
import { QUOTA_EXHAUSTED_ERROR_CODE, QUOTA_EXHAUSTED_MESSAGE } from "../quota-error";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { S3Client } from "@aws-sdk/client-s3";
import { ChatBedrockConverse } from "@langchain/aws";
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { describeError } from "../audit-record";
import { PrivateInvocationLogger, AuditWriteError } from "../private-invocation-logger";
import type { PriceTable } from "../pricing";
import { contentText } from "../run-data";
import type { AuditSink } from "../sinks/audit-sink";
import { StdoutSink } from "../sinks/stdout-sink";
import { createArchivingSink } from "./archive";
import { loadRuntimeConfig, type RuntimeConfig } from "./config";
import { createOpsCredentials } from "./credentials";
import { eventMessages, validateEvent, type ChatMessage, type EventError, type InvocationEvent } from "./event";

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

/** The part of the Lambda context the handler uses. */
export interface LambdaContextLike {
    getRemainingTimeInMillis(): number;
}

export interface InvocationSuccess {
    output: string;
    modelId: string;
    stopReason?: string;
    usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number };
    /** Bedrock's request id. */
    requestId?: string;
    clientRequestId?: string;
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
};

/**
 * Builds the handler. Configuration and the ops credential provider are
 * created here, once per container; each invocation reuses them.
 */
export function createHandler(options: HandlerOptions = {}): RuntimeHandler {
    const { env, sink, bedrockEndpoint, customerCredentials, prices, onWarning, bedrockClientConfig, bedrockConnectionTimeoutMs, maxUserSessions, archiveClient, ...overrides } = options;
    const config = loadRuntimeConfig(overrides, env ?? process.env);
    const archiving = createArchivingSink(config, sink ?? new StdoutSink(), { client: archiveClient, customerCredentials, region: env?.AWS_REGION ?? process.env.AWS_REGION });
    const logger = new PrivateInvocationLogger({
        sink: archiving.sink,
        maxContentBytes: archiving.maxContentBytes,
        tenantId: config.tenantId,
        contentMode: config.contentMode,
        auditMode: config.auditMode,
        safeMetadataKeys: config.safeMetadataKeys,
        region: config.bedrockRegion,
        prices,
        onWarning,
    });
    const clients = new ClientCache(maxUserSessions ?? DEFAULT_MAX_USER_SESSIONS, (userId) =>
        new BedrockRuntimeClient({
            region: config.bedrockRegion,
            maxAttempts: config.bedrockMaxAttempts,
            ...(bedrockEndpoint ? { endpoint: bedrockEndpoint } : {}),
            // HTTP/1.1: Converse needs no HTTP/2, and this handler has per-socket timeouts.
            requestHandler: new NodeHttpHandler({
                connectionTimeout: bedrockConnectionTimeoutMs ?? DEFAULT_BEDROCK_CONNECTION_TIMEOUT_MS,
                requestTimeout: config.bedrockRequestTimeoutMs,
            }),
            ...bedrockClientConfig,
            credentials: createOpsCredentials({
                roleArn: config.opsRoleArn,
                externalId: config.externalId,
                tenantId: config.tenantId,
                userId,
                durationSeconds: config.sessionDurationSeconds,
                region: env?.AWS_REGION ?? process.env.AWS_REGION ?? config.bedrockRegion,
                customerCredentials,
            }),
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

    async function invoke(event: InvocationEvent & { modelId: string }, context: LambdaContextLike | undefined): Promise<InvocationResponse> {
        const route = config.modelRoutes[event.modelId];
        const client = clients.get(config.sessionUserTag ? event.userId : undefined);
        const model = new ChatBedrockConverse({
            model: event.modelId,
            ...(route ? { applicationInferenceProfile: route } : {}),
            client,
            credentials: client.config.credentials,
            region: config.bedrockRegion,
            ...(event.maxTokens !== undefined ? { maxTokens: event.maxTokens } : {}),
            ...(event.temperature !== undefined ? { temperature: event.temperature } : {}),
        });
        const deadline = new AbortController();
        const budget = context ? context.getRemainingTimeInMillis() - config.deadlineMarginMs : Infinity;
        const timer = Number.isFinite(budget) ? setTimeout(() => deadline.abort(new DeadlineError()), Math.max(0, budget)) : undefined;
        try {
            const reply = await model.invoke(toLangChain(eventMessages(event)), {
                callbacks: [logger],
                signal: deadline.signal,
                metadata: {
                    ...event.metadata,
                    userId: event.userId,
                    applicationId: event.applicationId,
                    requestId: event.requestId,
                    taskType: event.taskType,
                    kbId: event.kbId,
                    modelId: event.modelId,
                    invokedModelId: route ?? event.modelId,
                },
            });
            const meta = reply.response_metadata as { stopReason?: string; $metadata?: { requestId?: string } };
            return {
                output: contentText(reply.content),
                modelId: event.modelId,
                stopReason: meta.stopReason,
                usage: { inputTokens: reply.usage_metadata?.input_tokens, outputTokens: reply.usage_metadata?.output_tokens, totalTokens: reply.usage_metadata?.total_tokens },
                requestId: meta.$metadata?.requestId,
                clientRequestId: event.requestId,
            };
        } catch (err) {
            return { error: failure(err, deadline.signal.aborted) };
        } finally {
            clearTimeout(timer);
        }
    }

    return Object.assign(handler, { config, logger });
}

/** A content-free error for the caller: Bedrock's messages may quote the prompt. */
function failure(err: unknown, deadlinePassed: boolean): InvocationFailure["error"] {
    if (err instanceof AuditWriteError) {
        return { code: InvocationErrorCode.auditUnavailable, message: "the audit record could not be written, so no completion is returned" };
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
