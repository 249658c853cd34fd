/**
 * Shared pieces of the reliability suite: a handler wired to the local AWS
 * servers with a chosen sink, a Lambda context with a real deadline, and
 * capture of everything a run prints.
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { CUSTOMER_ACCESS_KEY_ID, type LocalAws } from "../../testing/local-aws";
import { CloudWatchLogsSink, type CloudWatchLogsSinkOptions } from "../../runtime/sinks/cloudwatch-logs-sink";
import type { LambdaContextLike } from "../../runtime/lambda/handler";

export const LOG_GROUP = "/bedrock-tenancy/customer-a/audit";

/** Marks content that must never reach a log, a response or an error outside `full` mode. */
export const SENTINEL = "SENTINEL-4c1d-patient-Jane-Roe";

/** A Lambda context whose remaining time counts down from `ms` in real time. */
export function contextWithDeadline(ms: number): LambdaContextLike & { deadline: number } {
    const deadline = Date.now() + ms;
    return { deadline, getRemainingTimeInMillis: () => deadline - Date.now() };
}

/**
 * A CloudWatch Logs client for the local server, signed with the customer's
 * own fake key, making one attempt per call (the sink retries by itself).
 */
export function logsClient(aws: LocalAws, requestHandler: NodeHttpHandler = new NodeHttpHandler()): CloudWatchLogsClient {
    return new CloudWatchLogsClient({
        region: "us-east-1",
        endpoint: aws.logs.url,
        credentials: { accessKeyId: CUSTOMER_ACCESS_KEY_ID, secretAccessKey: "secret" },
        requestHandler,
        maxAttempts: 1,
    });
}

/** A sink into the local log group with millisecond backoff, so retries cost no real waiting. */
export function localLogsSink(aws: LocalAws, options: Partial<CloudWatchLogsSinkOptions> = {}): CloudWatchLogsSink {
    aws.logs.createLogGroup(LOG_GROUP);
    return new CloudWatchLogsSink({
        logGroupName: LOG_GROUP,
        client: logsClient(aws),
        flushIntervalMs: 0,
        baseBackoffMs: 1,
        maxBackoffMs: 2,
        flushOnExit: false,
        onWarning: () => undefined,
        ...options,
    });
}

/** The records stored in one stream of the local audit log group. */
export function streamRecords(aws: LocalAws, stream: string): Record<string, unknown>[] {
    return (aws.logs.groups.get(LOG_GROUP)?.get(stream) ?? []).map((e) => JSON.parse(e.message));
}

/**
 * An HTTP handler that tells the test about each refused connection, so the
 * test can bring the endpoint back after exactly `n` of them: "unreachable
 * for a while" without a clock.
 */
export class RefusalWatcher extends NodeHttpHandler {
    refused = 0;

    constructor(private readonly onRefused: (count: number) => Promise<void>) {
        super();
    }

    async handle(...args: Parameters<NodeHttpHandler["handle"]>): ReturnType<NodeHttpHandler["handle"]> {
        try {
            return await super.handle(...args);
        } catch (err) {
            if ((err as { code?: string }).code === "ECONNREFUSED") {
                await this.onRefused(++this.refused);
            }
            throw err;
        }
    }
}

/** Runs `fn` while collecting what it writes through `console` (Lambda forwards all of it to the log group). */
export async function capturingConsole<T>(fn: () => Promise<T>): Promise<{ result: T; printed: string }> {
    const methods = ["log", "info", "warn", "error", "debug"] as const;
    const saved = methods.map((m) => console[m]);
    const printed: string[] = [];
    methods.forEach((m) => {
        console[m] = (...args: unknown[]) => void printed.push(args.map((a) => (a instanceof Error ? `${a.name}: ${a.message} ${String(a.cause)}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
    try {
        return { result: await fn(), printed: printed.join("\n") };
    } finally {
        methods.forEach((m, i) => (console[m] = saved[i]));
    }
}
