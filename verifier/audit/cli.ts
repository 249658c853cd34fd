/**
 * `bedrock-tenancy audit verify [--window] [--tenant ID]… [--json FILE] [--quiet] [--threads N] <input>…`:
 * exit 0 when every chain is intact, 1 naming each break by writer and
 * sequence, 2 for unreadable input, bad arguments or a report that cannot be
 * written.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { tenantIdProblem } from "../../contract/naming";
import { digitsValue } from "../../contract/validation";
import { optionErrorMessage, unknownCommand } from "../option-errors";
import { allBreaks, jsonAuditReport, textReport } from "./report";
import { UnreadableAuditInputError, inputReading } from "./inputs";
import { verifyAuditTrail } from "./verify";

export const AUDIT_USAGE = `usage: bedrock-tenancy audit verify [--window] [--tenant ID]… [--json FILE] [--quiet] [--threads N] <input>…

Checks the hash chain of audit records. Each input is a file of JSON lines, the JSON
\`aws logs filter-log-events\` prints, or a folder of archive objects. Give the log export
and the archive folder together to compare copies and checkpoints.
  --window   the input covers a time window: chains may start after their genesis record
  --tenant   the tenant whose records the trail holds (repeat for more); a record of another is a
             break, and without it, records of more than one tenant are a tenant break
  --json     also write the report as JSON to FILE (its folder must exist)
  --quiet    print no report on stdout; the exit code (and --json) still give the result
  --threads  threads that parse and hash records, the main thread included (default: one per
             core, at most 4, for 16 MiB of input or more; 1: the main thread alone)
  --help     print this usage (exit 0); \`bedrock-tenancy audit\` without a command prints it with exit 2
A record stored more than once with identical copies (a retried delivery) is counted, not a break.
Exit 0: intact; 1: breaks (listed by writer and sequence); 2: unreadable input, a bad
argument, or a report that cannot be written.`;

const MAX_THREADS = 64;
const HELP = ["--help", "-h", "help"];

/** Why no file can be created at `file`: its folder is missing or is not a folder. */
function folderProblem(file: string): string | undefined {
    const folder = path.dirname(file);
    try {
        return fs.statSync(folder).isDirectory() ? undefined : `${folder} is not a folder`;
    } catch {
        return `its folder ${folder} does not exist`;
    }
}

/**
 * Why the report must not go to `file`: it would overwrite an input, the
 * trail it checks, or land inside an input folder, where the next run of the
 * same command would read it as input (and refuse to overwrite it).
 */
function overwrittenInput(file: string, inputs: readonly string[]): string | undefined {
    const input = inputReading(file, inputs);
    if (input === undefined) return undefined;
    if (fs.existsSync(file)) return `it is read as input (${input}), which the report would overwrite`;
    return `it would be written inside the input folder ${input}, where every later run would read it as input: write it outside the folders given`;
}

/** The line that names the report file and why it cannot be written. */
function unwritable(file: string, why: string): string {
    return `--json ${file}: cannot write the report: ${why}`;
}

export function auditMain(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
    const [command, ...rest] = argv;
    if (HELP.includes(command)) {
        out.write(`${AUDIT_USAGE}\n`);
        return 0;
    }
    if (command !== "verify") {
        err.write(`${command === undefined ? "" : `${unknownCommand(command, ["verify"], "audit command")}\n`}${AUDIT_USAGE}\n`);
        return 2;
    }
    let values: { window?: boolean; tenant?: string[]; json?: string; quiet?: boolean; threads?: string; help?: boolean };
    let inputs: string[];
    try {
        ({ values, positionals: inputs } = parseArgs({
            args: rest,
            allowPositionals: true,
            options: { window: { type: "boolean" }, tenant: { type: "string", multiple: true }, json: { type: "string" }, quiet: { type: "boolean" }, threads: { type: "string" }, help: { type: "boolean", short: "h" } },
        }));
        if (values.help) {
            out.write(`${AUDIT_USAGE}\n`);
            return 0;
        }
        const threads = digitsValue(values.threads);
        if (values.threads !== undefined && !(threads >= 1 && threads <= MAX_THREADS)) {
            throw new Error(`--threads takes a whole number from 1 to ${MAX_THREADS}, not ${JSON.stringify(values.threads)}`);
        }
        for (const tenant of values.tenant ?? []) {
            const problem = tenantIdProblem("--tenant", tenant);
            if (problem) throw new Error(problem);
        }
    } catch (e) {
        err.write(`${optionErrorMessage(e, ["window", "tenant", "json", "quiet", "threads", "help"])}\n${AUDIT_USAGE}\n`);
        return 2;
    }
    // Before reading the inputs, which may take a while: a report that has nowhere to go stops the run now.
    const folder = values.json === undefined ? undefined : (folderProblem(values.json) ?? overwrittenInput(values.json, inputs));
    if (values.json !== undefined && folder !== undefined) {
        err.write(`${unwritable(values.json, folder)}\n`);
        return 2;
    }
    let check: ReturnType<typeof verifyAuditTrail>;
    try {
        check = verifyAuditTrail(inputs, { window: values.window, tenants: values.tenant, threads: values.threads === undefined ? undefined : Number(values.threads) });
    } catch (e) {
        if (e instanceof UnreadableAuditInputError) {
            err.write(`${e.message}\n`);
            return 2;
        }
        throw e;
    }
    if (!values.quiet) out.write(textReport(check));
    if (values.json !== undefined) {
        try {
            fs.writeFileSync(values.json, `${JSON.stringify(jsonAuditReport(check), null, 2)}\n`);
        } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            err.write(`${unwritable(values.json, code === "EISDIR" ? "it is a folder" : (folderProblem(values.json) ?? (e as Error).message))}\n`);
            return 2;
        }
    }
    return allBreaks(check).length > 0 ? 1 : 0;
}
