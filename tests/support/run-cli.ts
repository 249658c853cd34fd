import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir } from "./temp-dir";

export const REPO = path.resolve(__dirname, "../..");

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
    out: string;
}

/** Runs `npm start`'s script as a user would, in a child process, writing into a fresh folder. */
export function runStart(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    const out = makeTempDir("bedrock-tenancy-plan-test-");
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", path.join(REPO, "scripts/start.ts"), "--out", out, ...args],
            { cwd: REPO, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, out }),
        );
    });
}

/** A project folder holding the repository's stack files, with `edit` applied to the ops config text. */
export function projectWith(editOps: (yaml: string) => string, stacks = ["ops", "customer-a"]): string {
    const dir = makeTempDir("bedrock-tenancy-project-");
    fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    for (const stack of stacks) {
        const text = fs.readFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), "utf8");
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stack === "ops" ? editOps(text) : text);
    }
    return dir;
}

export function readJson(file: string): any {
    return JSON.parse(fs.readFileSync(file, "utf8"));
}
