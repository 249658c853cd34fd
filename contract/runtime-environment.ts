/**
 * The runtime's environment: what `PrivateInvocationLogging` hands to the
 * function and what the runtime reads at cold start. One typed object, one
 * encoder and one decoder, so neither side knows the other's encoding.
 */
import { GUARDRAIL_ARN_PATTERN, GUARDRAIL_VERSION_PATTERN, INFERENCE_PROFILE_ARN_PATTERN, MODEL_ID_PATTERN } from "./identifiers";
import type { AuditMode, ContentMode } from "./modes";
import { ArgumentError, duplicateProblem, isPlainObject, membersUnreadableProblem, patternProblem, show, showBrief, type Problem } from "./validation";
import { parseArn } from "./iam/arn";

/** Variable names, by the {@link RuntimeEnvironment} field they carry. */
export const RuntimeEnv = Object.freeze({
    /** ARN of the tenant's `BedrockTenantAccess` role in the ops account. */
    opsRoleArn: "BEDROCK_TENANCY_OPS_ROLE_ARN",
    /** ExternalId the ops role's trust policy requires. */
    externalId: "BEDROCK_TENANCY_EXTERNAL_ID",
    tenantId: "BEDROCK_TENANCY_TENANT_ID",
    /** Model used when an event names none. */
    defaultModel: "BEDROCK_TENANCY_DEFAULT_MODEL",
    /** Model ids the tenant may use. */
    allowedModels: "BEDROCK_TENANCY_ALLOWED_MODELS",
    /** Model id to the ARN to invoke instead (application inference profile). */
    modelRoutes: "BEDROCK_TENANCY_MODEL_ROUTES",
    /** Region Bedrock is called in (the ops account's Bedrock home Region). */
    bedrockRegion: "BEDROCK_TENANCY_BEDROCK_REGION",
    /** `none` | `hash` | `full`. */
    contentMode: "BEDROCK_TENANCY_CONTENT_MODE",
    /** `best-effort` | `fail-closed`. */
    auditMode: "BEDROCK_TENANCY_AUDIT_MODE",
    /** Optional. Bedrock client attempts per call, retries included (1-10; default 3). */
    bedrockMaxAttempts: "BEDROCK_TENANCY_BEDROCK_MAX_ATTEMPTS",
    /** Optional. Socket timeout of one Bedrock attempt in milliseconds (default 60000). */
    bedrockRequestTimeoutMs: "BEDROCK_TENANCY_BEDROCK_REQUEST_TIMEOUT_MS",
    /** Optional. `true` adds the event's userId as an STS session tag (one ops session per user). */
    sessionUserTag: "BEDROCK_TENANCY_SESSION_USER_TAG",
    /** Optional. Metadata keys whose values are recorded as given in every content mode. */
    safeMetadataKeys: "BEDROCK_TENANCY_SAFE_METADATA_KEYS",
    /** Optional. Bucket of the write-once audit archive; set, every record is also archived there. */
    archiveBucket: "BEDROCK_TENANCY_ARCHIVE_BUCKET",
    /** Optional. ARN of the customer key archive objects are encrypted with (the bucket policy requires it). */
    archiveKmsKeyArn: "BEDROCK_TENANCY_ARCHIVE_KMS_KEY_ARN",
    /** Optional, with `guardrailVersion`. ARN of the guardrail every call applies (the ops role requires it). */
    guardrailArn: "BEDROCK_TENANCY_GUARDRAIL_ARN",
    /** Optional, with `guardrailArn`. Version of that guardrail: a number or `DRAFT`. */
    guardrailVersion: "BEDROCK_TENANCY_GUARDRAIL_VERSION",
});
export type RuntimeEnvName = (typeof RuntimeEnv)[keyof typeof RuntimeEnv];

/** Bedrock attempts per call, retries included: what the runtime and the component accept, and the default. */
export const BEDROCK_MAX_ATTEMPTS = Object.freeze({ min: 1, max: 10, default: 3 });
/** Socket timeout of one Bedrock attempt, ms: what the runtime and the component accept, and the default. */
export const BEDROCK_REQUEST_TIMEOUT_MS = Object.freeze({ min: 1000, max: 900_000, default: 60_000 });

