/**
 * What a call on the audited model is handed is checked before LangChain
 * reads it: bad input or options get an ArgumentError naming the argument,
 * through every entry point, reach no Bedrock and write no record, in both
 * audit modes. Well-formed input in each form LangChain takes still calls.
 */
import { strict as assert } from "assert";
import { ChatPromptValue } from "@langchain/core/prompt_values";
import { HumanMessage } from "@langchain/core/messages";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { createTenantChatModel, type TenantChatModel } from "../../runtime/tenant-chat-model";
import { AUDIT_MODES, ArgumentError, type AuditMode } from "../../contract";
import { TENANT_ENV } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";

function revoked(): object {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
    for await (const _ of stream) void _;
}

/** Each bad input, how it is called, and how the error's message starts. */
const BAD_INPUTS: [string, unknown, string][] = [
    ["undefined", undefined, "input must be a text, an array of messages or a prompt value, got undefined"],
    ["null", null, "input must be a text, an array of messages or a prompt value, got null"],
    ["a number", 42, "input must be a text, an array of messages or a prompt value, got 42"],
    ["an object that is no prompt value", {}, "input must be a text, an array of messages or a prompt value, got {}"],
    ["a single message", new HumanMessage("hi"), "input must be a text, an array of messages or a prompt value, got a HumanMessage"],
    ["an empty array", [], "input must hold at least one message, got []"],
    ["a revoked proxy", revoked(), "input cannot be read (TypeError: "],
];

const BAD_OPTIONS: [string, unknown, string][] = [
    ["a text for options", "fast", 'options must be an object, got "fast"'],
    ["revoked options", revoked(), "options cannot be read (TypeError: "],
    ["a text for a signal", { signal: "stop" }, 'options.signal must be an AbortSignal, got "stop"'],
    ["a revoked signal", { signal: revoked() }, "options.signal cannot be read (TypeError: "],
    ["a text for metadata", { metadata: "user-1" }, 'options.metadata must be an object, got "user-1"'],
    ["an array for metadata", { metadata: ["user-1"] }, 'options.metadata must be an object, got ["user-1"]'],
];

/** The bad options that are objects, which streamEvents can be given with its version. */
const OBJECT_OPTIONS = new Set(["a text for a signal", "a revoked signal", "a text for metadata", "an array for metadata"]);

describe("the audited model refuses bad call input with an error naming it", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    const modelWith = (sink: MemorySink, auditMode: AuditMode): TenantChatModel =>
        createTenantChatModel({ sink, env: { ...aws.env, ...TENANT_ENV }, auditMode, contentMode: "full", onWarning: () => undefined });

    async function assertRefused(model: TenantChatModel, sink: MemorySink, call: () => Promise<unknown>, starts: string): Promise<void> {
        const before = aws.bedrock.calls.length;
        await assert.rejects(call(), (err: unknown) => {
            assert.ok(err instanceof ArgumentError, String(err));
            assert.ok(err.message.startsWith(starts), err.message);
            assert.ok(err.message.endsWith("this call is refused before reaching Bedrock"), err.message);
            return true;
        });
        await model.auditLogger.flush();
        assert.equal(aws.bedrock.calls.length, before);
        assert.deepEqual(sink.records(), []);
        assert.equal(model.auditLogger.stats().activeRuns, 0);
    }

    for (const auditMode of AUDIT_MODES) {
        for (const [name, input, starts] of BAD_INPUTS) {
            it(`${auditMode}: ${name} as input, through invoke, stream, streamEvents and batch`, async () => {
                const sink = new MemorySink();
                const model = modelWith(sink, auditMode);
                await assertRefused(model, sink, () => model.invoke(input as never), starts);
                await assertRefused(model, sink, async () => drain(await model.stream(input as never)), starts);
                await assertRefused(model, sink, async () => drain(model.streamEvents(input as never, { version: "v2" })), starts);
                // The form without a version: LangChain reads its input at once.
                await assertRefused(model, sink, async () => drain(model.streamEvents(input as never) as AsyncIterable<unknown>), starts);
                await assertRefused(model, sink, () => model.batch([input as never]), starts);
            });
        }

        for (const [name, options, starts] of BAD_OPTIONS) {
            it(`${auditMode}: ${name}, through invoke, stream, generate and streamEvents`, async () => {
                const sink = new MemorySink();
                const model = modelWith(sink, auditMode);
                await assertRefused(model, sink, () => model.invoke("a prompt", options as never), starts);
                await assertRefused(model, sink, async () => drain(await model.stream("a prompt", options as never)), starts);
                await assertRefused(model, sink, () => model.generate([["a prompt"]], options as never), starts);
                // Options that are no object (or cannot be read) carry no version for streamEvents to take.
                if (OBJECT_OPTIONS.has(name)) await assertRefused(model, sink, async () => drain(model.streamEvents("a prompt", { ...(options as object), version: "v2" } as never)), starts);
            });
        }

        it(`${auditMode}: generate names the prompt list or the prompt that is not one`, async () => {
            const sink = new MemorySink();
            const model = modelWith(sink, auditMode);
            await assertRefused(model, sink, () => model.generate(undefined as never), "messages must be an array of prompts, each an array of messages, got undefined");
            await assertRefused(model, sink, () => model.generate([["fine"], "a prompt"] as never), 'messages[1] is not an array of messages, got "a prompt"');
            await assertRefused(model, sink, () => model.generate([["fine"], []]), "messages[1] holds no message, got []");
            await assertRefused(model, sink, () => model.generate(revoked() as never), "messages cannot be read (TypeError: ");
            await assertRefused(model, sink, () => model.generate([["fine"], revoked()] as never), "messages[1] cannot be read (TypeError: ");
        });

        it(`${auditMode}: every form LangChain takes still calls Bedrock and is recorded`, async () => {
            const sink = new MemorySink();
            const model = modelWith(sink, auditMode);
            const before = aws.bedrock.calls.length;
            await model.invoke("a text");
            await model.invoke([new HumanMessage("a message")]);
            await model.invoke(new ChatPromptValue([new HumanMessage("a prompt value")]));
            // LangChain's older form: stop sequences in place of the options.
            await model.invoke("with stops", ["\n\n"] as never);
            await model.invoke("with metadata", { metadata: { userId: "u-1" }, signal: new AbortController().signal });
            await drain(await model.stream("a stream"));
            await model.generate([["a generate"]], ["\n\n"]);
            await model.auditLogger.flush();
            assert.equal(aws.bedrock.calls.length - before, 7);
            assert.equal(sink.records().filter((r) => r.outcome === "success").length, 7);
        });
    }
});
