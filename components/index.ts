export * from "./naming";
export * from "./bedrock-tenant-access";
export * from "./tenant-access-args";
export { validateBedrockTenantAccessArgs, type ResolvedTenantAccess } from "./tenant-access-validation";
export { DEFAULT_CROSS_REGION_DESTINATIONS } from "./bedrock-models";
