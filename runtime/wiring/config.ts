/**
 * The runtime's configuration, for the Lambda and any other compute: explicit options first, then the environment
 * variables `PrivateInvocationLogging` sets (decoded once, at cold start, by
 * the contract's decoder), then defaults. Every value is checked by the same
 * rules the component applies before the first request, and a bad one stops
 * the cold start with an error naming the option and its variable.
 */
import {
    BEDROCK_MAX_ATTEMPTS,
    BEDROCK_REQUEST_TIMEOUT_MS,
    DEFAULT_AUDIT_MODE,
    DEFAULT_CONTENT_MODE,
    IAM_ROLE_ARN_PATTERN,
    KMS_KEY_ARN_PATTERN,
    bucketNameProblem,
    auditModeProblem,
    booleanProblem,
    contentModeProblem,
    decodeRuntimeEnvironment,
    envLabel,
    externalIdProblem,
    guardrailProblem,
    integerProblem,
    modelSettingsProblem,
    patternProblem,
    raise,
    recordProblem,
    regionProblem,
    RuntimeEnv,
    safeMetadataKeysProblem,
    opsRoleArnProblem,
    routesAccountProblem,
    tenantIdProblem,
    type RuntimeEnvironment,
} from "../../contract";

/**
 * The resolved configuration: every field of the contract's
 * {@link RuntimeEnvironment} (documented there, with its variable and
 * default), plus two settings only code can pass.
 */
export interface RuntimeConfig
    extends Readonly<Required<Omit<RuntimeEnvironment, ArchiveField>>>,
        Readonly<Pick<RuntimeEnvironment, ArchiveField>> {
    /** Ops session length; role chaining caps it at 3600 (900-3600). @default 3600 */
    sessionDurationSeconds: number;
    /** Time kept back from the Lambda deadline to write the record, ms (0-60000). @default 1000 */
    deadlineMarginMs: number;
}

/** The archive and guardrail settings stay optional: without them no record is archived and no guardrail sent. */
type ArchiveField = "archiveBucket" | "archiveKmsKeyArn" | "guardrailArn" | "guardrailVersion";

/** Every option of {@link RuntimeConfig}: the entries that take it refuse any other key. */
export const RUNTIME_CONFIG_KEYS: readonly string[] = [...Object.keys(RuntimeEnv), "sessionDurationSeconds", "deadlineMarginMs"];

export const DEFAULT_BEDROCK_MAX_ATTEMPTS = BEDROCK_MAX_ATTEMPTS.default;
export const DEFAULT_BEDROCK_REQUEST_TIMEOUT_MS = BEDROCK_REQUEST_TIMEOUT_MS.default;
/** STS caps role-chained sessions (a Lambda role assuming another role) at one hour. */
export const MAX_CHAINED_SESSION_SECONDS = 3600;
export const DEFAULT_SESSION_DURATION_SECONDS = MAX_CHAINED_SESSION_SECONDS;
export const DEFAULT_DEADLINE_MARGIN_MS = 1000;


type Env = Readonly<Record<string, string | undefined>>;

