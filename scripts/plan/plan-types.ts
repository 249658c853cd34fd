/** A resource the program registered with the mock engine, in `pulumi stack export`'s ResourceV3 shape. */
export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    id?: string;
    /** URN of the parent resource, if any. */
    parent?: string;
    /** Inputs as the engine received them (secrets still in the wire form `{ sig, value }`). */
    inputs: Record<string, any>;
    /** Provider state for custom resources; registered outputs for components and the stack. */
    outputs: Record<string, any>;
    /** In a preview: what `pulumi preview` would do with the resource. */
    op?: PreviewOp;
}

export type PreviewOp = "create" | "same" | "update";

/** A resource of the state a preview starts from (a `pulumi stack export` ResourceV3, secrets decoded). */
export interface PriorResource {
    id?: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
}

export interface WorkerInput {
    project: string;
    /** The project folder: the program runs there, as under `pulumi`, so relative paths in its configuration resolve against it. */
    projectDir?: string;
    stack: string;
    programPath: string;
    account: string;
    config: Record<string, string>;
    secretKeys: string[];
    /** Outputs of other stacks this one may reference, by fully-qualified name. */
    stackOutputs: Record<string, { outputs: Record<string, unknown>; secretOutputNames: string[] }>;
    /** What the run planned and read, to say what to add when a StackReference names a stack with no outputs here. */
    unreferenced?: { planned: string[]; preview: boolean; previousDir?: string };
    /**
     * Plan as a first `pulumi preview` would: resources in `prior` (by URN)
     * exist with their recorded id and outputs; every other resource is
     * created, its id and computed outputs unknown.
     */
    preview?: { prior: Record<string, PriorResource> };
}

export interface WorkerOutput {
    stack: string;
    resources: PlannedResource[];
    outputs: Record<string, unknown>;
    secretOutputNames: string[];
    durationMs: number;
    peakRssBytes: number;
}
