import type { GuardrailSetting } from "../../contract";

/**
 * One tenant's entry in the fleet's `tenants` output: what a customer stack
 * needs to reach its ops role. The ops stack exports the whole record (a
 * secret, because it holds the ExternalIds); `tenantAccessFrom` reads one entry.
 */
export interface TenantAccessEntry {
    /** ARN of the tenant's `BedrockTenantAccess` role in the ops account. */
    roleArn: string;
    /** ExternalId required to assume `roleArn`. Secret. */
    externalId: string;
    /** Name the customer's runtime role must have (see `runtimeRoleName`). */
    runtimeRoleName: string;
    /** Customer account ids trusted to assume `roleArn`. */
    accounts: string[];
    /** Model and system inference-profile ids the tenant may invoke. */
    allowedModels: string[];
    /** Model id to the tenant's application inference profile ARN (empty when cost attribution is off). */
    inferenceProfileArns: Record<string, string>;
    /** Bedrock home Region of the tenant in the ops account. */
    region: string;
    /**
     * The guardrail the tenant's role requires on every call (its
     * `guardrail`), for the runtime to send. Absent when none is required.
     */
    guardrail?: GuardrailSetting;
}

/** The fleet's `tenants` output: entries keyed by tenant id. */
export type TenantAccessRecord = Record<string, TenantAccessEntry>;

/** Name under which the ops program exports the fleet's `tenants` output. */
export const TENANTS_OUTPUT_NAME = "tenants";
