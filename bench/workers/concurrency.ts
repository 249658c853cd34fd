/**
 * Worker of the concurrency benchmark: rounds of N concurrent calls on one
 * shared model that records them through one shared PrivateInvocationLogger
 * (CloudWatch Logs sink, batching), and on a model with nothing attached;
 * rounds alternate so load drift hits both. The same pairing, each in a
 * process of its own, measures the logger attached as a callback to a plain
 * model, and splits that cost: LangChain's callback dispatch alone (a
 * handler that does nothing), and the logger with a sink that takes each
 * record and sends nothing (records built and chained, no upload).
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import type { AuditSink } from "../../runtime/sinks/audit-sink";
import { reply } from "../child";
import { msSince } from "../stats";
import { callMetadata, messages, startRig } from "./runtime-rig";

/** Attached as the logger is (awaited handlers), doing nothing: what LangChain's dispatch of one handler costs. */
class NoOpHandler extends BaseCallbackHandler {
    name = "NoOpHandler";
    constructor() {
        super();
        this.awaitHandlers = true;
    }
    async handleChatModelStart(): Promise<void> {}
    async handleLLMEnd(): Promise<void> {}
}

/** Takes every record and sends none: the logger's own work (record and hash chain) without an upload. */
const unsentSink: AuditSink = {
    write: () => Promise.resolve(),
    flush: () => Promise.resolve(),
    stats: () => ({ delivered: 0, pending: 0, lost: 0, rejected: 0 }),
};

/** What the bare model is compared with: the logged setup (the target), or one part of it. */
export type ComparedSetup = "logged" | "callback" | "dispatch" | "unsent";

export interface ConcurrencyParams {
    /** Calls in flight at once. */
    concurrency: number;
    /** Measured rounds per setup. */
    rounds: number;
    warmupRounds: number;
}

type Samples = { callMs: number[]; roundMs: number[] };

export interface ConcurrencySamples {
    params: ConcurrencyParams;
    compared: ComparedSetup;
    bare: Samples;
    /** The compared setup's. */
    other: Samples;
    /** Of the logged setup's CloudWatch Logs sink (0 for the others). */
    recordsDelivered: number;
    lost: number;
    /** Most connections the Bedrock stand-in had open at once. */
    peakBedrockConnections: number;
}

function comparedSetup(rig: Awaited<ReturnType<typeof startRig>>, compared: ComparedSetup) {
    const bare = rig.bareModel();
    switch (compared) {
        case "logged": {
            const shared = rig.sharedLogger("bench-ecs");
            return { run: (i: number) => shared.model.invoke(messages(), { metadata: callMetadata(i) }), logger: shared.logger, sink: shared.sink };
        }
        case "callback": {
            const shared = rig.sharedLogger("bench-ecs");
            return { run: (i: number) => shared.plain.invoke(messages(), { callbacks: [shared.logger], metadata: callMetadata(i) }), logger: shared.logger, sink: shared.sink };
        }
        case "dispatch": {
            const handler = new NoOpHandler();
            return { run: (i: number) => bare.invoke(messages(), { callbacks: [handler], metadata: callMetadata(i) }) };
        }
        case "unsent": {
            const logger = new PrivateInvocationLogger({ sink: unsentSink, tenantId: "bench-ecs", region: "us-east-1", onWarning: () => undefined });
            return { run: (i: number) => bare.invoke(messages(), { callbacks: [logger], metadata: callMetadata(i) }), logger };
        }
    }
}

async function main(params: ConcurrencyParams, compared: ComparedSetup): Promise<ConcurrencySamples> {
    const rig = await startRig();
    const bare = rig.bareModel();
    const other = comparedSetup(rig, compared);
    const setups = { bare: () => bare.invoke(messages()), other: other.run };
    const samples = { bare: { callMs: [] as number[], roundMs: [] as number[] }, other: { callMs: [] as number[], roundMs: [] as number[] } };
    for (let round = 0; round < params.warmupRounds + params.rounds; round++) {
        for (const name of round % 2 === 0 ? (["bare", "other"] as const) : (["other", "bare"] as const)) {
            const calls: number[] = [];
            // The stress variant only (run with --expose-gc): a full collection before every round.
            (globalThis as { gc?: () => void }).gc?.();
            const start = process.hrtime.bigint();
            await Promise.all(
                Array.from({ length: params.concurrency }, async (_, i) => {
                    const callStart = process.hrtime.bigint();
                    await setups[name](round * params.concurrency + i);
                    calls.push(msSince(callStart));
                }),
            );
            const roundMs = msSince(start);
            if (round >= params.warmupRounds) {
                samples[name].callMs.push(...calls);
                samples[name].roundMs.push(roundMs);
            }
        }
    }
    await other.logger?.flush();
    const sink = other.sink?.stats();
    await rig.close();
    return {
        params,
        compared,
        ...samples,
        recordsDelivered: sink?.delivered ?? 0,
        lost: (sink?.lost ?? 0) + (other.logger?.stats().lost ?? 0),
        peakBedrockConnections: rig.aws.bedrock.peakConnections,
    };
}

main(JSON.parse(process.argv[2]) as ConcurrencyParams, (process.argv[3] ?? "logged") as ComparedSetup).then(reply, (err) => {
    console.error(err);
    process.exit(1);
});
