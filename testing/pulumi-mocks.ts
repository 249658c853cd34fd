import * as pulumi from "@pulumi/pulumi";
import { CALLER_IDENTITY_TOKEN, mockCallerIdentity, mockResourceId, mockResourceState } from "./mock-state";

/** One resource the program under test registered with the mock engine. */
export interface RecordedResource {
    type: string;
    name: string;
    // The engine's own type for inputs (Pulumi's MockResourceArgs), so that tests read them as they would there.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    inputs: Record<string, any>;
    id: string;
    /** Whether it is a provider resource (false for a component). */
    custom: boolean;
    /** The output state the mock answered with: the inputs plus what the provider computes. */
    state: Record<string, unknown>;
}

export interface MockOptions {
    project?: string;
    stack?: string;
    /** Stack config as `namespace:key` to value (objects are JSON-encoded as Pulumi does). */
    config?: Record<string, unknown>;
    /** Config keys to mark secret. */
    secretKeys?: string[];
    /** Account id that resource ARNs are minted in, and that `aws.getCallerIdentity` returns. */
    account?: string;
    /** Region that `aws.getRegion` returns. Default `us-east-1`. */
    region?: string;
    /** Whether the engine runs a preview (`pulumi preview`) rather than an update. Default `true`. */
    preview?: boolean;
    /** Outputs of stacks reachable by StackReference, keyed by stack name; a name not listed fails the StackReference. */
    stackOutputs?: Record<string, { outputs: Record<string, unknown>; secretOutputNames?: string[] }>;
    /** Extra output state per resource type (merged over the defaults). */
    state?: (r: RecordedResource) => Record<string, unknown> | undefined;
    /**
     * Data-source calls the test expects: token to result, over the built-in
     * answers for `aws.getCallerIdentity`, `aws.getRegion` and `aws.getPartition`.
     * Any other call throws, naming its token.
     */
    calls?: Record<string, (args: Record<string, unknown>) => Record<string, unknown>>;
}

const DEFAULT_ACCOUNT = "000000000000";

/**
 * What the mocks could not answer because they were not given it (a stack
 * reference's outputs), since the last {@link installMocks}. The SDK wraps
 * such an error in "failed to read resource" and one "error serializing
 * property" per input that reads it; `planStack` reports the first of these
 * as written instead.
 */
let setupProblems: Error[] = [];

export function mockSetupProblems(): readonly Error[] {
    return setupProblems;
}

/**
 * Installs Pulumi mocks for one suite and returns the list of resources the
 * program registers. Call it from `before()` (see the toolchain notes: top-level
 * calls in several files overwrite each other).
 */
export async function installMocks(options: MockOptions = {}): Promise<RecordedResource[]> {
    const recorded: RecordedResource[] = [];
    setupProblems = [];
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.config ?? {})) {
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(config, options.secretKeys ?? []);
    const account = options.account ?? DEFAULT_ACCOUNT;
    const region = options.region ?? "us-east-1";
    const builtInCalls: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> = {
        [CALLER_IDENTITY_TOKEN]: () => mockCallerIdentity(account),
        "aws:index/getRegion:getRegion": () => ({ name: region, region, id: region, description: region, endpoint: `ec2.${region}.amazonaws.com` }),
        "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" }),
    };
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                if (args.type === "pulumi:pulumi:StackReference") {
                    const stackName = String((args.inputs as { name?: unknown }).name);
                    const target = options.stackOutputs?.[stackName];
                    if (!target) {
                        const known = Object.keys(options.stackOutputs ?? {});
                        const problem = new Error(
                            `no mocked stack named ${JSON.stringify(stackName)}: give its outputs in the mocks' stackOutputs option ` +
                                `(stackOutputs: { ${JSON.stringify(stackName)}: { outputs: { … } } }); ` +
                                (known.length === 0 ? "the mocks have none" : `the mocks have ${known.map((k) => JSON.stringify(k)).join(", ")}`),
                        );
                        setupProblems.push(problem);
                        throw problem;
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
                const inputs = args.inputs as Record<string, unknown>;
                const id = mockResourceId(args.type, args.name, inputs);
                const record: RecordedResource = { type: args.type, name: args.name, inputs, id, custom: args.custom !== false, state: {} };
                record.state = { ...inputs, ...mockResourceState(args.type, args.name, id, inputs, account), ...(options.state?.(record) ?? {}) };
                recorded.push(record);
                return { id, state: record.state };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                const handler = options.calls?.[args.token] ?? builtInCalls[args.token];
                if (!handler) {
                    const message = `unexpected data-source call ${args.token} (inputs ${JSON.stringify(args.inputs)}): the mocks answer only ${Object.keys({ ...builtInCalls, ...options.calls }).join(", ")}`;
                    // Pulumi's invoke keeps a failed call's `details` as its message, as it does for gRPC errors.
                    throw Object.assign(new Error(message), { details: message });
                }
                return handler(args.inputs as Record<string, unknown>);
            },
        },
        options.project ?? "bedrock-tenancy",
        options.stack ?? "test",
        options.preview ?? true,
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
