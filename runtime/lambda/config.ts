/**
 * The Lambda's configuration: explicit options first, then the environment
 * variables `PrivateInvocationLogging` sets (read once, at cold start), then
 * defaults. Every value is validated before the first request, and a bad one
 * stops the cold start with an error naming the option and its variable.
 */
import { RuntimeEnv } from "./environment";
import { EXTERNAL_ID_PATTERN, IAM_ROLE_ARN_PATTERN, INFERENCE_PROFILE_ARN_PATTERN, MODEL_ID_PATTERN, REGION_PATTERN } from "../../components/aws-identifiers";
import { assertTenantId } from "../../components/naming";
import { parseSafeMetadataKeys, type ContentMode } from "../audit-schema";
import { DEFAULT_CONTENT_MODE, parseContentMode } from "../content";
import { AUDIT_MODES, DEFAULT_AUDIT_MODE, type AuditMode } from "../private-invocation-logger";

export interface RuntimeConfig {
    /** ARN of the tenant's role in the ops account. Env `BEDROCK_TENANCY_OPS_ROLE_ARN`; required. */
    opsRoleArn: string;
    /** ExternalId the ops role requires; 2-1224 of `[\w+=,.@:/-]`. Env `BEDROCK_TENANCY_EXTERNAL_ID`; required. */
    externalId: string;
    /** Env `BEDROCK_TENANCY_TENANT_ID`; required. */
    tenantId: string;
    /** Model used when an event names none; must be in `allowedModels`. Env `BEDROCK_TENANCY_DEFAULT_MODEL`; required. */
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
    bedrockMaxAttempts: number;
    /** Socket timeout per Bedrock attempt, ms (1000-900000). Env `BEDROCK_TENANCY_BEDROCK_REQUEST_TIMEOUT_MS`. @default 60000 */
    bedrockRequestTimeoutMs: number;
    /** Tag each ops session with the event's userId (one session per user). Env `BEDROCK_TENANCY_SESSION_USER_TAG`. @default false */
    sessionUserTag: boolean;
    /** Metadata keys recorded as given in every content mode. Env `BEDROCK_TENANCY_SAFE_METADATA_KEYS` (comma-separated). @default [] */
    safeMetadataKeys: readonly string[];
    /** Ops session length; role chaining caps it at 3600 (900-3600). @default 3600 */
    sessionDurationSeconds: number;
    /** Time kept back from the Lambda deadline to write the record, ms (0-60000). @default 1000 */
    deadlineMarginMs: number;
}

export const DEFAULT_BEDROCK_MAX_ATTEMPTS = 3;
export const DEFAULT_BEDROCK_REQUEST_TIMEOUT_MS = 60_000;
/** STS caps role-chained sessions (a Lambda role assuming another role) at one hour. */
export const MAX_CHAINED_SESSION_SECONDS = 3600;
export const DEFAULT_SESSION_DURATION_SECONDS = MAX_CHAINED_SESSION_SECONDS;
export const DEFAULT_DEADLINE_MARGIN_MS = 1000;


type Env = Readonly<Record<string, string | undefined>>;

