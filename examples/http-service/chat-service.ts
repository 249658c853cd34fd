/**
 * A small HTTP service that answers `POST /chat` with a Bedrock model through
 * LangChain, outside Lambda (ECS, EC2, a laptop). Bedrock is called with the
 * tenant's ops-account role; every call leaves one audit record in the
 * service's own CloudWatch log group, written with the service's own
 * credentials, never the ops session's.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import { CloudWatchLogsSink, createTenantChatModel, type ContentMode, type PrivateInvocationLogger } from "bedrock-tenancy/runtime";

export interface ChatServiceOptions {
    /** The tenant this service runs for (1-32 of `a-z 0-9 -`). */
    tenantId: string;
    /** The tenant's `BedrockTenantAccess` role in the operations account. */
    opsRoleArn: string;
    /** The tenant's ExternalId for that role. */
    externalId: string;
    /** Model or inference-profile id to invoke. */
    modelId: string;
    /**
     * The tenant's application inference profile for `modelId` (the ops
     * stack exports it in `inferenceProfileArns`): the ops role refuses a
     * model reached any other way.
     */
    inferenceProfileArn?: string;
    /**
     * The guardrail the tenant's ops role requires on every call (the ops
     * stack's `guardrail` of that tenant): without it, every call is denied.
     * @default - no guardrail
     */
    guardrail?: { identifier: string; version: string };
    /** The tenant's private audit log group (it must exist). */
    logGroupName: string;
    /** Region of Bedrock, STS and CloudWatch Logs. */
    region: string;
    /** What records hold of prompts and completions. @default "none" */
    contentMode?: ContentMode;
    /** How long audit records may wait in the buffer before they are sent. @default 1000 */
    flushIntervalMs?: number;
    /** Largest request body accepted. @default 65536 */
    maxBodyBytes?: number;
}

export interface ChatService {
    readonly server: http.Server;
    readonly logger: PrivateInvocationLogger;
    readonly sink: CloudWatchLogsSink;
    /** Starts listening; resolves to the service's base URL. */
    listen(port?: number, host?: string): Promise<string>;
    /** Stops taking requests, waits for the ones in progress, then delivers every buffered audit record. */
    close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 65_536;
const APPLICATION_ID = "http-service";

class HttpError extends Error {
    constructor(readonly status: number, message: string) {
        super(message);
        this.name = "HttpError";
    }
}

export function createChatService(options: ChatServiceOptions): ChatService {
    // No credentials given: the sink uses the service's own (the customer account's).
    const sink = new CloudWatchLogsSink({
        logGroupName: options.logGroupName,
        region: options.region,
        flushIntervalMs: options.flushIntervalMs,
    });
    // One model for the process: it assumes the ops role with the ExternalId, renews the
    // session before it expires, and writes one record per call through its own logger.
    const model = createTenantChatModel({
        sink,
        tenantId: options.tenantId,
        opsRoleArn: options.opsRoleArn,
        externalId: options.externalId,
        defaultModel: options.modelId,
        allowedModels: [options.modelId],
        ...(options.inferenceProfileArn ? { modelRoutes: { [options.modelId]: options.inferenceProfileArn } } : {}),
        ...(options.guardrail ? { modelFields: { guardrailConfig: { guardrailIdentifier: options.guardrail.identifier, guardrailVersion: options.guardrail.version } } } : {}),
        bedrockRegion: options.region,
        contentMode: options.contentMode,
    });
    const logger = model.auditLogger;
    const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

    async function chat(req: http.IncomingMessage): Promise<{ output: string; requestId?: string }> {
        if (req.url !== "/chat") {
            throw new HttpError(404, `no route ${req.url}`);
        }
        if (req.method !== "POST") {
            throw new HttpError(405, "use POST");
        }
        const { prompt, userId, requestId } = parseChatRequest(await readBody(req, maxBodyBytes));
        const reply = await model.invoke(prompt, {
            metadata: { userId, applicationId: APPLICATION_ID, ...(requestId === undefined ? {} : { requestId }) },
        });
        return { output: typeof reply.content === "string" ? reply.content : reply.text, requestId };
    }

    const server = http.createServer((req, res) => {
        chat(req).then(
            (body) => send(res, 200, body),
            // Model errors are answered by name only: Bedrock's messages can quote the prompt.
            (err: Error) => (err instanceof HttpError ? send(res, err.status, { error: err.message }) : send(res, 502, { error: err.name })),
        );
    });

    return {
        server,
        logger,
        sink,
        listen: (port = 0, host = "127.0.0.1") =>
            new Promise((resolve, reject) => {
                server.once("error", reject);
                server.listen(port, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`));
            }),
        close: async () => {
            const closed = new Promise<void>((resolve) => server.close(() => resolve()));
            server.closeIdleConnections();
            await closed;
            await logger.flush();
            await sink.close();
        },
    };
}

/** The fields of a chat request; anything else in the body is an error. */
export function parseChatRequest(body: string): { prompt: string; userId: string; requestId?: string } {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        throw new HttpError(400, "the body must be JSON");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new HttpError(400, "the body must be a JSON object");
    }
    const { prompt, userId, requestId, ...rest } = parsed as Record<string, unknown>;
    if (typeof prompt !== "string" || prompt.length === 0) {
        throw new HttpError(400, "prompt must be a non-empty string");
    }
    for (const [field, value] of [["userId", userId], ["requestId", requestId]] as const) {
        if ((value !== undefined || field === "userId") && (typeof value !== "string" || !/^[\w.:/=+@-]{1,128}$/.test(value))) {
            throw new HttpError(400, `${field} must be 1-128 of A-Z a-z 0-9 _ . : / = + @ -`);
        }
    }
    const unknown = Object.keys(rest);
    if (unknown.length > 0) {
        throw new HttpError(400, `unknown field ${unknown[0]}`);
    }
    return { prompt, userId: userId as string, ...(requestId === undefined ? {} : { requestId: requestId as string }) };
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
                reject(new HttpError(413, `the body is over ${limit} bytes`));
                req.resume();
                return;
            }
            chunks.push(chunk);
        });
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
