/** Every options object of the runtime refuses a key it does not know and a null, naming the option: a slip never turns into a default. */
import { strict as assert } from "assert";
import { ArgumentError } from "../../contract";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { createTenantChatModel, type TenantChatModelOptions } from "../../runtime/tenant-chat-model";
import { CloudWatchLogsSink } from "../../runtime/sinks/cloudwatch-logs-sink";
import { ArchivingSink } from "../../runtime/sinks/archive-sink";
import { StdoutSink } from "../../runtime/sinks/stdout-sink";
import { flushOnShutdown, shutdownLoggers } from "../../runtime/shutdown";
import { createHandler } from "../../runtime/lambda/handler";
import { HAIKU, OPS_ROLE_ARN, EXTERNAL_ID, TENANT_ENV, fastRetries } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";

const ENV = { ...TENANT_ENV, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "AKIDCUSTOMERA", AWS_SECRET_ACCESS_KEY: "secret" };
const modelOptions = (overrides: Record<string, unknown>) => ({ sink: new MemorySink(), env: ENV, onWarning: () => undefined, ...overrides }) as TenantChatModelOptions;
const logger = () => new PrivateInvocationLogger({ sink: new MemorySink(), tenantId: "customer-a", onWarning: () => undefined });
const KMS = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** Throws an ArgumentError whose message holds every one of `parts`. */
function refuses(build: () => unknown, ...parts: string[]): void {
    assert.throws(build, (err: unknown) => {
        assert.ok(err instanceof ArgumentError, `not an ArgumentError: ${String(err)}`);
        for (const part of parts) assert.ok(err.message.includes(part), `"${err.message}" does not name ${part}`);
        return true;
    });
}

describe("options that cannot be read: a revoked Proxy or a getter that throws, named as an ArgumentError", () => {
    const revoked = (): object => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
    };
    const throwing = (base: object, key: string) =>
        Object.defineProperty({ ...base }, key, {
            enumerable: true,
            get() {
                throw new Error("boom");
            },
        });
    const entries: [string, (options: unknown) => unknown, object, string][] = [
        ["createTenantChatModel", (o) => createTenantChatModel(o as never), modelOptions({}), "sink"],
        ["createHandler", (o) => createHandler(o as never), { env: ENV, onWarning: () => undefined }, "env"],
        ["PrivateInvocationLogger", (o) => new PrivateInvocationLogger(o as never), { sink: new MemorySink(), tenantId: "customer-a" }, "sink"],
        ["CloudWatchLogsSink", (o) => new CloudWatchLogsSink(o as never), { logGroupName: "g", flushOnExit: false }, "logGroupName"],
        ["ArchivingSink", (o) => new ArchivingSink(o as never), { primary: new MemorySink(), client: { send: async () => ({}) }, bucket: "arch-bucket", kmsKeyArn: KMS }, "primary"],
        ["StdoutSink", (o) => new StdoutSink(o as never), {}, "stream"],
        ["flushOnShutdown", (o) => flushOnShutdown(logger(), o as never), { signals: ["SIGUSR2"], exit: false }, "signals"],
    ];
    for (const [entry, build, base, key] of entries) {
        const options = entry === "flushOnShutdown" ? "flushOnShutdown options" : `${entry} options`;
        it(`${entry}: options that are a revoked Proxy`, () => refuses(() => build(revoked()), `${options} cannot be read`, "revoked"));
        it(`${entry}: an option that is a revoked Proxy`, () => refuses(() => build({ ...base, [key]: revoked() }), `${key} cannot be read`, "revoked"));
        it(`${entry}: an option whose getter throws`, () => refuses(() => build(throwing(base, key)), `${key} cannot be read (Error: boom)`));
    }
    it("flushOnShutdown: loggers that are a revoked Proxy", () => refuses(() => flushOnShutdown(revoked() as never, { exit: false }), "loggers cannot be read", "revoked"));
});

