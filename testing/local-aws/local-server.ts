/**
 * Base of the local AWS stand-ins: an HTTP/1.1 server on 127.0.0.1 that
 * records every request (with the access key that signed it) and can be told
 * to misbehave on upcoming requests.
 */
import * as http from "http";
import * as http2 from "http2";
import * as net from "net";
import type { AddressInfo, Socket } from "net";

/** A refusal as the service words it: HTTP status, error code, message. */
export interface Refusal {
    status: number;
    errorType: string;
    message: string;
}

/** What the next request should suffer instead of (or before) a normal answer. */
export type Fault =
    /** HTTP 429 / 400 with the service's throttling error. */
    | { kind: "throttle" }
    /** An error answer with this status and error type. */
    | { kind: "error"; status: number; errorType: string; message?: string }
    /** The connection is destroyed without an answer. */
    | { kind: "reset" }
    /** The normal answer, after `ms` milliseconds. */
    | { kind: "slow"; ms: number }
    /** The normal answer once `release` settles: a test holds a request for as long as its check needs, whatever the machine's speed. */
    | { kind: "held"; release: Promise<unknown> };

export interface RecordedRequest {
    method: string;
    path: string;
    headers: http.IncomingHttpHeaders;
    body: string;
    /** Access key id from the SigV4 `Authorization` header's Credential. */
    accessKeyId?: string;
    /** What the server did: "ok" or the fault kind. */
    outcome: "ok" | Fault["kind"];
    /** The refusal it answered with, when `authorize` refused it. */
    refusal?: Refusal;
}

/** The access key id in a SigV4 `Authorization` header. */
export function signingAccessKey(authorization: string | undefined): string | undefined {
    return authorization?.match(/Credential=([^/,\s]+)\//)?.[1];
}

export abstract class LocalAwsServer {
    readonly requests: RecordedRequest[] = [];
    /**
     * Chooses a fault per request when none is queued, e.g. by what the body
     * holds, so concurrent requests misbehave by content rather than by order.
     */
    faultFor: ((request: Omit<RecordedRequest, "outcome">) => Fault | undefined) | undefined;
    /** Most connections open at once: how many requests clients had in flight together. */
    peakConnections = 0;
    /**
     * Decides each request before it is served, as AWS authorizes it; a
     * refusal is answered in the service's error shape and the request is not
     * served. Unset, every request is served (the stand-in only records).
     */
    authorize: ((request: RecordedRequest) => Promise<Refusal | undefined>) | undefined;
    private readonly faults: Fault[] = [];
    private readonly sockets = new Set<Socket>();
    private readonly timers = new Set<NodeJS.Timeout>();
    private readonly http1 = http.createServer((req, res) => void this.receive(req, res));
    // Clients that speak HTTP/2 in clear text (the SDK's default handler for Bedrock Runtime) are answered in HTTP/2.
    private readonly http2 = http2.createServer((req, res) => void this.receive(req as unknown as http.IncomingMessage, res as unknown as http.ServerResponse));
    /** Reads a connection's first bytes and hands it to the server of the protocol it speaks. */
    private readonly server = net.createServer((socket) => {
        socket.once("data", (first: Buffer) => {
            socket.pause();
            (first.subarray(0, 3).toString("latin1") === "PRI" ? this.http2 : this.http1).emit("connection", socket);
            socket.unshift(first);
            socket.resume();
        });
    });
    private port = 0;

    constructor() {
        this.server.on("connection", (socket) => {
            this.sockets.add(socket);
            this.peakConnections = Math.max(this.peakConnections, this.sockets.size);
            socket.on("close", () => this.sockets.delete(socket));
        });
    }

    /** Listens on an ephemeral port of 127.0.0.1. */
    async start(): Promise<this> {
        await new Promise<void>((resolve, reject) => {
            this.server.once("error", reject);
            this.server.listen(0, "127.0.0.1", () => resolve());
        });
        this.port = (this.server.address() as AddressInfo).port;
        return this;
    }

    get url(): string {
        return `http://127.0.0.1:${this.port}`;
    }

    /** Queues faults for the next requests, one per request, in order. */
    failNext(...faults: Fault[]): void {
        this.faults.push(...faults);
    }

    /** Stops listening and drops open connections and pending slow answers. */
    async close(): Promise<void> {
        this.timers.forEach(clearTimeout);
        this.sockets.forEach((s) => s.destroy());
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    /** Forgets recorded requests, queued faults and the fault chooser. */
    reset(): void {
        this.requests.length = 0;
        this.faults.length = 0;
        this.faultFor = undefined;
    }

    /** Stops accepting connections (clients get ECONNREFUSED) but keeps the port for {@link listenAgain}. */
    async stopListening(): Promise<void> {
        this.sockets.forEach((s) => s.destroy());
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    /** Accepts connections again on the same port after {@link stopListening}. */
    async listenAgain(): Promise<void> {
        await new Promise<void>((resolve, reject) => {
            this.server.once("error", reject);
            this.server.listen(this.port, "127.0.0.1", () => resolve());
        });
    }

    protected abstract handle(request: RecordedRequest, res: http.ServerResponse): void;
    protected abstract sendError(res: http.ServerResponse, status: number, errorType: string, message: string): void;
    /** Status and error type this service uses for throttling. */
    protected abstract readonly throttle: { status: number; errorType: string };

    private async receive(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        for await (const chunk of req) {
            chunks.push(chunk as Buffer);
        }
        const received = {
            method: req.method ?? "",
            path: req.url ?? "",
            headers: req.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            accessKeyId: signingAccessKey(req.headers.authorization),
        };
        const fault = this.faults.shift() ?? this.faultFor?.(received);
        const request: RecordedRequest = { ...received, outcome: fault?.kind ?? "ok" };
        this.requests.push(request);
        switch (fault?.kind) {
            case undefined:
                if (this.authorize) {
                    let refusal: Refusal | undefined;
                    try {
                        refusal = await this.authorize(request);
                    } catch (err) {
                        return this.sendError(res, 500, "InternalFailure", (err as Error).message);
                    }
                    if (refusal) {
                        request.refusal = refusal;
                        return this.sendError(res, refusal.status, refusal.errorType, refusal.message);
                    }
                }
                return this.safely(request, res);
            case "throttle":
                return this.sendError(res, this.throttle.status, this.throttle.errorType, "Rate exceeded");
            case "error":
                return this.sendError(res, fault.status, fault.errorType, fault.message ?? `${fault.errorType} from the local server`);
            case "reset":
                req.socket.destroy();
                return;
            case "held":
                void fault.release.then(
                    () => void (res.destroyed ? undefined : this.safely(request, res)),
                    () => void (res.destroyed ? undefined : this.safely(request, res)),
                );
                return;
            case "slow": {
                const timer = setTimeout(() => {
                    this.timers.delete(timer);
                    if (!res.destroyed) {
                        this.safely(request, res);
                    }
                }, fault.ms);
                this.timers.add(timer);
                return;
            }
        }
    }

    private safely(request: RecordedRequest, res: http.ServerResponse): void {
        try {
            this.handle(request, res);
        } catch (err) {
            this.sendError(res, 500, "InternalFailure", (err as Error).message);
        }
    }
}
