import { strict as assert } from "assert";
import { hostname } from "os";
import { useLocalAws, CUSTOMER_ACCESS_KEY_ID, type LocalAws } from "../../testing/local-aws";
import { AUDIT_SCHEMA_TYPE } from "../../contract";
import { CloudWatchLogsSink } from "../../runtime/sinks/cloudwatch-logs-sink";
import { CONTEXT, EXTERNAL_ID, fastRetries, HAIKU, NOVA_LITE, NOVA_PROFILE_ARN, OPS_ROLE_ARN, UNPRICED, event, handlerWithCapture } from "../../testing/runtime-fixtures";

describe("Lambda handler end to end (local Bedrock, STS and CloudWatch Logs)", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    it("writes exactly one record with tokens, model, ids, latency and cost for a successful call", async () => {
        const { handler, stdout } = handlerWithCapture(aws.env, { safeMetadataKeys: ["ticket"] });

        const response = await handler(
            event({ requestId: "req-001", taskType: "summary", kbId: "KB12345678", metadata: { ticket: "T-9" } }),
            CONTEXT,
        );

        assert.deepEqual(response, {
            output: "ok",
            modelId: HAIKU,
            stopReason: "end_turn",
            usage: { inputTokens: 23, outputTokens: 5, totalTokens: 28 },
            requestId: "bedrock-req-1",
            clientRequestId: "req-001",
        });
        const records = stdout.records();
        assert.equal(records.length, 1);
        const { latencyMs, timestamp, callId, chain, ...rest } = records[0];
        assert.deepEqual([chain?.seq, chain?.prev, chain?.genesis?.instance], [0, null, `${hostname()}/${process.pid}`]);
        assert.ok(typeof latencyMs === "number" && latencyMs >= 0);
        assert.match(String(callId), /^[0-9a-f]{8}-[0-9a-f-]{27}$/);
        assert.ok(Math.abs(Date.parse(timestamp) - Date.now()) < 60_000);
        assert.deepEqual(rest, {
            schemaType: AUDIT_SCHEMA_TYPE,
            schemaVersion: "2.0",
            outcome: "success",
            tenantId: "customer-a",
            userId: "user-17",
            applicationId: "claims-app",
            clientRequestId: "req-001",
            taskType: "summary",
            kbId: "KB12345678",
            modelId: HAIKU,
            region: "us-east-1",
            operation: "Converse",
            requestId: "bedrock-req-1",
            input: { inputTokenCount: 23, inputCharCount: 23 },
            output: { outputTokenCount: 5, outputCharCount: 2 },
            totalTokenCount: 28,
            bedrockLatencyMs: 42,
            stopReason: "end_turn",
            attempts: 1,
            // Claude 3 Haiku: $0.00025 per 1k input tokens, $0.00125 per 1k output tokens.
            estimatedCostUsd: 0.000012,
            contentMode: "none",
            metadata: { ticket: "T-9" },
        });
        const opsSide = [...aws.bedrock.requests, ...aws.sts.requests].map((r) => r.body).join("\n");
        assert.ok(!opsSide.includes(AUDIT_SCHEMA_TYPE), "an audit record reached the ops side");
        assert.ok(!opsSide.includes("claims-app"), "caller ids reached the ops side");
    });

    it("records a null cost for a model without a price", async () => {
        const { handler, stdout } = handlerWithCapture(aws.env);
        await handler(event({ modelId: UNPRICED }), CONTEXT);
        assert.equal(stdout.records()[0].estimatedCostUsd, null);
        assert.equal(stdout.records()[0].input.inputTokenCount, 23);
    });

    it("invokes the routed inference profile and records both the model and the profile", async () => {
        const { handler, stdout } = handlerWithCapture(aws.env);
        await handler(event({ modelId: NOVA_LITE }), CONTEXT);
        assert.equal(aws.bedrock.calls[0].modelId, NOVA_PROFILE_ARN);
        const [record] = stdout.records();
        assert.equal(record.modelId, NOVA_LITE);
        assert.equal(record.invokedModelId, NOVA_PROFILE_ARN);
        // Nova Lite: $0.00006 in, $0.00024 out per 1k tokens.
        assert.equal(record.estimatedCostUsd, (23 * 0.00006 + 5 * 0.00024) / 1000);
    });

    it("signs Bedrock calls with the ops session and log writes with the customer's own key", async () => {
        const logGroupName = "/bedrock-tenancy/customer-a/audit";
        aws.logs.createLogGroup(logGroupName);
        const sink = new CloudWatchLogsSink({ logGroupName, flushIntervalMs: 0, flushOnExit: false, onWarning: () => undefined });
        const { handler } = handlerWithCapture(aws.env, { sink });

        await handler(event(), CONTEXT);

        assert.deepEqual(aws.bedrock.requests.map((r) => r.accessKeyId), ["ASIAOPSSESSION1"]);
        assert.ok(aws.logs.requests.length >= 2);
        assert.deepEqual(new Set(aws.logs.requests.map((r) => r.accessKeyId)), new Set([CUSTOMER_ACCESS_KEY_ID]));
        assert.equal(aws.logs.records(logGroupName).length, 1);
        assert.deepEqual(aws.sts.assumeRoleCalls.map(({ issuedAccessKeyId, ...call }) => call), [
            {
                roleArn: OPS_ROLE_ARN,
                externalId: EXTERNAL_ID,
                roleSessionName: "bedrock-tenancy-customer-a",
                durationSeconds: 3600,
                tags: [{ Key: "TenantId", Value: "customer-a" }],
                accessKeyId: CUSTOMER_ACCESS_KEY_ID,
            },
        ]);
    });

    it("delivers the CloudWatch Logs record before the invocation returns, without waiting out the flush interval", async () => {
        const logGroupName = "/bedrock-tenancy/customer-a/audit-flush";
        aws.logs.createLogGroup(logGroupName);
        // An hour-long interval: only the handler's own flush can send the record within the test timeout.
        const sink = new CloudWatchLogsSink({ logGroupName, flushIntervalMs: 3600_000, flushOnExit: false, onWarning: () => undefined });
        const { handler } = handlerWithCapture(aws.env, { sink });

        await handler(event({ requestId: "prompt-flush" }), CONTEXT);

        assert.deepEqual(aws.logs.records(logGroupName).map((r) => r.clientRequestId), ["prompt-flush"]);
        assert.deepEqual(sink.stats(), { delivered: 1, lost: 0, rejected: 0, pending: 0 });
    });

    it("makes one AssumeRole call for ten warm invocations", async () => {
        const { handler } = handlerWithCapture(aws.env);
        for (let i = 0; i < 10; i++) {
            const response = await handler(event({ requestId: `warm-${i}` }), CONTEXT);
            assert.ok("output" in response);
        }
        assert.equal(aws.sts.assumeRoleCalls.length, 1);
        assert.equal(aws.bedrock.calls.length, 10);
    });

    it("assumes the role again once the session is within five minutes of expiry", async () => {
        aws.sts.credentialLifetimeMs = 4 * 60_000;
        const { handler } = handlerWithCapture(aws.env);
        await handler(event(), CONTEXT);
        const callsWhileExpiring = aws.sts.assumeRoleCalls.length;
        aws.sts.credentialLifetimeMs = 3600_000;

        await handler(event(), CONTEXT);
        await handler(event(), CONTEXT);

        assert.equal(aws.sts.assumeRoleCalls.length, callsWhileExpiring + 1);
        const fresh = aws.sts.assumeRoleCalls[callsWhileExpiring].issuedAccessKeyId;
        assert.deepEqual(aws.bedrock.requests.slice(1).map((r) => r.accessKeyId), [fresh, fresh]);
    });

    it("tags the session with the user when configured, one session per user", async () => {
        const { handler } = handlerWithCapture(aws.env, { sessionUserTag: true });
        await handler(event({ userId: "alice" }), CONTEXT);
        await handler(event({ userId: "bob" }), CONTEXT);
        await handler(event({ userId: "alice" }), CONTEXT);
        assert.deepEqual(aws.sts.assumeRoleCalls.map((c) => c.tags), [
            [{ Key: "TenantId", Value: "customer-a" }, { Key: "UserId", Value: "alice" }],
            [{ Key: "TenantId", Value: "customer-a" }, { Key: "UserId", Value: "bob" }],
        ]);
    });

    it("retries a throttled call per the client settings and records throttled: true when it fails", async () => {
        aws.bedrock.failNext({ kind: "throttle" }, { kind: "throttle" }, { kind: "throttle" }, { kind: "throttle" });
        const { handler, stdout } = handlerWithCapture(aws.env, { bedrockClientConfig: fastRetries(3) });

        const response = await handler(event(), CONTEXT);

        assert.equal(aws.bedrock.requests.length, 3);
        assert.deepEqual(response, { error: { code: "ModelThrottled", message: "ThrottlingException (HTTP 429)" } });
        const [record] = stdout.records();
        assert.equal(record.outcome, "error");
        assert.equal(record.throttled, true);
        assert.equal(record.errorCode, "ThrottlingException");
        assert.equal(record.httpStatusCode, 429);
        assert.equal(record.attempts, 3);
        assert.equal(record.estimatedCostUsd, null);
    });

    it("makes only as many attempts as bedrockMaxAttempts allows", async () => {
        aws.bedrock.failNext({ kind: "throttle" });
        const { handler, stdout } = handlerWithCapture(aws.env, { bedrockMaxAttempts: 1, bedrockClientConfig: {} });
        await handler(event(), CONTEXT);
        assert.equal(aws.bedrock.requests.length, 1);
        assert.equal(stdout.records()[0].attempts, 1);
    });

    it("succeeds after a throttled attempt and records the attempts", async () => {
        aws.bedrock.failNext({ kind: "throttle" });
        const { handler, stdout } = handlerWithCapture(aws.env);
        const response = await handler(event(), CONTEXT);
        assert.ok("output" in response);
        assert.equal(stdout.records()[0].attempts, 2);
        assert.equal(stdout.records()[0].outcome, "success");
    });

    it("stops the model call before the deadline and still writes the record", async () => {
        aws.bedrock.failNext({ kind: "slow", ms: 5000 });
        const { handler, stdout } = handlerWithCapture(aws.env, { deadlineMarginMs: 100 });

        const response = await handler(event(), { getRemainingTimeInMillis: () => 400 });

        assert.deepEqual(response, { error: { code: "DeadlineExceeded", message: "the model call was stopped before the function's deadline" } });
        const [record] = stdout.records();
        assert.equal(record.outcome, "error");
        assert.ok(record.latencyMs! < 5000, `latency ${record.latencyMs}`);
        assert.equal(handler.logger.stats().activeRuns, 0);
    });

    it("returns no completion when the record cannot be written in fail-closed mode", async () => {
        const { handler } = handlerWithCapture(aws.env, {
            auditMode: "fail-closed",
            sink: { write: async () => Promise.reject(new Error("log group unavailable")), flush: async () => undefined, stats: () => ({ delivered: 0, lost: 1, rejected: 0, pending: 0 }) },
        });
        const response = await handler(event(), CONTEXT);
        // The write-ahead record failed, so Bedrock was never asked.
        assert.equal(aws.bedrock.calls.length, 0);
        assert.deepEqual(response, { error: { code: "AuditUnavailable", message: "the audit record could not be written, so no completion is returned" } });
    });

    it("returns the completion and counts the lost record in best-effort mode", async () => {
        const { handler } = handlerWithCapture(aws.env, {
            sink: { write: async () => Promise.reject(new Error("log group unavailable")), flush: async () => undefined, stats: () => ({ delivered: 0, lost: 1, rejected: 0, pending: 0 }) },
        });
        const response = await handler(event(), CONTEXT);
        assert.ok("output" in response && response.output === "ok");
        assert.equal(handler.logger.stats().lost, 1);
    });
});
