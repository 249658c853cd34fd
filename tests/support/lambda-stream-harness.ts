/**
 * A stand-in for what Lambda's Node.js runtime does with a streaming handler:
 * `awslambda.streamifyResponse` marks the function, and each invocation gets
 * a Writable response stream whose bytes reach the caller as they are written.
 * The caller can disconnect mid-stream (the stream is destroyed).
 */
import { Writable } from "stream";
import type { LambdaContextLike } from "../../runtime/lambda/handler";
import type { ResponseStreamLike, StreamLine } from "../../runtime/lambda/streaming";

export const STREAMING_HANDLER = Symbol.for("aws.lambda.runtime.handler.streaming");

type StreamingFn = (event: unknown, stream: ResponseStreamLike, context: LambdaContextLike) => Promise<void>;

/** Shaped like the global Lambda installs. */
export const awslambdaHarness = {
    streamifyResponse<F extends StreamingFn>(fn: F): F {
        return Object.assign(fn, { [STREAMING_HANDLER]: "response" });
    },
};

/** The caller's end of one streamed response. */
export class LambdaResponseStream extends Writable {
    contentType: string | undefined;
    /** Each line as it arrived, with the time since the invocation began. */
    readonly lines: { line: StreamLine; atMs: number }[] = [];
    private pending = "";
    private readonly began = performance.now();

    constructor(private readonly onLine: (line: StreamLine, stream: LambdaResponseStream) => void = () => undefined) {
        super();
    }

    setContentType(type: string): void {
        this.contentType = type;
    }

    _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
        this.pending += chunk.toString("utf8");
        let newline: number;
        while ((newline = this.pending.indexOf("\n")) >= 0) {
            const line = JSON.parse(this.pending.slice(0, newline)) as StreamLine;
            this.pending = this.pending.slice(newline + 1);
            this.lines.push({ line, atMs: performance.now() - this.began });
            this.onLine(line, this);
        }
        callback();
    }

    /** The caller disconnects. */
    disconnect(): void {
        this.destroy();
    }
}

/** Invokes a streamified handler as Lambda would; resolves when the handler's promise settles. */
export async function invokeStreaming(
    fn: StreamingFn,
    event: unknown,
    context: LambdaContextLike,
    onLine?: (line: StreamLine, stream: LambdaResponseStream) => void,
): Promise<{ stream: LambdaResponseStream; endedMs: number }> {
    if ((fn as unknown as Record<symbol, unknown>)[STREAMING_HANDLER] !== "response") {
        throw new TypeError("the handler is not wrapped with awslambda.streamifyResponse");
    }
    const stream = new LambdaResponseStream(onLine);
    const began = performance.now();
    await fn(event, stream, context);
    return { stream, endedMs: performance.now() - began };
}
