import { strict as assert } from "assert";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { createTenantChatModel, type TenantChatModelOptions } from "../../runtime/tenant-chat-model";
import { createAuditLogger } from "../../runtime/wiring/audit-logger";
import { loadRuntimeConfig } from "../../runtime/wiring/config";
import { createOpsBedrockClient } from "../../runtime/wiring/ops-bedrock-client";
import { createOpsCredentials } from "../../runtime/wiring/ops-credentials";
import { EXTERNAL_ID, NOVA_LITE, OPS_ROLE_ARN, TENANT_ENV } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";
import { assertRejects } from "../support/argument-errors";

// Static keys: nothing here calls AWS, the model is only built.
const ENV = { ...TENANT_ENV, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "AKIDCUSTOMERA", AWS_SECRET_ACCESS_KEY: "secret" };
const options = (overrides: Record<string, unknown> = {}) => ({ sink: new MemorySink(), env: ENV, onWarning: () => undefined, ...overrides }) as TenantChatModelOptions;

describe("bad arguments of createTenantChatModel and its wiring", () => {
    const cases: [string, () => unknown, string, string][] = [
        ["no options", () => createTenantChatModel(undefined as never), "createTenantChatModel options", "undefined"],
        ["options null", () => createTenantChatModel(null as never), "createTenantChatModel options", "null"],
        ["no sink", () => createTenantChatModel(options({ sink: undefined })), "sink", "undefined"],
        ["a sink without flush() and stats()", () => createTenantChatModel(options({ sink: { write: async () => undefined } })), "sink", "flush(), stats()"],
        ["userId a number", () => createTenantChatModel(options({ userId: 42 })), "userId", "42"],
        ["logger an empty object", () => createTenantChatModel(options({ logger: {} })), "logger", "{}"],
        ["logger a string", () => createTenantChatModel(options({ logger: "console" })), "logger", '"console"'],
        ["env a string", () => createTenantChatModel(options({ env: "production" })), "env", '"production"'],
        ["modelFields a string", () => createTenantChatModel(options({ modelFields: "fast" })), "modelFields", '"fast"'],
        ["modelFields setting the model", () => createTenantChatModel(options({ modelFields: { model: "other" } })), "modelFields.model", '"other"'],
        ["modelFields setting an inference profile", () => createTenantChatModel(options({ modelFields: { applicationInferenceProfile: "arn:x" } })), "modelFields.applicationInferenceProfile", '"arn:x"'],
        // Never shown: the value may hold a secret key.
        ["modelFields setting credentials", () => createTenantChatModel(options({ modelFields: { credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/EXAMPLEKEY" } } })), "modelFields.credentials", "(not shown)"],
        ["archiveClient without send()", () => createTenantChatModel(options({ archiveClient: {} })), "archiveClient", "{}"],
        ["onWarning a number", () => createTenantChatModel(options({ onWarning: 1 })), "onWarning", "1"],
        ["customerCredentials a string", () => createTenantChatModel(options({ customerCredentials: "AKIDSECRET" })), "customerCredentials", "a string of 10 characters"],
        ["customerCredentials an object without keys", () => createTenantChatModel(options({ customerCredentials: { accessKeyId: "A" } })), "customerCredentials", "accessKeyId"],
        ["bedrockEndpoint not a URL", () => createTenantChatModel(options({ bedrockEndpoint: "::nope" })), "bedrockEndpoint", '"::nope"'],
        ["bedrockEndpoint a number", () => createTenantChatModel(options({ bedrockEndpoint: 443 })), "bedrockEndpoint", "443"],
        ["bedrockClientConfig a string", () => createTenantChatModel(options({ bedrockClientConfig: "fast" })), "bedrockClientConfig", '"fast"'],
        ["bedrockMaxSockets 0", () => createTenantChatModel(options({ bedrockMaxSockets: 0 })), "bedrockMaxSockets", "0"],
        // An env built in code: a number or null where the process's environment holds text.
        ["an env variable that is a number", () => createTenantChatModel(options({ env: { ...ENV, BEDROCK_TENANCY_BEDROCK_MAX_ATTEMPTS: 3 } })), "BEDROCK_TENANCY_BEDROCK_MAX_ATTEMPTS", "3"],
        ["an env variable that is null", () => createTenantChatModel(options({ env: { ...ENV, BEDROCK_TENANCY_TENANT_ID: null } })), "BEDROCK_TENANCY_TENANT_ID", "null"],
        ["an env variable that is an object", () => createTenantChatModel(options({ env: { ...ENV, BEDROCK_TENANCY_MODEL_ROUTES: { a: 1 } } })), "BEDROCK_TENANCY_MODEL_ROUTES", '{"a":1}'],
        // A route the ops role's credentials could never reach: refused at start, not by Bedrock on every call.
        ["a model route to another account's profile", () => createTenantChatModel(options({ env: { ...ENV, BEDROCK_TENANCY_MODEL_ROUTES: JSON.stringify({ [NOVA_LITE]: "arn:aws:bedrock:us-east-1:888888888888:application-inference-profile/abc123" }) } })), "modelRoutes (BEDROCK_TENANCY_MODEL_ROUTES)", "must be an inference profile of the ops account 999999999999"],
        // Values JSON cannot write (a bigint) are shown, not thrown over.
        ["modelId a bigint", () => createTenantChatModel(options({ modelId: 10n })), "modelId", "10n"],
        // The Lambda handler's option: a model would take it and keep no such deadline.
        ["deadlineMarginMs, a createHandler option", () => createTenantChatModel(options({ deadlineMarginMs: 500 })), "deadlineMarginMs is a createHandler option", "signal"],
    ];
    it("never shows credentials given in modelFields", () => {
        assert.throws(
            () => createTenantChatModel(options({ modelFields: { credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/EXAMPLEKEY" } } })),
            (err: Error) => !err.message.includes("EXAMPLEKEY") && !err.message.includes("AKIAEXAMPLE"),
        );
    });
    for (const [what, build, name, shown] of cases) {
        it(`refuses ${what}`, () => assertRejects(build, name, shown));
    }

    describe("the wiring the Lambda handler shares", () => {
        const config = loadRuntimeConfig({}, ENV);
        const wiringCases: [string, () => unknown, string, string][] = [
            ["a Bedrock endpoint that is not a URL", () => createOpsBedrockClient(config, { endpoint: "::nope" }), "bedrockEndpoint", '"::nope"'],
            ["a negative connection timeout", () => createOpsBedrockClient(config, { connectionTimeoutMs: -5 }), "bedrockConnectionTimeoutMs", "-5"],
            ["a client config that is a number", () => createOpsBedrockClient(config, { clientConfig: 3 as never }), "bedrockClientConfig", "3"],
            ["customer credentials that are a number", () => createOpsBedrockClient(config, { customerCredentials: 1 as never }), "customerCredentials", "1"],
            ["an archive client without send()", () => createAuditLogger(config, new MemorySink(), { archiveClient: {} as never }), "archiveClient", "{}"],
            ["customer credentials of the archive that are null", () => createAuditLogger(config, new MemorySink(), { customerCredentials: null as never }), "customerCredentials", "null"],
            [
                "a userId that is a number",
                () => createOpsCredentials({ roleArn: OPS_ROLE_ARN, externalId: EXTERNAL_ID, tenantId: "customer-a", userId: 42 as never, durationSeconds: 3600, region: "us-east-1" }),
                "userId",
                "42",
            ],
        ];
        for (const [what, build, name, shown] of wiringCases) {
            it(`refuses ${what}`, () => assertRejects(build, name, shown));
        }
    });

    describe("a shared logger built for another configuration", () => {
        const loggerFor = (overrides: Record<string, string>) => createTenantChatModel(options({ env: { ...ENV, ...overrides } })).auditLogger;
        const ARCHIVE = { BEDROCK_TENANCY_ARCHIVE_BUCKET: "customer-a-audit-archive", BEDROCK_TENANCY_ARCHIVE_KMS_KEY_ARN: "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" };
        const sharedCases: [string, () => PrivateInvocationLogger, Record<string, string>, string, string][] = [
            ["another tenant's", () => new PrivateInvocationLogger({ sink: new MemorySink(), tenantId: "customer-b", onWarning: () => undefined }), {}, "logger", '"customer-b"'],
            ["a best-effort one for a fail-closed configuration", () => loggerFor({}), { BEDROCK_TENANCY_AUDIT_MODE: "fail-closed" }, "logger", '"best-effort"'],
            ["one without content for a hash configuration", () => loggerFor({}), { BEDROCK_TENANCY_CONTENT_MODE: "hash" }, "logger", '"none"'],
            ["one showing other metadata keys", () => loggerFor({ BEDROCK_TENANCY_SAFE_METADATA_KEYS: "team" }), {}, "logger", '["team"]'],
            ["one that does not archive, for a configuration with an archive", () => loggerFor({}), ARCHIVE, "logger", '"customer-a-audit-archive"'],
            ["one that archives, for a configuration without", () => loggerFor(ARCHIVE), {}, "logger", '"customer-a-audit-archive"'],
        ];
        for (const [what, logger, env, name, shown] of sharedCases) {
            it(`refuses ${what}`, () => assertRejects(() => createTenantChatModel(options({ env: { ...ENV, ...env }, logger: logger() })), name, shown));
        }
        it("refuses prices and an archive client it would not use", () => {
            const logger = loggerFor({});
            assertRejects(() => createTenantChatModel(options({ logger, prices: {} })), "prices", "logger");
            assertRejects(() => createTenantChatModel(options({ logger, archiveClient: { send: async () => ({}) } })), "archiveClient", "logger");
        });
        it("takes another model's logger of the same configuration, the archive included", () => {
            const logger = loggerFor(ARCHIVE);
            const model = createTenantChatModel(options({ env: { ...ENV, ...ARCHIVE }, logger }));
            assert.equal(model.auditLogger, logger);
        });
    });

    it("still takes good values", async () => {
        const model = createTenantChatModel(
            options({
                userId: "user-17",
                customerCredentials: async () => ({ accessKeyId: "A", secretAccessKey: "s" }),
                bedrockEndpoint: "http://127.0.0.1:1",
                bedrockClientConfig: { maxAttempts: 2 },
                bedrockMaxSockets: 10,
                archiveClient: { send: async () => ({}) },
                modelFields: { temperature: 0.5, metadata: { team: "a" } },
            }),
        );
        assert.equal(model.model, TENANT_ENV.BEDROCK_TENANCY_DEFAULT_MODEL);
        const identity = createTenantChatModel(options({ customerCredentials: { accessKeyId: "A", secretAccessKey: "s" } }));
        assert.ok(identity.auditLogger instanceof PrivateInvocationLogger);
        // A shared logger brings its own sink, so none is needed.
        const shared = createTenantChatModel({ env: ENV, logger: model.auditLogger } as unknown as TenantChatModelOptions);
        assert.equal(shared.auditLogger, model.auditLogger);
        await model.auditLogger.close();
        await identity.auditLogger.close();
    });
});
