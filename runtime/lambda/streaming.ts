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
    /** Resolves once the run's record is written; fail-closed, rejects when it could not be (an abort's own error does not say). */
    runFinished(runId: string): Promise<void>;
    /**
     * Whether the run's record is its completion: the model's stream reached
     * its end, and only the wait for that record was stopped. @default - never
     */
    completed?(runId: string): boolean;
    armDeadline(controller: AbortController): NodeJS.Timeout | undefined;
    /**
     * Aborts when the time left for the record runs out: the wait for it ends
     * then, with the signal's reason as the failure, so the last line and the
     * return still come before the function's timeout. @default - no limit
     */
    recordsDeadline?: AbortSignal;
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
    let failure: { err: unknown } | undefined;
    try {
        const chunks = (await untilAborted(call.start(abort.signal, runId), abort.signal))[Symbol.asyncIterator]();
        try {
            // Each wait gives way to the abort: a caller that stops reading, or a
            // model that stops sending, must not keep the record past the deadline.
            for (let next = await untilAborted(chunks.next(), abort.signal); !next.done; next = await untilAborted(chunks.next(), abort.signal)) {
                final = final ? final.concat(next.value) : next.value;
                const text = contentText(next.value.content);
                if (text) {
                    streamed = true;
                    await writeLine(out, { type: "chunk", text }, abort.signal);
                }
            }
        } finally {
            // An abort left the model's stream mid-way: let it close its Bedrock call. Its record does not wait for this.
            if (abort.signal.aborted) void Promise.resolve().then(() => chunks.return?.()).catch(() => undefined);
        }
    } catch (err) {
        failure = { err };
    }
    // Every chunk reached the caller and the stream's completion record is on its way: that record is the call's
    // one, so the last line follows it (the end once it is durable, AuditUnavailable if it is lost or late), never
    // the abort that stopped only the wait for it.
    if (failure !== undefined && abort.signal.aborted && call.completed?.(runId) === true) failure = undefined;
    try {
        // The record decides the last line: fail-closed, a completion record that could not be written is answered as such, whatever ended the stream.
        const finished = call.runFinished(runId);
        await (call.recordsDeadline ? untilAborted(finished, call.recordsDeadline) : finished);
    } catch (err) {
        failure = { err };
    }
    try {
        if (failure) {
            const reason: unknown = abort.signal.reason;
            await writeLine(out, { type: "error", error: call.describe(failure.err, reason !== undefined && !(reason instanceof ClientDisconnectedError), streamed) }, abort.signal);
        } else {
            await writeLine(out, { type: "end", modelId: call.ids.modelId, stopReason: replyStopReason(final), usage: bedrockUsage(final), clientRequestId: call.ids.clientRequestId }, abort.signal);
        }
        await endStream(out, abort.signal);
    } finally {
        clearTimeout(timer);
    }
}

/** Answers a refused event with its one `error` line. */
streamInvocation.refuse = async (out: ResponseStreamLike, failure: InvocationFailure): Promise<void> => {
    out.setContentType?.(STREAM_CONTENT_TYPE);
    await writeLine(out, { type: "error", error: failure.error });
    await endStream(out);
};

/** `abort()` without a reason gives a DOMException, and a caller's reason can be anything: the loop's failure is always an Error. */
function abortReason(signal: AbortSignal): Error {
    const reason: unknown = signal.reason;
    return reason instanceof Error ? reason : new Error("Aborted");
}

/** `promise`, or the signal's reason once it aborts; a later rejection of `promise` is then ignored. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) {
        promise.catch(() => undefined);
        return Promise.reject(abortReason(signal));
    }
    return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(abortReason(signal));
        signal.addEventListener("abort", onAbort, { once: true });
        promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
}

/**
 * Writes one line, waiting for the stream to drain when it asks to; a closed
 * stream is skipped. Once `signal` aborts nothing waits for the caller: the
 * line is buffered, and the record and the return come first.
 */
async function writeLine(out: ResponseStreamLike, line: StreamLine, signal?: AbortSignal): Promise<void> {
    if (out.destroyed || out.writableFinished) {
        return;
    }
    if (!out.write(JSON.stringify(line) + "\n") && !signal?.aborted) {
        await new Promise<void>((resolve) => {
            // Whichever comes first removes every listener: a slow caller must not collect one per write.
            const done = () => {
                out.removeListener("drain", done);
                out.removeListener("close", done);
                signal?.removeEventListener("abort", done);
                resolve();
            };
            out.once("drain", done);
            out.once("close", done);
            signal?.addEventListener("abort", done, { once: true });
        });
    }
}

/** Ends the answer; once `signal` aborts, without waiting for a caller that has stopped reading. */
function endStream(out: ResponseStreamLike, signal?: AbortSignal): Promise<void> {
    if (out.destroyed || out.writableFinished) {
        return Promise.resolve();
    }
    return new Promise((resolve) => {
        const done = () => {
            signal?.removeEventListener("abort", done);
            resolve();
        };
        out.end(done);
        if (signal?.aborted) done();
        else signal?.addEventListener("abort", done, { once: true });
    });
}
