/**
 * What the runtime benchmarks share: the local AWS stand-ins (in this
 * process), an environment that points every SDK client at them with fake
 * credentials, and the setups compared: the real Lambda handler with either
 * sink, the library on a shared model (the ECS use), and a bare model.
 */
import { fork } from "child_process";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { ChatBedrockConverse } from "@langchain/aws";
import { HumanMessage } from "@langchain/core/messages";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { sessionName } from "../../runtime/wiring/ops-credentials";
import { AuditedChatBedrockConverse } from "../../runtime/audited-chat-model";
import { createHandler, type HandlerOptions, type LambdaContextLike, type RuntimeHandler } from "../../runtime/lambda/handler";
import { DEFAULT_BEDROCK_MAX_SOCKETS, cachingBedrockClient } from "../../runtime/wiring/ops-bedrock-client";
import { PrivateInvocationLogger } from "../../runtime/private-invocation-logger";
import { CloudWatchLogsSink } from "../../runtime/sinks/cloudwatch-logs-sink";
import { setEnv, startLocalAws, type LocalAws } from "../../testing/local-aws";
import { HAIKU, TENANT_ENV } from "../../testing/runtime-fixtures";
import { opsRoleName } from "../../contract";

export const PROMPT = "Summarise the contract.";
export const LOG_GROUP = "/bedrock-tenancy/bench/audit";
export const CONTEXT: LambdaContextLike = { getRemainingTimeInMillis: () => 30_000 };
/** Fake ops-session keys for the bare model: it skips STS, as a caller holding credentials would. */
const BARE_CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
const quiet = () => undefined;

export interface Rig {
    aws: LocalAws;
    /** The event the handler gets: the same prompt the bare model sends. */
    event(i: number): Record<string, unknown>;
    /** The deployed Lambda's handler: records go to process.stdout (the Lambda sink). */
    lambdaHandler(tenantId: string): RuntimeHandler;
    /** The same handler writing through a CloudWatch Logs sink (flushed after every invocation). */
    cloudWatchHandler(tenantId: string, options?: Partial<HandlerOptions>): { handler: RuntimeHandler; sink: CloudWatchLogsSink };
    /** A model with nothing attached, called with the same messages. */
    bareModel(): ChatBedrockConverse;
    /**
     * One logger shared by every call on one model: how an ECS service uses
     * the library. `model` records its own calls (the model
     * `createTenantChatModel` builds); `plain` is a ChatBedrockConverse to
     * attach the logger to as a callback.
     */
    sharedLogger(tenantId: string, flushIntervalMs?: number, options?: { runtimeClient?: boolean }): { model: AuditedChatBedrockConverse; plain: ChatBedrockConverse; logger: PrivateInvocationLogger; sink: CloudWatchLogsSink };
    /** Events the Logs stand-in stored in the benchmark's log group, wherever it runs. */
    storedLogEvents(): Promise<number>;
    close(): Promise<void>;
}

export interface RigOptions {
    /**
     * The compiled CloudWatch Logs stand-in to run in a process of its own
     * (bench/workers/logs-stand-in.ts): every sink then sends there, and its
     * parsing and storing stay off this process's CPU. Unset: in this process.
     */
    logsProcess?: string;
}

