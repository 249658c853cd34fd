import type { TenantAccessEntry, TenantAccessRecord } from "../components/bedrock-tenant-fleet/tenant-access-entry";

/** One tenant's entry in the ops stack's `tenants` output (the fleet's record). */
export type TenantExport = TenantAccessEntry;

/** The ops stack's `tenants` output. */
export type TenantsOutput = TenantAccessRecord;

/** Stack config key (namespace `bedrock-tenancy`) that selects which program a stack runs. */
export const STACK_KIND_KEY = "kind";
export type StackKind = "ops" | "customer";
