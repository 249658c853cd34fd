/**
 * Benchmarks run compiled JavaScript in fresh `node` processes: ts-node's
 * source-map support makes every captured stack trace (Pulumi takes several
 * per resource) many times dearer, which would measure ts-node, not the code.
 */
import * as path from "path";
import { buildSync } from "esbuild";

export const PACKAGE_ROOT = path.resolve(__dirname, "..");
/** Inside the package, so that dependencies resolve from its node_modules. */
export const BENCH_OUT_DIR = path.join(PACKAGE_ROOT, "dist", "bench");

/**
 * Bundles our own sources of `entry` (relative to the package root) into one
 * CommonJS file; every npm dependency stays external and loads from node_modules.
 */
export function compileEntry(entry: string, outName = path.basename(entry).replace(/\.ts$/, ".cjs")): string {
    const outfile = path.join(BENCH_OUT_DIR, outName);
    buildSync({
        entryPoints: [path.join(PACKAGE_ROOT, entry)],
        outfile,
        bundle: true,
        packages: "external",
        platform: "node",
        format: "cjs",
        target: "node20",
        logLevel: "warning",
    });
    return outfile;
}
