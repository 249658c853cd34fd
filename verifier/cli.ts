#!/usr/bin/env node
/**
 * `bedrock-tenancy verify <files…>`: the isolation proof on `pulumi stack
 * export --show-secrets` or `pulumi preview --json --show-sames --show-secrets` files, one
 * per stack. Exit 0 clean, 1 on any violation, 2 on unreadable input.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { auditMain } from "./audit/cli";
import { makeFolder } from "./folders";
import { realPath } from "./real-path";
import { optionErrorMessage, unknownCommand } from "./option-errors";
import { UnreadableInputError } from "./pulumi-formats";
import { counted, customersNotProved, jsonReport, markdownReport, violationLines } from "./report";
import { verifyFiles } from "./verify";

const USAGE = `usage: bedrock-tenancy verify [--out DIR] [--quiet] [--require-customers] <stack.json>…
       bedrock-tenancy audit verify [options] <input>…   checks the audit trail's hash chains (\`bedrock-tenancy audit --help\` for its options)
       bedrock-tenancy --version

verify reads one \`pulumi stack export --show-secrets\` or \`pulumi preview --json --show-sames --show-secrets\`
file per stack (the ops stack's and any customer stacks'), proves tenant isolation over every
resource of every file and writes DIR/isolation-report.md and DIR/isolation-report.json.

  --out DIR            the folder for the reports (default: the current folder)
  --require-customers  a tenant, or an account it lists, whose customer stack is not among the files is a violation
  --quiet              print nothing but violations

Exit 0: no violation; 1: violations (listed); 2: unreadable input, a stack that failed to plan, files that prove nothing, a bad option, or a report that cannot be written.`;

/** The package's version, from the package.json above this file (compiled or not). */
function packageVersion(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
            if (pkg.name === "bedrock-tenancy" && typeof pkg.version === "string") return pkg.version;
        }
        if (path.dirname(dir) === dir) return "unknown";
    }
}

/** Whether two paths name one existing file, by whatever path. */
function samePath(a: string, b: string): boolean {
    const real = realPath(a);
    return real !== undefined && real === realPath(b);
}

export function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): number {
    const [command, ...rest] = argv;
    if (command === "audit") return auditMain(rest, out, err);
    if (command === "--help" || command === "-h" || command === "help" || (command === "verify" && (rest.includes("--help") || rest.includes("-h")))) {
        out.write(`${USAGE}\n`);
        return 0;
    }
    if (command === "--version" || command === "-v" || command === "version") {
        out.write(`${packageVersion()}\n`);
        return 0;
    }
    if (command !== "verify") {
        err.write(`${command === undefined ? "no command given: verify or audit verify" : unknownCommand(command, ["verify", "audit"], "command")}\n${USAGE}\n`);
        return 2;
    }
    let values: { out?: string; quiet?: boolean; "require-customers"?: boolean };
    let files: string[];
    try {
        ({ values, positionals: files } = parseArgs({ args: rest, allowPositionals: true, options: { out: { type: "string" }, quiet: { type: "boolean" }, "require-customers": { type: "boolean" } } }));
    } catch (e) {
        err.write(`${optionErrorMessage(e, ["out", "quiet", "require-customers"])}\n${USAGE}\n`);
        return 2;
    }
    const dir = path.resolve(values.out ?? ".");
    const md = path.join(dir, "isolation-report.md");
    const json = path.join(dir, "isolation-report.json");
    // Before the proof, which may take a while: a report that would overwrite a plan given stops the run now.
    for (const report of [md, json]) {
        const input = files.find((file) => samePath(file, report));
        if (input === undefined) continue;
        err.write(`cannot write the report to ${values.out ?? dir} (--out): ${report} is the input ${input}, which the report would overwrite\n`);
        return 2;
    }
    try {
        const result = verifyFiles(files, { requireCustomers: values["require-customers"] === true });
        try {
            makeFolder(dir);
            fs.writeFileSync(md, markdownReport(result));
            fs.writeFileSync(json, `${JSON.stringify(jsonReport(result), null, 2)}\n`);
        } catch (e) {
            // Exit 1 says "violated": a report that cannot be written says nothing of the plans.
            err.write(`cannot write the report to ${values.out ?? dir} (--out): ${(e as Error).message}\n`);
            return 2;
        }
        if (!values.quiet) {
            const resources = result.stacks.reduce((n, s) => n + s.resources, 0);
            out.write(
                `Isolation: ${counted(result.tenants.length, "tenant")}, ${counted(result.customers.length, "customer stack")}, ${counted(resources, "resource")}, ${counted(result.violations.length, "violation")} in ${(result.durationMs / 1000).toFixed(2)} s. Report: ${md}\n`,
            );
            // With --require-customers each of them is a violation, named on stderr.
            if (result.customersNotProved.length > 0 && values["require-customers"] !== true) out.write(`Customer side not proved (no customer stack given): ${customersNotProved(result).join(", ")}\n`);
        }
        if (result.violations.length > 0) {
            err.write(`Tenant isolation violated (${result.violations.length}):\n${violationLines(result).map((l) => `  - ${l}`).join("\n")}\n`);
            return 1;
        }
        return 0;
    } catch (e) {
        if (e instanceof UnreadableInputError) {
            err.write(`${e.message}\n`);
            return 2;
        }
        throw e;
    }
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
