/**
 * Bundles the Lambda runtime into minified ESM for Node.js 22: the entry
 * dist/lambda/index.mjs, the path `defaultLambdaBundlePath()` resolves, and
 * beside it the chunks it imports (`splitLambdaBuild`).
 */
import * as fs from "fs";
import * as path from "path";
import { build } from "esbuild";
import { LAMBDA_BUNDLE_RELATIVE_PATH } from "../components/private-invocation-logging/lambda-bundle";
import { splitLambdaBuild } from "./lib/lambda-build-options";

const root = path.resolve(__dirname, "..");

/** Builds the bundle and its chunks; returns the line that reports it. */
export async function buildLambda(): Promise<string> {
    const outfile = path.join(root, LAMBDA_BUNDLE_RELATIVE_PATH);
    const outdir = path.dirname(outfile);
    const started = Date.now();
    // Chunks of an earlier build would otherwise be shipped beside the new ones.
    fs.rmSync(outdir, { recursive: true, force: true });
    const result = await build({ ...splitLambdaBuild(path.join(root, "runtime", "lambda", "index.ts"), outfile), metafile: true as const });
    const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
    // Kept outside dist/lambda so that a directory archive of it holds the bundle only.
    fs.writeFileSync(path.join(root, "dist", "lambda-bundle.meta.json"), JSON.stringify(result.metafile));
    const files = Object.keys(result.metafile.outputs).length;
    return `built ${path.relative(root, outfile)} and ${files - 1} chunks: ${(bytes / 1024).toFixed(0)} KiB in ${Date.now() - started} ms`;
}

if (require.main === module) {
    buildLambda().then(
        (line) => console.log(line),
        (err) => {
            console.error(err);
            process.exit(1);
        },
    );
}