/** Resolves and validates the configuration; throws `TypeError`/`RangeError` naming the option and variable. */
export function loadRuntimeConfig(options: Partial<RuntimeConfig> = {}, env: Env = process.env): RuntimeConfig {
    const read = <K extends keyof RuntimeConfig>(key: K, envName: string | undefined): RuntimeConfig[K] | string | undefined =>
        options[key] ?? (envName ? nonEmpty(env[envName]) : undefined);

    const opsRoleArn = requireMatch(read("opsRoleArn", RuntimeEnv.opsRoleArn), IAM_ROLE_ARN_PATTERN, label("opsRoleArn", RuntimeEnv.opsRoleArn));
    const externalId = readExternalId(read("externalId", RuntimeEnv.externalId));
    const tenantId = read("tenantId", RuntimeEnv.tenantId);
    assertTenantId(tenantId, label("tenantId", RuntimeEnv.tenantId));

    const allowedRaw = read("allowedModels", RuntimeEnv.allowedModels);
    const allowedModels = list(allowedRaw) as readonly string[] | undefined;
    const allowedLabel = label("allowedModels", RuntimeEnv.allowedModels);
    if (!Array.isArray(allowedModels) || allowedModels.length === 0) {
        throw new TypeError(`${allowedLabel} must list at least one model id, got ${JSON.stringify(allowedRaw)}`);
    }
    allowedModels.forEach((m) => requireMatch(m, MODEL_ID_PATTERN, allowedLabel));

    const defaultModel = requireMatch(read("defaultModel", RuntimeEnv.defaultModel), MODEL_ID_PATTERN, label("defaultModel", RuntimeEnv.defaultModel));
    if (!allowedModels.includes(defaultModel)) {
        throw new RangeError(`${label("defaultModel", RuntimeEnv.defaultModel)} must be one of the allowed models (${allowedModels.join(", ")}), got ${JSON.stringify(defaultModel)}`);
    }

    return Object.freeze({
        opsRoleArn,
        externalId,
        tenantId,
        defaultModel,
        allowedModels: Object.freeze([...allowedModels]),
        modelRoutes: parseModelRoutes(read("modelRoutes", RuntimeEnv.modelRoutes), allowedModels),
        bedrockRegion: requireMatch(read("bedrockRegion", RuntimeEnv.bedrockRegion) ?? nonEmpty(env.AWS_REGION), REGION_PATTERN, label("bedrockRegion", RuntimeEnv.bedrockRegion)),
        contentMode: parseContentMode(read("contentMode", RuntimeEnv.contentMode) ?? DEFAULT_CONTENT_MODE, label("contentMode", RuntimeEnv.contentMode)),
        auditMode: parseAuditMode(read("auditMode", RuntimeEnv.auditMode) ?? DEFAULT_AUDIT_MODE),
        bedrockMaxAttempts: intInRange(read("bedrockMaxAttempts", RuntimeEnv.bedrockMaxAttempts) ?? DEFAULT_BEDROCK_MAX_ATTEMPTS, 1, 10, label("bedrockMaxAttempts", RuntimeEnv.bedrockMaxAttempts)),
        bedrockRequestTimeoutMs: intInRange(read("bedrockRequestTimeoutMs", RuntimeEnv.bedrockRequestTimeoutMs) ?? DEFAULT_BEDROCK_REQUEST_TIMEOUT_MS, 1000, 900_000, label("bedrockRequestTimeoutMs", RuntimeEnv.bedrockRequestTimeoutMs)),
        sessionUserTag: parseBoolean(read("sessionUserTag", RuntimeEnv.sessionUserTag) ?? false, label("sessionUserTag", RuntimeEnv.sessionUserTag)),
        safeMetadataKeys: Object.freeze(parseSafeMetadataKeys(list(read("safeMetadataKeys", RuntimeEnv.safeMetadataKeys) ?? []), label("safeMetadataKeys", RuntimeEnv.safeMetadataKeys))),
        sessionDurationSeconds: intInRange(options.sessionDurationSeconds ?? DEFAULT_SESSION_DURATION_SECONDS, 900, MAX_CHAINED_SESSION_SECONDS, "sessionDurationSeconds"),
        deadlineMarginMs: intInRange(options.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS, 0, 60_000, "deadlineMarginMs"),
    });
}

/** A comma-separated variable as a list; an explicit option passes through. */
function list(value: unknown): unknown {
    return typeof value === "string" ? value.split(",").map((k) => k.trim()).filter(Boolean) : value;
}

function label(option: string, envName: string): string {
    return `${option} (${envName})`;
}

function nonEmpty(value: string | undefined): string | undefined {
    return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function requireMatch(value: unknown, pattern: RegExp, name: string): string {
    if (typeof value !== "string" || !pattern.test(value)) {
        throw new TypeError(`${name} must match ${pattern}, got ${JSON.stringify(value)}`);
    }
    return value;
}

/** The ExternalId is never echoed, not even in a configuration error. */
function readExternalId(value: unknown): string {
    if (typeof value !== "string" || !EXTERNAL_ID_PATTERN.test(value)) {
        const what = typeof value === "string" ? `a string of ${value.length} characters` : JSON.stringify(value);
        throw new TypeError(`${label("externalId", RuntimeEnv.externalId)} must be 2-1224 characters of [\\w+=,.@:/-], got ${what}`);
    }
    return value;
}

function parseModelRoutes(value: unknown, allowedModels: readonly string[]): Readonly<Record<string, string>> {
    const name = label("modelRoutes", RuntimeEnv.modelRoutes);
    if (value === undefined) {
        return Object.freeze({});
    }
    let routes: unknown = value;
    if (typeof value === "string") {
        try {
            routes = JSON.parse(value);
        } catch {
            throw new TypeError(`${name} must be a JSON object, got ${JSON.stringify(value)}`);
        }
    }
    if (typeof routes !== "object" || routes === null || Array.isArray(routes)) {
        throw new TypeError(`${name} must be a JSON object of model id to inference-profile ARN, got ${JSON.stringify(value)}`);
    }
    for (const [model, arn] of Object.entries(routes)) {
        if (!allowedModels.includes(model)) {
            throw new RangeError(`${name} routes model ${JSON.stringify(model)}, which is not an allowed model`);
        }
        requireMatch(arn, INFERENCE_PROFILE_ARN_PATTERN, `${name}[${JSON.stringify(model)}]`);
    }
    return Object.freeze({ ...(routes as Record<string, string>) });
}

function parseAuditMode(value: unknown): AuditMode {
    if (typeof value === "string" && (AUDIT_MODES as readonly string[]).includes(value)) {
        return value as AuditMode;
    }
    throw new TypeError(`${label("auditMode", RuntimeEnv.auditMode)} must be one of ${AUDIT_MODES.join(", ")}, got ${JSON.stringify(value)}`);
}

function intInRange(value: unknown, min: number, max: number, name: string): number {
    const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
        throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    return n;
}

function parseBoolean(value: unknown, name: string): boolean {
    if (typeof value === "boolean") {
        return value;
    }
    if (value === "true" || value === "false") {
        return value === "true";
    }
    throw new TypeError(`${name} must be true or false, got ${JSON.stringify(value)}`);
}
