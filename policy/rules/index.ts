import { Policies } from "@pulumi/policy";
import { archiveBucketPolicy } from "./archive-bucket";
import { metadataOnlyInvocationLoggingPolicy, noContentInvocationLoggingPolicy } from "./invocation-logging";
import { tenantIsolationProofCompletePolicy, tenantIsolationProofPolicy } from "./isolation-proof";
import { tenantLogGroupPolicy } from "./log-group";
import { tenantRoleModelScopePolicy } from "./model-scope";
import { tenantRoleTrustPolicy } from "./trust-policy";

export { tenantIsolationProofCompletePolicy, tenantIsolationProofPolicy };
export { archiveBucketPolicy, metadataOnlyInvocationLoggingPolicy, noContentInvocationLoggingPolicy, tenantLogGroupPolicy, tenantRoleModelScopePolicy, tenantRoleTrustPolicy };

/** Every rule of the pack, in the order the engine reports them. */
export const policies: Policies = [
    noContentInvocationLoggingPolicy,
    metadataOnlyInvocationLoggingPolicy,
    tenantRoleTrustPolicy,
    tenantRoleModelScopePolicy,
    tenantLogGroupPolicy,
    archiveBucketPolicy,
    tenantIsolationProofPolicy,
    tenantIsolationProofCompletePolicy,
];
