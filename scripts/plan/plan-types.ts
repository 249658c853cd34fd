/** A resource the program registered with the mock engine. */
export interface PlannedResource {
    type: string;
    name: string;
    /** `type::name` of the parent resource, if any. */
    parent?: string;
    custom: boolean;
    /** Inputs as the engine received them (secrets still wrapped). */
    inputs: Record<string, any>;
}

export interface WorkerInput {
    project: string;
    stack: string;
    programPath: string;
    account: string;
    config: Record<string, string>;
    secretKeys: string[];
    /** Outputs of other stacks this one may reference, by fully-qualified name. */
    stackOutputs: Record<string, { outputs: Record<string, unknown>; secretOutputNames: string[] }>;
}

export interface WorkerOutput {
    stack: string;
    resources: PlannedResource[];
    outputs: Record<string, unknown>;
    secretOutputNames: string[];
    durationMs: number;
    peakRssBytes: number;
}
