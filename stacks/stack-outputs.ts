/**
 * What the ops stack exports for customer stacks to read through a
 * StackReference. Keyed by tenant id in the `tenants` output.
 */
export interface TenantExport {
    /** ARN of the tenant's `BedrockTenantAccess` role in the ops account. */
    roleArn: string;
    /** ExternalId required to assume `roleArn`. Exported as a secret. */
    externalId: string;
    /** Name the customer's runtime role must have (see `runtimeRoleName`). */
    runtimeRoleName: string;
    /** Customer account ids trusted to assume `roleArn`. */
    accounts: string[];
    /** Model and system inference-profile ids the tenant may invoke. */
    allowedModels: string[];
    /** Model id to the tenant's application inference profile ARN (empty when cost attribution is off). */
    inferenceProfileArns: Record<string, string>;
    /** Bedrock home Region of the ops account. */
    region: string;
}

/** The ops stack's `tenants` output. */
export type TenantsOutput = Record<string, TenantExport>;

/** Stack config key (namespace `bedrock-tenancy`) that selects which program a stack runs. */
export const STACK_KIND_KEY = "kind";
export type StackKind = "ops" | "customer";
