/**
 * The shipped Lambda bundle of each customer stack, run as the deployed
 * function would be: its plan's environment, credentials of its execution
 * role as Lambda obtains them (the role must trust lambda.amazonaws.com),
 * its records delivered to its log group with that role, and the archive
 * written with it. Buffered and streaming.
 */
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DeleteObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { awslambdaHarness, invokeStreaming } from "../../tests/support/lambda-stream-harness";
import { capturingStdout } from "../../testing/stdout-capture";
import { check, coldStart, errorText, withEnv, type Expectation } from "./check-context";
import type { TwinFunction } from "./plan-model";
import type { AwsTwin } from "./twin";

const CONTEXT = { getRemainingTimeInMillis: () => 60_000 };

function event(requestId: string) {
    return { prompt: "Summarise the contract.", userId: "user-17", applicationId: "twin-check", requestId };
}

/** Lambda's own delivery of the function's stdout (loggingConfig) to its log group, with the execution role's permissions. */
async function deliver(twin: AwsTwin, fn: TwinFunction, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }, lines: string[], stream: string): Promise<void> {
    const logs = new CloudWatchLogsClient({ region: "us-east-1", endpoint: twin.logs.url, credentials, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
    await logs.send(new CreateLogStreamCommand({ logGroupName: fn.logGroup, logStreamName: stream }));
    await logs.send(new PutLogEventsCommand({ logGroupName: fn.logGroup, logStreamName: stream, logEvents: lines.map((message) => ({ timestamp: Date.now(), message })) }));
}

async function invokeBundle(twin: AwsTwin, fn: TwinFunction, mode: "buffered" | "streaming", requestId: string, overrides: Record<string, string> = {}) {
    check(fn.bundlePath, `function ${fn.name} has no index.mjs asset in the plan`);
    const credentials = await twin.credentialsFor(fn.roleArn, { service: "lambda.amazonaws.com", sessionName: fn.name });
    const env = { ...twin.env(credentials, fn.environment.BEDROCK_TENANCY_BEDROCK_REGION ?? "us-east-1"), ...fn.environment, ...overrides };
    return withEnv(env, async () => {
        const g = globalThis as { awslambda?: unknown };
        const saved = g.awslambda;
        if (mode === "streaming") g.awslambda = awslambdaHarness;
        let mod;
        try {
            mod = await coldStart(fn.bundlePath!);
        } finally {
            g.awslambda = saved;
        }
        const { value, lines } = await capturingStdout(async () =>
            mode === "buffered" ? mod.handler(event(requestId), CONTEXT) : (await invokeStreaming(mod.streamingHandler, event(requestId), CONTEXT)).stream.lines.map((l) => l.line),
        );
        await deliver(twin, fn, credentials, lines, `${fn.name}/${requestId}`);
        return { value, credentials };
    });
}

/** The audit record of one request in the function's log group. */
function recordOf(twin: AwsTwin, fn: TwinFunction, requestId: string): Record<string, any> | undefined {
    return twin.logs.records(fn.logGroup!).find((r) => r.clientRequestId === requestId);
}

export function lambdaExpectations(twin: () => AwsTwin, fn: TwinFunction): Expectation[] {
    const label = `${fn.stack}: the Lambda bundle (${fn.name})`;
    return [
        {
            name: `${label} answers a buffered call as its execution role and its record reaches ${fn.logGroup}`,
            run: async () => {
                const { value } = await invokeBundle(twin(), fn, "buffered", "twin-buffered");
                check(!value.error, `the function answered ${JSON.stringify(value.error)}`);
                const record = recordOf(twin(), fn, "twin-buffered");
                check(record?.outcome === "success", `the record says ${JSON.stringify(record && { outcome: record.outcome, errorCode: record.errorCode })}`);
            },
        },
        {
            name: `${label} streams a call and its one record says success`,
            run: async () => {
                const { value } = await invokeBundle(twin(), fn, "streaming", "twin-streaming");
                const last = value.at(-1);
                check(last?.type === "end", `the stream ended with ${JSON.stringify(last)}`);
                check(recordOf(twin(), fn, "twin-streaming")?.outcome === "success", "no success record of the streamed call");
            },
        },
        ...(fn.environment.BEDROCK_TENANCY_ARCHIVE_BUCKET ? [archiveExpectation(twin, fn, label)] : []),
        {
            name: `${label}, given an ExternalId its ops role's trust does not hold, records the refused AssumeRole as such, with STS's request id`,
            run: async () => {
                const { value } = await invokeBundle(twin(), fn, "buffered", "twin-wrong-external-id", { BEDROCK_TENANCY_EXTERNAL_ID: "an-external-id-nobody-trusts" });
                check(value.error, `the function answered ${JSON.stringify(value)}`);
                const refused = twin().sts.requests.filter((r) => r.refusal).at(-1);
                check(refused?.refusal?.errorType === "AccessDenied", "STS refused no AssumeRole");
                const record = recordOf(twin(), fn, "twin-wrong-external-id");
                const got = record && { operation: record.operation, errorCode: record.errorCode, stsRequestId: record.stsRequestId, requestId: record.requestId };
                check(got?.operation === "AssumeRole" && got.errorCode === "AccessDenied" && got.stsRequestId !== undefined && got.requestId === undefined, `the record says ${JSON.stringify(got)}`);
            },
        },
    ];
}

function archiveExpectation(twin: () => AwsTwin, fn: TwinFunction, label: string): Expectation {
    const bucket = fn.environment.BEDROCK_TENANCY_ARCHIVE_BUCKET;
    return {
        name: `${label} archives each record in ${bucket}, which refuses deleting it before its retention ends, even to the account's root`,
        run: async () => {
            const archived = twin().s3.records(bucket).find((o) => o.record.clientRequestId === "twin-buffered");
            check(archived, `no archived record of the buffered call in ${bucket} (objects: ${[...twin().s3.objects.keys()].join(", ") || "none"})`);
            const root = await twin().credentialsFor(`arn:aws:iam::${fn.account}:root`);
            const s3 = new S3Client({ region: "us-east-1", endpoint: twin().s3.url, forcePathStyle: true, credentials: root, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
            const refusal = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: archived.key, VersionId: archived.object.versionId })).then(() => undefined, (err: unknown) => err);
            check(refusal && (refusal as { name?: string }).name === "AccessDenied", `deleting the locked version ${refusal ? `failed with ${errorText(refusal)}` : "succeeded"}`);
        },
    };
}
