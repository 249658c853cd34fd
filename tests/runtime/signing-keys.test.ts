import { strict as assert } from "assert";
import { Readable } from "stream";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { HumanMessage } from "@langchain/core/messages";
import { Sha256 } from "@smithy/core/checksum";
import { HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";
import { AuditedChatBedrockConverse } from "../../runtime/audited-chat-model";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { OwnKeyCacheSignatureV4, cachedSigningKey, deriveSigningKey } from "../../runtime/signing-keys";
import { CloudWatchLogsSink } from "../../runtime/sinks/cloudwatch-logs-sink";
import { sinkLogsClient } from "../../runtime/sinks/logs-client";
import { useLocalAws, type LocalAws } from "../../testing/local-aws";
import { HAIKU } from "../../testing/runtime-fixtures";

const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const DATE = new Date("2026-12-07T10:11:12Z");

function request(body: string): HttpRequest {
    return new HttpRequest({ method: "POST", protocol: "https:", hostname: "logs.eu-west-1.amazonaws.com", path: "/", headers: { host: "logs.eu-west-1.amazonaws.com", "content-type": "application/x-amz-json-1.1" }, body });
}

const authorization = (signed: { headers: Record<string, string> }) => signed.headers.authorization;

describe("the runtime's own AWS clients sign with a signing-key cache of their own", () => {
    it("signs every request exactly as the SDK's signer does, session token and a rotated secret included", async () => {
        const cases = [
            { credentials: CREDENTIALS, region: "eu-west-1", service: "logs" },
            { credentials: { ...CREDENTIALS, sessionToken: "FwoGZXIvYXdzEXAMPLE" }, region: "eu-west-1", service: "logs" },
            // The same key id with another secret: a key cached for the first must not sign for the second.
            { credentials: { ...CREDENTIALS, secretAccessKey: "rotated/K7MDENG+bPxRfiCYEXAMPLEKEY" }, region: "eu-west-1", service: "logs" },
            { credentials: CREDENTIALS, region: "us-east-1", service: "bedrock" },
        ];
        for (const { credentials, region, service } of cases) {
            const options = { credentials, region, service, sha256: Sha256 };
            const ours = await new OwnKeyCacheSignatureV4(options).sign(request(`{"n":1}`), { signingDate: DATE });
            const sdk = await new SignatureV4(options).sign(request(`{"n":1}`), { signingDate: DATE });
            assert.equal(authorization(ours), authorization(sdk), `${service} in ${region}`);
        }
    });

    it("derives the key of the SigV4 specification's example", () => {
        // AWS's published example: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215, us-east-1, iam.
        const key = deriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        assert.equal(Buffer.from(key).toString("hex"), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    });

    it("derives a scope's key once however many requests sign at once, and again for another day", () => {
        const first = cachedSigningKey(CREDENTIALS, "20261207", "eu-west-3", "logs");
        const again = Array.from({ length: 200 }, () => cachedSigningKey(CREDENTIALS, "20261207", "eu-west-3", "logs"));
        assert.ok(again.every((key) => key === first));
        const nextDay = cachedSigningKey(CREDENTIALS, "20261208", "eu-west-3", "logs");
        assert.notDeepEqual(Buffer.from(nextDay), Buffer.from(first));
        assert.deepEqual(Buffer.from(nextDay), Buffer.from(deriveSigningKey(CREDENTIALS.secretAccessKey, "20261208", "eu-west-3", "logs")));
    });

    describe("beside a caller's Bedrock client, under load (local Bedrock and CloudWatch Logs)", () => {
        let aws: LocalAws;
        const localAws = useLocalAws();
        before(() => {
            aws = localAws();
        });

        const CALLS = 200;
        // Credentials of this test alone: a key another test left in the SDK's cache would spare the first burst its misses.
        const BURST_CREDENTIALS = { accessKeyId: "AKIDBURSTEXAMPLE", secretAccessKey: "burst/K7MDENG+bPxRfiCYEXAMPLEKEY" };
        const cannedConverse = {
            handle: async () => {
                await new Promise((resolve) => setImmediate(resolve));
                const body = { output: { message: { role: "assistant", content: [{ text: "ok" }] } }, stopReason: "end_turn", usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 } };
                return { response: { statusCode: 200, headers: { "content-type": "application/json", "x-amzn-requestid": "canned" }, body: Readable.from([Buffer.from(JSON.stringify(body))]) } };
            },
        };

        it("the audit upload leaves the caller's client its cached key: two HMACs a call, not six", async () => {
            let hmacs = 0;
            // The SDK's own SHA-256, counting the HMACs it starts (a key given is an HMAC).
            class CountingSha256 extends Sha256 {
                constructor(secret?: unknown) {
                    super(secret as never);
                    if (secret !== undefined) hmacs++;
                }
            }
            // Answered in process, on the next turn, so that every call of a round signs before any derivation of the
            // key ends, as a burst of calls does at a service's start: more than 50 such misses fill the SDK's queue.
            const client = new BedrockRuntimeClient({ region: "us-east-1", endpoint: aws.bedrock.url, credentials: BURST_CREDENTIALS, sha256: CountingSha256, requestHandler: cannedConverse as never });
            aws.logs.createLogGroup("/signing/audit");
            const sink = new CloudWatchLogsSink({
                logGroupName: "/signing/audit",
                logStreamName: "signing",
                flushOnExit: false,
                client: sinkLogsClient({ region: "us-east-1", endpoint: aws.logs.url, credentials: BURST_CREDENTIALS, maxAttempts: 1 }),
            });
            const logger = new PrivateInvocationLogger({ sink, tenantId: "acme", region: "us-east-1" });
            const model = new AuditedChatBedrockConverse({ model: HAIKU, region: "us-east-1", client, auditLogger: logger });
            const round = async () => {
                await Promise.all(Array.from({ length: CALLS }, () => model.invoke([new HumanMessage("hi")])));
                await logger.flush();
            };
            // The first round derives the key in every call that starts before one derivation ends.
            await round();
            hmacs = 0;
            for (let r = 0; r < 3; r++) await round();

            assert.equal(sink.stats().delivered, 4 * CALLS);
            // One for the cache's lookup and one for the signature; six when the key is derived again.
            assert.equal(hmacs / (3 * CALLS), 2);
        });
    });
});
