/**
 * The runtime entry for any compute (ECS, EC2, a laptop, Lambda): one call
 * returns a `ChatBedrockConverse` that calls Bedrock as the tenant's ops role
 * and writes one audit record per call with the compute's own credentials.
 */
import type { BedrockRuntimeClientConfig } from "@aws-sdk/client-bedrock-runtime";
import type { S3Client } from "@aws-sdk/client-s3";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { ChatBedrockConverseInput } from "@langchain/aws";
import {
    ArgumentError,
    booleanProblem,
    envLabel,
    firstProblem,
    functionProblem,
    integerAtLeastProblem,
    listProblem,
    methodsProblem,
    nearestName,
    optionKeysProblem,
    raise,
    recordProblem,
    show,
    showBrief,
    type Problem,
} from "../contract";
import { AuditedChatBedrockConverse } from "./audited-chat-model";
import { RUNTIME_CONFIG_KEYS, guardrailFields, loadRuntimeConfig, type RuntimeConfig } from "./wiring/config";
import { auditLoggerProblem, createAuditLogger } from "./wiring/audit-logger";
import { checkOpsBedrockClientOptions, createOpsBedrockClient } from "./wiring/ops-bedrock-client";
import { PrivateInvocationLogger } from "./private-invocation-logger";
import type { PriceTable } from "./pricing";
import type { AuditSink } from "./sinks/audit-sink";
import { ArchivingSink } from "./sinks/archive-sink";
import { timerMsProblem } from "./record-delivery";

/** `deadlineMarginMs` is the Lambda handler's: a model call's deadline is its own `signal`. */
export interface TenantChatModelOptions extends Partial<Omit<RuntimeConfig, "deadlineMarginMs">> {
    /** Where records go; it must write into the customer's own account (a `CloudWatchLogsSink` outside Lambda). */
    sink: AuditSink;
    /** Model to call; one of `allowedModels`. @default - the configured `defaultModel` */
    modelId?: string;
    /** Tags the ops session with this user (`UserId`), besides the tenant. @default - tenant tag only */
    userId?: string;
    /** Environment read after the explicit options. @default process.env */
    env?: Readonly<Record<string, string | undefined>>;
    /** The compute's own credentials, which call AssumeRole. @default - the default credential chain */
    customerCredentials?: AwsCredentialIdentityProvider;
    /** Bedrock Runtime endpoint URL. @default - the SDK's */
    bedrockEndpoint?: string;
    /**
     * Most sockets to Bedrock at once: calls beyond it wait for a free one.
     * @default DEFAULT_BEDROCK_MAX_SOCKETS (500), sized for a service with hundreds of calls in flight
     */
    bedrockMaxSockets?: number;
    /** How long one Bedrock attempt may take to connect, ms; at least 1. @default DEFAULT_BEDROCK_CONNECTION_TIMEOUT_MS (3000), as the Lambda's */
    bedrockConnectionTimeoutMs?: number;
    /**
     * Further Bedrock client settings; `credentials` is always the ops session.
     * `cacheMiddleware` is `true` unless set here: calls without a `signal`
     * reuse the SDK's handler (docs/runtime.md), so middleware added to
     * `model.client` must be added before the first call.
     */
    bedrockClientConfig?: Omit<BedrockRuntimeClientConfig, "credentials">;
    /** Model settings passed on to `ChatBedrockConverse` (not the client, model or credentials). */
    modelFields?: Omit<ChatBedrockConverseInput, "client" | "credentials" | "model" | "region" | "applicationInferenceProfile">;
    /** S3 client of the audit archive (configured by `archiveBucket`); it must use the compute's own credentials. @default - one built from `customerCredentials` */
    archiveClient?: S3Client;
    /** An existing logger to share between models. @default - a new one over `sink`, archiving too when `archiveBucket` is set */
    logger?: PrivateInvocationLogger;
    prices?: PriceTable;
    onWarning?: (message: string) => void;
    /**
     * Longest wait of the logger's `flush()` and `close()` for its sink, ms
     * (see PrivateInvocationLoggerOptions.flushTimeoutMs): the records still
     * on their way then count as lost and are reported.
     * @default 120000
     */
    flushTimeoutMs?: number;
}

export type TenantChatModel = AuditedChatBedrockConverse & { readonly config: RuntimeConfig };

/**
 * Builds the model. Create it once per process (per user when sessions carry
 * a user tag) and reuse it: its credential provider caches the ops session
 * and renews it five minutes before it expires.
 */
