/**
 * Each tenant's permissions boundary as the plan files hold it, for the
 * evaluator cross-check: the managed policy its `BedrockTenantAccess` names
 * in `boundaryPolicyName`, when the role's `permissionsBoundary` is that
 * policy's ARN (`boundaryPolicyArn`). IAM decides a request on the boundary
 * and the identity policies together, so the evaluator gets both.
 */
import { BEDROCK_TENANT_ACCESS_TYPE } from "../../contract";
import type { StackState } from "../../verifier/pulumi-formats";

const POLICY_TYPE = "aws:iam/policy:Policy";
const ROLE_TYPE = "aws:iam/role:Role";

/** `stack/tenantId` to the boundary document, for tenants whose role carries its own boundary. */
export function boundaryDocuments(states: readonly StackState[]): Map<string, unknown> {
    const found = new Map<string, unknown>();
    for (const state of states) {
        // IAM names are case-insensitive.
        const policies = new Map<string, unknown>();
        const boundaries = new Map<string, string>();
        for (const r of state.resources) {
            const name = r.inputs.name ?? r.outputs.name;
            if (typeof name !== "string") continue;
            if (r.type === POLICY_TYPE) policies.set(name.toLowerCase(), r.inputs.policy ?? r.outputs.policy);
            if (r.type === ROLE_TYPE) {
                const arn = r.inputs.permissionsBoundary ?? r.outputs.permissionsBoundary;
                if (typeof arn === "string") boundaries.set(name.toLowerCase(), arn);
            }
        }
        for (const r of state.resources) {
            if (r.type !== BEDROCK_TENANT_ACCESS_TYPE) continue;
            const { tenantId, roleName, boundaryPolicyName, boundaryPolicyArn } = r.outputs as Record<string, unknown>;
            if (typeof tenantId !== "string" || typeof roleName !== "string" || typeof boundaryPolicyName !== "string") continue;
            if (boundaries.get(roleName.toLowerCase()) !== boundaryPolicyArn) continue;
            const document = policies.get(boundaryPolicyName.toLowerCase());
            if (document !== undefined) found.set(`${state.stack}/${tenantId}`, document);
        }
    }
    return found;
}
