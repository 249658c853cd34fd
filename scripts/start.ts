/**
 * `npm start`: plans every stack offline under the Pulumi mock engine, writes
 * each as `plan/<stack>.json` in the `pulumi stack export` shape and runs the
 * isolation verifier on those files. See the README's quick start.
 *
 *   npm start                          every Pulumi.<stack>.yaml in the project
 *   npm start -- --stacks ops,customer-a
 *   npm start -- --tenants 5000        a synthetic ops stack of N tenants
 *   npm start -- --tenants 10000 --ops-accounts 3
 *                                      N tenants spread over K ops accounts by a tenant directory:
 *                                      shard stacks of at most 100 tenants each (--shard-tenants M),
 *                                      each planned into its own plan file, proved together
 *   npm start -- --out DIR             where plans and the report go (default: plan/)
 *   npm start -- --preview [--previous DIR]
 *                                      plan as `pulumi preview` would, from the stack exports in DIR
 *                                      (stacks without one are new), and write `pulumi preview --json` files
 *   npm start -- --help                every option
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
// Digits only: `Number` would also read "1e3", "0x10", "5.0" and " 5" as counts the options never name.
import { digitsValue } from "../contract/validation";
import { makeFolder } from "../verifier/folders";
import { optionErrorMessage } from "../verifier/option-errors";
import type * as RunStart from "./plan/run-start";

const USAGE = `usage: npm start -- [options]

Plans every stack offline under the Pulumi mock engine, writes each as <out>/<stack>.json
(a pulumi stack export) and proves tenant isolation over them: <out>/isolation-report.md and .json.

  --stacks A,B          plan only these stacks (default: every Pulumi.<stack>.yaml in the project)
  --tenants N           plan a synthetic ops stack of N tenants instead
  --ops-accounts K      with --tenants: spread them over K ops accounts by a tenant directory,
                        in shard stacks of at most 100 tenants each
  --shard-tenants M     with --ops-accounts: at most M tenants per shard stack
  --out DIR             where plans and reports go (default: plan/)
  --project DIR         the folder holding Pulumi.yaml and the stack configs (default: this repository)
  --preview             plan as pulumi preview would and write pulumi preview --json files
  --previous DIR        with --preview: each stack's state before the change, as DIR/<stack>.json
                        (a stack not planned is proved, and read by StackReferences, as it is there)
  --quiet               print nothing but violations and errors
  --build               bundle the Lambda runtime and the quota enforcer into dist/ first
                        (npm start passes it; the customer stacks plan the bundle as their code)
  -h, --help            print this help

Exit 0: no violation; 1: violations (listed); 2: a bundle failed to build, a stack failed to plan, or a bad option.`;

const START_OPTIONS = ["help", "stacks", "tenants", "ops-accounts", "shard-tenants", "out", "project", "quiet", "build", "preview", "previous"];

/** The options; one that npm start cannot read stops it with exit 2 and one line naming it. */
function readOptions() {
    try {
        return parseArgs({
            options: {
                help: { type: "boolean", short: "h", default: false },
                stacks: { type: "string" },
                tenants: { type: "string" },
                "ops-accounts": { type: "string" },
                "shard-tenants": { type: "string" },
                out: { type: "string", default: "plan" },
                project: { type: "string", default: path.resolve(__dirname, "..") },
                quiet: { type: "boolean", default: false },
                build: { type: "boolean", default: false },
                preview: { type: "boolean", default: false },
                previous: { type: "string" },
            },
        }).values;
    } catch (e) {
        process.stderr.write(`${optionErrorMessage(e, START_OPTIONS)} (npm start -- --help lists the options)\n`);
        process.exit(2);
    }
}

const values = readOptions();
if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
}

function opsAccounts(raw: string | undefined): number | undefined {
    if (raw === undefined) return undefined;
    if (values.tenants === undefined) throw new RangeError("--ops-accounts is only read with --tenants");
    const k = digitsValue(raw);
    if (!Number.isInteger(k) || k < 1 || k > 100) throw new RangeError(`--ops-accounts must be a whole number from 1 to 100, got ${JSON.stringify(raw)}`);
    return k;
}

function shardTenants(raw: string | undefined): number | undefined {
    if (raw === undefined) return undefined;
    if (values["ops-accounts"] === undefined) throw new RangeError("--shard-tenants is only read with --ops-accounts");
    const m = digitsValue(raw);
    if (!Number.isInteger(m) || m < 1 || m > 5000) throw new RangeError(`--shard-tenants must be a whole number from 1 to 5000, got ${JSON.stringify(raw)}`);
    return m;
}

