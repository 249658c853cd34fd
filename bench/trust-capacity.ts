/**
 * How many customer accounts one tenant's trust policy holds before IAM's
 * trust-policy length quotas, found by building the policy with the real
 * builder for growing account counts.
 */
import { DEFAULT_TRUST_POLICY_SIZE_QUOTA, MAX_TRUST_POLICY_SIZE_QUOTA, policySize } from "../contract/iam-quotas";
import { runtimeRoleName } from "../contract/naming";
import { tenantTrustPolicy } from "../components/bedrock-tenant-access/trust-policy";
import { GENERATED_EXTERNAL_ID_LENGTH } from "../components/bedrock-tenant-access/args";

/** The longest tenant id (32 characters) and a generated-length ExternalId: the worst case per account. */
const WORST_TENANT_ID = "t".repeat(32);
const EXTERNAL_ID = "x".repeat(GENERATED_EXTERNAL_ID_LENGTH);

export interface TrustCapacity {
    quota: number;
    /** Accounts that still fit. */
    maxAccounts: number;
    /** Characters at that count. */
    chars: number;
    /** Characters each further account adds. */
    charsPerAccount: number;
}

export function trustPolicyChars(accounts: number, tenantId = WORST_TENANT_ID): number {
    const ids = Array.from({ length: accounts }, (_, i) => String(100000000000 + i));
    return policySize(tenantTrustPolicy({ tenantId, accounts: ids, runtimeRoleName: runtimeRoleName(tenantId), externalId: EXTERNAL_ID }));
}

export function trustCapacity(quota: number): TrustCapacity {
    let accounts = 0;
    while (trustPolicyChars(accounts + 1) <= quota) {
        accounts++;
    }
    return { quota, maxAccounts: accounts, chars: trustPolicyChars(accounts), charsPerAccount: trustPolicyChars(accounts + 1) - trustPolicyChars(accounts) };
}

export function trustCapacities(): TrustCapacity[] {
    return [DEFAULT_TRUST_POLICY_SIZE_QUOTA, MAX_TRUST_POLICY_SIZE_QUOTA].map(trustCapacity);
}
