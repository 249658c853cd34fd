/**
 * The repository's TypeScript, transpiled once per run into plain JavaScript
 * for worker processes. Under ts-node a plan worker spent a fifth of its CPU
 * in the TypeScript compiler (at start-up, and again for the program each
 * time it is loaded afresh) and formatted stack traces through source maps;
 * esbuild transpiles every file here in well under a second.
 *
 * The copy lives under the repository's `node_modules/.cache`, so it resolves
 * packages from the repository's `node_modules` and finds the package root
 * (and `dist/`, the Lambda bundles) by walking up, as the sources do.
 */
import { buildSync } from "esbuild";
import * as fs from "fs";
import * as path from "path";

export const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");
/** Every folder a worker or the stack program loads from. */
const FOLDERS = ["components", "contract", "runtime", "scripts", "stacks", "testing", "verifier"];

export interface CompiledTree {
    /** The compiled counterpart of a `.ts` file or folder of the repository, or undefined outside the compiled folders. */
    resolve(source: string): string | undefined;
    dispose(): void;
}

export function compileTree(): CompiledTree {
    const cache = path.join(REPOSITORY_ROOT, "node_modules", ".cache");
    fs.mkdirSync(cache, { recursive: true });
    const dir = fs.mkdtempSync(path.join(cache, "bedrock-tenancy-plan-"));
    const entryPoints = FOLDERS.flatMap((f) => typescriptFiles(path.join(REPOSITORY_ROOT, f)));
    try {
        buildSync({ entryPoints, outdir: dir, outbase: REPOSITORY_ROOT, format: "cjs", platform: "node", target: "node20", bundle: false, logLevel: "error" });
    } catch (e) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw e;
    }
    return {
        resolve(source) {
            const relative = path.relative(REPOSITORY_ROOT, path.resolve(source));
            if (relative.startsWith("..") || !FOLDERS.includes(relative.split(path.sep)[0])) return undefined;
            const target = path.join(dir, relative.replace(/\.ts$/, ".js"));
            return fs.existsSync(target) ? target : undefined;
        },
        dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
}

function typescriptFiles(folder: string): string[] {
    const out: string[] = [];
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) {
            if (entry.name !== "node_modules" && entry.name !== "fixtures") out.push(...typescriptFiles(full));
        } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
            out.push(full);
        }
    }
    return out;
}