export function createTenantChatModel(options: TenantChatModelOptions): TenantChatModel {
    checkModelOptions(options);
    const { sink, modelId, userId, env, customerCredentials, bedrockEndpoint, bedrockClientConfig, bedrockMaxSockets, bedrockConnectionTimeoutMs, modelFields, logger: shared, prices, onWarning, archiveClient, flushTimeoutMs, ...overrides } =
        options;
    const config = loadRuntimeConfig(overrides, env ?? process.env);
    const model = modelId ?? config.defaultModel;
    if (!config.allowedModels.includes(model)) {
        throw new ArgumentError(`modelId must be one of the tenant's allowed models (${config.allowedModels.join(", ")}), got ${showBrief(model)}`);
    }
    if (shared) checkSharedLogger(shared, config, options);
    const logger = shared ?? createAuditLogger(config, sink, { archiveClient, customerCredentials, region: env?.AWS_REGION ?? process.env.AWS_REGION, prices, onWarning, flushTimeoutMs });
    const route = config.modelRoutes[model];
    const client = createOpsBedrockClient(config, {
        userId,
        endpoint: bedrockEndpoint,
        clientConfig: bedrockClientConfig,
        maxSockets: bedrockMaxSockets,
        connectionTimeoutMs: bedrockConnectionTimeoutMs,
        customerCredentials,
        stsRegion: (env ?? process.env).AWS_REGION,
    });
    const chat = new AuditedChatBedrockConverse({
        ...modelFields,
        ...guardrailFor(config, modelFields?.guardrailConfig),
        model,
        ...(route ? { applicationInferenceProfile: route } : {}),
        client,
        region: config.bedrockRegion,
        auditLogger: logger,
        metadata: { ...modelFields?.metadata, modelId: model, invokedModelId: route ?? model, ...(userId === undefined ? {} : { userId }) },
    });
    return Object.assign(chat, { config });
}

const TENANT_MODEL_OPTIONS: readonly string[] = [
    ...RUNTIME_CONFIG_KEYS.filter((key) => key !== "deadlineMarginMs"),
    ...([
        "sink",
        "modelId",
        "userId",
        "env",
        "customerCredentials",
        "bedrockEndpoint",
        "bedrockMaxSockets",
        "bedrockConnectionTimeoutMs",
        "bedrockClientConfig",
        "modelFields",
        "archiveClient",
        "logger",
        "prices",
        "onWarning",
        "flushTimeoutMs",
    ] satisfies (keyof TenantChatModelOptions)[]),
];

/**
 * The fields `ChatBedrockConverseInput` (with LangChain's chat model
 * parameters) declares, besides {@link MODEL_OWNED_FIELDS} and
 * {@link CLIENT_BUILDING_FIELDS}: a key outside them is a slip, which
 * LangChain would ignore. Kept in step with the `@langchain/aws` release the
 * package depends on.
 */
const MODEL_FIELDS: readonly string[] = [
    "streaming",
    "temperature",
    "maxTokens",
    "topP",
    "additionalModelRequestFields",
    "streamUsage",
    "streamIdleTimeout",
    "guardrailConfig",
    "performanceConfig",
    "serviceTier",
    "supportsToolChoiceValues",
    "defaultHeaders",
    "stop",
    "tools",
    "tool_choice",
    "requestMetadata",
    "cache_control",
    "disableStreaming",
    "outputVersion",
    "callbackManager",
    "cache",
    "verbose",
    "callbacks",
    "tags",
    "metadata",
    "maxConcurrency",
    "maxRetries",
    "onFailedAttempt",
];

/** Fields LangChain reads only to build a client of its own; the model is given the ops session's client, so they would be ignored. */
const CLIENT_BUILDING_FIELDS = ["clientOptions", "endpointHost", "bedrockApiKey", "bedrockApiSecret", "bedrockApiSessionToken", "bedrockBearerToken"];

