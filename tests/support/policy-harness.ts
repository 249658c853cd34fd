/**
 * Calls policy rules the way the analyzer server does, without starting it:
 * the same argument shapes, violations collected instead of sent.
 */
import {
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

/** A URN whose type part lists `types` from the outermost ancestor to the resource. */
export function urnOf(types: string[], name: string): string {
    return `urn:pulumi:ops::bedrock-tenancy::${types.join("$")}::${name}`;
}

class NotApplicable extends Error {}

function baseOptions(parent?: string) {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        additionalSecretOutputs: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        parent,
    };
}

export interface FakeResource {
    type: string;
    props: Record<string, any>;
    /** Types of the ancestors, outermost first. */
    ancestors?: string[];
    name?: string;
}

// Resource classes carry their type token the way the SDK checks it.
function isOfType(cls: unknown, type: string): boolean {
    return (cls as { __pulumiType?: string }).__pulumiType === type;
}

function resourceArgs(resource: FakeResource): ResourceValidationArgs {
    const name = resource.name ?? "r";
    const ancestors = resource.ancestors ?? [];
    const parentUrn = ancestors.length > 0 ? urnOf(ancestors, "parent") : undefined;
    return {
        type: resource.type,
        props: resource.props,
        urn: urnOf([...ancestors, resource.type], name),
        name,
        opts: baseOptions(parentUrn),
        stackTags: new Map(),
        isType: (cls) => isOfType(cls, resource.type),
        asType: (cls) => (isOfType(cls, resource.type) ? (resource.props as any) : undefined),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable: (reason?: string) => {
            throw new NotApplicable(reason);
        },
    };
}

/** Runs every validation of `policy` on one resource and returns the messages it reports. */
export async function resourceViolations(policy: ResourceValidationPolicy, resource: FakeResource): Promise<string[]> {
    const messages: string[] = [];
    const validations = policy.validateResource === undefined ? [] : ([] as unknown[]).concat(policy.validateResource);
    for (const validate of validations as NonNullable<ResourceValidationPolicy["validateResource"]>[]) {
        if (typeof validate === "function") {
            await validate(resourceArgs(resource), (message) => messages.push(message));
        }
    }
    return messages;
}

/** Runs a stack validation over `resources` and returns what it reports, with the URN it names. */
export async function stackViolations(
    policy: StackValidationPolicy,
    resources: FakeResource[],
): Promise<{ message: string; urn?: string }[]> {
    const stack: PolicyResource[] = resources.map((resource) => {
        const args = resourceArgs(resource);
        return { ...args, dependencies: [], propertyDependencies: {} };
    });
    const stackArgs: StackValidationArgs = {
        resources: stack,
        stackTags: new Map(),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable: (reason?: string) => {
            throw new NotApplicable(reason);
        },
    };
    const reported: { message: string; urn?: string }[] = [];
    await policy.validateStack(stackArgs, (message, urn) => reported.push({ message, urn }));
    return reported;
}
