/**
 * A reader thread of `audit verify`: reads the segments it is handed (parse,
 * hash) and answers with what it found, then signals the waiting reader.
 */
import { isMainThread, workerData, type MessagePort } from "worker_threads";
import { packInput, type PackedInput } from "./packed";
import { readSegments, type Segment } from "./segment";

export interface ReadWorkerData {
    port: MessagePort;
    /** One slot per thread: the number of answers posted. */
    signal: Int32Array;
    slot: number;
}

export type ReadAnswer = { read: PackedInput } | { error: string };

if (!isMainThread && workerData && (workerData as ReadWorkerData).port) {
    const { port, signal, slot } = workerData as ReadWorkerData;
    port.on("message", (batch: Segment[]) => {
        let answer: ReadAnswer;
        try {
            answer = { read: packInput(readSegments(batch)) };
        } catch (err) {
            answer = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
        }
        port.postMessage(answer, "read" in answer ? [answer.read.numbers.buffer, answer.read.digests.buffer] : []);
        Atomics.add(signal, slot, 1);
        Atomics.notify(signal, slot);
    });
}
