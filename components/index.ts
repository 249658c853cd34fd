/**
 * Public surface of `bedrock-tenancy`: the four components, their arguments,
 * defaults and validators, the policy builders a reviewer reads, and the few
 * names both accounts share. Exported by name so that every change to the
 * surface shows in review (tests/package/export-lists.test.ts).
 */
// First: a program missing a Pulumi peer learns which ones before anything else loads.
import "./peers";

export { BedrockTenantAccess } from "./bedrock-tenant-access/bedrock-tenant-access";
export { TENANT_ACCESS_DEFAULTS } from "./bedrock-tenant-access/args";
export type { BedrockTenantAccessArgs, GuardrailArgs, TenantBudgetArgs } from "./bedrock-tenant-access/args";
export type { TenantCostCapArgs, TenantQuotaArgs, TokenLimitArgs } from "./bedrock-tenant-access/quota-args";
export { validateBedrockTenantAccessArgs } from "./bedrock-tenant-access/validation";
export { tenantPermissionsPolicy } from "./bedrock-tenant-access/permissions-policy";
export { tenantTrustPolicy } from "./bedrock-tenant-access/trust-policy";

export { BedrockTenantFleet } from "./bedrock-tenant-fleet/bedrock-tenant-fleet";
export { TENANT_FLEET_DEFAULTS } from "./bedrock-tenant-fleet/args";
export type { BedrockTenantFleetArgs, FleetDefaults, ModelCatalogueMode } from "./bedrock-tenant-fleet/args";
export { validateBedrockTenantFleetArgs } from "./bedrock-tenant-fleet/validation";
export { KNOWN_MODEL_IDS } from "./bedrock-tenant-fleet/known-models";
export { TENANTS_OUTPUT_NAME } from "./bedrock-tenant-fleet/tenant-access-entry";
export type { TenantAccessEntry, TenantAccessRecord } from "./bedrock-tenant-fleet/tenant-access-entry";
export { tenantAccessFrom } from "./bedrock-tenant-fleet/handoff";
export type { TenantAccessFromOptions, TenantAccessOutputs } from "./bedrock-tenant-fleet/handoff";

export { PrivateInvocationLogging } from "./private-invocation-logging/private-invocation-logging";
export { INVOCATION_LOGGING_DEFAULTS } from "./private-invocation-logging/args";
export type { PrivateInvocationLoggingArgs, RuntimeNetworkArgs, ThrottleAlarmArgs } from "./private-invocation-logging/args";
export { ARCHIVE_DEFAULTS } from "./private-invocation-logging/archive-args";
export type { ArchiveRetentionMode, ArchiveTransitionArgs, AuditArchiveArgs } from "./private-invocation-logging/archive-args";
export { validatePrivateInvocationLoggingArgs } from "./private-invocation-logging/validation";
export { runtimeRolePolicy } from "./private-invocation-logging/runtime-role-policy";
export { RUNTIME_COMPUTES } from "./private-invocation-logging/runtime-compute";
export type { RuntimeCompute } from "./private-invocation-logging/runtime-compute";

export { QuotaEnforcer, QUOTA_ENFORCER_DEFAULTS } from "./quota-enforcer/quota-enforcer";
export type { QuotaEnforcerArgs } from "./quota-enforcer/quota-enforcer";

// What both accounts share: the naming rule, the modes, the audit record and the one error for bad arguments.
export { ArgumentError, AUDIT_MODES, CONTENT_MODES, assertTenantId, opsRoleName, runtimeRoleName } from "../contract";
export type { AuditMode, AuditRecord, ContentMode } from "../contract";
