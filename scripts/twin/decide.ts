/**
 * One authorization decision as AWS makes it, by the independent evaluator
 * (@cloud-copilot/iam-simulate, a devDependency that never ships), with where
 * a refusal came from so the refusal can be worded as AWS words it.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "./plan-model";

export interface Decision {
    allowed: boolean;
    /** `explicit` when a Deny matched, `implicit` when nothing allowed. */
    kind?: "explicit" | "implicit";
    /** Which policy type refused. */
    source?: "identity-based policy" | "resource-based policy" | "permissions boundary";
    /** The managed policy whose Deny matched, when it was one (AWS names it in the message). */
    deniedBy?: string;
}

export interface DecisionRequest {
    /** The principal as the evaluator sees it: a role ARN, an account root ARN, or a service principal. */
    principal: string;
    action: string;
    resource: string;
    resourceAccount: string;
    identityPolicies: { name: string; policy: PolicyDocument }[];
    resourcePolicy?: PolicyDocument;
    boundary?: PolicyDocument;
    context: Record<string, string | string[]>;
}

type Analysis = { result: string; denyStatements?: { policyId?: string }[] };

export async function decide(request: DecisionRequest): Promise<Decision> {
    const response = await runSimulation({
        request: {
            principal: request.principal,
            action: request.action,
            resource: { resource: request.resource, accountId: request.resourceAccount },
            // AWS sets the request time on every request; the enforcer's deny lasts until a time.
            contextVariables: { "aws:CurrentTime": new Date().toISOString(), "aws:EpochTime": String(Math.floor(Date.now() / 1000)), ...request.context },
        },
        identityPolicies: request.identityPolicies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: request.resourcePolicy,
        permissionBoundaryPolicies: request.boundary ? [{ name: "boundary", policy: request.boundary }] : undefined,
    }, {});
    if (response.resultType === "error") {
        throw new Error(`the IAM evaluator rejected ${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`);
    }
    if (response.overallResult === "Allowed") return { allowed: true };
    const analysis = (response as unknown as { result: { analysis: Record<string, Analysis | undefined> } }).result.analysis;
    const identity = analysis.identityAnalysis;
    const resource = analysis.resourceAnalysis;
    const boundary = analysis.permissionBoundaryAnalysis;
    if (response.overallResult === "ExplicitlyDenied") {
        if (identity?.result === "ExplicitlyDenied") {
            const managed = identity.denyStatements?.map((s) => s.policyId).find((id) => id?.startsWith("arn:"));
            return { allowed: false, kind: "explicit", source: "identity-based policy", deniedBy: managed };
        }
        if (boundary?.result === "ExplicitlyDenied") return { allowed: false, kind: "explicit", source: "permissions boundary" };
        return { allowed: false, kind: "explicit", source: "resource-based policy" };
    }
    const byBoundary = request.boundary !== undefined && boundary !== undefined && boundary.result !== "Allowed";
    const byResource = identity?.result === "Allowed" && resource !== undefined && resource.result !== "Allowed";
    return { allowed: false, kind: "implicit", source: byBoundary ? "permissions boundary" : byResource ? "resource-based policy" : "identity-based policy" };
}

/** AWS's wording of a refusal: `User: X is not authorized to perform: A on resource: R because …`. */
export function refusalMessage(caller: string, action: string, resource: string, decision: Decision): string {
    const head = `User: ${caller} is not authorized to perform: ${action} on resource: ${resource}`;
    if (decision.kind === "explicit") return `${head} with an explicit deny in a${decision.source === "identity-based policy" ? "n" : ""} ${decision.source}${decision.deniedBy ? `: ${decision.deniedBy}` : ""}`;
    return `${head} because no ${decision.source} allows the ${action} action`;
}