/** `fields` (model-owned fields already refused) must be fields the model reads, of the types and ranges it takes. */
function modelFieldsProblem(argName: string, fields: Record<string, unknown>): Problem {
    const building = CLIENT_BUILDING_FIELDS.find((key) => fields[key] !== undefined);
    if (building !== undefined) {
        return `${argName}.${building} is not used: calls go through the ops session's client (set client settings in bedrockClientConfig, the endpoint in bedrockEndpoint)`;
    }
    const unknown = Object.keys(fields).find((key) => !MODEL_FIELDS.includes(key) && !MODEL_OWNED_FIELDS.includes(key));
    if (unknown !== undefined) {
        const meant = nearestName(unknown, MODEL_FIELDS);
        return `${argName} has no field ${show(unknown)}${meant === undefined ? "" : `; did you mean ${show(`${argName}.${meant}`)}?`} (ChatBedrockConverse's fields: ${MODEL_FIELDS.join(", ")})`;
    }
    const set = (key: string, check: (v: unknown) => Problem) => () => (fields[key] === undefined ? undefined : check(fields[key]));
    const fraction = (key: string, max: number) =>
        set(key, (v) => (typeof v === "number" && v >= 0 && v <= max ? undefined : `${argName}.${key} must be a number from 0 to ${max}, got ${showBrief(v)}`));
    return firstProblem(
        () => {
            const nulled = Object.keys(fields).find((key) => fields[key] === null);
            return nulled === undefined ? undefined : `${argName}.${nulled} must be omitted (or undefined) to take its default, got null`;
        },
        // Bedrock's own bounds; a model may narrow them, which Bedrock reports per call.
        fraction("temperature", 1),
        fraction("topP", 1),
        set("maxTokens", (v) => integerAtLeastProblem(`${argName}.maxTokens`, v, 1)),
        set("streamIdleTimeout", (v) => integerAtLeastProblem(`${argName}.streamIdleTimeout`, v, 1)),
        set("maxRetries", (v) => integerAtLeastProblem(`${argName}.maxRetries`, v, 0)),
        set("maxConcurrency", (v) => integerAtLeastProblem(`${argName}.maxConcurrency`, v, 1)),
        ...["streaming", "streamUsage", "disableStreaming", "verbose"].map((key) => set(key, (v) => booleanProblem(`${argName}.${key}`, v))),
        set("stop", (v) => listProblem(`${argName}.stop`, v, false, "stop sequence") ?? stringsProblem(`${argName}.stop`, v as unknown[])),
        set("tags", (v) => listProblem(`${argName}.tags`, v, false, "tag") ?? stringsProblem(`${argName}.tags`, v as unknown[])),
        set("metadata", (v) => recordProblem(`${argName}.metadata`, v)),
        set("onFailedAttempt", (v) => functionProblem(`${argName}.onFailedAttempt`, v)),
        set("outputVersion", (v) => (v === "v0" || v === "v1" ? undefined : `${argName}.outputVersion must be "v0" or "v1", got ${showBrief(v)}`)),
    );
}

function stringsProblem(argName: string, values: readonly unknown[]): Problem {
    const i = values.findIndex((v) => typeof v !== "string");
    return i < 0 ? undefined : `${argName}[${i}] must be a string, got ${showBrief(values[i])}`;
}

/** What the sink must offer: the logger writes, flushes and counts through it. */
const AUDIT_SINK_METHODS = ["write", "flush", "stats"];

/** `modelFields` keys the model sets itself: one given there would be overridden silently, or send calls past the tenant's route. */
const MODEL_OWNED_FIELDS = ["client", "credentials", "model", "region", "applicationInferenceProfile"];

/**
 * Every option that is not configuration (which `loadRuntimeConfig` checks),
 * checked before anything is built: most are otherwise only used on the
 * first call, where a wrong one reads as a Bedrock or audit failure.
 */
function checkModelOptions(options: TenantChatModelOptions): void {
    raise(recordProblem("createTenantChatModel options", options));
    let keys: string[] = [];
    try {
        keys = Object.keys(options);
    } catch {
        // Options that cannot be listed: optionKeysProblem names them below.
    }
    // Taken and never read, it would promise a deadline no call keeps.
    if (keys.includes("deadlineMarginMs")) {
        throw new ArgumentError(
            "deadlineMarginMs is a createHandler option (the time kept for the record before the Lambda's own timeout); a model call has no such deadline: give it one with its signal (AbortSignal.timeout(ms))",
        );
    }
    raise(optionKeysProblem("createTenantChatModel options", options, TENANT_MODEL_OPTIONS));
    const { sink, logger, modelFields, archiveClient, onWarning } = options;
    raise(
        // A shared logger has its own sink, so none is needed then; one given anyway must still be a sink.
        logger !== undefined && sink === undefined ? undefined : methodsProblem("sink", sink, AUDIT_SINK_METHODS, "an AuditSink"),
        logger === undefined ? undefined : auditLoggerProblem("logger", logger),
        modelFields === undefined ? undefined : recordProblem("modelFields", modelFields),
        archiveClient === undefined ? undefined : methodsProblem("archiveClient", archiveClient, ["send"], "an S3Client"),
        onWarning === undefined ? undefined : functionProblem("onWarning", onWarning),
        options.flushTimeoutMs === undefined ? undefined : timerMsProblem("flushTimeoutMs", options.flushTimeoutMs),
    );
    const owned = modelFields && MODEL_OWNED_FIELDS.find((key) => (modelFields as Record<string, unknown>)[key] !== undefined);
    if (owned) {
        // Credentials (and a client holding them) may carry a secret key: name the field, never show its value.
        const value = (modelFields as Record<string, unknown>)[owned];
        const shown = owned === "credentials" || owned === "client" ? `a value of type ${value === null ? "null" : typeof value} (not shown)` : showBrief(value);
        throw new ArgumentError(`modelFields.${owned} is set by createTenantChatModel (from the configuration and its options), got ${shown}`);
    }
    if (modelFields !== undefined) raise(modelFieldsProblem("modelFields", modelFields));
    checkOpsBedrockClientOptions({
        userId: options.userId,
        endpoint: options.bedrockEndpoint,
        clientConfig: options.bedrockClientConfig,
        maxSockets: options.bedrockMaxSockets,
        connectionTimeoutMs: options.bedrockConnectionTimeoutMs,
        customerCredentials: options.customerCredentials,
    });
    if (options.userId !== undefined && typeof options.userId !== "string") {
        throw new ArgumentError(`userId must be a string (an STS session tag value), got ${showBrief(options.userId)}`);
    }
}

