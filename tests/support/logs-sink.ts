import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { LocalLogsServer } from "../../testing/local-aws";
import { CloudWatchLogsSink, type CloudWatchLogsSinkOptions } from "../../runtime/sinks/cloudwatch-logs-sink";
import { AUDIT_SCHEMA_TYPE, AUDIT_SCHEMA_VERSION, type AuditRecord } from "../../contract";

export const LOGS_TEST_GROUP = "/bedrock-tenancy/customer-a/audit";

/** customer-a's record number `i`, stamped a second ago unless overridden. */
export function logsTestRecord(i: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
    return {
        schemaType: AUDIT_SCHEMA_TYPE,
        schemaVersion: AUDIT_SCHEMA_VERSION,
        timestamp: new Date(Date.now() - 1000).toISOString(),
        outcome: "success",
        tenantId: "customer-a",
        clientRequestId: `req-${i}`,
        input: {},
        output: {},
        estimatedCostUsd: null,
        contentMode: "none",
        ...overrides,
    };
}

/** A sink on the local CloudWatch Logs, one SDK attempt per send (the sink retries), no timer of its own in a test's time. */
export function localTestLogsSink(logs: LocalLogsServer, warnings: string[], options: Partial<CloudWatchLogsSinkOptions> = {}): CloudWatchLogsSink {
    return new CloudWatchLogsSink({
        logGroupName: LOGS_TEST_GROUP,
        logStreamName: "stream-1",
        client: new CloudWatchLogsClient({
            region: "us-east-1",
            endpoint: logs.url,
            credentials: { accessKeyId: "AKIDCUSTOMERA", secretAccessKey: "secret" },
            requestHandler: new NodeHttpHandler(),
            maxAttempts: 1,
        }),
        flushIntervalMs: 10_000,
        baseBackoffMs: 1,
        maxBackoffMs: 2,
        flushOnExit: false,
        onWarning: (m) => warnings.push(m),
        ...options,
    });
}

/**
 * A fresh local CloudWatch Logs with the test log group for each test of
 * the calling `describe`, the warnings of its sinks, and a sink on it.
 */
export function useLocalLogsSink(): { readonly logs: LocalLogsServer; warnings: string[]; sink(options?: Partial<CloudWatchLogsSinkOptions>): CloudWatchLogsSink } {
    let logs: LocalLogsServer | undefined;
    const warnings: string[] = [];
    beforeEach(async () => {
        logs = await new LocalLogsServer().start();
        logs.createLogGroup(LOGS_TEST_GROUP);
        warnings.length = 0;
    });
    afterEach(() => logs?.close());
    const current = () => {
        if (!logs) throw new Error("the local CloudWatch Logs runs only inside a test");
        return logs;
    };
    return {
        get logs() {
            return current();
        },
        warnings,
        sink: (options = {}) => localTestLogsSink(current(), warnings, options),
    };
}
