/**
 * The streamed answer of the Lambda (`awslambda.streamifyResponse`): one JSON
 * object per line, `chunk` lines as Bedrock sends text, then one `end` or
 * `error` line. A caller that disconnects, or the function's deadline,
 * aborts the model call; the logger then writes the call's one record with
 * what had been streamed so far.
 */
import { randomUUID } from "crypto";
import type { AIMessageChunk } from "@langchain/core/messages";
import { bedrockUsage, contentText, replyStopReason } from "../run-data";
import type { InvocationFailure, InvocationUsage } from "./handler";

/** What the handler needs of Lambda's response stream (a Node.js `Writable`). */
export interface ResponseStreamLike {
    write(chunk: string, callback?: (err?: Error | null) => void): boolean;
    end(callback?: () => void): unknown;
    on(event: "close" | "error" | "drain", listener: (...args: unknown[]) => void): unknown;
    once(event: "drain" | "close", listener: () => void): unknown;
    removeListener(event: "drain" | "close", listener: () => void): unknown;
    readonly writableFinished?: boolean;
    readonly destroyed?: boolean;
    setContentType?(type: string): void;
}

/** Lines of the streamed answer. */
export type StreamLine =
    | { type: "chunk"; text: string }
    | { type: "end"; modelId: string; stopReason?: string; usage: InvocationUsage; clientRequestId?: string }
    | { type: "error"; error: InvocationFailure["error"] };

export const STREAM_CONTENT_TYPE = "application/x-ndjson";

/** The caller went away before the stream ended. */
export class ClientDisconnectedError extends Error {
    constructor() {
        super("the caller disconnected before the stream ended");
        this.name = "ClientDisconnected";
    }
}

export interface StreamInvocation {
    responseStream: ResponseStreamLike;
    /** Starts the model's stream under `signal`, as run `runId`. */
    start(signal: AbortSignal, runId: string): Promise<AsyncIterable<AIMessageChunk>>;
    /** Resolves once the run's record is written (LangChain may end an aborted run after the loop stops). */
    runFinished(runId: string): Promise<void>;
    armDeadline(controller: AbortController): NodeJS.Timeout | undefined;
    /** `streamed`: chunks already reached the caller. */
    describe(err: unknown, deadlinePassed: boolean, streamed: boolean): InvocationFailure["error"];
    ids: { modelId: string; clientRequestId?: string };
}

export async function streamInvocation(call: StreamInvocation): Promise<void> {
    const { responseStream: out } = call;
    out.setContentType?.(STREAM_CONTENT_TYPE);
    const abort = new AbortController();
    const onClose = () => {
        if (!out.writableFinished) {
            abort.abort(new ClientDisconnectedError());
        }
    };
    out.on("close", onClose);
    out.on("error", onClose);
    const timer = call.armDeadline(abort);
    const runId = randomUUID();
    let final: AIMessageChunk | undefined;
    let streamed = false;
    try {
        // Every chunk is read to the end even when the caller has gone: the abort
        // makes LangChain fail the run, and that failure is what writes the record.
        for await (const chunk of await call.start(abort.signal, runId)) {
            final = final ? final.concat(chunk) : chunk;
            const text = contentText(chunk.content);
            if (text && !abort.signal.aborted) {
                streamed = true;
                await writeLine(out, { type: "chunk", text });
            }
        }
        await writeLine(out, {
            type: "end",
            modelId: call.ids.modelId,
            stopReason: replyStopReason(final),
            usage: bedrockUsage(final),
            clientRequestId: call.ids.clientRequestId,
        });
    } catch (err) {
        const reason: unknown = abort.signal.reason;
        await writeLine(out, { type: "error", error: call.describe(err, reason !== undefined && !(reason instanceof ClientDisconnectedError), streamed) });
    } finally {
        clearTimeout(timer);
        await call.runFinished(runId);
        await endStream(out);
    }
}

/** Answers a refused event with its one `error` line. */
streamInvocation.refuse = async (out: ResponseStreamLike, failure: InvocationFailure): Promise<void> => {
    out.setContentType?.(STREAM_CONTENT_TYPE);
    await writeLine(out, { type: "error", error: failure.error });
    await endStream(out);
};

/** Writes one line, waiting for the stream to drain when it asks to; a closed stream is skipped. */
async function writeLine(out: ResponseStreamLike, line: StreamLine): Promise<void> {
    if (out.destroyed || out.writableFinished) {
        return;
    }
    if (!out.write(JSON.stringify(line) + "\n")) {
        await new Promise<void>((resolve) => {
            // Whichever comes first removes both listeners: a slow caller must not collect one per write.
            const done = () => {
                out.removeListener("drain", done);
                out.removeListener("close", done);
                resolve();
            };
            out.once("drain", done);
            out.once("close", done);
        });
    }
}

function endStream(out: ResponseStreamLike): Promise<void> {
    if (out.destroyed || out.writableFinished) {
        return Promise.resolve();
    }
    return new Promise((resolve) => void out.end(() => resolve()));
}
