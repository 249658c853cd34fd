import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../../../testing/local-aws";
import { createTenantChatModel, type TenantChatModel } from "../../../runtime/tenant-chat-model";
import { TENANT_ENV, fastRetries } from "../../../testing/runtime-fixtures";
import { MemorySink } from "../../support/memory-sink";

describe("the runtime's Bedrock client: the SDK's middleware cache (local Bedrock and STS)", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    /** A model whose client counts how often the SDK resolves its middleware stack (once per command it builds a handler for). */
    function countingModel(options: Record<string, unknown> = {}): { model: TenantChatModel; sink: MemorySink; resolutions: () => number } {
        const sink = new MemorySink();
        const model = createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, ...options });
        let resolutions = 0;
        model.client.middlewareStack.add(
            (next) => {
                resolutions++;
                return next;
            },
            { step: "initialize", name: "countResolutions" },
        );
        return { model, sink, resolutions: () => resolutions };
    }

    it("builds the handler once for calls without a signal, 40 in flight at once, each answered and recorded with its own request id", async () => {
        const { model, sink, resolutions } = countingModel();

        await model.invoke("warm up");
        await Promise.all(Array.from({ length: 40 }, (_, i) => model.invoke(`call ${i}`)));

        assert.equal(resolutions(), 1);
        const records = sink.records();
        assert.equal(records.length, 41);
        assert.ok(records.every((r) => r.outcome === "success"));
        assert.deepEqual(new Set(records.map((r) => r.requestId)), new Set(aws.bedrock.calls.map((c) => c.requestId)));
        assert.equal(new Set(records.map((r) => r.requestId)).size, 41);
    });

    it("keeps each call's retries its own on the shared handler: 20 calls in flight, every odd one throttled once, each recorded with its own attempts", async () => {
        const { model, sink, resolutions } = countingModel({ bedrockClientConfig: fastRetries(3) });
        const throttled = new Set<string>();
        aws.bedrock.faultFor = (request) => {
            const odd = /call (\d+) of 20/.exec(request.body);
            if (!odd || Number(odd[1]) % 2 === 0 || throttled.has(odd[1])) return undefined;
            throttled.add(odd[1]);
            return { kind: "throttle" };
        };
        try {
            await Promise.all(Array.from({ length: 20 }, (_, i) => model.invoke(`call ${i} of 20`, { metadata: { requestId: `call-${i}` } })));
        } finally {
            aws.bedrock.faultFor = undefined;
        }

        assert.equal(resolutions(), 1);
        const attempts = new Map(sink.records().map((r) => [r.clientRequestId, [r.outcome, r.attempts]]));
        for (let i = 0; i < 20; i++) assert.deepEqual(attempts.get(`call-${i}`), ["success", i % 2 === 1 ? 2 : 1], `call ${i}`);
        assert.equal(throttled.size, 10);
    });

    it("binds a caller's signal into its call: a call with a signal builds its own handler, and aborting it ends that call only", async function () {
        this.timeout(15_000);
        const { model, sink, resolutions } = countingModel();
        await model.invoke("warm up");
        aws.bedrock.faultFor = (request) => (request.body.includes("hold me") ? { kind: "slow", ms: 5_000 } : undefined);
        try {
            const controller = new AbortController();
            const held = model.invoke("hold me", { signal: controller.signal });
            // A call with a signal is sent once the ops session is there, a turn later: the held call goes first.
            await new Promise((resolve) => setTimeout(resolve, 20));
            const plain = model.invoke("answer me");
            await new Promise((resolve) => setTimeout(resolve, 100));
            const started = Date.now();
            controller.abort();

            await assert.rejects(held, /abort/i);
            assert.ok(Date.now() - started < 2_000, "the aborted call ended at once, not when Bedrock answered");
            assert.equal((await plain).content.length > 0, true);
            // The warm-up's cached handler, the held call's own, and the cached one again: the SDK drops it after a call with a signal.
            assert.equal(resolutions(), 3);
            assert.deepEqual(sink.records().map((r) => r.outcome).sort(), ["error", "success", "success"]);
        } finally {
            aws.bedrock.faultFor = undefined;
        }
    });

    it("builds a handler per call for a retry strategy of the SDK's first kind, whose per-call user-agent entry a cached handler would keep adding", async () => {
        // The first kind: `retry(next, args)` and a mode, no retry tokens. The SDK adds "cfg/retry-mode" to the call's context for it.
        const firstKind = { mode: "standard", retry: (next: (args: unknown) => Promise<unknown>, args: unknown) => next(args) };
        const { model, resolutions } = countingModel({ bedrockClientConfig: { retryStrategy: firstKind } });

        for (let i = 0; i < 5; i++) await model.invoke(`call ${i}`);

        assert.equal(resolutions(), 5);
        const agents = aws.bedrock.requests.map((r) => String(r.headers["user-agent"]));
        assert.equal(agents.length, 5);
        assert.ok(agents.every((a) => a === agents[0]), agents.join("\n"));
    });

    it("resolves the middleware for every call when bedrockClientConfig sets cacheMiddleware: false", async () => {
        const { model, resolutions } = countingModel({ bedrockClientConfig: { cacheMiddleware: false } });

        for (let i = 0; i < 3; i++) await model.invoke(`call ${i}`);

        assert.equal(resolutions(), 3);
    });
});
