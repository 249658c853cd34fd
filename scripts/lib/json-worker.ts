/**
 * One TypeScript worker process per piece of work, fed and read through JSON
 * files (results such as a 5,000-tenant plan are too large to pass as
 * arguments, and a file keeps stdout free for the worker's own output).
 */
import { fork } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface JsonWorkerOptions {
    /** Extra Node flags, e.g. a larger heap. */
    nodeFlags?: string[];
    /** Error message when the worker fails; its stderr follows on the next line. */
    failure: string;
    /** Where a successful worker's stderr (warnings) goes; this process's stderr by default. */
    onStderr?: (text: string) => void;
}

/** Runs `script` (which calls {@link serveJsonWorker}) on `input` and returns its result. */
export async function runJsonWorker<I, O>(script: string, input: I, options: JsonWorkerOptions): Promise<O> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-tenancy-worker-"));
    const inFile = path.join(dir, "input.json");
    const outFile = path.join(dir, "output.json");
    fs.writeFileSync(inFile, JSON.stringify(input));
    try {
        const stderr = await new Promise<string>((resolve, reject) => {
            const child = fork(script, [inFile, outFile], {
                execArgv: [...(options.nodeFlags ?? []), "-r", "ts-node/register/transpile-only"],
                stdio: ["ignore", "inherit", "pipe", "ipc"],
            });
            let err = "";
            child.stderr?.on("data", (d) => (err += d));
            child.on("error", reject);
            child.on("exit", (code) => (code === 0 ? resolve(err) : reject(new Error(`${options.failure}:\n${err.trim()}`))));
        });
        if (stderr.trim()) (options.onStderr ?? ((text) => process.stderr.write(text)))(stderr);
        return JSON.parse(fs.readFileSync(outFile, "utf8"));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** The worker side: reads the input file, runs `work`, writes the output file; exits 1 with the error on failure. */
export function serveJsonWorker<I, O>(work: (input: I) => Promise<O>): void {
    const [inFile, outFile] = process.argv.slice(2);
    work(JSON.parse(fs.readFileSync(inFile, "utf8"))).then(
        (result) => fs.writeFileSync(outFile, JSON.stringify(result)),
        (err) => {
            process.stderr.write(`${errorLine(err)}\n`);
            process.exit(1);
        },
    );
}

/** How a failed worker reports its error on stderr, which its caller quotes. */
export function errorLine(err: unknown): string {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
