/**
 * Runs one stack's real program under the Pulumi mock engine in its own
 * process (the Pulumi runtime is process-global) and returns what it planned.
 */
import * as pulumi from "@pulumi/pulumi";
import { serveJsonWorker } from "../lib/json-worker";
import { CALLER_IDENTITY_TOKEN, mockCallerIdentity, mockResourceId, mockResourceState } from "../../testing/mock-state";
import type { PlannedResource, WorkerInput, WorkerOutput } from "./plan-types";

// Pulumi captures a full stack trace for every resource and every internal
// promise (source positions for the engine); under ts-node each one is mapped
// through source maps, which dominates planning time. A plan needs no source
// positions, so traces are reduced to the error's own message.
Error.prepareStackTrace = (error: Error) => `${error.name}: ${error.message}`;

async function plan(input: WorkerInput): Promise<WorkerOutput> {
    const started = process.hrtime.bigint();
    const resources: PlannedResource[] = [];
    const parents = new Map<string, string | undefined>();
    const keys = new WeakMap<pulumi.Resource, string>();

    pulumi.runtime.setAllConfig(input.config, input.secretKeys);
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                if (args.type === "pulumi:pulumi:StackReference") {
                    // Matched by the stack part of `org/project/stack`: every planned stack belongs to this project.
                    const target = input.stackOutputs[String(args.inputs.name).split("/").pop() ?? ""];
                    if (!target) {
                        throw new Error(`stack reference to "${args.inputs.name}", which is not part of this plan`);
                    }
                    return { id: args.inputs.name, state: { name: args.inputs.name, ...target } };
                }
                const id = mockResourceId(args.type, args.name, args.inputs);
                const key = `${args.type}::${args.name}`;
                resources.push({ type: args.type, name: args.name, parent: parents.get(key), custom: args.custom ?? false, inputs: args.inputs });
                return { id, state: { ...args.inputs, ...mockResourceState(args.type, args.name, id, args.inputs, input.account) } };
            },
            call(args) {
                if (args.token === CALLER_IDENTITY_TOKEN) {
                    return mockCallerIdentity(input.account);
                }
                throw new Error(`the offline plan does not mock the data source ${args.token}`);
            },
        },
        input.project,
        input.stack,
        true,
    );

    const secretOutputNames: string[] = [];
    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((t) => {
            const key = `${t.type}::${t.name}`;
            keys.set(t.resource, key);
            parents.set(key, t.opts.parent ? keys.get(t.opts.parent) : undefined);
            return undefined;
        });
        const exported: Record<string, unknown> = require(input.programPath);
        for (const [name, value] of Object.entries(exported)) {
            if (await pulumi.isSecret(pulumi.output(value))) secretOutputNames.push(name);
        }
        return exported;
    });
    await pulumi.runtime.disconnect();

    return {
        stack: input.stack,
        resources,
        outputs: (outputs ?? {}) as Record<string, unknown>,
        secretOutputNames,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
}

serveJsonWorker(plan);
