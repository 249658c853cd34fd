/**
 * LangChain's `streamLog` never returns when its caller leaves early
 * (@langchain/core 1.4, a plain `ChatBedrockConverse` alike): the log's
 * reader lets go of the log's stream without cancelling it, and the
 * `finally` then waits for the consumer of the model's stream, which waits
 * forever to write a patch nobody reads. The model's stream stays open, and
 * its run has no record. Cancelling the log's stream once the reader has let
 * go fails that write, so the consumer closes the model's stream (its record
 * is written as for any stream a caller leaves) and `streamLog` returns.
 * A patch that was on its way is dropped, as the caller has left.
 */
import type { LogStreamCallbackHandler, RunLogPatch } from "@langchain/core/tracers/log_stream";

/** Where LangChain's consumer adds each chunk of the model's output to the log. */
const STREAMED_OUTPUT = "/streamed_output/-";

/** `logs`, LangChain's log of one run, such that a caller leaving it closes the run and returns. */
export async function* leavableLog(logs: AsyncGenerator<RunLogPatch>, handler: LogStreamCallbackHandler): AsyncGenerator<RunLogPatch> {
    let left = true;
    try {
        for (let next = await logs.next(); !next.done; next = await logs.next()) yield next.value;
        left = false;
    } catch (err) {
        // The log itself failed: LangChain has closed it.
        left = false;
        throw err;
    } finally {
        if (left) await leaveLog(logs, handler);
    }
}

async function leaveLog(logs: AsyncGenerator<RunLogPatch>, handler: LogStreamCallbackHandler): Promise<void> {
    // Protected in LangChain's types: the stream the handler writes the patches into.
    const log = (handler as unknown as { transformStream?: unknown }).transformStream;
    // What LangChain's own leaving does first: its reader lets go of the log's stream.
    await handler.receiveStream.return();
    if (!(log instanceof TransformStream) || log.readable.locked) {
        // Not the LangChain this was written against: leave as it does.
        await logs.return(undefined);
        return;
    }
    const left = new Error("the caller left the log stream");
    // From now on the consumer's next write of the model's output fails too, so it closes the model's stream rather
    // than read it to the end for nobody; the handler's own patches (the run's error as it closes) go nowhere, rather
    // than fail and be printed by LangChain.
    handler.writer = {
        write: (patch: RunLogPatch) => (patch.ops.some((op) => op.path === STREAMED_OUTPUT) ? Promise.reject(left) : Promise.resolve()),
        close: () => Promise.resolve(),
    } as unknown as WritableStreamDefaultWriter;
    // The write already waiting on the old stream fails with the cancel.
    await log.readable.cancel(left);
    // LangChain's consumer rethrows the write (or close) the cancel failed: the caller left, and the model's stream is closed.
    await logs.return(undefined).catch(() => undefined);
}
