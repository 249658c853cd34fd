/**
 * A thin wrapper over the independent IAM evaluator (@cloud-copilot/iam-simulate)
 * used by the tests and by the offline isolation proof. The evaluator is
 * AGPL-licensed: it is a devDependency and must never be imported by code that
 * ships in the package (components/ or runtime/).
 */
import { allowedContextKeysForRequest, isConditionKeyArray, isWildcardOnlyAction, runSimulation, runUnsafeSimulation, typeForContextKey, type Simulation } from "@cloud-copilot/iam-simulate";
import type * as aws from "@pulumi/aws";
export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export interface EvaluationRequest {
    /** ARN of the calling principal (a role ARN, not an assumed-role session). */
    principal: string;
    action: string;
    resource: string;
    /** Account that owns `resource`. */
    resourceAccount: string;
    /** Policies attached to the principal (inline and managed). */
    identityPolicies: aws.iam.PolicyDocument[];
    /** Trust policy, key policy or other resource policy, when the resource has one. */
    resourcePolicy?: aws.iam.PolicyDocument;
    permissionsBoundary?: aws.iam.PolicyDocument;
    /** Request context, e.g. `sts:ExternalId`, `aws:RequestedRegion`. */
    context?: Record<string, string | string[]>;
}

/**
 * Evaluates one request as AWS would; throws if the evaluator rejects the input.
 *
 * `runSimulation` works out, twice per request, which resource types of the
 * action the ARN belongs to (an automaton intersection per type), only to
 * learn which request context keys apply; that was over half of its time, and
 * the answer depends only on the action and the ARN, which repeat across a
 * tenant's requests and across tenants. So this asks the evaluator's public
 * `allowedContextKeysForRequest` once per action and ARN, keeps the context
 * keys that apply (typed as `runSimulation` types them), and decides with its
 * public `runUnsafeSimulation`, which skips that step and the policies' grammar
 * check (the cross-check passes only documents the verifier read in full).
 * Requests outside that shape go through `runSimulation` itself: a wildcard
 * resource, a wildcard-only action, a context key with a variable, and a
 * resource policy (`runUnsafeSimulation` 0.1.173 loads it without the name its
 * analysis reads, and fails; AssumeRole's one resource type is cheap to find). A test
 * requires both ways to decide every cross-check request of a fleet alike.
 */
export async function evaluate(request: EvaluationRequest): Promise<Decision> {
    let decision: Decision | undefined;
    try {
        decision = await decideDirectly(request);
    } catch {
        // What the direct way cannot take (an action the evaluator does not know, say)
        // gets the evaluator's own answer or rejection.
    }
    return decision ?? evaluateStrictly(request);
}

/** Undefined when the request is not of the shape decided directly. */
async function decideDirectly(request: EvaluationRequest): Promise<Decision | undefined> {
    const context = { "aws:PrincipalArn": request.principal, ...(request.context ?? {}) };
    const [service, action] = request.action.split(":");
    if (request.resourcePolicy !== undefined || request.resource.includes("*") || Object.keys(context).some((k) => k.includes("/")) || action === undefined || (await isWildcardOnlyAction(service, action))) {
        return undefined;
    }
    const allowed = await contextKeysFor(service, action, request.resource);
    const contextVariables: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(context)) {
        if (!allowed.has(key.toLowerCase())) continue;
        const type = await typeForContextKey(key.toLowerCase());
        contextVariables[key] = isConditionKeyArray(type) ? [value].flat() : Array.isArray(value) ? value[0] : value;
    }
    return runUnsafeSimulation(simulationOf(request, contextVariables), {});
}

/** The evaluator's own `runSimulation`, every step included. */
export async function evaluateStrictly(request: EvaluationRequest): Promise<Decision> {
    const response = await runSimulation(simulationOf(request, { "aws:PrincipalArn": request.principal, ...(request.context ?? {}) }), {});
    if (response.resultType === "error") {
        throw new Error(`IAM evaluator rejected the request: ${JSON.stringify(response.errors)}`);
    }
    return response.overallResult;
}

const contextKeys = new Map<string, Promise<Set<string>>>();

function contextKeysFor(service: string, action: string, resource: string): Promise<Set<string>> {
    const key = `${service}:${action} ${resource}`;
    let keys = contextKeys.get(key);
    if (!keys) {
        keys = allowedContextKeysForRequest(service, action, resource, false, undefined).then((list) => new Set(list));
        contextKeys.set(key, keys);
    }
    return keys;
}

function simulationOf(request: EvaluationRequest, contextVariables: Record<string, string | string[]>): Simulation {
    return {
        request: {
            principal: request.principal,
            action: request.action,
            resource: { resource: request.resource, accountId: request.resourceAccount },
            contextVariables,
        },
        identityPolicies: request.identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: request.resourcePolicy,
        permissionBoundaryPolicies: request.permissionsBoundary
            ? [{ name: "boundary", policy: request.permissionsBoundary }]
            : undefined,
    };
}

/** Account id embedded in an ARN (`arn:aws:iam::123456789012:role/x`). */
export function accountOf(arn: string): string {
    return arn.split(":")[4];
}