/** Everything the deploy side tells the runtime, typed. Each field travels in the variable `RuntimeEnv[field]`. */
export interface RuntimeEnvironment {
    /** ARN of the tenant's role in the ops account. Env `BEDROCK_TENANCY_OPS_ROLE_ARN`; required. */
    opsRoleArn: string;
    /** ExternalId the ops role requires; 2-1224 of `[\w+=,.@:/-]`. Env `BEDROCK_TENANCY_EXTERNAL_ID`; required. */
    externalId: string;
    /** Env `BEDROCK_TENANCY_TENANT_ID`; required. */
    tenantId: string;
    /** Model used when an event names none; must be in `allowedModels`. Env `BEDROCK_TENANCY_DEFAULT_MODEL`. @default - the first of `allowedModels` */
    defaultModel: string;
    /** Models events may name. Env `BEDROCK_TENANCY_ALLOWED_MODELS` (comma-separated); required. */
    allowedModels: readonly string[];
    /** Model id to the inference-profile ARN invoked instead. Env `BEDROCK_TENANCY_MODEL_ROUTES` (JSON). @default {} */
    modelRoutes: Readonly<Record<string, string>>;
    /** Env `BEDROCK_TENANCY_BEDROCK_REGION`. @default - `AWS_REGION` */
    bedrockRegion: string;
    /** Env `BEDROCK_TENANCY_CONTENT_MODE`. @default "none" */
    contentMode: ContentMode;
    /** Env `BEDROCK_TENANCY_AUDIT_MODE`. @default "best-effort" */
    auditMode: AuditMode;
    /** Bedrock attempts per call, retries included (1-10). Env `BEDROCK_TENANCY_BEDROCK_MAX_ATTEMPTS`. @default 3 */
    bedrockMaxAttempts?: number;
    /** Socket timeout per Bedrock attempt, ms (1000-900000). Env `BEDROCK_TENANCY_BEDROCK_REQUEST_TIMEOUT_MS`. @default 60000 */
    bedrockRequestTimeoutMs?: number;
    /** Tag each ops session with the event's userId (one session per user). Env `BEDROCK_TENANCY_SESSION_USER_TAG`. @default false */
    sessionUserTag?: boolean;
    /** Metadata keys recorded as given in every content mode. Env `BEDROCK_TENANCY_SAFE_METADATA_KEYS` (comma-separated). @default [] */
    safeMetadataKeys?: readonly string[];
    /** Archive bucket; with it, `archiveKmsKeyArn` is required. Env `BEDROCK_TENANCY_ARCHIVE_BUCKET`. @default - no archive */
    archiveBucket?: string;
    /** Key of the archive objects. Env `BEDROCK_TENANCY_ARCHIVE_KMS_KEY_ARN`. @default - no archive */
    archiveKmsKeyArn?: string;
    /**
     * Guardrail every call applies, `arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID`
     * (the ops role denies calls without it); with it, `guardrailVersion` is
     * required. Env `BEDROCK_TENANCY_GUARDRAIL_ARN`. @default - no guardrail
     */
    guardrailArn?: string;
    /** Version of `guardrailArn`: `1`, `2`, … or `DRAFT`. Env `BEDROCK_TENANCY_GUARDRAIL_VERSION`. @default - no guardrail */
    guardrailVersion?: string;
}

/** `option (VARIABLE)`: how runtime messages name a setting. */
export function envLabel(field: keyof typeof RuntimeEnv): string {
    return `${field} (${RuntimeEnv[field]})`;
}

const LIST_SEPARATOR = ",";

/**
 * The variables for `environment`. Lists are comma-separated: every item the
 * rules allow (model ids, metadata keys) is free of commas, and an item that
 * is not is refused rather than split apart on the other side.
 */
export function encodeRuntimeEnvironment(environment: RuntimeEnvironment): Record<string, string> {
    const list = (field: keyof typeof RuntimeEnv, items: readonly string[]) => {
        const bad = items.find((i) => i.includes(LIST_SEPARATOR) || i.trim() !== i || i === "");
        if (bad !== undefined) {
            throw new ArgumentError(`${field} cannot carry ${show(bad)} through ${RuntimeEnv[field]}: items must be non-empty, without commas or surrounding spaces`);
        }
        return items.join(LIST_SEPARATOR);
    };
    const vars: Record<string, string> = {
        [RuntimeEnv.opsRoleArn]: environment.opsRoleArn,
        [RuntimeEnv.externalId]: environment.externalId,
        [RuntimeEnv.tenantId]: environment.tenantId,
        [RuntimeEnv.defaultModel]: environment.defaultModel,
        [RuntimeEnv.allowedModels]: list("allowedModels", environment.allowedModels),
        [RuntimeEnv.modelRoutes]: JSON.stringify(environment.modelRoutes),
        [RuntimeEnv.bedrockRegion]: environment.bedrockRegion,
        [RuntimeEnv.contentMode]: environment.contentMode,
        [RuntimeEnv.auditMode]: environment.auditMode,
    };
    if (environment.bedrockMaxAttempts !== undefined) vars[RuntimeEnv.bedrockMaxAttempts] = String(environment.bedrockMaxAttempts);
    if (environment.bedrockRequestTimeoutMs !== undefined) vars[RuntimeEnv.bedrockRequestTimeoutMs] = String(environment.bedrockRequestTimeoutMs);
    if (environment.sessionUserTag !== undefined) vars[RuntimeEnv.sessionUserTag] = String(environment.sessionUserTag);
    if (environment.safeMetadataKeys?.length) vars[RuntimeEnv.safeMetadataKeys] = list("safeMetadataKeys", environment.safeMetadataKeys);
    if (environment.archiveBucket !== undefined) vars[RuntimeEnv.archiveBucket] = environment.archiveBucket;
    if (environment.archiveKmsKeyArn !== undefined) vars[RuntimeEnv.archiveKmsKeyArn] = environment.archiveKmsKeyArn;
    if (environment.guardrailArn !== undefined || environment.guardrailVersion !== undefined) {
        const problem = guardrailProblem(
            { arn: environment.guardrailArn, version: environment.guardrailVersion },
            { arn: "guardrailArn", version: "guardrailVersion" },
        );
        if (problem !== undefined) throw new ArgumentError(problem);
        vars[RuntimeEnv.guardrailArn] = environment.guardrailArn!;
        vars[RuntimeEnv.guardrailVersion] = environment.guardrailVersion!;
    }
    return vars;
}

