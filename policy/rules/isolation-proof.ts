/**
 * Stack rule: the same complete isolation proof `bedrock-tenancy verify`
 * runs, on the one stack being previewed or updated. Cross-stack checks
 * (a customer stack against its ops stack) need the CLI on both files.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { UnreadableInputError, type StackResource, type StackState } from "../../verifier/pulumi-formats";
import { violationLines } from "../../verifier/report";
import { verifyStates } from "../../verifier/verify";

/** What the engine hands a stack policy, reduced to what the verifier reads. */
export interface StackPolicyResource {
    urn: string;
    type: string;
    name: string;
    props: Record<string, unknown>;
    parent?: { urn: string };
}

export function stateOf(resources: StackPolicyResource[]): StackState {
    const converted: StackResource[] = resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        custom: !r.type.startsWith("bedrock-tenancy:") && r.type !== "pulumi:pulumi:Stack",
        parent: r.parent?.urn,
        // The engine gives one property bag: inputs at preview, outputs once deployed.
        inputs: r.props,
        outputs: r.props,
    }));
    const stack = resources[0]?.urn.slice("urn:pulumi:".length).split("::")[0] ?? "(empty)";
    return { stack, file: `stack ${stack}`, format: "stack-export", resources: converted, pendingOperations: [] };
}

/** Violation lines of the proof, or the reason it could not run. */
export function isolationProof(resources: StackPolicyResource[]): { violations: string[]; unverifiable?: string } {
    try {
        return { violations: violationLines(verifyStates([stateOf(resources)], { requireOps: false })) };
    } catch (err) {
        if (err instanceof UnreadableInputError) return { violations: [], unverifiable: err.message };
        throw err;
    }
}

export const tenantIsolationProofPolicy: StackValidationPolicy = {
    name: "tenant-isolation-proof",
    description: "The complete tenant-isolation proof of bedrock-tenancy verify, on this stack: trust and permissions reduced and compared with each tenant's intent.",
    enforcementLevel: "mandatory",
    severity: "critical",
    validateStack: (args, reportViolation) => {
        for (const line of isolationProof(args.resources).violations) reportViolation(line);
    },
};

export const tenantIsolationProofCompletePolicy: StackValidationPolicy = {
    name: "tenant-isolation-proof-complete",
    description: "The isolation proof could read every value it needs (values unknown until deployment are checked on the update).",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => {
        const { unverifiable } = isolationProof(args.resources);
        if (unverifiable) reportViolation(`the isolation proof cannot run yet: ${unverifiable}`);
    },
};