/**
 * A shared logger records with its own tenant, modes and archive: one built
 * for another configuration would file this model's calls under another
 * tenant, or keep content the configuration keeps out, or let a call go on
 * without the record `fail-closed` promises. Options only the logger's
 * builder reads would be ignored.
 */
function checkSharedLogger(logger: PrivateInvocationLogger, config: RuntimeConfig, options: TenantChatModelOptions): void {
    const mismatch = (field: Parameters<typeof envLabel>[0], has: unknown, wants: unknown) =>
        new ArgumentError(`logger records with ${field} ${JSON.stringify(has)}, but the configuration's ${envLabel(field)} is ${JSON.stringify(wants)}: share a logger only between models of one configuration (for example another model's auditLogger)`);
    if (logger.tenantId !== config.tenantId) throw mismatch("tenantId", logger.tenantId, config.tenantId);
    if (logger.auditMode !== config.auditMode) throw mismatch("auditMode", logger.auditMode, config.auditMode);
    if (logger.contentMode !== config.contentMode) throw mismatch("contentMode", logger.contentMode, config.contentMode);
    const safe = [...logger.safeMetadataKeys].sort();
    const wanted = [...config.safeMetadataKeys].sort();
    if (safe.length !== wanted.length || safe.some((key, i) => key !== wanted[i])) throw mismatch("safeMetadataKeys", safe, wanted);
    const archive = logger.sink instanceof ArchivingSink ? logger.sink.bucket : undefined;
    const configured = config.archiveBucket !== undefined && config.archiveKmsKeyArn !== undefined ? config.archiveBucket : undefined;
    if (archive !== configured) throw mismatch("archiveBucket", archive ?? null, configured ?? null);
    for (const owned of ["prices", "archiveClient", "flushTimeoutMs"] as const) {
        if (options[owned] !== undefined) throw new ArgumentError(`${owned} is an option of the logger that records, and logger is given: pass ${owned} where that logger is built`);
    }
}

type GuardrailConfig = NonNullable<ChatBedrockConverseInput["guardrailConfig"]>;

/**
 * The configured guardrail is the one the ops role requires, so every call
 * sends it (`modelFields.guardrailConfig` may add `trace`); another guardrail
 * would only have every call denied, and that denial would read as a quota block.
 */
function guardrailFor(config: RuntimeConfig, given: GuardrailConfig | undefined): { guardrailConfig?: GuardrailConfig } {
    const configured = guardrailFields(config).guardrailConfig;
    if (configured === undefined) return given === undefined ? {} : { guardrailConfig: given };
    if (given !== undefined && (given.guardrailIdentifier !== configured.guardrailIdentifier || given.guardrailVersion !== configured.guardrailVersion)) {
        throw new ArgumentError(
            `modelFields.guardrailConfig names guardrail ${JSON.stringify(`${given.guardrailIdentifier}:${given.guardrailVersion}`)}, ` +
                `but ${envLabel("guardrailArn")} and ${envLabel("guardrailVersion")} require ${JSON.stringify(`${configured.guardrailIdentifier}:${configured.guardrailVersion}`)}: the ops role denies calls without it`,
        );
    }
    return { guardrailConfig: { ...given, ...configured } };
}
