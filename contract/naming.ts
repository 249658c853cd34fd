import { createHash } from "crypto";
import { ArgumentError, missingProblem, show, type Problem } from "./validation";
import { IAM_ROLE_ARN_PATTERN } from "./identifiers";

/**
 * The naming rules both accounts share. The ops account trusts a runtime
 * role by *name* (so the customer stack can be deployed later and can recreate
 * its role without breaking trust), and the customer account creates the role
 * under that name. Both sides call these functions; nothing else may spell the
 * rule out.
 */

/**
 * Tenant ids feed IAM role names (64 characters at most), STS session names,
 * tag values and log stream names, so they are kept to a conservative
 * alphabet: 1 to 32 lowercase letters, digits and hyphens, starting and ending
 * with a letter or digit.
 */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/** Prefix of the ops-account role that a tenant's runtime assumes. */
export const OPS_ROLE_PREFIX = "BedrockTenantAccess-";

/** Prefix of the customer-account role the tenant's runtime executes as. */
export const RUNTIME_ROLE_PREFIX = "BedrockTenancyRuntime-";

/** IAM caps role names at 64 characters. */
export const IAM_ROLE_NAME_MAX = 64;

/** What {@link TENANT_ID_PATTERN} admits, in words: a message quoting the pattern alone leaves the reader to decode it. */
const TENANT_ID_RULE = "1 to 32 lowercase letters, digits and hyphens, starting and ending with a letter or digit";

/** `tenantId` must match {@link TENANT_ID_PATTERN}. */
export function tenantIdProblem(argName: string, tenantId: unknown): Problem {
    if (typeof tenantId === "string" && TENANT_ID_PATTERN.test(tenantId)) return undefined;
    return missingProblem(argName, tenantId, TENANT_ID_RULE) ?? `${argName} must be ${TENANT_ID_RULE} (${TENANT_ID_PATTERN}), got ${show(tenantId)}`;
}

/** Throws an `ArgumentError` naming `argName` unless `tenantId` matches {@link TENANT_ID_PATTERN}. */
export function assertTenantId(tenantId: unknown, argName = "tenantId"): asserts tenantId is string {
    const problem = tenantIdProblem(argName, tenantId);
    if (problem !== undefined) {
        throw new ArgumentError(problem);
    }
}

/** Name of the ops-account role `BedrockTenantAccess` creates for `tenantId`. */
export function opsRoleName(tenantId: string): string {
    assertTenantId(tenantId);
    return `${OPS_ROLE_PREFIX}${tenantId}`;
}

/** Why `value` is not the ARN of `tenantId`'s ops role, or undefined when it is. */
export function opsRoleArnProblem(argName: string, value: unknown, tenantId: string): Problem {
    const expected = opsRoleName(tenantId);
    const match = typeof value === "string" ? IAM_ROLE_ARN_PATTERN.exec(value) : null;
    // BedrockTenantAccess creates the role at the root path; a role of the same name under a path is another role.
    if (!match || match[3] !== expected || match[2] !== "") {
        return `${argName} must be the ARN of the ops role "${expected}" (arn:aws:iam::<ops account>:role/${expected}, with no path), got ${show(value)}`;
    }
    return undefined;
}

/**
 * Name of the customer-account role the tenant's runtime runs as. The ops
 * role's trust policy names exactly this role in each trusted account.
 */
export function runtimeRoleName(tenantId: string): string {
    assertTenantId(tenantId);
    return `${RUNTIME_ROLE_PREFIX}${tenantId}`;
}

/**
 * Pulumi type tokens of the two components. They are frozen once released
 * (a rename needs `aliases`), and the policy pack finds tenant resources by
 * the component that owns them, so both sides read them from here.
 */
export const BEDROCK_TENANT_ACCESS_TYPE = "bedrock-tenancy:index:BedrockTenantAccess";
export const PRIVATE_INVOCATION_LOGGING_TYPE = "bedrock-tenancy:index:PrivateInvocationLogging";

/** Name of the private log group for `tenantId` when the caller does not choose one. */
export function defaultLogGroupName(tenantId: string): string {
    return `/bedrock-tenancy/${tenantId}/audit`;
}

/** Cost-allocation tag key that carries the tenant id on every resource. */
export const TENANT_TAG_KEY = "bedrock-tenancy:tenant";

/**
 * Name for a tenant's application inference profile: unique per tenant and
 * model, within Bedrock's 64 characters and `([0-9a-zA-Z:.][ _-]?)+`.
 */
export function applicationProfileName(tenantId: string, modelId: string): string {
    const full = `${tenantId}.${modelId}`.replace(/[^0-9a-zA-Z:._-]/g, "-").replace(/[ _-]{2,}/g, "-");
    if (full.length <= 64) {
        return full;
    }
    // Keep the name readable and still unique: a prefix plus a digest of the whole id.
    return `${full.slice(0, 55).replace(/[ _-]+$/, "")}-${createHash("sha256").update(modelId).digest("hex").slice(0, 8)}`;
}

/** Prefix of the managed policy that caps a tenant role as its permissions boundary. */
export const TENANT_BOUNDARY_PREFIX = "BedrockTenantBoundary-";

/**
 * Name of the customer-managed policy set as the permissions boundary of
 * `opsRoleName(tenantId)`: the deploy side creates it, the verifier finds it
 * by this name. Managed policy names allow 128 characters.
 */
export function tenantBoundaryPolicyName(tenantId: string): string {
    assertTenantId(tenantId);
    return `${TENANT_BOUNDARY_PREFIX}${tenantId}`;
}

/**
 * What could lift or rewrite a tenant's boundary: setting or removing a
 * role's boundary, and changing or deleting the boundary policy itself. The
 * roles that act on tenant roles at run time (the quota enforcer, the Budgets
 * cost-cap role) are denied these explicitly, so their only effect on a
 * tenant is the Deny they are there to add.
 */
export const BOUNDARY_WRITE_ACTIONS = [
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:DeletePolicyVersion",
    "iam:DeletePolicy",
];
