/**
 * Worker of the per-call CPU figure: the logged model against a bare one
 * (and against the bare one given the logged call's metadata, and the bare
 * one on the Bedrock client the runtime builds), with the AWS
 * clients answered in process by request handlers that return canned replies
 * (no socket, no server), so what is timed is the client's own work. Every
 * call still goes through the SDK (serialization, signing, parsing) and
 * LangChain; each reply comes on a later turn of the event loop, as a
 * network reply would. One more pair leaves the Bedrock SDK out: its
 * client's `send` answers the canned reply on the next turn, so only
 * LangChain and, on the logged side, the audit (the model's own work, the
 * record, its chain and its upload through the CloudWatch Logs SDK) are
 * timed, without the Bedrock SDK's work and garbage, whose noise between
 * processes is larger than a few microseconds of the audit's.
 */
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { ChatBedrockConverse } from "@langchain/aws";
import { Readable } from "stream";
import { AuditedChatBedrockConverse } from "../../runtime/audited-chat-model";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { cachingBedrockClient } from "../../runtime/wiring/ops-bedrock-client";
import { CloudWatchLogsSink } from "../../runtime/sinks/cloudwatch-logs-sink";
import { sinkLogsClient } from "../../runtime/sinks/logs-client";
import { HAIKU } from "../../testing/runtime-fixtures";
import { reply } from "../child";
import type { ConcurrencyParams } from "./concurrency";
import { callMetadata, messages } from "./runtime-rig";

export const SETUPS = ["bare", "bare-metadata", "bare-runtime-client", "logged", "bare-sdk-free", "logged-sdk-free"] as const;
export type Setup = (typeof SETUPS)[number];
/**
 * What a process measures against bare: the logged model, the bare model
 * given the logged call's metadata (what LangChain does with metadata when
 * it is handed it, which the audited model spares a call no handler sees),
 * or the bare model on the client the runtime
 * builds (its calls without a signal reuse the SDK's handler); or the
 * logged model without the Bedrock SDK, against the bare one without it.
 * Two setups per process, as the concurrency
 * section's: a third would always run beside the same neighbour and inherit
 * its garbage.
 */
export type Compared = Exclude<Setup, "bare" | "bare-sdk-free">;

/** What `compared` is measured against in its process. */
export function baseOf(compared: Compared): Setup {
    return compared === "logged-sdk-free" ? "bare-sdk-free" : "bare";
}

/** As the concurrency benchmark's: blocks of rounds of `concurrency` calls, each block's first round untimed. */
export type CallCostParams = ConcurrencyParams;

export interface CallCostSamples {
    /** Per setup, one figure per measured block: CPU time per call in µs (the block's time over its timed calls). */
    usPerCall: Record<Setup, number[]>;
    /** Calls answered with the canned reply's text, per setup: a broken setup must not pass for a fast one. */
    answered: Record<Setup, number>;
    /** Records the logged setup's sink delivered (none when it was not compared). */
    recordsDelivered: number;
    lost: number;
}

const REPLY_TEXT = "ok";
const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
let served = 0;

/** A Converse reply as Bedrock sends it, a new body per call as a socket would deliver. */
const bedrockHandler = {
    handle: async () => {
        const requestId = `req-${++served}`;
        await nextTurn();
        const body = { output: { message: { role: "assistant", content: [{ text: REPLY_TEXT }] } }, stopReason: "end_turn", usage: { inputTokens: 23, outputTokens: 5, totalTokens: 28 }, metrics: { latencyMs: 42 } };
        return { response: { statusCode: 200, headers: { "content-type": "application/json", "x-amzn-requestid": requestId }, body: Readable.from([Buffer.from(JSON.stringify(body))]) } };
    },
};

const logsHandler = {
    handle: async () => {
        await nextTurn();
        return { response: { statusCode: 200, headers: { "content-type": "application/x-amz-json-1.1" }, body: Readable.from([Buffer.from('{"nextSequenceToken":"1"}')]) } };
    },
};

const BEDROCK_CONFIG = { region: "us-east-1", endpoint: "http://127.0.0.1:9", credentials: CREDENTIALS, requestHandler: bedrockHandler as never };

function bedrockClient(): BedrockRuntimeClient {
    return new BedrockRuntimeClient(BEDROCK_CONFIG);
}

