import { strict as assert } from "assert";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { AuditedChatBedrockConverse } from "../../runtime/audited-chat-model";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { HAIKU } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";

describe("AuditedChatBedrockConverse refuses fields it cannot work with, naming them", () => {
    const logger = new PrivateInvocationLogger({ sink: new MemorySink(), tenantId: "acme", region: "us-east-1" });
    const client = new BedrockRuntimeClient({ region: "us-east-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" } });
    const build = (fields: unknown) => () => new AuditedChatBedrockConverse(fields as never);
    const refused = (message: RegExp) => (err: Error) => err.name === "ArgumentError" && message.test(err.message);

    it("takes a BedrockRuntimeClient and a PrivateInvocationLogger", () => {
        assert.ok(build({ model: HAIKU, region: "us-east-1", client, auditLogger: logger })() instanceof AuditedChatBedrockConverse);
    });

    const cases: [string, unknown, RegExp][] = [
        ["no fields", undefined, /^AuditedChatBedrockConverse fields must be an object, got undefined/],
        ["no client", { model: HAIKU, region: "us-east-1", auditLogger: logger }, /^client must be a BedrockRuntimeClient, got undefined/],
        ["a client that is a text", { model: HAIKU, client: "bedrock", auditLogger: logger }, /^client must be a BedrockRuntimeClient, got "bedrock"/],
        ["a client with send() alone", { model: HAIKU, client: { send: async () => ({}) }, auditLogger: logger }, /^client must be a BedrockRuntimeClient \(with send\(\) and middlewareStack\.add\(\)\), got .*which has no middlewareStack\.add\(\)/],
        ["no audit logger", { model: HAIKU, client }, /^auditLogger must be a PrivateInvocationLogger, got undefined/],
        ["an audit logger that is a text", { model: HAIKU, client, auditLogger: "logger" }, /^auditLogger must be a PrivateInvocationLogger, got "logger"/],
        ["an audit logger without its methods", { model: HAIKU, client, auditLogger: { flush: async () => undefined } }, /^auditLogger must be a PrivateInvocationLogger \(with .*\), got .*which has no runStarted\(\)/],
    ];
    for (const [name, fields, message] of cases) {
        it(`refuses ${name} with an ArgumentError, not a TypeError from inside`, () => {
            assert.throws(build(fields), refused(message));
        });
    }
});
