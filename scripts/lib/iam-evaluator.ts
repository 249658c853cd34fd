/**
 * A thin wrapper over the independent IAM evaluator (@cloud-copilot/iam-simulate)
 * used by the tests and by the offline isolation proof. The evaluator is
 * AGPL-licensed: it is a devDependency and must never be imported by code that
 * ships in the package (components/ or runtime/).
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import type * as aws from "@pulumi/aws";
import * as path from "path";
import { reuseCollators } from "./reused-collators";

/**
 * The evaluator works out which resource types of an action an ARN belongs to
 * (an automaton intersection per type) twice for every request, and that was
 * over half of its time; the answer depends only on the action and the ARN,
 * which repeat across a tenant's requests and across tenants. Its engine
 * resolves the function through the module's exports at each call, so a
 * cache placed there serves every request without changing any decision.
 */
function memoiseResourceTypes(): void {
    const file = path.join(path.dirname(require.resolve("@cloud-copilot/iam-simulate")), "simulation_engine", "resourceTypes.js");
    const mod = require(file) as { getResourceTypesForAction: (service: string, action: string, resource: string) => Promise<unknown[]> };
    const compute = mod.getResourceTypesForAction;
    const cache = new Map<string, Promise<unknown[]>>();
    mod.getResourceTypesForAction = (service, action, resource) => {
        const key = `${service}:${action} ${resource}`;
        let types = cache.get(key);
        if (!types) cache.set(key, (types = compute(service, action, resource)));
        // Callers get their own array, as from the original.
        return types.then((t) => [...t]);
    };
}
memoiseResourceTypes();
reuseCollators();

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

/** Evaluates one request as AWS would; throws if the evaluator rejects the input. */
export async function evaluate(request: EvaluationRequest): Promise<Decision> {
    const simulation: Simulation = {
        request: {
            principal: request.principal,
            action: request.action,
            resource: { resource: request.resource, accountId: request.resourceAccount },
            contextVariables: { "aws:PrincipalArn": request.principal, ...(request.context ?? {}) },
        },
        identityPolicies: request.identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: request.resourcePolicy,
        permissionBoundaryPolicies: request.permissionsBoundary
            ? [{ name: "boundary", policy: request.permissionsBoundary }]
            : undefined,
    };
    const response = await runSimulation(simulation, {});
    if (response.resultType === "error") {
        throw new Error(`IAM evaluator rejected the request: ${JSON.stringify(response.errors)}`);
    }
    return response.overallResult;
}

/** Account id embedded in an ARN (`arn:aws:iam::123456789012:role/x`). */
export function accountOf(arn: string): string {
    return arn.split(":")[4];
}
