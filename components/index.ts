export * from "./naming";
export { DEFAULT_REGION } from "./aws-identifiers";
export * from "./private-invocation-logging";
export {
    type AuditMode,
    type PrivateInvocationLoggingArgs,
    type RuntimeNetworkArgs,
    type ThrottleAlarmArgs,
    DEFAULT_ALARM_EVALUATION_PERIODS,
    DEFAULT_ALARM_PERIOD_SECONDS,
    DEFAULT_ALARM_THRESHOLD,
    DEFAULT_AUDIT_MODE,
    DEFAULT_CONTENT_MODE,
    DEFAULT_LOG_RETENTION_DAYS,
    DEFAULT_MEMORY_SIZE_MB,
    DEFAULT_METRIC_NAMESPACE_PREFIX,
    DEFAULT_TIMEOUT_SECONDS,
    defaultLogGroupName,
} from "./logging-args";
export { LOG_RETENTION_DAYS_ALLOWED, validatePrivateInvocationLoggingArgs } from "./logging-validation";
export { LOGS_SERVICE_KEY_ACTIONS, logGroupArn, logKeyPolicy } from "./log-key-policy";
export { ASSUME_OPS_ROLE_ACTIONS, LOG_WRITE_ACTIONS, VPC_ENI_ACTIONS, runtimeRolePolicy, runtimeTrustPolicy } from "./runtime-role-policy";
export { AuditMetric, MODEL_ID_DIMENSION, type AuditMetricFilter, auditMetricFilters } from "./metric-filters";
export * from "./bedrock-tenant-access";
export * from "./tenant-access-args";
export { validateBedrockTenantAccessArgs, type ResolvedTenantAccess } from "./tenant-access-validation";
export { DEFAULT_CROSS_REGION_DESTINATIONS } from "./bedrock-models";
