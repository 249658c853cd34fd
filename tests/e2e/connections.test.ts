import { strict as assert } from "assert";
import { setEnv, useLocalAws, type LocalAws } from "../../testing/local-aws";
import { createTenantChatModel } from "../../runtime/tenant-chat-model";
import { CloudWatchLogsSink, DEFAULT_LOGS_REQUEST_TIMEOUT_MS } from "../../runtime/sinks/cloudwatch-logs-sink";
import { DEFAULT_BEDROCK_CONNECTION_TIMEOUT_MS, DEFAULT_BEDROCK_MAX_SOCKETS } from "../../runtime/wiring/ops-bedrock-client";
import { TENANT_ENV } from "../../testing/runtime-fixtures";
import { MemorySink } from "../support/memory-sink";
import { LOG_GROUP } from "../support/runtime-harness";

describe("connections: socket limits and timeouts (local Bedrock, STS and CloudWatch Logs)", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    /** Starts `calls` calls at once, each answered after `ms`; returns how many Bedrock had received when the first answer arrived. */
    async function arrivedBeforeFirstAnswer(calls: number, options: Record<string, unknown> = {}): Promise<number> {
        const model = createTenantChatModel({ sink: new MemorySink(), env: { ...aws.env, ...TENANT_ENV }, ...options });
        await model.invoke("warm up: the ops session is cached from here on");
        aws.bedrock.reset();
        aws.bedrock.faultFor = () => ({ kind: "slow", ms: 1500 });
        let arrived = -1;
        await Promise.all(
            Array.from({ length: calls }, () =>
                model.invoke("hello").then(() => {
                    if (arrived < 0) arrived = aws.bedrock.requests.length;
                }),
            ),
        );
        return arrived;
    }

    it(`sends 120 calls in flight to Bedrock at once with the default limit of ${DEFAULT_BEDROCK_MAX_SOCKETS} sockets, none queued behind the 50th`, async function () {
        this.timeout(30_000);
        assert.equal(await arrivedBeforeFirstAnswer(120), 120);
    });

    it("queues calls beyond a configured socket limit", async function () {
        this.timeout(30_000);
        const arrived = await arrivedBeforeFirstAnswer(40, { bedrockMaxSockets: 10 });
        assert.ok(arrived >= 10 && arrived < 40, `${arrived} calls reached Bedrock before the first answer`);
    });

    it(`gives each Bedrock attempt ${DEFAULT_BEDROCK_CONNECTION_TIMEOUT_MS} ms to connect, or the bedrockConnectionTimeoutMs given, where the SDK sets no limit`, async () => {
        for (const [given, expected] of [[undefined, DEFAULT_BEDROCK_CONNECTION_TIMEOUT_MS], [750, 750]] as const) {
            const model = createTenantChatModel({ sink: new MemorySink(), env: { ...aws.env, ...TENANT_ENV }, bedrockConnectionTimeoutMs: given });
            await model.invoke("hello");
            const handler = model.client.config.requestHandler as unknown as { httpHandlerConfigs(): { connectionTimeout?: number } };
            assert.equal(handler.httpHandlerConfigs().connectionTimeout, expected);
        }
    });

    it("refuses a connection timeout below 1, naming the option, before anything is built", () => {
        assert.throws(() => createTenantChatModel({ sink: new MemorySink(), env: { ...aws.env, ...TENANT_ENV }, bedrockConnectionTimeoutMs: 0 }), /bedrockConnectionTimeoutMs must be an integer >= 1, got 0/);
    });

    it("refuses a socket limit below 1, naming the option", () => {
        assert.throws(() => createTenantChatModel({ sink: new MemorySink(), env: { ...aws.env, ...TENANT_ENV }, bedrockMaxSockets: 0 }), /bedrockMaxSockets must be an integer >= 1, got 0/);
    });

    it("gives up on a CloudWatch Logs call that hangs, per attempt, instead of waiting on it", async function () {
        this.timeout(15_000);
        const restore = setEnv(aws.env);
        try {
            aws.logs.createLogGroup(LOG_GROUP);
            // A call that never answers: without a request timeout the write would wait for it.
            aws.logs.faultFor = () => ({ kind: "slow", ms: 600_000 });
            const sink = new CloudWatchLogsSink({ logGroupName: LOG_GROUP, requestTimeoutMs: 300, maxAttempts: 2, baseBackoffMs: 1, flushIntervalMs: 0, flushOnExit: false, onWarning: () => undefined });
            const record = { schemaType: "BedrockTenancyInvocationAudit", schemaVersion: "2.0", timestamp: new Date().toISOString(), outcome: "success", tenantId: "customer-a", input: {}, output: {}, estimatedCostUsd: null, contentMode: "none" } as const;

            await assert.rejects(sink.write(record), /PutLogEvents failed/);
            assert.equal(sink.stats().lost, 1);
            assert.ok(DEFAULT_LOGS_REQUEST_TIMEOUT_MS > 0);
        } finally {
            restore();
            aws.logs.faultFor = undefined;
        }
    });
});