/** A decoded value: typed where the text could be read, else the text itself, for the checks to name. */
export type DecodedEnvironment = { [K in keyof RuntimeEnvironment]?: RuntimeEnvironment[K] | string };

/**
 * Reads the variables back. Unset or blank variables are absent; values that
 * cannot be decoded (a list that is not one, bad JSON) are kept as text so
 * the shared checks report them with their variable's name.
 */
export function decodeRuntimeEnvironment(vars: Readonly<Record<string, string | undefined>>): DecodedEnvironment {
    const text = (field: keyof typeof RuntimeEnv): string | undefined => {
        const raw: unknown = vars[RuntimeEnv[field]];
        // An `env` option built in code may hold a number or an object where the process's environment holds only text.
        if (raw !== undefined && typeof raw !== "string") throw new ArgumentError(`${RuntimeEnv[field]} must be text, as an environment variable is, got ${showBrief(raw)}`);
        return raw === undefined || raw.trim() === "" ? undefined : raw.trim();
    };
    const list = (field: keyof typeof RuntimeEnv) => text(field)?.split(LIST_SEPARATOR).map((i) => i.trim()).filter(Boolean);
    const integer = (field: keyof typeof RuntimeEnv) => {
        const raw = text(field);
        return raw !== undefined && /^-?\d+$/.test(raw) ? Number(raw) : raw;
    };
    const json = (field: keyof typeof RuntimeEnv) => {
        const raw = text(field);
        if (raw === undefined) return undefined;
        try {
            return JSON.parse(raw) as unknown;
        } catch {
            return raw;
        }
    };
    const boolean = (field: keyof typeof RuntimeEnv) => {
        const raw = text(field);
        return raw === "true" ? true : raw === "false" ? false : raw;
    };
    const decoded: DecodedEnvironment = {
        opsRoleArn: text("opsRoleArn"),
        externalId: text("externalId"),
        tenantId: text("tenantId"),
        defaultModel: text("defaultModel"),
        allowedModels: list("allowedModels"),
        // Any JSON: the shared model checks below report a value of the wrong shape by its variable.
        modelRoutes: json("modelRoutes") as DecodedEnvironment["modelRoutes"],
        bedrockRegion: text("bedrockRegion"),
        contentMode: text("contentMode"),
        auditMode: text("auditMode"),
        bedrockMaxAttempts: integer("bedrockMaxAttempts"),
        bedrockRequestTimeoutMs: integer("bedrockRequestTimeoutMs"),
        sessionUserTag: boolean("sessionUserTag"),
        safeMetadataKeys: list("safeMetadataKeys"),
        archiveBucket: text("archiveBucket"),
        archiveKmsKeyArn: text("archiveKmsKeyArn"),
        guardrailArn: text("guardrailArn"),
        guardrailVersion: text("guardrailVersion"),
    };
    for (const k of Object.keys(decoded) as (keyof DecodedEnvironment)[]) {
        if (decoded[k] === undefined) delete decoded[k];
    }
    return decoded;
}

/** The model settings both sides check: allowed models, the default, and the routes to inference profiles. */
export interface ModelSettings {
    allowedModels: unknown;
    defaultModel?: unknown;
    modelRoutes?: unknown;
}

/** Argument names for {@link modelSettingsProblem}'s messages. */
export interface ModelSettingNames {
    allowedModels: string;
    defaultModel: string;
    modelRoutes: string;
}

