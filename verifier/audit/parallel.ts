/**
 * Reads segments on several threads: the calling thread and `threads - 1`
 * worker threads. Parsing and hashing are most of the work; the calling
 * thread reads the files, keeps each worker two batches ahead, reads the
 * batches no worker has room for itself, and waits (blocking, so
 * `verifyAuditTrail` stays a plain function) only at the end. Readings are
 * merged in the order the segments were read, so the result is exactly what
 * reading on one thread gives.
 */
import * as fs from "fs";
import * as path from "path";
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "worker_threads";
import { unpackInput } from "./packed";
import type { ReadAnswer, ReadWorkerData } from "./read-worker";
import { mergeInput, readSegments, type AuditInput, type Segment } from "./segment";

/** The compiled reader thread, beside this file (absent when running from sources, or bundled without it). */
const WORKER_FILE = path.join(__dirname, "read-worker.js");
/** A batch is handed out once it holds this much text: small archive objects travel together. */
export const BATCH_CHARS = 1024 * 1024;
const BATCH_SEGMENTS = 512;
/** Batches queued on a worker: one to read, one waiting, so it never idles between them. */
const QUEUED_PER_WORKER = 2;
/** A thread that has died never answers: give up on an answer after this long. */
const ANSWER_TIMEOUT_MS = 120_000;

export function threadedReadingAvailable(): boolean {
    return fs.existsSync(WORKER_FILE);
}

interface Reader {
    worker: Worker;
    port: MessagePort;
    slot: number;
    /** Answers taken so far. */
    taken: number;
    queued: number;
}

/** A batch's reading, in the order read: done on this thread, or awaited from a worker. */
type Pending = { read: AuditInput } | { reader: Reader };

/** Reads `segments` on this thread and `threads - 1` worker threads into `into`, in order. */
export function readOnThreads(segments: Iterable<Segment>, threads: number, into: AuditInput, batchChars = BATCH_CHARS): void {
    const workers = threads - 1;
    const signal = new Int32Array(new SharedArrayBuffer(4 * workers));
    const readers: Reader[] = [];
    try {
        for (let slot = 0; slot < workers; slot++) {
            const { port1, port2 } = new MessageChannel();
            const data: ReadWorkerData = { port: port2, signal, slot };
            const worker = new Worker(WORKER_FILE, { workerData: data, transferList: [port2] });
            // Its failure shows here as a missing answer; the event must not also end the process later.
            worker.on("error", () => undefined);
            worker.unref();
            readers.push({ worker, port: port1, slot, taken: 0, queued: 0 });
        }
        const pending: Pending[] = [];
        /** Merges the readings at the head of the line that are done; with `wait`, all of them. */
        const mergeDone = (wait: boolean) => {
            while (pending.length > 0) {
                const head = pending[0];
                let read: AuditInput;
                if ("read" in head) {
                    read = head.read;
                } else {
                    const answer = wait ? awaitAnswer(head.reader, signal) : takeAnswer(head.reader);
                    if (answer === undefined) return;
                    if ("error" in answer) throw new Error(`an audit reader thread failed: ${answer.error}`);
                    head.reader.queued--;
                    read = unpackInput(answer.read);
                }
                pending.shift();
                mergeInput(into, read);
            }
        };
        let batch: Segment[] = [];
        let size = 0;
        const dispatch = () => {
            mergeDone(false);
            const reader = readers.reduce<Reader | undefined>((best, r) => (r.queued < QUEUED_PER_WORKER && (!best || r.queued < best.queued) ? r : best), undefined);
            if (reader) {
                reader.port.postMessage(batch);
                reader.queued++;
                pending.push({ reader });
            } else {
                pending.push({ read: readSegments(batch) });
            }
            batch = [];
            size = 0;
        };
        for (const segment of segments) {
            batch.push(segment);
            size += segment.kind === "lines" ? segment.text.length : segment.events.length * 256;
            if (size >= batchChars || batch.length >= BATCH_SEGMENTS) dispatch();
        }
        if (batch.length > 0) dispatch();
        mergeDone(true);
    } finally {
        for (const r of readers) {
            r.port.close();
            void r.worker.terminate();
        }
    }
}

function takeAnswer(reader: Reader): ReadAnswer | undefined {
    const got = receiveMessageOnPort(reader.port);
    if (!got) return undefined;
    reader.taken++;
    return got.message as ReadAnswer;
}

function awaitAnswer(reader: Reader, signal: Int32Array): ReadAnswer {
    for (;;) {
        const answer = takeAnswer(reader);
        if (answer) return answer;
        // Sleeps until the thread counts another answer posted (returns at once if it already has).
        if (Atomics.wait(signal, reader.slot, reader.taken, ANSWER_TIMEOUT_MS) === "timed-out") {
            throw new Error(`an audit reader thread gave no answer in ${ANSWER_TIMEOUT_MS / 1000} s`);
        }
    }
}