describe("members of the options copied when a model or handler is built, named when they cannot be read", () => {
    const throwingMember = (base: object, key: string) =>
        Object.defineProperty({ ...base }, key, {
            enumerable: true,
            get() {
                throw new Error("boom");
            },
        });
    const { proxy: revokedMember, revoke } = Proxy.revocable({}, {});
    revoke();
    const entries: [string, (options: Record<string, unknown>) => unknown][] = [
        ["createTenantChatModel", (o) => createTenantChatModel(modelOptions(o))],
        ["createHandler", (o) => createHandler({ env: ENV, sink: new MemorySink(), onWarning: () => undefined, ...o })],
    ];
    for (const [entry, build] of entries) {
        it(`${entry}: a getter that throws in bedrockClientConfig`, () =>
            refuses(() => build({ bedrockClientConfig: throwingMember({ maxAttempts: 2 }, "region") }), "bedrockClientConfig.region cannot be read (Error: boom)"));
        it(`${entry}: a revoked proxy in bedrockClientConfig`, () =>
            refuses(() => build({ bedrockClientConfig: { requestHandler: revokedMember } }), "bedrockClientConfig.requestHandler cannot be read", "revoked"));
        it(`${entry}: a getter that throws in modelRoutes`, () => refuses(() => build({ modelRoutes: throwingMember({}, HAIKU) }), `modelRoutes`, `.${HAIKU} cannot be read (Error: boom)`));
        it(`${entry}: a getter that throws in allowedModels`, () => {
            const models = [HAIKU];
            Object.defineProperty(models, 0, {
                enumerable: true,
                get() {
                    throw new Error("boom");
                },
            });
            refuses(() => build({ allowedModels: models }), "allowedModels", "[0] cannot be read (Error: boom)");
        });
    }
});

describe("options: an env of the wrong type refused by every entry point that reads one", () => {
    // The whole configuration in options, so nothing needs the environment: only its type is wrong.
    const configuration = { tenantId: "customer-a", opsRoleArn: OPS_ROLE_ARN, externalId: EXTERNAL_ID, allowedModels: [HAIKU], bedrockRegion: "us-east-1" };
    const entries: [string, (env: unknown) => unknown][] = [
        ["createHandler", (env) => createHandler({ ...configuration, sink: new MemorySink(), onWarning: () => undefined, env } as never)],
        ["createTenantChatModel", (env) => createTenantChatModel(modelOptions({ ...configuration, env }))],
    ];
    const values: [string, unknown, string][] = [
        ["a number", 42, "got 42"],
        ["a string", "BEDROCK_TENANCY_TENANT_ID=customer-a", 'got "BEDROCK_TENANCY_TENANT_ID=customer-a"'],
        ["a list", [], "got []"],
        ["a function", () => 1, "got "],
        ["a boolean", true, "got true"],
    ];
    for (const [entry, build] of entries) {
        for (const [what, env, got] of values) {
            it(`${entry}: ${what}`, () => refuses(() => build(env), "env must be an object of environment variables", got));
        }
    }
});

