/**
 * 2. AWS calls per warm invocation, counted on the local servers: AssumeRole
 * (the ops session is cached), and PutLogEvents for each way records leave.
 */
import { compileEntry } from "./compile";
import { runChild } from "./child";
import { round } from "./stats";
import type { AwsCallsCounts, AwsCallsParams, CallCounts } from "./workers/aws-calls";

export const FULL_AWS_CALLS: AwsCallsParams = { invocations: 1000, flushWindowMs: 1000 };

export interface CallsRow extends CallCounts {
    eventsPerPut: number | null;
}

export interface AwsCallsResult {
    params: AwsCallsParams;
    lambdaSink: CallsRow;
    cloudWatchPerInvocation: CallsRow;
    cloudWatchBatched: CallsRow;
    meetsTarget: boolean;
}

function row(c: CallCounts): CallsRow {
    return { ...c, elapsedMs: round(c.elapsedMs, 0), eventsPerPut: c.putLogEvents > 0 ? round(c.events / c.putLogEvents, 1) : null };
}

export async function benchAwsCalls(params: AwsCallsParams = FULL_AWS_CALLS): Promise<AwsCallsResult> {
    const worker = compileEntry("bench/workers/aws-calls.ts");
    const { result } = await runChild<AwsCallsCounts>(worker, { args: [JSON.stringify(params)] });
    const rows = { lambdaSink: row(result.lambdaSink), cloudWatchPerInvocation: row(result.cloudWatchPerInvocation), cloudWatchBatched: row(result.cloudWatchBatched) };
    const noAssumeRole = rows.lambdaSink.assumeRole === 0 && rows.cloudWatchPerInvocation.assumeRole === 0;
    return { params, ...rows, meetsTarget: noAssumeRole && rows.lambdaSink.putLogEvents === 0 };
}
