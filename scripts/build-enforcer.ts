/**
 * Bundles the quota enforcer into one minified ESM file for Node.js 22 at
 * dist/enforcer/index.mjs, the path `defaultEnforcerBundlePath()` resolves,
 * the same way the Lambda runtime is bundled.
 */
import * as path from "path";
import { build } from "esbuild";
import { ENFORCER_BUNDLE_RELATIVE_PATH } from "../components/quota-enforcer/enforcer-bundle";
import { LAMBDA_BUILD_OPTIONS } from "./lib/lambda-build-options";

const root = path.resolve(__dirname, "..");

/** Builds the bundle at `outfile` and returns the line that reports it. */
export async function buildEnforcerReported(): Promise<string> {
    const started = Date.now();
    const bytes = await buildEnforcer();
    return `built ${ENFORCER_BUNDLE_RELATIVE_PATH}: ${(bytes / 1024).toFixed(0)} KiB in ${Date.now() - started} ms`;
}

/** Builds the bundle at `outfile` and returns its size in bytes. */
export async function buildEnforcer(outfile = path.join(root, ENFORCER_BUNDLE_RELATIVE_PATH)): Promise<number> {
    const result = await build({ ...LAMBDA_BUILD_OPTIONS, metafile: true as const, entryPoints: [path.join(root, "enforcer", "index.ts")], outfile });
    return Object.values(result.metafile.outputs)[0].bytes;
}

if (require.main === module) {
    buildEnforcerReported().then((line) => console.log(line)).catch((err) => {
        console.error(err);
        process.exit(1);
    });
}
