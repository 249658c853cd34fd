/**
 * `bedrock-tenancy audit verify [--window] [--json FILE] <input>…`: exit 0
 * when every chain is intact, 1 naming each break by writer and sequence,
 * 2 for unreadable input.
 */
import * as fs from "fs";
import { parseArgs } from "util";
import { allBreaks, jsonAuditReport, textReport } from "./report";
import { UnreadableAuditInputError } from "./inputs";
import { verifyAuditTrail } from "./verify";

export const AUDIT_USAGE = `usage: bedrock-tenancy audit verify [--window] [--json FILE] [--quiet] [--threads N] <input>…

Checks the hash chain of audit records. Each input is a file of JSON lines, the JSON
\`aws logs filter-log-events\` prints, or a folder of archive objects. Give the log export
and the archive folder together to compare copies and checkpoints.
  --window   the input covers a time window: chains may start after their genesis record
  --json     also write the report as JSON to FILE
  --threads  threads that parse and hash records, the main thread included (default: one per
             core, at most 4, for 16 MiB of input or more; 1: the main thread alone)
A record stored more than once with identical copies (a retried delivery) is counted, not a break.
Exit 0: intact; 1: breaks (listed by writer and sequence); 2: unreadable input.`;

const MAX_THREADS = 64;

export function auditMain(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
    const [command, ...rest] = argv;
    if (command !== "verify") {
        err.write(`${command === undefined ? "" : `unknown audit command ${JSON.stringify(command)}\n`}${AUDIT_USAGE}\n`);
        return 2;
    }
    let values: { window?: boolean; json?: string; quiet?: boolean; threads?: string };
    let inputs: string[];
    try {
        ({ values, positionals: inputs } = parseArgs({
            args: rest,
            allowPositionals: true,
            options: { window: { type: "boolean" }, json: { type: "string" }, quiet: { type: "boolean" }, threads: { type: "string" } },
        }));
        if (values.threads !== undefined && !(/^[0-9]+$/.test(values.threads) && Number(values.threads) >= 1 && Number(values.threads) <= MAX_THREADS)) {
            throw new Error(`--threads takes a whole number from 1 to ${MAX_THREADS}, not ${JSON.stringify(values.threads)}`);
        }
    } catch (e) {
        err.write(`${(e as Error).message}\n${AUDIT_USAGE}\n`);
        return 2;
    }
    try {
        const check = verifyAuditTrail(inputs, { window: values.window, threads: values.threads === undefined ? undefined : Number(values.threads) });
        if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(jsonAuditReport(check), null, 2)}\n`);
        if (!values.quiet) out.write(textReport(check));
        return allBreaks(check).length > 0 ? 1 : 0;
    } catch (e) {
        if (e instanceof UnreadableAuditInputError) {
            err.write(`${e.message}\n`);
            return 2;
        }
        throw e;
    }
}
