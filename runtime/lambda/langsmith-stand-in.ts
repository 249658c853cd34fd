/**
 * What the Lambda bundle gets in place of `langsmith`: @langchain/core
 * imports it for LangSmith tracing, which the Lambda never does (it would
 * send prompts and completions out of the customer's account). The real
 * package is 235 KiB of the bundle and of every cold start. The stand-in
 * keeps the shapes @langchain/core uses when tracing is off; anything that
 * would trace (a LangSmith client) fails loudly instead of sending data.
 */

const TRACING_UNAVAILABLE = "LangSmith tracing is not available in the bedrock-tenancy Lambda: audit records stay in the customer's account";

/** The run-tree shape @langchain/core keeps in its async context while tracing is off. */
export class RunTree {
    [key: string]: unknown;
    extra: Record<string, unknown> = {};
    child_runs: RunTree[] = [];

    constructor(config: Record<string, unknown> = {}) {
        Object.assign(this, config);
        this.extra = { ...((config.extra as Record<string, unknown> | undefined) ?? {}) };
    }

    createChild(config: Record<string, unknown>): RunTree {
        const child = new RunTree({ ...config, parent_run: this });
        this.child_runs.push(child);
        return child;
    }

    async end(): Promise<void> {}
    async postRun(): Promise<void> {}
    async patchRun(): Promise<void> {}
}

/** As langsmith decides it: by shape. */
export function isRunTree(x: unknown): boolean {
    return x != null && typeof (x as RunTree).createChild === "function" && typeof (x as RunTree).postRun === "function";
}

export function isTraceableFunction(x: unknown): boolean {
    return typeof x === "function" && "langsmith:traceable" in x;
}

export function getCurrentRunTree(): undefined {
    return undefined;
}

export function convertToDottedOrderFormat(epoch: number, runId: string, executionOrder = 1): { dottedOrder: string; microsecondPrecisionDatestring: string } {
    const stamp = new Date(epoch).toISOString().slice(0, -1) + String(executionOrder).padStart(3, "0");
    return { dottedOrder: stamp.replace(/[-:.]/g, "") + "Z" + runId, microsecondPrecisionDatestring: stamp + "Z" };
}

export class Client {
    constructor() {
        throw new Error(TRACING_UNAVAILABLE);
    }
}
