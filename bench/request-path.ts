/**
 * 1. Request-path overhead: the real Lambda handler (validation, ops
 * credentials, ChatBedrockConverse, audit callback, sink) against a bare
 * ChatBedrockConverse, both calling a local Bedrock stub that answers at once.
 */
import { compileEntry } from "./compile";
import { runChild } from "./child";
import { round, roundSummary, summarize, type Summary } from "./stats";
import type { RequestPathParams, RequestPathSamples } from "./workers/request-path";

/** Targets of the Lambda sink's added latency. */
export const REQUEST_PATH_TARGETS = { addedMedianMs: 0.5, addedP99Ms: 2 } as const;
export const FULL_REQUEST_PATH: RequestPathParams = { n: 2000, warmup: 200 };

export interface SinkOverhead {
    perCall: Summary;
    /** Sink setup minus bare, at the median and at p99. */
    addedMedianMs: number;
    addedP99Ms: number;
    records: number;
}

export interface RequestPathResult {
    params: RequestPathParams;
    bare: Summary;
    lambdaSink: SinkOverhead & { meetsTarget: boolean };
    cloudWatchSink: SinkOverhead;
    lost: number;
}

export async function benchRequestPath(params: RequestPathParams = FULL_REQUEST_PATH): Promise<RequestPathResult> {
    const worker = compileEntry("bench/workers/request-path.ts");
    const { result } = await runChild<RequestPathSamples>(worker, { args: [JSON.stringify(params)] });
    const bare = summarize(result.bareMs);
    const overhead = (samples: number[], records: number): SinkOverhead => {
        const perCall = summarize(samples);
        return {
            perCall: roundSummary(perCall),
            addedMedianMs: round(perCall.median - bare.median),
            addedP99Ms: round(perCall.p99 - bare.p99),
            records,
        };
    };
    const lambdaSink = overhead(result.lambdaSinkMs, result.recordsWritten.lambdaSink);
    return {
        params,
        bare: roundSummary(bare),
        lambdaSink: {
            ...lambdaSink,
            meetsTarget: lambdaSink.addedMedianMs < REQUEST_PATH_TARGETS.addedMedianMs && lambdaSink.addedP99Ms < REQUEST_PATH_TARGETS.addedP99Ms,
        },
        cloudWatchSink: overhead(result.cloudWatchSinkMs, result.recordsWritten.cloudWatchSink),
        lost: result.lost,
    };
}