function tenantCount(raw: string | undefined, accounts = 1): number | undefined {
    if (raw === undefined) return undefined;
    const n = digitsValue(raw);
    // IAM grants at most 5,000 roles per account, and every tenant has one in its ops account.
    const max = 5000 * accounts;
    if (!Number.isInteger(n) || n < 1 || n > max) {
        throw new RangeError(`--tenants must be a whole number from 1 to ${max} (IAM's maximum of 5,000 roles per account, times ${accounts} ops account${accounts === 1 ? "" : "s"}; spread more with --ops-accounts), got ${JSON.stringify(raw)}`);
    }
    return n;
}

function stackNames(raw: string | undefined): string[] | undefined {
    if (raw === undefined) return undefined;
    const names = raw.split(",").map((s) => s.trim()).filter(Boolean);
    if (names.length === 0) throw new RangeError(`--stacks must name at least one stack (comma-separated, as in ops,customer-a), got ${JSON.stringify(raw)}`);
    return names;
}

/** A folder the option names, or why it cannot be one. */
function folderProblem(dir: string): string | undefined {
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    return stat?.isDirectory() ? undefined : stat ? "not a folder" : "no such folder";
}

function projectDir(raw: string): string {
    const problem = folderProblem(raw) ?? (fs.existsSync(path.join(raw, "Pulumi.yaml")) ? undefined : "no Pulumi.yaml there");
    if (problem) throw new RangeError(`--project ${raw}: ${problem}`);
    return raw;
}

/** What a folder `--out` creates holds first: plans carry each tenant's ExternalId in the clear, so the folder keeps itself out of git wherever it is. */
const OUT_GITIGNORE = "# Plans and reports of npm start: they hold secrets in the clear (each tenant's ExternalId).\n*\n";

function outDir(raw: string): string {
    // Created now, so a folder that cannot be is refused before any stack is planned.
    const exists = fs.existsSync(raw);
    if (exists && folderProblem(raw)) throw new RangeError(`--out ${raw}: not a folder`);
    try {
        makeFolder(raw);
        // A folder that was there is the user's: what else it holds is not this command's to hide.
        if (!exists) fs.writeFileSync(path.join(raw, ".gitignore"), OUT_GITIGNORE);
    } catch (e) {
        throw new RangeError(`--out ${raw}: ${(e as Error).message}`);
    }
    return path.resolve(raw);
}

function previewOption(): { previousDir?: string } | undefined {
    if (values.previous !== undefined && !values.preview) throw new RangeError("--previous is only read with --preview");
    if (!values.preview) return undefined;
    const previousDir = values.previous === undefined ? undefined : path.resolve(values.previous);
    if (previousDir !== undefined && path.resolve(values.out) === previousDir) {
        throw new RangeError(`--previous and --out must differ: the preview would overwrite the state it starts from (${JSON.stringify(values.previous)})`);
    }
    const problem = previousDir === undefined ? undefined : folderProblem(previousDir);
    if (problem) throw new RangeError(`--previous ${values.previous}: ${problem} (it holds the state of each stack as <stack>.json)`);
    return { previousDir };
}

/** The bundles the stacks plan, built here so that their lines follow --quiet as every other line does. */
async function buildBundles(log: (line: string) => void): Promise<void> {
    const { buildLambda } = require("./build-lambda") as typeof import("./build-lambda");
    const { buildEnforcerReported } = require("./build-enforcer") as typeof import("./build-enforcer");
    log(await buildLambda());
    log(await buildEnforcerReported());
}

async function main(): Promise<number> {
    const options: RunStart.RunOptions = {
        projectDir: projectDir(values.project),
        stacks: stackNames(values.stacks),
        tenants: tenantCount(values.tenants, opsAccounts(values["ops-accounts"])),
        opsAccounts: opsAccounts(values["ops-accounts"]),
        shardTenants: shardTenants(values["shard-tenants"]),
        outDir: outDir(values.out),
        preview: previewOption(),
        log: values.quiet ? () => undefined : (line) => process.stdout.write(`${line}\n`),
    };
    if (values.build) await buildBundles(options.log);
    // Loaded once the options are read: the planner brings Pulumi, the AWS provider and the verifier (seconds), which a bad option or --help need not wait for.
    const { runPlan } = require("./plan/run-start") as typeof RunStart;
    const result = await runPlan(options);
    if (result.violations.length > 0) {
        process.stderr.write(`\nTenant isolation violated (${result.violations.length}):\n${result.violations.map((v) => `  - ${v}`).join("\n")}\n`);
        return 1;
    }
    return 0;
}

main().then(
    (code) => process.exit(code),
    (err) => {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(2);
    },
);
