/** Bedrock Runtime `Converse` (REST-JSON: POST /model/{modelId}/converse) on 127.0.0.1. */
import type * as http from "http";
import { LocalAwsServer, type RecordedRequest } from "./local-server";

export interface ConverseReply {
    text: string;
    stopReason?: string;
    usage?: { inputTokens: number; outputTokens: number; totalTokens?: number; cacheReadInputTokens?: number; cacheWriteInputTokens?: number };
    latencyMs?: number;
}

export interface ConverseCall {
    modelId: string;
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
        const match = request.path.match(/^\/model\/([^/]+)\/converse$/);
        if (request.method !== "POST" || !match) {
            return this.sendError(res, 404, "UnknownOperationException", `no route for ${request.method} ${request.path}`);
        }
        if (request.accessKeyId !== undefined && this.expiredKeys.has(request.accessKeyId)) {
            return this.sendError(res, 403, "ExpiredTokenException", "The security token included in the request is expired");
        }
        const call: ConverseCall = { modelId: decodeURIComponent(match[1]), body: JSON.parse(request.body), accessKeyId: request.accessKeyId };
        this.calls.push(call);
        const reply = this.reply(call);
        const usage = reply.usage ?? { inputTokens: 0, outputTokens: 0 };
        const body = {
            output: { message: { role: "assistant", content: [{ text: reply.text }] } },
            stopReason: reply.stopReason ?? "end_turn",
            usage: { totalTokens: usage.inputTokens + usage.outputTokens, ...usage },
            metrics: { latencyMs: reply.latencyMs ?? 42 },
        };
        res.writeHead(200, { "content-type": "application/json", "x-amzn-requestid": `bedrock-req-${++this.served}` });
        res.end(JSON.stringify(body));
    }

    protected sendError(res: http.ServerResponse, status: number, errorType: string, message: string): void {
        res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": errorType, "x-amzn-requestid": `bedrock-err-${++this.served}` });
        res.end(JSON.stringify({ message }));
    }
}