describe("options: unknown keys and null refused at construction", () => {
    const cases: [string, () => unknown, ...string[]][] = [
        ["createTenantChatModel auditmode", () => createTenantChatModel(modelOptions({ auditmode: "fail-closed" })), '"auditmode"', 'did you mean "auditMode"'],
        ["createTenantChatModel audit_mode", () => createTenantChatModel(modelOptions({ audit_mode: "fail-closed" })), '"audit_mode"', 'did you mean "auditMode"'],
        ["createTenantChatModel auditMode null", () => createTenantChatModel(modelOptions({ auditMode: null })), "auditMode", "null"],
        ["createTenantChatModel contentMode null", () => createTenantChatModel(modelOptions({ contentMode: null })), "contentMode", "null"],
        ["createTenantChatModel an unrelated key", () => createTenantChatModel(modelOptions({ unknownOption: 1 })), '"unknownOption"'],
        ["modelFields.maxTokens -5", () => createTenantChatModel(modelOptions({ modelFields: { maxTokens: -5 } })), "modelFields.maxTokens", "-5"],
        ["modelFields.temperature a string", () => createTenantChatModel(modelOptions({ modelFields: { temperature: "hot" } })), "modelFields.temperature", '"hot"'],
        ["modelFields.temperature 3", () => createTenantChatModel(modelOptions({ modelFields: { temperature: 3 } })), "modelFields.temperature", "3"],
        ["modelFields.maxToken (a slip)", () => createTenantChatModel(modelOptions({ modelFields: { maxToken: 100 } })), '"maxToken"', "modelFields.maxTokens"],
        ["modelFields.topP null", () => createTenantChatModel(modelOptions({ modelFields: { topP: null } })), "modelFields.topP", "null"],
        ["modelFields.bedrockBearerToken", () => createTenantChatModel(modelOptions({ modelFields: { bedrockBearerToken: "secret-token" } })), "modelFields.bedrockBearerToken"],
        ["bedrockClientConfig.region 5", () => createTenantChatModel(modelOptions({ bedrockClientConfig: { region: 5 } })), "bedrockClientConfig.region", "5"],
        ["bedrockClientConfig.credentials", () => createTenantChatModel(modelOptions({ bedrockClientConfig: { credentials: { accessKeyId: "A", secretAccessKey: "S" } } })), "bedrockClientConfig.credentials"],
        ["bedrockClientConfig.maxAttempts null", () => createTenantChatModel(modelOptions({ bedrockClientConfig: { maxAttempts: null } })), "bedrockClientConfig.maxAttempts", "null"],
        ["PrivateInvocationLogger auditmode", () => new PrivateInvocationLogger({ sink: new MemorySink(), tenantId: "customer-a", auditmode: "fail-closed" } as never), '"auditmode"', 'did you mean "auditMode"'],
        ["PrivateInvocationLogger auditMode null", () => new PrivateInvocationLogger({ sink: new MemorySink(), tenantId: "customer-a", auditMode: null } as never), "auditMode", "null"],
        ["PrivateInvocationLogger chain.checkpointEvery", () => new PrivateInvocationLogger({ sink: new MemorySink(), tenantId: "customer-a", chain: { checkpointEvery: 5 } } as never), '"checkpointEvery"', "chain."],
        ["CloudWatchLogsSink flushIntervalMS", () => new CloudWatchLogsSink({ logGroupName: "g", flushIntervalMS: 5, flushOnExit: false } as never), '"flushIntervalMS"', 'did you mean "flushIntervalMs"'],
        ["CloudWatchLogsSink region null", () => new CloudWatchLogsSink({ logGroupName: "g", region: null, flushOnExit: false } as never), "region", "null"],
        ["ArchivingSink kmsKey", () => new ArchivingSink({ primary: new MemorySink(), client: { send: async () => ({}) }, bucket: "arch-bucket", kmsKeyArn: KMS, kmsKey: KMS } as never), '"kmsKey"'],
        ["StdoutSink maxAttempt", () => new StdoutSink({ maxAttempt: 2 } as never), '"maxAttempt"', 'did you mean "maxAttempts"'],
        ["flushOnShutdown grace", () => flushOnShutdown(logger(), { grace: 5 } as never), '"grace"', 'did you mean "graceMs"'],
        ["flushOnShutdown exit null", () => flushOnShutdown(logger(), { exit: null } as never), "exit", "null"],
        ["createHandler bogus", () => createHandler({ env: ENV, bogus: 1 } as never), '"bogus"'],
        ["createHandler tenantid", () => createHandler({ env: ENV, tenantid: "customer-b" } as never), '"tenantid"', 'did you mean "tenantId"'],
    ];
    for (const [name, build, ...parts] of cases) {
        it(name, () => refuses(build, ...parts));
    }

    it("shutdownLoggers reports a misspelt option and still closes the logger", async () => {
        const errors: string[] = [];
        const original = console.error;
        console.error = (m: string) => void errors.push(m);
        try {
            const l = logger();
            const code = await shutdownLoggers(l, { grace: 5, onWarning: (m: string) => errors.push(m) } as never);
            assert.equal(code, 1);
            assert.ok(errors.some((e) => e.includes('"grace"')), errors.join("\n"));
        } finally {
            console.error = original;
        }
    });

    it("accepts every documented option, and pass-through fields LangChain and the SDK declare", () => {
        const model = createTenantChatModel(
            modelOptions({
                auditMode: "fail-closed",
                contentMode: "hash",
                modelFields: { maxTokens: 200, temperature: 0.2, topP: 0.9, streaming: false, stop: ["END"], tags: ["t"], metadata: { team: "a" }, maxRetries: 0 },
                bedrockClientConfig: { ...fastRetries(2), maxAttempts: 2, region: "us-east-1" },
            }),
        );
        assert.equal(model.auditLogger.auditMode, "fail-closed");
        new CloudWatchLogsSink({ logGroupName: "g", flushIntervalMs: 5, flushOnExit: false, onWarning: () => undefined });
        flushOnShutdown(logger(), { graceMs: 5, exit: false, signals: ["SIGUSR2"] })();
    });
});
