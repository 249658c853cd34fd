/**
 * Bedrock Runtime `Converse` (REST-JSON: POST /model/{modelId}/converse) and
 * `ConverseStream` (POST /model/{modelId}/converse-stream, event-stream
 * framing) on 127.0.0.1.
 */
import type * as http from "http";
import { streamFrames } from "./converse-stream";
import { LocalAwsServer, type RecordedRequest } from "./local-server";

export interface ConverseReply {
    text: string;
    stopReason?: string;
    usage?: { inputTokens: number; outputTokens: number; totalTokens?: number; cacheReadInputTokens?: number; cacheWriteInputTokens?: number };
    latencyMs?: number;
    /** ConverseStream: the text deltas. @default - `text` split after each space */
    chunks?: string[];
    /** ConverseStream: pause before each delta, ms. @default 0 */
    chunkDelayMs?: number;
    /** Converse: pause before the answer, ms (a call still in progress). @default 0 */
    delayMs?: number;
    /** The model's reasoning, a block before the text. @default - none */
    reasoning?: string;
    /** Tool calls after the text, as `toolUse` blocks; streamed, each one's input comes in two deltas. @default - none */
    toolUse?: { toolUseId: string; name: string; input: Record<string, unknown> }[];
    /**
     * ConverseStream: the answer ends cleanly after this many of its frames
     * (the head counts as one, then the deltas, the block's stop,
     * `messageStop` and `metadata`): a reply that never completed. 0 is an
     * empty body. @default - every frame
     */
    endAfterFrames?: number;
}

export interface ConverseCall {
    modelId: string;
    operation: "Converse" | "ConverseStream";
    /** The `x-amzn-requestid` this call was answered with. */
    requestId: string;
    /** The parsed request body (`messages`, `system`, `inferenceConfig`, ...). */
    body: { messages?: { role: string; content: { text?: string }[] }[]; inferenceConfig?: Record<string, unknown> };
    accessKeyId?: string;
}

/** Text of all user/assistant content blocks of a Converse request. */
export function converseText(call: ConverseCall): string {
    return (call.body.messages ?? []).flatMap((m) => m.content.map((c) => c.text ?? "")).join("\n");
}

/** By default: output "ok", one input token per prompt character, 5 output tokens. */
export function defaultReply(call: ConverseCall): ConverseReply {
    const inputTokens = converseText(call).length;
    return { text: "ok", stopReason: "end_turn", usage: { inputTokens, outputTokens: 5, totalTokens: inputTokens + 5 }, latencyMs: 42 };
}

export class LocalBedrockServer extends LocalAwsServer {
    readonly calls: ConverseCall[] = [];
    /** Builds each answer. */
    reply: (call: ConverseCall) => ConverseReply = defaultReply;
    /** Access keys whose session has expired: requests they sign get 403 ExpiredTokenException. */
    readonly expiredKeys = new Set<string>();
    protected readonly throttle = { status: 429, errorType: "ThrottlingException" };
    private served = 0;

    /** Also forgets recorded calls and restores the default reply. */
    reset(): void {
        super.reset();
        this.calls.length = 0;
        this.reply = defaultReply;
        this.expiredKeys.clear();
    }

    protected handle(request: RecordedRequest, res: http.ServerResponse): void {
        const match = request.path.match(/^\/model\/([^/]+)\/(converse|converse-stream)$/);
        if (request.method !== "POST" || !match) {
            return this.sendError(res, 404, "UnknownOperationException", `no route for ${request.method} ${request.path}`);
        }
        if (request.accessKeyId !== undefined && this.expiredKeys.has(request.accessKeyId)) {
            return this.sendError(res, 403, "ExpiredTokenException", "The security token included in the request is expired");
        }
        const operation = match[2] === "converse" ? "Converse" : "ConverseStream";
        const call: ConverseCall = { modelId: decodeURIComponent(match[1]), operation, requestId: `bedrock-req-${++this.served}`, body: JSON.parse(request.body), accessKeyId: request.accessKeyId };
        this.calls.push(call);
        const reply = this.reply(call);
        if (operation === "ConverseStream") {
            return void this.stream(reply, call.requestId, res);
        }
        const usage = reply.usage ?? { inputTokens: 0, outputTokens: 0 };
        const body = {
            output: {
                message: {
                    role: "assistant",
                    content: [
                        ...(reply.reasoning === undefined ? [] : [{ reasoningContent: { reasoningText: { text: reply.reasoning } } }]),
                        { text: reply.text },
                        ...(reply.toolUse ?? []).map((toolUse) => ({ toolUse })),
                    ],
                },
            },
            stopReason: reply.stopReason ?? "end_turn",
            usage: { totalTokens: usage.inputTokens + usage.outputTokens, ...usage },
            metrics: { latencyMs: reply.latencyMs ?? 42 },
        };
        const answer = () => {
            res.writeHead(200, { "content-type": "application/json", "x-amzn-requestid": call.requestId });
            res.end(JSON.stringify(body));
        };
        if (reply.delayMs) setTimeout(answer, reply.delayMs);
        else answer();
    }

    /** Writes the frames as the model would: the head at once, each delta after `chunkDelayMs`. */
    private async stream(reply: ConverseReply, requestId: string, res: http.ServerResponse): Promise<void> {
        const { head, deltas, tail } = streamFrames(reply);
        res.writeHead(200, { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": requestId });
        if (reply.endAfterFrames !== undefined) {
            return void res.end(Buffer.concat([head, ...deltas, ...tail].slice(0, reply.endAfterFrames)));
        }
        res.write(head);
        for (const frame of deltas) {
            if (reply.chunkDelayMs) {
                await new Promise((resolve) => setTimeout(resolve, reply.chunkDelayMs));
            }
            if (res.destroyed) {
                return;
            }
            res.write(frame);
        }
        res.end(Buffer.concat(tail));
    }

    protected sendError(res: http.ServerResponse, status: number, errorType: string, message: string): void {
        res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": errorType, "x-amzn-requestid": `bedrock-err-${++this.served}` });
        res.end(JSON.stringify({ message }));
    }
}
