/**
 * The Lambda handler's models by client and kind: a model holds no call's
 * state, so warm invocations of one kind reuse one instead of building
 * LangChain's model anew for each.
 */
import type { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import type { AuditedChatBedrockConverse } from "../audited-chat-model";
import type { InvocationEvent } from "./event";

/** What a call's model is built from: everything else is the handler's configuration. */
export type ModelKind = Pick<InvocationEvent, "maxTokens" | "temperature"> & { modelId: string };

/**
 * Models by client and kind (model id, maxTokens, temperature). A client's
 * models go with the client once the client cache drops it; of one client's,
 * the least recently used is dropped past {@link ModelCache.MAX_PER_CLIENT}
 * kinds, so events of ever new settings cannot grow the cache.
 */
export class ModelCache {
    static readonly MAX_PER_CLIENT = 16;
    private readonly byClient = new WeakMap<BedrockRuntimeClient, Map<string, AuditedChatBedrockConverse>>();

    constructor(private readonly build: (client: BedrockRuntimeClient, kind: ModelKind) => AuditedChatBedrockConverse) {}

    of(client: BedrockRuntimeClient, kind: ModelKind): AuditedChatBedrockConverse {
        let models = this.byClient.get(client);
        if (!models) {
            models = new Map();
            this.byClient.set(client, models);
        }
        const key = JSON.stringify([kind.modelId, kind.maxTokens ?? null, kind.temperature ?? null]);
        let model = models.get(key);
        if (model) {
            models.delete(key);
        } else {
            model = this.build(client, kind);
            if (models.size >= ModelCache.MAX_PER_CLIENT) models.delete(models.keys().next().value as string);
        }
        models.set(key, model);
        return model;
    }
}
