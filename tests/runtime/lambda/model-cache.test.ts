/**
 * Warm invocations reuse the handler's model of their kind (model id,
 * maxTokens, temperature) instead of building LangChain's model anew, and
 * every call still goes to Bedrock with its own event's settings; the cache
 * keeps at most a bounded number of kinds per client.
 */
import { strict as assert } from "assert";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { useLocalAws, type LocalAws } from "../../../testing/local-aws";
import { event, handlerWithCapture } from "../../../testing/runtime-fixtures";
import type { AuditedChatBedrockConverse } from "../../../runtime/audited-chat-model";
import { ModelCache, type ModelKind } from "../../../runtime/lambda/model-cache";

describe("the handler's models", () => {
    describe("ModelCache", () => {
        const counting = () => {
            const built: ModelKind[] = [];
            const cache = new ModelCache((_client, kind) => {
                built.push(kind);
                return { kind } as unknown as AuditedChatBedrockConverse;
            });
            return { cache, built };
        };
        const client = () => new BedrockRuntimeClient({ region: "us-east-1" });
        const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";

        it("gives one model per client and kind, built once", () => {
            const { cache, built } = counting();
            const a = client();
            const b = client();

            const first = cache.of(a, { modelId: HAIKU });
            assert.equal(cache.of(a, { modelId: HAIKU }), first);
            assert.notEqual(cache.of(a, { modelId: HAIKU, maxTokens: 10 }), first);
            assert.notEqual(cache.of(a, { modelId: HAIKU, temperature: 0 }), first);
            assert.notEqual(cache.of(a, { modelId: "amazon.nova-lite-v1:0" }), first);
            assert.notEqual(cache.of(b, { modelId: HAIKU }), first);
            assert.equal(cache.of(a, { modelId: HAIKU, maxTokens: 10 }), cache.of(a, { modelId: HAIKU, maxTokens: 10 }));

            assert.equal(built.length, 5);
        });

        it(`keeps at most ${ModelCache.MAX_PER_CLIENT} kinds per client, dropping the least recently used`, () => {
            const { cache, built } = counting();
            const a = client();
            const kept = cache.of(a, { modelId: HAIKU, maxTokens: 1 });
            for (let n = 2; n <= ModelCache.MAX_PER_CLIENT + 1; n++) {
                cache.of(a, { modelId: HAIKU, maxTokens: n });
                // Used again each time: the oldest left is maxTokens 2.
                assert.equal(cache.of(a, { modelId: HAIKU, maxTokens: 1 }), kept);
            }
            const before = built.length;

            cache.of(a, { modelId: HAIKU, maxTokens: 2 });

            assert.equal(built.length, before + 1, "maxTokens 2 was dropped and is built again");
            assert.equal(cache.of(a, { modelId: HAIKU, maxTokens: 1 }), kept);
        });
    });

    describe("in the handler", () => {
        let aws: LocalAws;
        const localAws = useLocalAws();
        before(() => {
            aws = localAws();
        });

        it("sends each call with its own event's maxTokens and temperature, over more kinds than are kept", async () => {
            const { handler, stdout } = handlerWithCapture(aws.env);
            const settings: Record<string, number>[] = [{}, { maxTokens: 10 }, { maxTokens: 20, temperature: 0.5 }, { maxTokens: 10 }, {}, { temperature: 0 }];
            for (let n = 1; n <= ModelCache.MAX_PER_CLIENT + 2; n++) settings.push({ maxTokens: n });
            settings.push({ maxTokens: 1 }, { maxTokens: 20, temperature: 0.5 });

            for (const [i, s] of settings.entries()) {
                const reply = (await handler(event({ ...s, requestId: `r-${i}` }))) as { output?: string };
                assert.equal(typeof reply.output, "string", JSON.stringify(reply));
            }

            const sent = aws.bedrock.calls.map((c) => (c.body as { inferenceConfig?: { maxTokens?: number; temperature?: number } }).inferenceConfig ?? {});
            assert.equal(sent.length, settings.length);
            for (const [i, s] of settings.entries()) {
                assert.equal(sent[i].maxTokens, s.maxTokens, `call ${i}: ${JSON.stringify(sent[i])}`);
                assert.equal(sent[i].temperature, s.temperature, `call ${i}: ${JSON.stringify(sent[i])}`);
            }
            assert.equal(stdout.records().filter((r) => r.outcome === "success").length, settings.length);
        });
    });
});