/** Resolves and validates the configuration; throws an `ArgumentError` naming the option and variable. */
export function loadRuntimeConfig(options: Partial<RuntimeConfig> = {}, env: Env = process.env): RuntimeConfig {
    // Every entry point hands its `env` option here: a wrong type is named as that option, not as a variable missing from it.
    raise(recordProblem("env", env, "an object of environment variables"));
    const decoded = decodeRuntimeEnvironment(env);
    const pick = <K extends keyof RuntimeEnvironment>(key: K): unknown => options[key] ?? decoded[key];
    const envRegion = env.AWS_REGION?.trim() || undefined;

    const allowedModels = pick("allowedModels");
    // As PrivateInvocationLogging defaults it: the first allowed model.
    const defaultModel: unknown = pick("defaultModel") ?? (Array.isArray(allowedModels) ? (allowedModels as unknown[])[0] : undefined);
    const modelRoutes = pick("modelRoutes") ?? {};
    const c = {
        opsRoleArn: pick("opsRoleArn"),
        externalId: pick("externalId"),
        tenantId: pick("tenantId"),
        bedrockRegion: pick("bedrockRegion") ?? envRegion,
        contentMode: pick("contentMode") ?? DEFAULT_CONTENT_MODE,
        auditMode: pick("auditMode") ?? DEFAULT_AUDIT_MODE,
        bedrockMaxAttempts: pick("bedrockMaxAttempts") ?? DEFAULT_BEDROCK_MAX_ATTEMPTS,
        bedrockRequestTimeoutMs: pick("bedrockRequestTimeoutMs") ?? DEFAULT_BEDROCK_REQUEST_TIMEOUT_MS,
        sessionUserTag: pick("sessionUserTag") ?? false,
        safeMetadataKeys: pick("safeMetadataKeys") ?? [],
        sessionDurationSeconds: options.sessionDurationSeconds ?? DEFAULT_SESSION_DURATION_SECONDS,
        deadlineMarginMs: options.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS,
        archiveBucket: pick("archiveBucket"),
        archiveKmsKeyArn: pick("archiveKmsKeyArn"),
        guardrailArn: pick("guardrailArn"),
        guardrailVersion: pick("guardrailVersion"),
    };
    raise(
        // The tenant's own role only: another tenant's (a copied environment) would be refused by STS on every call, read as an outage.
        patternProblem(envLabel("opsRoleArn"), c.opsRoleArn, IAM_ROLE_ARN_PATTERN, "an IAM role ARN") ??
            (tenantIdProblem(envLabel("tenantId"), c.tenantId) === undefined ? opsRoleArnProblem(envLabel("opsRoleArn"), c.opsRoleArn, c.tenantId as string) : undefined),
        externalIdProblem(envLabel("externalId"), c.externalId),
        tenantIdProblem(envLabel("tenantId"), c.tenantId),
        modelSettingsProblem(
            { allowedModels, defaultModel, modelRoutes },
            { allowedModels: envLabel("allowedModels"), defaultModel: envLabel("defaultModel"), modelRoutes: envLabel("modelRoutes") },
        ) ?? routesAccountProblem(envLabel("modelRoutes"), modelRoutes, c.opsRoleArn, envLabel("opsRoleArn")),
        regionProblem(envLabel("bedrockRegion"), c.bedrockRegion),
        contentModeProblem(envLabel("contentMode"), c.contentMode),
        auditModeProblem(envLabel("auditMode"), c.auditMode),
        integerProblem(envLabel("bedrockMaxAttempts"), c.bedrockMaxAttempts, BEDROCK_MAX_ATTEMPTS.min, BEDROCK_MAX_ATTEMPTS.max),
        integerProblem(envLabel("bedrockRequestTimeoutMs"), c.bedrockRequestTimeoutMs, BEDROCK_REQUEST_TIMEOUT_MS.min, BEDROCK_REQUEST_TIMEOUT_MS.max),
        booleanProblem(envLabel("sessionUserTag"), c.sessionUserTag),
        safeMetadataKeysProblem(envLabel("safeMetadataKeys"), c.safeMetadataKeys),
        integerProblem("sessionDurationSeconds", c.sessionDurationSeconds, 900, MAX_CHAINED_SESSION_SECONDS),
        integerProblem("deadlineMarginMs", c.deadlineMarginMs, 0, 60_000),
        c.archiveBucket === undefined ? undefined : bucketNameProblem(envLabel("archiveBucket"), c.archiveBucket),
        c.archiveBucket === undefined && c.archiveKmsKeyArn === undefined
            ? undefined
            : patternProblem(envLabel("archiveKmsKeyArn"), c.archiveKmsKeyArn, KMS_KEY_ARN_PATTERN, `a KMS key ARN when ${envLabel("archiveBucket")} is set`),
        c.archiveKmsKeyArn !== undefined && c.archiveBucket === undefined ? `${envLabel("archiveBucket")} is required with ${envLabel("archiveKmsKeyArn")}, got undefined` : undefined,
        c.guardrailArn === undefined && c.guardrailVersion === undefined
            ? undefined
            : guardrailProblem({ arn: c.guardrailArn, version: c.guardrailVersion }, { arn: envLabel("guardrailArn"), version: envLabel("guardrailVersion") }),
    );
    // Unset optional settings stay absent rather than present as undefined.
    for (const k of ["archiveBucket", "archiveKmsKeyArn", "guardrailArn", "guardrailVersion"] as const) {
        if (c[k] === undefined) delete c[k];
    }
    return Object.freeze({
        ...(c as unknown as Omit<RuntimeConfig, "allowedModels" | "defaultModel" | "modelRoutes" | "safeMetadataKeys">),
        defaultModel: defaultModel as string,
        allowedModels: Object.freeze([...(allowedModels as string[])]),
        modelRoutes: Object.freeze({ ...(modelRoutes as Record<string, string>) }),
        safeMetadataKeys: Object.freeze([...(c.safeMetadataKeys as string[])]),
    });
}

/** `ChatBedrockConverse`'s `guardrailConfig` for the configured guardrail, or nothing when none is set. */
export function guardrailFields(config: Pick<RuntimeConfig, "guardrailArn" | "guardrailVersion">): { guardrailConfig?: { guardrailIdentifier: string; guardrailVersion: string } } {
    return config.guardrailArn !== undefined && config.guardrailVersion !== undefined
        ? { guardrailConfig: { guardrailIdentifier: config.guardrailArn, guardrailVersion: config.guardrailVersion } }
        : {};
}
