import * as pulumi from "@pulumi/pulumi";
import { mockResourceId, mockResourceState } from "./mock-state";

/** One resource the program under test registered with the mock engine. */
export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    id: string;
}

export interface MockOptions {
    project?: string;
    stack?: string;
    /** Stack config as `namespace:key` to value (objects are JSON-encoded as Pulumi does). */
    config?: Record<string, unknown>;
    /** Config keys to mark secret. */
    secretKeys?: string[];
    /** Outputs of stacks reachable by StackReference, keyed by stack name. */
    /** Account id that resource ARNs are minted in. */
    account?: string;
    stackOutputs?: Record<string, { outputs: Record<string, unknown>; secretOutputNames?: string[] }>;
    /** Extra output state per resource type (merged over the defaults). */
    state?: (r: RecordedResource) => Record<string, unknown> | undefined;
    /** Data-source calls the test expects: token to result. Any other call throws. */
    calls?: Record<string, (args: Record<string, any>) => Record<string, unknown>>;
}

const DEFAULT_ACCOUNT = "000000000000";

/**
 * Installs Pulumi mocks for one suite and returns the list of resources the
 * program registers. Call it from `before()` (see the toolchain notes: top-level
 * calls in several files overwrite each other).
 */
export async function installMocks(options: MockOptions = {}): Promise<RecordedResource[]> {
    const recorded: RecordedResource[] = [];
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.config ?? {})) {
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(config, options.secretKeys ?? []);
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                if (args.type === "pulumi:pulumi:StackReference") {
                    const stackName: string = args.inputs.name;
                    const target = options.stackOutputs?.[stackName];
                    if (!target) {
                        throw new Error(`no mocked stack named ${JSON.stringify(stackName)}`);
                    }
                    return {
                        id: stackName,
                        state: {
                            name: stackName,
                            outputs: target.outputs,
                            secretOutputNames: target.secretOutputNames ?? [],
                        },
                    };
                }
                const id = mockResourceId(args.type, args.name, args.inputs);
                const record: RecordedResource = { type: args.type, name: args.name, inputs: args.inputs, id };
                recorded.push(record);
                return { id, state: { ...args.inputs, ...mockResourceState(args.type, args.name, id, args.inputs, options.account ?? DEFAULT_ACCOUNT), ...(options.state?.(record) ?? {}) } };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                const handler = options.calls?.[args.token];
                if (!handler) {
                    throw new Error(`unexpected data-source call ${args.token}`);
                }
                return handler(args.inputs);
            },
        },
        options.project ?? "bedrock-tenancy",
        options.stack ?? "test",
        true,
    );
    return recorded;
}

/** Resolves an Output in a test (`promise()` works but is not in the typings). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Whether an Output is marked secret. */
export function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
    return pulumi.isSecret(output);
}

/** Resources of one type, in registration order. */
export function ofType(recorded: RecordedResource[], type: string): RecordedResource[] {
    return recorded.filter((r) => r.type === type);
}
