import { strict as assert } from "assert";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { CONTEXT, EXTERNAL_ID, event, handlerWithCapture } from "../../testing/runtime-fixtures";
import { capturingConsole } from "../support/runtime-harness";

describe("STS faults: what the caller gets and what is recorded", () => {
    let aws: LocalAws;
    const localAws = useLocalAws();
    before(() => {
        aws = localAws();
    });

    /** One invocation, with everything it answered, recorded, warned and printed. */
    async function invokeOnce(handlerOptions: Parameters<typeof handlerWithCapture>[1] = {}) {
        const warnings: string[] = [];
        const { handler, stdout } = handlerWithCapture(aws.env, { onWarning: (m) => warnings.push(m), ...handlerOptions });
        const { result: response, printed } = await capturingConsole(() => handler(event({ requestId: "req-sts" }), CONTEXT));
        return { handler, response, records: stdout.records(), everything: [JSON.stringify(response), stdout.all(), warnings.join("\n"), printed].join("\n") };
    }

    it("answers a refused AssumeRole (wrong ExternalId) with a model error, records it, and never repeats the ExternalId", async () => {
        aws.sts.requiredExternalId = "ext-the-ops-side-expects";

        const { handler, response, records, everything } = await invokeOnce();

        assert.deepEqual(response, { error: { code: "ModelError", message: "AccessDenied (HTTP 403)" } });
        assert.equal(aws.bedrock.requests.length, 0, "Bedrock was called without an ops session");
        assert.equal(records.length, 1);
        assert.equal(records[0].outcome, "error");
        assert.equal(records[0].errorCode, "AccessDenied");
        assert.equal(records[0].clientRequestId, "req-sts");
        // What failed is STS's AssumeRole, under STS's request id; `requestId` stays Bedrock's alone.
        assert.equal(records[0].operation, "AssumeRole");
        assert.equal(records[0].stsRequestId, "sts-err");
        assert.equal(records[0].requestId, undefined);
        // Control: the refusal sent back by STS quotes the ExternalId the runtime sent.
        assert.ok(aws.sts.requests.some((r) => r.body.includes(EXTERNAL_ID)));
        assert.ok(!everything.includes(EXTERNAL_ID), "the ExternalId reached a response, record, warning or console line");
        assert.equal(handler.logger.stats().activeRuns, 0);
    });

    it("recovers from one throttled AssumeRole: the call succeeds and is recorded once", async () => {
        aws.sts.failNext({ kind: "throttle" });

        const { response, records, everything } = await invokeOnce();

        assert.ok("output" in response, JSON.stringify(response));
        assert.equal(aws.sts.requests.length, 2);
        assert.equal(aws.sts.assumeRoleCalls.length, 1);
        assert.deepEqual(records.map((r) => r.outcome), ["success"]);
        assert.ok(!everything.includes(EXTERNAL_ID));
    });

    it("answers persistent AssumeRole throttling as throttled and records it as throttled", async () => {
        aws.sts.faultFor = () => ({ kind: "throttle" });

        const { response, records, everything } = await invokeOnce();

        assert.ok("error" in response);
        assert.deepEqual(response.error, { code: "ModelThrottled", message: "Throttling (HTTP 400)" });
        assert.equal(aws.bedrock.requests.length, 0);
        assert.equal(records.length, 1);
        assert.equal(records[0].errorCode, "Throttling");
        assert.equal(records[0].throttled, true);
        assert.deepEqual([records[0].operation, records[0].requestId], ["AssumeRole", undefined]);
        assert.ok(!everything.includes(EXTERNAL_ID));
    });

    it("assumes the role again when the session expires between two calls, never signing with the expired key", async () => {
        // Sessions of 4 minutes are inside the SDK's 5-minute refresh window from the start.
        aws.sts.credentialLifetimeMs = 4 * 60_000;
        const { handler, stdout } = handlerWithCapture(aws.env);
        const first = await handler(event({ requestId: "before-expiry" }), CONTEXT);
        const expired = aws.sts.assumeRoleCalls.map((c) => c.issuedAccessKeyId);
        expired.forEach((key) => aws.bedrock.expiredKeys.add(key));
        aws.sts.credentialLifetimeMs = 3600_000;
        const bedrockRequestsBefore = aws.bedrock.requests.length;

        const second = await handler(event({ requestId: "after-expiry" }), CONTEXT);

        assert.ok("output" in first && "output" in second, JSON.stringify(second));
        assert.equal(aws.sts.assumeRoleCalls.length, expired.length + 1);
        const fresh = aws.sts.assumeRoleCalls.at(-1)!.issuedAccessKeyId;
        assert.ok(!expired.includes(fresh));
        assert.deepEqual(aws.bedrock.requests.slice(bedrockRequestsBefore).map((r) => r.accessKeyId), [fresh]);
        assert.deepEqual(stdout.records().map((r) => [r.clientRequestId, r.outcome]), [["before-expiry", "success"], ["after-expiry", "success"]]);
    });

    it("answers a session Bedrock refuses as expired with a model error and records it", async () => {
        const { handler, stdout } = handlerWithCapture(aws.env);
        await handler(event(), CONTEXT);
        aws.bedrock.expiredKeys.add(aws.sts.assumeRoleCalls[0].issuedAccessKeyId);

        const response = await handler(event({ requestId: "expired" }), CONTEXT);

        assert.deepEqual(response, { error: { code: "ModelError", message: "ExpiredTokenException (HTTP 403)" } });
        const last = stdout.records().at(-1)!;
        assert.deepEqual([last.clientRequestId, last.outcome, last.errorCode], ["expired", "error", "ExpiredTokenException"]);
    });
});
