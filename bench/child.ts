/** Runs a compiled worker in a fresh process and collects the one result it sends over IPC. */
import { fork } from "child_process";
import * as fs from "fs";

export interface ChildOptions {
    /** Arguments after the script, JSON-encoded by the worker's contract. */
    args?: string[];
    /** Node flags. @default [] (no ts-node, no inspector) */
    execArgv?: string[];
    env?: Record<string, string | undefined>;
    /** Where the child's stdout goes. @default "/dev/null" */
    stdoutPath?: string;
}

export interface ChildOutcome<T> {
    result: T;
    /** From fork to exit, ms: process start and module loading included. */
    wallMs: number;
}

/** Forks `script` and resolves with the first message it sends; rejects if it exits without one. */
export function runChild<T>(script: string, options: ChildOptions = {}): Promise<ChildOutcome<T>> {
    const out = fs.openSync(options.stdoutPath ?? "/dev/null", "w");
    const started = process.hrtime.bigint();
    return new Promise<ChildOutcome<T>>((resolve, reject) => {
        const child = fork(script, options.args ?? [], {
            execArgv: options.execArgv ?? [],
            // The SDK's Node-version notice would repeat once per process.
            env: { ...process.env, NODE_NO_WARNINGS: "1", ...options.env },
            stdio: ["ignore", out, "inherit", "ipc"],
        });
        let result: { value: T } | undefined;
        child.on("message", (message) => {
            result ??= { value: message as T };
        });
        child.on("error", reject);
        child.on("exit", (code, signal) => {
            fs.closeSync(out);
            const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
            if (result && code === 0) {
                resolve({ result: result.value, wallMs });
            } else {
                reject(new Error(`${script} exited with ${signal ?? code} ${result ? "" : "before sending a result"}`));
            }
        });
    });
}

/** For workers: sends the result to the parent and exits once it is delivered. */
export function reply(result: unknown): void {
    if (!process.send) {
        console.error(JSON.stringify(result, null, 2));
        process.exit(0);
    }
    process.send(result, () => process.exit(0));
}
