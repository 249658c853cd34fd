/**
 * A shard runner on Pulumi's Automation API, for `driveShards`.
 *
 * - preview: the plan the verifier reads must hold secrets in the clear (the
 *   trust policies carry the tenants' ExternalIds), and the Automation API's
 *   `preview()` reports engine events, which mask secrets. So the preview runs
 *   `pulumi preview --json --show-sames --show-secrets` with the same CLI the workspace
 *   uses (`PulumiCommand`), in the shards' project folder, and its
 *   `PreviewDigest` is the plan. Its error diagnostics (a mandatory policy of
 *   a `--policy-pack` included) are the shard's violations.
 * - update: `LocalWorkspace.selectStack({ stackName, workDir }).up()`.
 *
 * This project's tests run it against a stand-in `pulumi` executable; the
 * real CLI is not run here.
 */
import { execFile } from "child_process";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import type { ShardRunner } from "./shard-driver";

export interface AutomationRunnerOptions {
    /** The Pulumi project folder every shard stack belongs to. */
    workDir: string;
    /** The CLI's install root (`<root>/bin/pulumi`); default the `pulumi` on PATH. */
    pulumiRoot?: string;
    /** Policy packs every preview and update runs, e.g. `node_modules/bedrock-tenancy/policy-pack`. */
    policyPacks?: readonly string[];
    /** Environment for the CLI (credentials, `PULUMI_CONFIG_PASSPHRASE`, backend URL). */
    env?: Readonly<Record<string, string>>;
    /** Receives the CLI's output of each update, line by line. */
    onOutput?(stack: string, text: string): void;
}

interface Diagnostic {
    urn?: string;
    message?: string;
    severity?: string;
}

/** What an error diagnostic of a `pulumi preview --json` says, one line each. */
export function previewViolations(digest: unknown): string[] {
    const diagnostics = (digest as { diagnostics?: unknown } | null)?.diagnostics;
    if (!Array.isArray(diagnostics)) return [];
    return (diagnostics as Diagnostic[])
        .filter((d) => d?.severity === "error")
        .map((d) => `${d.urn ? `${d.urn}: ` : ""}${String(d.message ?? "").trim()}`);
}

function run(command: string, args: string[], cwd: string, env: Readonly<Record<string, string>>): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        execFile(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 1024 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err && typeof err.code !== "number") reject(new Error(`${command} ${args[0]}: ${err.message}`, { cause: err }));
            else resolve({ code: typeof err?.code === "number" ? err.code : 0, stdout, stderr });
        });
    });
}

export function automationRunner(options: AutomationRunnerOptions): ShardRunner {
    const env = options.env ?? {};
    const policyPacks = [...(options.policyPacks ?? [])];
    const cli = PulumiCommand.get({ root: options.pulumiRoot, skipVersionCheck: false });
    return {
        async preview(stack) {
            const pulumi = await cli;
            const args = ["preview", "--json", "--show-sames", "--show-secrets", "--non-interactive", "--stack", stack, ...policyPacks.flatMap((p) => ["--policy-pack", p])];
            const { code, stdout, stderr } = await run(pulumi.command, args, options.workDir, env);
            let plan: unknown;
            try {
                plan = JSON.parse(stdout);
            } catch {
                throw new Error(`pulumi preview of ${stack} exited ${code} without JSON: ${stderr.trim() || stdout.trim()}`);
            }
            const violations = previewViolations(plan);
            if (code !== 0 && violations.length === 0) throw new Error(`pulumi preview of ${stack} exited ${code}: ${stderr.trim()}`);
            return { plan, violations };
        },
        async update(stack) {
            const workspace = await LocalWorkspace.selectStack({ stackName: stack, workDir: options.workDir }, { pulumiCommand: await cli, envVars: { ...env } });
            await workspace.up({ policyPacks, onOutput: options.onOutput && ((text) => options.onOutput!(stack, text)) });
        },
    };
}
