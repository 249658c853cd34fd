/**
 * Worker of the concurrency benchmark: rounds of N concurrent calls on one
 * shared model, with one shared PrivateInvocationLogger (CloudWatch Logs
 * sink, batching) and without; rounds alternate so load drift hits both.
 */
import { reply } from "../child";
import { msSince } from "../stats";
import { callMetadata, messages, startRig } from "./runtime-rig";

export interface ConcurrencyParams {
    /** Calls in flight at once. */
    concurrency: number;
    /** Measured rounds per setup. */
    rounds: number;
    warmupRounds: number;
}

export interface ConcurrencySamples {
    params: ConcurrencyParams;
    bare: { callMs: number[]; roundMs: number[] };
    logged: { callMs: number[]; roundMs: number[] };
    recordsDelivered: number;
    lost: number;
    /** Most connections the Bedrock stand-in had open at once. */
    peakBedrockConnections: number;
}

async function main(params: ConcurrencyParams): Promise<ConcurrencySamples> {
    const rig = await startRig();
    const bare = rig.bareModel();
    const shared = rig.sharedLogger("bench-ecs");
    const setups = {
        bare: () => bare.invoke(messages()),
        logged: (i: number) => shared.model.invoke(messages(), { callbacks: [shared.logger], metadata: callMetadata(i) }),
    };
    const samples = { bare: { callMs: [] as number[], roundMs: [] as number[] }, logged: { callMs: [] as number[], roundMs: [] as number[] } };
    for (let round = 0; round < params.warmupRounds + params.rounds; round++) {
        for (const name of round % 2 === 0 ? (["bare", "logged"] as const) : (["logged", "bare"] as const)) {
            const calls: number[] = [];
            // Each round starts from a collected heap, so one setup's garbage is not collected in the other's round.
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
    await shared.logger.flush();
    const sink = shared.sink.stats();
    await rig.close();
    return { params, ...samples, recordsDelivered: sink.delivered, lost: sink.lost + shared.logger.stats().lost, peakBedrockConnections: rig.aws.bedrock.peakConnections };
}

main(JSON.parse(process.argv[2])).then(reply, (err) => {
    console.error(err);
    process.exit(1);
});
