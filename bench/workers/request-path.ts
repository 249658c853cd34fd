/**
 * Worker of the request-path benchmark; its stdout is /dev/null, as close as
 * a process gets to Lambda's stdout, so the Lambda sink's real write path runs.
 * Calls are interleaved (bare, Lambda sink, CloudWatch Logs sink, rotating
 * the order) so drift in machine load hits all three alike.
 */
import { reply } from "../child";
import { msSince } from "../stats";
import { assertAnswered, CONTEXT, messages, startRig } from "./runtime-rig";

export interface RequestPathParams {
    /** Measured calls per setup. */
    n: number;
    /** Unmeasured calls per setup first (JIT, sockets, credentials). */
    warmup: number;
}

export interface RequestPathSamples {
    params: RequestPathParams;
    bareMs: number[];
    lambdaSinkMs: number[];
    cloudWatchSinkMs: number[];
    /** Records each sink took: one per call, or the figures are not comparable. */
    recordsWritten: { lambdaSink: number; cloudWatchSink: number };
    lost: number;
}

async function main(params: RequestPathParams): Promise<RequestPathSamples> {
    const rig = await startRig();
    const bare = rig.bareModel();
    const lambda = rig.lambdaHandler("bench-lambda");
    const cwl = rig.cloudWatchHandler("bench-cwl").handler;
    const setups = [
        async () => void (await bare.invoke(messages())),
        async (i: number) => assertAnswered(await lambda(rig.event(i), CONTEXT)),
        async (i: number) => assertAnswered(await cwl(rig.event(i), CONTEXT)),
    ];
    const samples: number[][] = [[], [], []];
    const total = params.warmup + params.n;
    for (let i = 0; i < total; i++) {
        for (let k = 0; k < setups.length; k++) {
            const which = (i + k) % setups.length;
            const start = process.hrtime.bigint();
            await setups[which](i);
            if (i >= params.warmup) {
                samples[which].push(msSince(start));
            }
        }
    }
    await rig.close();
    return {
        params,
        bareMs: samples[0],
        lambdaSinkMs: samples[1],
        cloudWatchSinkMs: samples[2],
        recordsWritten: { lambdaSink: lambda.logger.stats().records, cloudWatchSink: cwl.logger.stats().records },
        lost: lambda.logger.stats().lost + cwl.logger.stats().lost,
    };
}

main(JSON.parse(process.argv[2])).then(reply, (err) => {
    console.error(err);
    process.exit(1);
});
