/**
 * Reads segments on worker threads (parsing and hashing are most of the
 * work) while this thread reads the files and waits, blocking: so
 * `verifyAuditTrail` stays a plain function. Answers are taken in the order
 * the segments were handed out, so the result is exactly what reading on
 * this thread gives.
 */
import * as fs from "fs";
import * as path from "path";
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "worker_threads";
import { unpackInput } from "./packed";
import type { ReadAnswer, ReadWorkerData } from "./read-worker";
import { mergeInput, type AuditInput, type Segment } from "./segment";

/** The compiled reader thread, beside this file (absent when running from sources, or bundled without it). */
const WORKER_FILE = path.join(__dirname, "read-worker.js");
/** A batch is handed out once it holds this much text: small archive objects travel together. */
export const BATCH_CHARS = 1024 * 1024;
const BATCH_SEGMENTS = 512;
/** A thread that has died never answers: give up on an answer after this long. */
const ANSWER_TIMEOUT_MS = 120_000;

export function threadedReadingAvailable(): boolean {
    return fs.existsSync(WORKER_FILE);
}

interface Reader {
    worker: Worker;
    port: MessagePort;
    /** Answers taken so far. */
    taken: number;
}

/** Reads `segments` on `threads` worker threads into `into`, in order. */
export function readOnThreads(segments: Iterable<Segment>, threads: number, into: AuditInput, batchChars = BATCH_CHARS): void {
    const signal = new Int32Array(new SharedArrayBuffer(4 * threads));
    const readers: Reader[] = [];
    try {
        for (let slot = 0; slot < threads; slot++) {
            const { port1, port2 } = new MessageChannel();
            const data: ReadWorkerData = { port: port2, signal, slot };
            const worker = new Worker(WORKER_FILE, { workerData: data, transferList: [port2] });
            // Its failure shows here as a missing answer; the event must not also end the process later.
            worker.on("error", () => undefined);
            worker.unref();
            readers.push({ worker, port: port1, taken: 0 });
        }
        /** Slot of each batch handed out and not yet taken, oldest first. */
        const inFlight: number[] = [];
        let next = 0;
        const takeOldest = () => {
            const slot = inFlight.shift()!;
            const answer = awaitAnswer(readers[slot], signal, slot);
            if ("error" in answer) throw new Error(`an audit reader thread failed: ${answer.error}`);
            mergeInput(into, unpackInput(answer.read));
        };
        let batch: Segment[] = [];
        let size = 0;
        const handOut = () => {
            readers[next].port.postMessage(batch);
            inFlight.push(next);
            next = (next + 1) % threads;
            batch = [];
            size = 0;
            // Two batches queued per thread keep it busy while this one reads on.
            if (inFlight.length >= threads * 2) takeOldest();
        };
        for (const segment of segments) {
            batch.push(segment);
            size += segment.kind === "lines" ? segment.text.length : segment.events.length * 256;
            if (size >= batchChars || batch.length >= BATCH_SEGMENTS) handOut();
        }
        if (batch.length > 0) handOut();
        while (inFlight.length > 0) takeOldest();
    } finally {
        for (const r of readers) {
            r.port.close();
            void r.worker.terminate();
        }
    }
}

function awaitAnswer(reader: Reader, signal: Int32Array, slot: number): ReadAnswer {
    for (;;) {
        const got = receiveMessageOnPort(reader.port);
        if (got) {
            reader.taken++;
            return got.message as ReadAnswer;
        }
        // Sleeps until the thread counts another answer posted (returns at once if it already has).
        if (Atomics.wait(signal, slot, reader.taken, ANSWER_TIMEOUT_MS) === "timed-out") {
            throw new Error(`an audit reader thread gave no answer in ${ANSWER_TIMEOUT_MS / 1000} s`);
        }
    }
}
