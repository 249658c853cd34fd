/**
 * What the logger keeps about one model call between its start and its end
 * or error event: what the start knew, the stream so far, and Bedrock's
 * response ids. One per run id, dropped when the run ends.
 */
import type { BedrockOperation, CallStart } from "./audit-record";

export interface RunState {
    start: CallStart;
    startedMs: number;
    /** The call's abort signal: its reason says why an aborted call stopped. */
    signal?: AbortSignal;
    /** Set once the call is known to be a ConverseStream call. */
    stream?: StreamProgress;
    /** Bedrock's request id and attempts, when the client reported them (streamed replies do not carry them). */
    response?: { requestId?: string; attempts?: number };
}

/** What a stream has delivered so far: a stream cut short is recorded with it. */
export interface StreamProgress {
    /** Chunks are counted by the model wrapper, so token events are not counted twice. */
    observed: boolean;
    firstTokenMs?: number;
    deltas: number;
    text: string[];
}

/** Records a streamed delta (`observed`: counted by the model wrapper, so token events are not counted twice). */
export function noteDelta(run: RunState, text: string | undefined, observed: boolean): void {
    const stream = (run.stream ??= { observed, deltas: 0, text: [] });
    stream.observed ||= observed;
    if (text) {
        stream.firstTokenMs ??= elapsed(run);
        stream.deltas++;
        stream.text.push(text);
    }
}

export function operationOf(run: RunState): BedrockOperation {
    return run.stream ? "ConverseStream" : "Converse";
}

/** Whole milliseconds since the call started. */
export function elapsed(run: RunState): number {
    return Math.round(performance.now() - run.startedMs);
}
