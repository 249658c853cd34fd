/**
 * Long-lived TypeScript worker processes, each serving one job at a time, fed
 * and read through JSON files (results such as a plan of hundreds of tenants
 * are too large for a message, and a file keeps stdout free for the worker's
 * own output). A worker's start-up (ts-node, the SDKs, warming the JIT) is
 * paid once per worker rather than once per job, which is what lets a large
 * ops stack be planned in many small shards.
 */
import { fork, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface JsonWorkerOptions {
    /** Extra Node flags, e.g. a larger heap. */
    nodeFlags?: string[];
    /** The script is JavaScript: run it without ts-node. */
    javascript?: boolean;
}

export interface JobOptions {
    /** Error message when the job fails; the worker's error (and stderr) follows on the next line. */
    failure: string;
    /** Where the job's stderr (warnings) goes when it succeeds; this process's stderr by default. */
    onStderr?: (text: string) => void;
    /** Where the job's stdout goes when it succeeds; this process's stdout by default. */
    onStdout?: (text: string) => void;
}

/** A job's reply over IPC: its stdout and stderr, and its error when it failed (the output file holds a result). */
interface Reply {
    stdout?: string;
    stderr: string;
    error?: string;
}

interface Job extends JobOptions {
    inFile: string;
    outFile: string;
    resolve: (output: unknown) => void;
    reject: (err: Error) => void;
}

interface Worker {
    child: ChildProcess;
    /** What the worker wrote to stderr since its last reply, for the message should it die. */
    stderr: string;
    job?: Job;
}

/** Up to `size` workers running `script` (which calls {@link serveJsonWorker}), started when first needed. */
export class JsonWorkerPool<I, O> {
    /** The job files' folder, made by the first job: a pool refused at construction, or never used, leaves none behind. */
    private dir: string | undefined;
    private readonly workers = new Set<Worker>();
    private readonly idle: Worker[] = [];
    private readonly waiting: ((worker: Worker) => void)[] = [];
    private jobs = 0;
    private closed = false;

    constructor(private readonly script: string, private readonly size: number, private readonly options: JsonWorkerOptions = {}) {
        if (!(size >= 1)) throw new RangeError(`a worker pool needs at least one worker, got ${size}`);
    }

    /** Runs one job on the next free worker. */
    async run(input: I, options: JobOptions): Promise<O> {
        if (this.closed) throw new Error(`${options.failure}: the worker pool is closed`);
        const n = this.jobs++;
        this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-tenancy-worker-"));
        const inFile = path.join(this.dir, `${n}-input.json`);
        const outFile = path.join(this.dir, `${n}-output.json`);
        fs.writeFileSync(inFile, JSON.stringify(input));
        const worker = await this.acquire();
        try {
            return (await new Promise<unknown>((resolve, reject) => {
                worker.job = { ...options, inFile, outFile, resolve, reject };
                worker.child.send({ inFile, outFile }, (err) => {
                    if (err) reject(new Error(`${options.failure}:\n${err.message}`));
                });
            })) as O;
        } finally {
            fs.rmSync(inFile, { force: true });
            fs.rmSync(outFile, { force: true });
            this.release(worker);
        }
    }

    /**
     * Stops every worker and removes the job files, resolving once every worker
     * has exited (none outlives its caller); a job still running is abandoned, and rejected.
     */
    async close(): Promise<void> {
        this.closed = true;
        const exits = [...this.workers].map((w) => new Promise<void>((resolve) => {
            if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
            w.child.once("exit", () => resolve());
            if (w.child.connected) w.child.disconnect();
        }));
        await Promise.all(exits);
        if (this.dir !== undefined) fs.rmSync(this.dir, { recursive: true, force: true });
    }

    private acquire(): Promise<Worker> {
        const free = this.idle.pop();
        if (free) return Promise.resolve(free);
        if (this.workers.size < this.size) return Promise.resolve(this.start());
        return new Promise((resolve) => this.waiting.push(resolve));
    }

    private release(worker: Worker): void {
        const alive = this.workers.has(worker);
        const next = this.waiting.shift();
        // A worker that exited is replaced by a fresh one for the waiting job.
        if (next) next(alive ? worker : this.start());
        else if (alive) this.idle.push(worker);
    }

    /** No job goes to a worker once it has exited or failed. */
    private retire(worker: Worker): void {
        this.workers.delete(worker);
        const i = this.idle.indexOf(worker);
        if (i >= 0) this.idle.splice(i, 1);
    }

    private start(): Worker {
        const child = fork(this.script, [], {
            execArgv: [...(this.options.nodeFlags ?? []), ...(this.options.javascript ? [] : ["-r", "ts-node/register/transpile-only"])],
            stdio: ["ignore", "inherit", "pipe", "ipc"],
        });
        const worker: Worker = { child, stderr: "" };
        this.workers.add(worker);
        child.stderr?.on("data", (d) => (worker.stderr += d));
        child.on("message", (reply: Reply) => this.finish(worker, reply));
        // Its job fails once its stderr is all read.
        const gone = (why: string) => {
            this.retire(worker);
            const job = worker.job;
            worker.job = undefined;
            job?.reject(new Error(`${job.failure}:\n${[worker.stderr.trim(), why].filter(Boolean).join("\n")}`));
        };
        child.on("error", (err) => gone(err.message));
        child.on("exit", () => this.retire(worker));
        child.on("close", (code, signal) => gone(`the worker exited with ${signal ?? `code ${code}`} before it finished`));
        return worker;
    }

    private finish(worker: Worker, reply: Reply): void {
        const job = worker.job;
        worker.stderr = "";
        if (!job) return;
        worker.job = undefined;
        if (reply.error !== undefined) {
            // The worker exits after a failed job.
            this.retire(worker);
            job.reject(new Error(`${job.failure}:\n${`${reply.stderr}${reply.error}`.trim()}`));
            return;
        }
        if (reply.stdout?.trim()) (job.onStdout ?? ((text) => process.stdout.write(text)))(reply.stdout);
        if (reply.stderr.trim()) (job.onStderr ?? ((text) => process.stderr.write(text)))(reply.stderr);
        try {
            job.resolve(JSON.parse(fs.readFileSync(job.outFile, "utf8")));
        } catch (err) {
            job.reject(err instanceof Error ? err : new Error(String(err)));
        }
    }
}

/**
 * The worker side: runs `work` on each job the pool sends, one at a time,
 * writes the result to the job's output file and replies with what the job
 * wrote to stdout and stderr (so each job's lines stay its own, whenever the
 * pipe delivers them, and the pool decides which to print). A job that fails ends the worker: whatever it left running
 * cannot reach the next job.
 */
export function serveJsonWorker<I, O>(work: (input: I) => Promise<O>): void {
    // One job at a time: the pool sends the next only after this one's reply.
    process.on("message", ({ inFile, outFile }: { inFile: string; outFile: string }) => void serve(inFile, outFile));
    const serve = async (inFile: string, outFile: string): Promise<void> => {
        const write = process.stderr.write;
        const writeOut = process.stdout.write;
        let captured = "";
        let capturedOut = "";
        const text = (chunk: string | Uint8Array) => (typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        // Also written through, so that the pool can quote it should the worker die mid-job.
        process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
            captured += text(chunk);
            return write.call(process.stderr, chunk, ...rest);
        });
        // Not written through: several workers log the same lines (a program's pulumi.log.info), and the pool prints each once.
        process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
            capturedOut += text(chunk);
            const done = rest.find((r): r is () => void => typeof r === "function");
            if (done) process.nextTick(done);
            return true;
        });
        let error: string | undefined;
        try {
            fs.writeFileSync(outFile, JSON.stringify(await work(JSON.parse(fs.readFileSync(inFile, "utf8")))));
        } catch (err) {
            error = errorLine(err);
        } finally {
            process.stderr.write = write;
            process.stdout.write = writeOut;
        }
        const reply: Reply = error === undefined ? { stdout: capturedOut, stderr: captured } : { stdout: capturedOut, stderr: captured, error };
        await new Promise<void>((resolve) => process.send!(reply, () => resolve()));
        if (error !== undefined) process.exit(1);
    };
    // The pool disconnects when it has no more jobs.
    process.on("disconnect", () => process.exit(0));
}

/** How a failed worker reports its error on stderr, which its caller quotes. */
export function errorLine(err: unknown): string {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
