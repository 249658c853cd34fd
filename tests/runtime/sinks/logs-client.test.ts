import { strict as assert } from "assert";
import { Readable } from "stream";
import { CloudWatchLogsClient, PutLogEventsCommand, ResourceNotFoundException } from "@aws-sdk/client-cloudwatch-logs";
import { sinkLogsClient } from "../../../runtime/sinks/logs-client";

/** Answers in process and keeps each request's body as the bytes sent. */
function recordingHandler(reply: { status: number; body: string }) {
    const bodies: string[] = [];
    const handler = {
        handle: async (request: { body?: string | Uint8Array }) => {
            bodies.push(typeof request.body === "string" ? request.body : Buffer.from(request.body ?? "").toString("utf8"));
            return { response: { statusCode: reply.status, headers: { "content-type": "application/x-amz-json-1.1" }, body: Readable.from([Buffer.from(reply.body)]) } };
        },
    };
    return { bodies, handler };
}

const BASE = { region: "us-east-1", endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }, maxAttempts: 1 };

/** Lines as the runtime writes them, and what else a message may hold: quotes, escapes, controls, astral characters, U+2028. */
const MESSAGES = [
    JSON.stringify({ completion: { text: 'said "no"\n\tthen \\ left' }, metadata: { user: "é 😀 \u0001" }, tokens: [1, 2.5, 1e21] }),
    JSON.stringify({ text: "\ud800 lone, escaped by JSON" }),
    "\u2028\u2029 </script> \u007f plain",
    "",
];

describe("the CloudWatch Logs client the sink builds", () => {
    it("sends PutLogEvents bodies byte for byte as the SDK's default client does", async () => {
        const input = { logGroupName: "/tenant/audit", logStreamName: "bedrock-tenancy/host/1/ü", logEvents: MESSAGES.map((message, i) => ({ timestamp: 1_700_000_000_000 + i, message })) };
        const ok = { status: 200, body: '{"nextSequenceToken":"1"}' };
        const byDefault = recordingHandler(ok);
        const bySink = recordingHandler(ok);
        await new CloudWatchLogsClient({ ...BASE, requestHandler: byDefault.handler as never }).send(new PutLogEventsCommand(input));
        await sinkLogsClient({ ...BASE, requestHandler: bySink.handler as never }).send(new PutLogEventsCommand(input));
        assert.equal(bySink.bodies.length, 1);
        assert.equal(bySink.bodies[0], byDefault.bodies[0]);
        assert.deepEqual(JSON.parse(bySink.bodies[0]), input);
    });

    it("still reads the service's errors as their modelled types", async () => {
        const missing = recordingHandler({ status: 400, body: '{"__type":"ResourceNotFoundException","message":"The specified log stream does not exist."}' });
        const client = sinkLogsClient({ ...BASE, requestHandler: missing.handler as never });
        await assert.rejects(client.send(new PutLogEventsCommand({ logGroupName: "/g", logStreamName: "s", logEvents: [{ timestamp: 1, message: "m" }] })), (err: unknown) => {
            assert.ok(err instanceof ResourceNotFoundException, String(err));
            assert.equal((err as Error).message, "The specified log stream does not exist.");
            return true;
        });
    });
});
