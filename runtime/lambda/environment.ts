/**
 * Environment variables through which `PrivateInvocationLogging` configures
 * the Lambda runtime. Dependency-free: the component imports these names.
 */
export const RuntimeEnv = {
    /** ARN of the tenant's `BedrockTenantAccess` role in the ops account. */
    opsRoleArn: "BEDROCK_TENANCY_OPS_ROLE_ARN",
    /** ExternalId the ops role's trust policy requires. */
    externalId: "BEDROCK_TENANCY_EXTERNAL_ID",
    tenantId: "BEDROCK_TENANCY_TENANT_ID",
    /** Model used when an event names none. */
    defaultModel: "BEDROCK_TENANCY_DEFAULT_MODEL",
    /** Comma-separated model ids the tenant may use. */
    allowedModels: "BEDROCK_TENANCY_ALLOWED_MODELS",
    /** JSON object: model id to the ARN to invoke instead (application inference profile). */
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
    /** Optional. Comma-separated metadata keys whose values are recorded as given in every content mode. */
    safeMetadataKeys: "BEDROCK_TENANCY_SAFE_METADATA_KEYS",
} as const;
export type RuntimeEnvName = (typeof RuntimeEnv)[keyof typeof RuntimeEnv];
