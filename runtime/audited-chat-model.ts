/**
 * `ChatBedrockConverse` with the audit logger built in: the logger is one of
 * its own callbacks, so no call can skip it, and streamed calls are recorded
 * as completely as unary ones.
 */
import type { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { ChatBedrockConverse, type ChatBedrockConverseInput } from "@langchain/aws";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatGenerationChunk } from "@langchain/core/outputs";
import type { PrivateInvocationLogger } from "./private-invocation-logger";

/**
 * `requestMetadata` key carrying the run id from the model to the client
 * middleware; the middleware removes it before the request is built, so it
 * never reaches Bedrock.
 */
const RUN_ID_KEY = "bedrock-tenancy-run-id";
const MIDDLEWARE_NAME = "bedrockTenancyRequestIds";

/** A streamed call the caller stopped reading before it ended. */
export class StreamClosedError extends Error {
    constructor() {
        super("the caller stopped reading the stream before it ended");
        this.name = "StreamClosed";
    }
}

export interface AuditedChatModelFields extends ChatBedrockConverseInput {
    client: BedrockRuntimeClient;
    auditLogger: PrivateInvocationLogger;
}

type CallOptions = ChatBedrockConverse["ParsedCallOptions"];

export class AuditedChatBedrockConverse extends ChatBedrockConverse {
    readonly auditLogger: PrivateInvocationLogger;

    static lc_name(): string {
        return "ChatBedrockConverse";
    }

    constructor(fields: AuditedChatModelFields) {
        const { auditLogger, ...rest } = fields;
        super({ ...rest, callbacks: [auditLogger, ...((fields.callbacks as unknown[] | undefined) ?? [])] as ChatBedrockConverseInput["callbacks"] });
        this.auditLogger = auditLogger;
        reportRequestIds(fields.client);
    }

    async *_streamResponseChunks(messages: BaseMessage[], options: CallOptions, runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
        const runId = runManager?.runId;
        if (runId === undefined) {
            yield* super._streamResponseChunks(messages, options, runManager);
            return;
        }
        this.auditLogger.observeStream(runId);
        const tagged = { ...options, requestMetadata: { ...options.requestMetadata, [RUN_ID_KEY]: runId } };
        const sink = observers.set(runId, this.auditLogger);
        let settled = false;
        try {
            for await (const chunk of super._streamResponseChunks(messages, tagged, runManager)) {
                // Counted before the caller sees it, so a stream the caller abandons is still counted in full.
                this.auditLogger.observeStream(runId, chunk.text);
                yield chunk;
            }
            settled = true;
        } catch (err) {
            settled = true;
            throw err;
        } finally {
            sink.delete(runId);
            if (!settled) {
                // The caller left the loop: LangChain reports neither end nor error, so this run's record is written here.
                await runManager?.handleLLMError(new StreamClosedError());
            }
        }
    }
}

type ResponseFacts = { requestId?: string; attempts?: number };

/** Loggers of streamed runs in progress, by run id, for the client middleware. */
const observers = new Map<string, PrivateInvocationLogger>();
const wired = new WeakSet<BedrockRuntimeClient>();

/**
 * ConverseStream replies reach LangChain without the response's request id;
 * this middleware reads it from the response and hands it to the run's logger.
 */
function reportRequestIds(client: BedrockRuntimeClient): void {
    if (wired.has(client)) {
        return;
    }
    wired.add(client);
    client.middlewareStack.add(
        (next) => async (args) => {
            const input = args.input as { requestMetadata?: Record<string, string> };
            const runId = input.requestMetadata?.[RUN_ID_KEY];
            if (runId === undefined) {
                return next(args);
            }
            const { [RUN_ID_KEY]: _, ...rest } = input.requestMetadata!;
            const cleaned = { ...input, requestMetadata: Object.keys(rest).length > 0 ? rest : undefined };
            try {
                const result = await next({ ...args, input: cleaned as typeof args.input });
                observers.get(runId)?.observeResponse(runId, (result.output as { $metadata?: ResponseFacts }).$metadata);
                return result;
            } catch (err) {
                observers.get(runId)?.observeResponse(runId, (err as { $metadata?: ResponseFacts }).$metadata);
                throw err;
            }
        },
        { step: "initialize", name: MIDDLEWARE_NAME },
    );
}