/** The Logs stand-in in its own process; resolves once it listens. */
async function logsElsewhere(script: string): Promise<{ url: string; stored(): Promise<number>; close(): void }> {
    const child = fork(script, [LOG_GROUP], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    const next = <T>(): Promise<T> =>
        new Promise<T>((resolve, reject) => {
            const exited = (code: number | null) => reject(new Error(`the Logs stand-in exited with ${code}`));
            // Each answer leaves no listener behind.
            child.once("message", (m) => {
                child.off("exit", exited);
                resolve(m as T);
            });
            child.once("exit", exited);
        });
    const { url } = await next<{ url: string }>();
    return {
        url,
        stored: async () => {
            const answer = next<{ stored: number }>();
            child.send("stored");
            return (await answer).stored;
        },
        close: () => child.disconnect(),
    };
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
    const aws = await startLocalAws();
    const elsewhere = options.logsProcess ? await logsElsewhere(options.logsProcess) : undefined;
    setEnv({ ...aws.env, ...TENANT_ENV, ...(elsewhere ? { AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: elsewhere.url } : {}) });
    aws.logs.createLogGroup(LOG_GROUP);
    const cloudWatchSink = (tenantId: string, flushIntervalMs?: number) =>
        new CloudWatchLogsSink({ logGroupName: LOG_GROUP, logStreamName: `bench/${tenantId}`, flushOnExit: false, flushIntervalMs, onWarning: quiet });
    const clientConfig = () => ({
        region: "us-east-1",
        endpoint: aws.bedrock.url,
        credentials: BARE_CREDENTIALS,
        // The runtime's socket limit on both sides: the SDK's 50 would queue calls beyond the 50th.
        requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: DEFAULT_BEDROCK_MAX_SOCKETS } }),
    });
    const bareClient = () => new BedrockRuntimeClient(clientConfig());
    return {
        aws,
        event: (i) => ({ prompt: PROMPT, userId: "user-17", applicationId: "bench-app", requestId: `bench-${i}` }),
        lambdaHandler: (tenantId) => createHandler({ tenantId, opsRoleArn: opsRoleArnOf(tenantId), onWarning: quiet }),
        cloudWatchHandler: (tenantId, options = {}) => {
            const sink = cloudWatchSink(tenantId);
            return { handler: createHandler({ tenantId, opsRoleArn: opsRoleArnOf(tenantId), sink, onWarning: quiet, ...options }), sink };
        },
        bareModel: () => new ChatBedrockConverse({ model: HAIKU, region: "us-east-1", client: bareClient() }),
        sharedLogger: (tenantId, flushIntervalMs, options = {}) => {
            const sink = cloudWatchSink(tenantId, flushIntervalMs);
            const logger = new PrivateInvocationLogger({ sink, tenantId, region: "us-east-1", onWarning: quiet });
            // The runtime's own client settings (its handler cache) with the same endpoint, credentials and sockets.
            const client = options.runtimeClient ? cachingBedrockClient(clientConfig()) : bareClient();
            return {
                model: new AuditedChatBedrockConverse({ model: HAIKU, region: "us-east-1", client, auditLogger: logger }),
                plain: new ChatBedrockConverse({ model: HAIKU, region: "us-east-1", client }),
                logger,
                sink,
            };
        },
        storedLogEvents: async () => (elsewhere ? elsewhere.stored() : aws.logs.eventCount(LOG_GROUP)),
        close: async () => {
            elsewhere?.close();
            await aws.close();
        },
    };
}

export const messages = () => [new HumanMessage(PROMPT)];

/** The ops role of a benchmark's tenant: the runtime takes only the tenant's own. */
export function opsRoleArnOf(tenantId: string): string {
    return `arn:aws:iam::999999999999:role/${opsRoleName(tenantId)}`;
}

/** Metadata the ECS service passes per call, as the handler does. */
export function callMetadata(i: number): Record<string, unknown> {
    return { userId: "user-17", applicationId: "bench-app", requestId: `bench-${i}`, modelId: HAIKU };
}

/** Throws unless a handler invocation answered: a failed call must not pass for a fast one. */
export function assertAnswered(response: unknown): void {
    if (typeof response !== "object" || response === null || !("output" in response)) {
        throw new Error(`invocation failed: ${JSON.stringify(response)}`);
    }
}

/** AssumeRole calls the local STS answered for one tenant's sessions. */
export function assumeRoleCount(aws: LocalAws, tenantId: string): number {
    return aws.sts.assumeRoleCalls.filter((c) => c.roleSessionName === sessionName(tenantId)).length;
}

export function putCallsOf(aws: LocalAws, tenantId: string) {
    return aws.logs.putCalls.filter((c) => c.stream === `bench/${tenantId}`);
}
