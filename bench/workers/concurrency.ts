/**
 * Worker of the concurrency benchmark: rounds of N concurrent calls on one
 * shared model that records them through one shared PrivateInvocationLogger
 * (CloudWatch Logs sink, batching), and on a model with nothing attached;
 * blocks of rounds alternate so load drift hits both. A block starts with
 * an untimed round and ends once its records are uploaded, so each setup
 * pays for its own garbage and upload, as a service running it alone would.
 * The CloudWatch Logs stand-in runs in a process of its own: its parsing
 * and storing are the service's work, not the caller's. The same pairing,
 * each in a process of its own, measures the logger attached as a callback
 * to a plain model, and splits that cost: LangChain's callback dispatch
 * alone (a handler that does nothing), and the logger with a sink that
 * takes each record and sends nothing (records built and chained, no upload);
 * and the logged model on the runtime's own client (its handler cache);
 * and a second bare model on a client of its own, the pairing's control.
 */
import * as path from "path";
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
export type ComparedSetup = "logged" | "logged-runtime-client" | "callback" | "dispatch" | "unsent" | "bare-again";

export interface ConcurrencyParams {
    /** Calls in flight at once: a round is that many calls, started together. */
    concurrency: number;
    /** Measured blocks per setup; the setups' blocks alternate. */
    blocks: number;
    warmupBlocks: number;
    /** Rounds per block, the first untimed (at least 2). */
    roundsPerBlock: number;
}

/** Per call, and per block: the block's time over its timed rounds (its mean round). */
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
        case "logged":
        case "logged-runtime-client": {
            const shared = rig.sharedLogger("bench-ecs", undefined, { runtimeClient: compared === "logged-runtime-client" });
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
        case "bare-again": {
            // Two identical setups: what the pairing reads where nothing differs.
            const again = rig.bareModel();
            return { run: () => again.invoke(messages()) };
        }
        case "unsent": {
            const logger = new PrivateInvocationLogger({ sink: unsentSink, tenantId: "bench-ecs", region: "us-east-1", onWarning: () => undefined });
            return { run: (i: number) => bare.invoke(messages(), { callbacks: [logger], metadata: callMetadata(i) }), logger };
        }
    }
}

async function main(params: ConcurrencyParams, compared: ComparedSetup): Promise<ConcurrencySamples> {
    const rig = await startRig({ logsProcess: path.join(__dirname, "logs-stand-in.cjs") });
    const bare = rig.bareModel();
    const other = comparedSetup(rig, compared);
    const setups = { bare: () => bare.invoke(messages()), other: other.run };
    const samples = { bare: { callMs: [] as number[], roundMs: [] as number[] }, other: { callMs: [] as number[], roundMs: [] as number[] } };
    if (!(Number.isInteger(params.roundsPerBlock) && params.roundsPerBlock >= 2)) throw new Error(`roundsPerBlock must be an integer of at least 2, got ${params.roundsPerBlock}`);
    const gc = (globalThis as { gc?: () => void }).gc;
    let nextCall = 0;
    const runRound = (name: keyof typeof setups, calls?: number[]) =>
        Promise.all(
            Array.from({ length: params.concurrency }, async () => {
                const callStart = process.hrtime.bigint();
                await setups[name](nextCall++);
                calls?.push(msSince(callStart));
            }),
        );
    for (let block = 0; block < params.warmupBlocks + params.blocks; block++) {
        for (const name of block % 2 === 0 ? (["bare", "other"] as const) : (["other", "bare"] as const)) {
            // Untimed: the garbage the other setup's block left is collected here, so each block pays for its own.
            await runRound(name);
            const calls: number[] = [];
            let gcMs = 0;
            const start = process.hrtime.bigint();
            for (let r = 1; r < params.roundsPerBlock; r++) {
                // The stress variant only (run with --expose-gc): a full collection before every round, its time left out.
                if (gc) {
                    const gcStart = process.hrtime.bigint();
                    gc();
                    gcMs += msSince(gcStart);
                }
                await runRound(name, calls);
                // Sent while the next round runs, as a service's sink sends while calls go on; the block ends once all are delivered.
                if (name === "other") void other.logger?.flush();
            }
            if (name === "other") await other.logger?.flush();
            const roundMs = (msSince(start) - gcMs) / (params.roundsPerBlock - 1);
            if (block >= params.warmupBlocks) {
                samples[name].callMs.push(...calls);
                samples[name].roundMs.push(roundMs);
            }
        }
    }
    await other.logger?.flush();
    const sink = other.sink?.stats();
    const stored = await rig.storedLogEvents();
    if (sink && stored !== sink.delivered) throw new Error(`the Logs stand-in stored ${stored} events, the sink delivered ${sink.delivered}`);
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
