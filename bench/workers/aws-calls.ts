/**
 * Worker of the AWS-calls benchmark: after one cold invocation, counts the
 * calls the local STS and CloudWatch Logs servers receive during warm ones.
 */
import { reply } from "../child";
import { msSince } from "../stats";
import { assertAnswered, assumeRoleCount, callMetadata, CONTEXT, messages, putCallsOf, startRig, type Rig } from "./runtime-rig";

export interface AwsCallsParams {
    /** Warm invocations counted. */
    invocations: number;
    /** Flush window of the batching (ECS) setup, ms. */
    flushWindowMs: number;
}

export interface CallCounts {
    /** Null where the setup holds its own credentials and never calls STS. */
    assumeRole: number | null;
    putLogEvents: number;
    events: number;
    /** Wall time of the warm invocations, ms: a batching window's calls depend on it. */
    elapsedMs: number;
}

export interface AwsCallsCounts {
    params: AwsCallsParams;
    lambdaSink: CallCounts;
    cloudWatchPerInvocation: CallCounts;
    cloudWatchBatched: CallCounts;
}

/** Runs `invoke` once cold, then `invocations` times warm, counting only the warm calls. */
async function count(rig: Rig, tenantId: string, invocations: number, invoke: (i: number) => Promise<void>, settle: () => Promise<void> = async () => undefined): Promise<CallCounts> {
    await invoke(0);
    await settle();
    const before = { assumeRole: assumeRoleCount(rig.aws, tenantId), puts: putCallsOf(rig.aws, tenantId).length, all: rig.aws.logs.putCalls.length };
    const start = process.hrtime.bigint();
    for (let i = 1; i <= invocations; i++) {
        await invoke(i);
    }
    await settle();
    const elapsedMs = msSince(start);
    const puts = putCallsOf(rig.aws, tenantId).slice(before.puts);
    return {
        assumeRole: assumeRoleCount(rig.aws, tenantId) - before.assumeRole,
        // Every stream counts for the Lambda sink: it must make no call at all.
        putLogEvents: tenantId === "calls-lambda" ? rig.aws.logs.putCalls.length - before.all : puts.length,
        events: puts.reduce((n, c) => n + c.events, 0),
        elapsedMs,
    };
}

async function main(params: AwsCallsParams): Promise<AwsCallsCounts> {
    const rig = await startRig();
    const lambda = rig.lambdaHandler("calls-lambda");
    const lambdaSink = await count(rig, "calls-lambda", params.invocations, async (i) => assertAnswered(await lambda(rig.event(i), CONTEXT)));
    const cwl = rig.cloudWatchHandler("calls-cwl").handler;
    const cloudWatchPerInvocation = await count(rig, "calls-cwl", params.invocations, async (i) => assertAnswered(await cwl(rig.event(i), CONTEXT)));
    const shared = rig.sharedLogger("calls-batched", params.flushWindowMs);
    const cloudWatchBatched = await count(
        rig,
        "calls-batched",
        params.invocations,
        async (i) => void (await shared.model.invoke(messages(), { metadata: callMetadata(i) })),
        () => shared.logger.flush(),
    );
    await rig.close();
    return { params, lambdaSink, cloudWatchPerInvocation, cloudWatchBatched: { ...cloudWatchBatched, assumeRole: null } };
}

main(JSON.parse(process.argv[2])).then(reply, (err) => {
    console.error(err);
    process.exit(1);
});