/** A client whose `send` skips the SDK: the Converse reply as the SDK would give it, on the next turn. */
function sdkFreeClient(): BedrockRuntimeClient {
    const client = bedrockClient();
    const send = async () => {
        const requestId = `req-${++served}`;
        await nextTurn();
        return {
            output: { message: { role: "assistant", content: [{ text: REPLY_TEXT }] } },
            stopReason: "end_turn",
            usage: { inputTokens: 23, outputTokens: 5, totalTokens: 28 },
            metrics: { latencyMs: 42 },
            $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 },
        };
    };
    return Object.assign(client, { send });
}

function setups() {
    const quiet = () => undefined;
    // The client the sink builds for itself, answered in process.
    const logsClient = sinkLogsClient({ region: "us-east-1", endpoint: "http://127.0.0.1:9", credentials: CREDENTIALS, maxAttempts: 1, requestHandler: logsHandler as never });
    const sink = new CloudWatchLogsSink({ logGroupName: "/bench/audit", logStreamName: "bench/call-cost", client: logsClient, flushOnExit: false, onWarning: quiet });
    const logger = new PrivateInvocationLogger({ sink, tenantId: "bench-ecs", region: "us-east-1", onWarning: quiet });
    const bare = new ChatBedrockConverse({ model: HAIKU, region: "us-east-1", client: bedrockClient() });
    const bareWithMetadata = new ChatBedrockConverse({ model: HAIKU, region: "us-east-1", client: bedrockClient() });
    const bareOnRuntimeClient = new ChatBedrockConverse({ model: HAIKU, region: "us-east-1", client: cachingBedrockClient(BEDROCK_CONFIG) });
    const logged = new AuditedChatBedrockConverse({ model: HAIKU, region: "us-east-1", client: bedrockClient(), auditLogger: logger });
    const bareSdkFree = new ChatBedrockConverse({ model: HAIKU, region: "us-east-1", client: sdkFreeClient() });
    const loggedSdkFree = new AuditedChatBedrockConverse({ model: HAIKU, region: "us-east-1", client: sdkFreeClient(), auditLogger: logger });
    const run: Record<Setup, (i: number) => Promise<{ text: string }>> = {
        bare: () => bare.invoke(messages()),
        "bare-metadata": (i) => bareWithMetadata.invoke(messages(), { metadata: callMetadata(i) }),
        "bare-runtime-client": () => bareOnRuntimeClient.invoke(messages()),
        logged: (i) => logged.invoke(messages(), { metadata: callMetadata(i) }),
        "bare-sdk-free": () => bareSdkFree.invoke(messages()),
        "logged-sdk-free": (i) => loggedSdkFree.invoke(messages(), { metadata: callMetadata(i) }),
    };
    return { run, flush: () => logger.flush(), delivered: () => sink.stats().delivered, lost: () => sink.stats().lost + logger.stats().lost };
}

export async function measureCallCost(params: CallCostParams, compared: Compared): Promise<CallCostSamples> {
    const s = setups();
    const pair: Setup[] = [baseOf(compared), compared];
    const usPerCall = Object.fromEntries(SETUPS.map((setup) => [setup, [] as number[]])) as Record<Setup, number[]>;
    const answered = Object.fromEntries(SETUPS.map((setup) => [setup, 0])) as Record<Setup, number>;
    let nextCall = 0;
    const runRound = async (setup: Setup) => {
        const replies = await Promise.all(Array.from({ length: params.concurrency }, () => s.run[setup](nextCall++)));
        answered[setup] += replies.filter((r) => r.text === REPLY_TEXT).length;
    };
    for (let block = 0; block < params.warmupBlocks + params.blocks; block++) {
        for (const setup of block % 2 === 0 ? pair : [...pair].reverse()) {
            // Untimed: the garbage the other setup's block left is collected here, so each block pays for its own.
            await runRound(setup);
            const start = process.hrtime.bigint();
            for (let r = 1; r < params.roundsPerBlock; r++) await runRound(setup);
            // The block's records are uploaded within its time, in batches as the sink makes them.
            if (setup === "logged" || setup === "logged-sdk-free") await s.flush();
            const us = Number(process.hrtime.bigint() - start) / 1e3 / ((params.roundsPerBlock - 1) * params.concurrency);
            if (block >= params.warmupBlocks) usPerCall[setup].push(us);
        }
    }
    await s.flush();
    return { usPerCall, answered, recordsDelivered: s.delivered(), lost: s.lost() };
}

if (require.main === module) {
    measureCallCost(JSON.parse(process.argv[2]) as CallCostParams, process.argv[3] as Compared).then(reply, (err) => {
        console.error(err);
        process.exit(1);
    });
}
