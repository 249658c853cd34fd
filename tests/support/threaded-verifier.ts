/**
 * The audit checker compiled the way it ships (its reader thread, read-worker.js,
 * beside it), for tests of threaded reading: from TypeScript sources it reads on
 * the calling thread only.
 */
import * as path from "path";
import { buildSync } from "esbuild";
import { tempDir } from "./audit-trail";

type AuditModule = typeof import("../../verifier/audit");

let compiled: AuditModule | undefined;

export function threadedVerifier(): AuditModule {
    if (compiled) return compiled;
    const dir = tempDir();
    const root = path.resolve(__dirname, "..", "..");
    for (const [entry, out] of [
        ["verifier/audit/index.ts", "index.js"],
        ["verifier/audit/read-worker.ts", "read-worker.js"],
    ]) {
        buildSync({ entryPoints: [path.join(root, entry)], outfile: path.join(dir, out), bundle: true, platform: "node", format: "cjs", target: "node20", logLevel: "warning" });
    }
    compiled = require(path.join(dir, "index.js")) as AuditModule;
    return compiled;
}