const PLAIN_NAMES: ModelSettingNames = { allowedModels: "allowedModels", defaultModel: "defaultModel", modelRoutes: "modelRoutes" };

/** Why the model settings are inconsistent, or undefined when they are fine. */
export function modelSettingsProblem(m: ModelSettings, names: ModelSettingNames = PLAIN_NAMES): Problem {
    const unreadable = membersUnreadableProblem(names.allowedModels, m.allowedModels) ?? membersUnreadableProblem(names.modelRoutes, m.modelRoutes);
    if (unreadable !== undefined) return unreadable;
    if (!Array.isArray(m.allowedModels) || m.allowedModels.length === 0) {
        return `${names.allowedModels} must list at least one model id, got ${show(m.allowedModels)}`;
    }
    for (const [i, id] of m.allowedModels.entries()) {
        const problem = patternProblem(`${names.allowedModels}[${i}]`, id, MODEL_ID_PATTERN, "a Bedrock model or inference profile id");
        if (problem !== undefined) return problem;
    }
    const duplicate = duplicateProblem(names.allowedModels, m.allowedModels);
    if (duplicate !== undefined) return duplicate;
    if (m.defaultModel !== undefined && !m.allowedModels.includes(m.defaultModel)) {
        return `${names.defaultModel} must be one of ${names.allowedModels} (${m.allowedModels.join(", ")}), got ${show(m.defaultModel)}`;
    }
    if (m.modelRoutes !== undefined) {
        if (!isPlainObject(m.modelRoutes)) {
            return `${names.modelRoutes} must be an object of model id to inference profile ARN, got ${show(m.modelRoutes)}`;
        }
        for (const [model, arn] of Object.entries(m.modelRoutes)) {
            if (!m.allowedModels.includes(model)) {
                return `${names.modelRoutes} routes ${show(model)}, which is not one of ${names.allowedModels}`;
            }
            const problem = patternProblem(`${names.modelRoutes}[${show(model)}]`, arn, INFERENCE_PROFILE_ARN_PATTERN, "an inference profile ARN");
            if (problem !== undefined) return problem;
        }
    }
    return undefined;
}


/**
 * Why a route of `modelRoutes` leads outside the ops account (the account of
 * `opsRoleArn`): the runtime calls with the ops role's credentials, which
 * reach no other account's inference profile. Undefined when every route is
 * the ops account's, or when either value is not yet well formed (its own
 * check reports that).
 */
export function routesAccountProblem(name: string, modelRoutes: unknown, opsRoleArn: unknown, opsRoleArnName = "opsRoleArn"): Problem {
    const opsAccount = typeof opsRoleArn === "string" ? parseArn(opsRoleArn)?.account : undefined;
    if (opsAccount === undefined || !isPlainObject(modelRoutes)) return undefined;
    for (const [model, arn] of Object.entries(modelRoutes)) {
        const account = typeof arn === "string" ? parseArn(arn)?.account : undefined;
        if (account !== undefined && account !== opsAccount) {
            return `${name}[${show(model)}] must be an inference profile of the ops account ${opsAccount} (the account of ${opsRoleArnName}), got ${show(arn)} of account ${account}`;
        }
    }
    return undefined;
}

/** A guardrail a tenant's calls must apply: its ARN (no version) and its version. */
export interface GuardrailSetting {
    /** `arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID`. */
    arn: string;
    /** A published version number (`1`, `2`, …) or `DRAFT`. */
    version: string;
}

/**
 * Why `{ arn, version }` is not a guardrail a call can name, or undefined.
 * The ARN carries no version (`arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID`).
 * Both parts are needed: IAM's `bedrock:GuardrailIdentifier` is the ARN and
 * the version together, so an ARN alone matches no policy that requires one.
 */
export function guardrailProblem(g: { arn?: unknown; version?: unknown }, names: { arn: string; version: string } = { arn: "guardrail.arn", version: "guardrail.version" }): Problem {
    if (g.arn === undefined && g.version !== undefined) return `${names.arn} is required with ${names.version}, got undefined`;
    if (g.version === undefined && g.arn !== undefined) return `${names.version} is required with ${names.arn} (a version number or "DRAFT"), got undefined`;
    return patternProblem(names.arn, g.arn, GUARDRAIL_ARN_PATTERN, "a Bedrock guardrail ARN")
        ?? (typeof g.version === "string" && GUARDRAIL_VERSION_PATTERN.test(g.version) ? undefined : `${names.version} must be a version number or "DRAFT", got ${show(g.version)}`);
}

/** The value IAM compares `bedrock:GuardrailIdentifier` with for calls applying `g`: `ARN:VERSION`. */
export function guardrailConditionValue(g: GuardrailSetting): string {
    return `${g.arn}:${g.version}`;
}
