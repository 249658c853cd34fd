import { strict as assert } from "assert";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { ChainingSink, type ChainingSinkOptions } from "../../runtime/sinks/chaining-sink";
import { CloudWatchLogsSink, type CloudWatchLogsSinkOptions } from "../../runtime/sinks/cloudwatch-logs-sink";
import { StdoutSink } from "../../runtime/sinks/stdout-sink";
import { CapturedStdout } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";
import { assertRejects } from "../support/argument-errors";

const fakeLogsClient = { send: async () => ({}) };

describe("bad arguments of the sinks", () => {
    describe("StdoutSink", () => {
        const cases: [string, unknown, string, string][] = [
            ["options null", null, "StdoutSink options", "null"],
            ["options a number", 5, "StdoutSink options", "5"],
            ["stream without write()", { stream: {} }, "stream", "{}"],
            ["stream a string", { stream: "stdout" }, "stream", '"stdout"'],
            ["stream whose write is no function", { stream: { write: true } }, "stream", "write()"],
            ["maxAttempts 0", { maxAttempts: 0 }, "maxAttempts", "0"],
            ["maxAttempts a string", { maxAttempts: "2" }, "maxAttempts", '"2"'],
        ];
        for (const [what, options, name, shown] of cases) {
            it(`refuses ${what}`, () => assertRejects(() => new StdoutSink(options as never), name, shown));
        }

        it("still takes a writable stream, and no options at all", async () => {
            const stream = new CapturedStdout();
            const logger = new PrivateInvocationLogger({ sink: new StdoutSink({ stream, maxAttempts: 1 }), tenantId: "customer-a", onWarning: () => undefined });
            await logger.logRejection({ ids: {}, errorCode: "InvalidField", errorMessage: "bad" });
            await logger.flush();
            assert.ok(stream.text.length >= 1);
            assert.ok(new StdoutSink() instanceof StdoutSink);
            assert.ok(new StdoutSink({}) instanceof StdoutSink);
        });
    });

    describe("CloudWatchLogsSink", () => {
        const base: CloudWatchLogsSinkOptions = { logGroupName: "/audit/customer-a", flushOnExit: false, client: fakeLogsClient as never };
        const cases: [string, Record<string, unknown> | null, string, string][] = [
            ["options null", null, "CloudWatchLogsSink options", "null"],
            ["a client without send()", { client: {} }, "client", "{}"],
            ["a client that is a string", { client: "logs" }, "client", '"logs"'],
            ["region a number", { client: undefined, region: 42 }, "region", "42"],
            ["region an empty string", { client: undefined, region: "" }, "region", '""'],
            ["region not a Region", { client: undefined, region: "mars" }, "region", '"mars"'],
            ["onWarning a number", { onWarning: 1 }, "onWarning", "1"],
            ["onWarning a string", { onWarning: "log" }, "onWarning", '"log"'],
            ["flushOnExit a string", { flushOnExit: "yes" }, "flushOnExit", '"yes"'],
            ["logStreamName a number", { logStreamName: 42 }, "logStreamName", "42"],
            ["maxBackoffMs under baseBackoffMs", { baseBackoffMs: 5000, maxBackoffMs: 1 }, "maxBackoffMs", "1"],
            ["maxAttempts 0", { maxAttempts: 0 }, "maxAttempts", "0"],
            // Zero would turn the timeout off, and a silent endpoint would hold the sink's writes for good.
            ["requestTimeoutMs 0", { requestTimeoutMs: 0 }, "requestTimeoutMs", "0"],
            ["connectionTimeoutMs 0", { connectionTimeoutMs: 0 }, "connectionTimeoutMs", "0"],
            // Values JSON cannot write (a bigint) are shown, not thrown over.
            ["maxAttempts a bigint", { maxAttempts: 3n }, "maxAttempts", "3n"],
            ["logGroupName a bigint", { logGroupName: 3n }, "logGroupName", "3n"],
        ];
        for (const [what, overrides, name, shown] of cases) {
            it(`refuses ${what}`, () => assertRejects(() => new CloudWatchLogsSink((overrides === null ? null : { ...base, ...overrides }) as never), name, shown));
        }

        it("still takes good values, and builds its own client without one", async () => {
            const warnings: string[] = [];
            const sink = new CloudWatchLogsSink({ ...base, region: "eu-west-1", onWarning: (m) => warnings.push(m), baseBackoffMs: 5, maxBackoffMs: 5, flushOnExit: false });
            await sink.close();
            const own = new CloudWatchLogsSink({ logGroupName: "/audit/customer-a", region: "us-east-1", flushOnExit: false });
            await own.close();
            assert.deepEqual(warnings, []);
        });
    });

    describe("the hash chain's options (PrivateInvocationLogger's chain)", () => {
        const base = (): ChainingSinkOptions => ({ sink: new MemorySink(), tenantId: "customer-a", onWarning: () => undefined });
        const cases: [string, Record<string, unknown>, string, string][] = [
            ["checkpoints without writeCheckpoint()", { checkpoints: {} }, "chain.checkpoints", "{}"],
            ["checkpoints a string", { checkpoints: "s3" }, "chain.checkpoints", '"s3"'],
            ["env a string", { env: "production" }, "chain.env", '"production"'],
            ["env null", { env: null }, "chain.env", "null"],
            ["checkpointEveryRecords 0", { checkpointEveryRecords: 0 }, "checkpointEveryRecords", "0"],
        ];
        for (const [what, overrides, name, shown] of cases) {
            it(`refuses ${what}`, () => assertRejects(() => new ChainingSink({ ...base(), ...overrides }), name, shown));
        }

        it("refuses a bad checkpoint store given to the logger, at construction", () => {
            assertRejects(() => new PrivateInvocationLogger({ sink: new MemorySink(), tenantId: "customer-a", chain: { checkpoints: {} as never } }), "chain.checkpoints", "{}");
        });

        it("still takes a checkpoint store and an environment", () => {
            const sink = new ChainingSink({ ...base(), checkpoints: { writeCheckpoint: async () => undefined }, env: { AWS_LAMBDA_FUNCTION_NAME: "f" } });
            assert.ok(sink.writer.length > 0);
        });
    });
});
