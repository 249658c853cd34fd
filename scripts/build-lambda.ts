/**
 * Bundles the Lambda runtime into one minified ESM file for Node.js 22 at
 * dist/lambda/index.mjs, the path `defaultLambdaBundlePath()` resolves.
 */
import * as fs from "fs";
import * as path from "path";
import { build } from "esbuild";
import { LAMBDA_BUNDLE_RELATIVE_PATH } from "../components/private-invocation-logging/lambda-bundle";
import { LAMBDA_BUILD_OPTIONS } from "./lib/lambda-build-options";

const root = path.resolve(__dirname, "..");

async function main(): Promise<void> {
    const outfile = path.join(root, LAMBDA_BUNDLE_RELATIVE_PATH);
    const started = Date.now();
    const result = await build({
        ...LAMBDA_BUILD_OPTIONS,
        metafile: true as const,
        entryPoints: [path.join(root, "runtime", "lambda", "index.ts")],
        outfile,
    });
    const bytes = Object.values(result.metafile.outputs)[0].bytes;
    // Kept outside dist/lambda so that a directory archive of it holds the bundle only.
    fs.writeFileSync(path.join(root, "dist", "lambda-bundle.meta.json"), JSON.stringify(result.metafile));
    console.log(`built ${path.relative(root, outfile)}: ${(bytes / 1024).toFixed(0)} KiB in ${Date.now() - started} ms`);
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
