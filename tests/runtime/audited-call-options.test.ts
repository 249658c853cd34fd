import { strict as assert } from "assert";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { CallbackManager } from "@langchain/core/callbacks/manager";
import { registerConfigureHook, setContextVariable } from "@langchain/core/context";
import { RunnableLambda } from "@langchain/core/runnables";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { createTenantChatModel, type TenantChatModel } from "../../runtime/tenant-chat-model";
import { TENANT_ENV } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";

const CALL = { metadata: { userId: "u-9", requestId: "req-9", applicationId: "app-9" }, tags: ["checkout"], runName: "pricing" };

/** What a handler is told when a chat model starts: the run's metadata and tags. */
class StartRecorder extends BaseCallbackHandler {
    name = "StartRecorder";
    readonly starts: { metadata?: Record<string, unknown>; tags?: string[]; runName?: string }[] = [];
    handleChatModelStart(_llm: unknown, _messages: unknown, _runId: string, _parent?: string, _extra?: unknown, tags?: string[], metadata?: Record<string, unknown>, runName?: string): void {
        this.starts.push({ metadata, tags, runName });
    }
}

/** Every tag and metadata value LangChain is handed to configure a call's handlers with. */
function spyOnConfigure(): { handed: unknown[]; restore: () => void } {
    const original = CallbackManager.configure;
    const handed: unknown[] = [];
    CallbackManager.configure = function (this: typeof CallbackManager, ...args: Parameters<typeof original>) {
        handed.push(args[2], args[4]);
        return original.apply(this, args);
    };
    return { handed, restore: () => void (CallbackManager.configure = original) };
}

function assertToldOfTheCall(recorder: StartRecorder): void {
    assert.equal(recorder.starts.length, 1);
    const [start] = recorder.starts;
    assert.equal(start.metadata?.requestId, "req-9");
    assert.equal(start.metadata?.userId, "u-9");
    assert.ok(start.tags?.includes("checkout"), `tags ${JSON.stringify(start.tags)}`);
}

describe("the audited model hands LangChain a call's metadata only when a handler will see it", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    const modelWith = (sink: MemorySink): TenantChatModel => createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV } });

    it("with no handler anywhere, LangChain is not handed the metadata or tags; the record still carries them and the chosen run id", async () => {
        const sink = new MemorySink();
        const model = modelWith(sink);
        const chosen = "6f1c2d3e-0000-4000-8000-000000000099";
        const spy = spyOnConfigure();
        try {
            await model.invoke("quiet", { ...CALL, runId: chosen });
        } finally {
            spy.restore();
        }
        const handed = JSON.stringify(spy.handed);
        for (const value of ["req-9", "u-9", "checkout"]) assert.ok(!handed.includes(value), `LangChain was handed ${value}: ${handed}`);
        const [record] = sink.records();
        assert.deepEqual([record.callId, record.userId, record.clientRequestId, record.applicationId], [chosen, "u-9", "req-9", "app-9"]);
    });

    it("inside an enclosing run with no handler, LangChain is not handed them either", async () => {
        const sink = new MemorySink();
        const model = modelWith(sink);
        const chain = RunnableLambda.from(async (text: string) => model.invoke(text, CALL));
        const spy = spyOnConfigure();
        try {
            await chain.invoke("quiet", { metadata: { chain: "outer" } });
        } finally {
            spy.restore();
        }
        assert.ok(!JSON.stringify(spy.handed).includes("req-9"), JSON.stringify(spy.handed));
        assert.equal(sink.records()[0].clientRequestId, "req-9");
    });

    it("a handler passed with the call sees the metadata, tags and run name", async () => {
        const sink = new MemorySink();
        const recorder = new StartRecorder();
        await modelWith(sink).invoke("told", { ...CALL, callbacks: [recorder] });
        assertToldOfTheCall(recorder);
        assert.equal(recorder.starts[0].runName, "pricing");
    });

    it("a handler on the model itself sees them", async () => {
        const sink = new MemorySink();
        const model = modelWith(sink);
        const recorder = new StartRecorder();
        model.callbacks = [recorder];
        await model.invoke("told", CALL);
        assertToldOfTheCall(recorder);
    });

    it("a handler of an enclosing run sees them", async () => {
        const sink = new MemorySink();
        const model = modelWith(sink);
        const recorder = new StartRecorder();
        const chain = RunnableLambda.from(async (text: string) => model.invoke(text, CALL));
        await chain.invoke("told", { callbacks: [recorder] });
        assertToldOfTheCall(recorder);
    });

    it("a handler LangChain adds itself (a configure hook, as tracing adds its tracer) sees them", async () => {
        const sink = new MemorySink();
        const model = modelWith(sink);
        const recorder = new StartRecorder();
        const contextVar = "bedrock-tenancy-test-hook";
        registerConfigureHook({ contextVar });
        const chain = RunnableLambda.from(async (text: string) => {
            setContextVariable(contextVar, recorder);
            return model.invoke(text, CALL);
        });
        await chain.invoke("told");
        assertToldOfTheCall(recorder);
    });

    it("a streaming model's call keeps them for its stream, which writes the call's one record", async () => {
        const sink = new MemorySink();
        const model = modelWith(sink);
        model.streaming = true;
        await model.invoke("streamed", CALL);
        const records = sink.records();
        assert.equal(records.length, 1);
        assert.deepEqual([records[0].operation, records[0].clientRequestId, records[0].userId], ["ConverseStream", "req-9", "u-9"]);
    });
});
