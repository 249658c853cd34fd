import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    INLINE_POLICY_SIZE_QUOTA,
    MANAGED_POLICY_SIZE_QUOTA,
    policySizeError,
} from "../../contract";
import { standIn, withLateLeaves } from "./document-leaves";
import { tenantTrustPolicy } from "./trust-policy";
import { permissionsPolicyFor, type ResolvedTenantAccess } from "./validation";

/** Key of the ops account's stand-in in a document built before it is known. */
const ACCOUNT = "account";
const EXTERNAL_ID = "externalId";
const profileKey = (modelId: string) => `profile/${modelId}`;

/**
 * The tenant's permissions: the role's inline invoke policy and, the same
 * document, its permissions boundary. As a boundary it caps whatever else is
 * ever attached or put on the role (the quota enforcer's inline Deny, a
 * Budgets action's managed Deny, a policy attached by hand) at the tenant's
 * entitlement, the metering and guardrail Denies included: those can narrow
 * the tenant, never widen it.
 *
 * Unknown only where the tenant's new application profile ARNs go. `fail`
 * raises the size error against the component once those are known.
 */
export function tenantPermissionsDocument(
    r: ResolvedTenantAccess,
    account: pulumi.Output<string>,
    profileArns: Record<string, pulumi.Output<string>>,
    fail: (message: string) => never,
): aws.iam.PolicyDocument {
    const modelIds = Object.keys(profileArns);
    const standIns = Object.fromEntries(modelIds.map((id) => [id, standIn(profileKey(id))]));
    const document = permissionsPolicyFor(r, standIn(ACCOUNT), standIns);
    const late: Record<string, pulumi.Output<string>> = { [ACCOUNT]: account };
    if (modelIds.length > 0) {
        // The exact sizes, once the opaque profile ids are known (the preview checked an estimate).
        const checked = pulumi.all([account, pulumi.all(profileArns)]).apply(([acct, arns]) => {
            const exact = permissionsPolicyFor(r, acct, arns);
            const error = policySizeError("the permissions policy", exact, INLINE_POLICY_SIZE_QUOTA)
                ?? policySizeError("the permissions boundary", exact, MANAGED_POLICY_SIZE_QUOTA);
            if (error) fail(`models: ${error}`);
            return arns;
        });
        for (const id of modelIds) late[profileKey(id)] = checked.apply((arns) => arns[id]);
    }
    return withLateLeaves(document, late) as aws.iam.PolicyDocument;
}

/** The role's trust policy, unknown (and secret) only in its ExternalId leaf while that is. */
export function tenantTrustDocument(r: ResolvedTenantAccess, externalId: pulumi.Output<string>, fail: (message: string) => never): aws.iam.PolicyDocument {
    const input = { tenantId: r.tenantId, accounts: r.accounts, runtimeRoleName: r.runtimeRoleName };
    const checked = externalId.apply((id) => {
        const error = policySizeError("the trust policy", tenantTrustPolicy({ ...input, externalId: id }), r.trustPolicySizeQuota);
        if (error) fail(`accounts: ${error}`);
        return id;
    });
    return withLateLeaves(tenantTrustPolicy({ ...input, externalId: standIn(EXTERNAL_ID) }), { [EXTERNAL_ID]: checked }) as aws.iam.PolicyDocument;
}
