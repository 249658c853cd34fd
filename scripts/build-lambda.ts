/**
 * Bundles the Lambda runtime into one minified ESM file for Node.js 22 at
 * dist/lambda/index.mjs, the path `defaultLambdaBundlePath()` resolves.
 */
import * as fs from "fs";
import * as path from "path";
import { build } from "esbuild";
import { LAMBDA_BUNDLE_RELATIVE_PATH } from "../components/lambda-bundle";

const root = path.resolve(__dirname, "..");

async function main(): Promise<void> {
    const outfile = path.join(root, LAMBDA_BUNDLE_RELATIVE_PATH);
    const started = Date.now();
    const result = await build({
        entryPoints: [path.join(root, "runtime", "lambda", "index.ts")],
        outfile,
        bundle: true,
        minify: true,
        format: "esm",
        platform: "node",
        target: "node22",
        metafile: true,
        logLevel: "warning",
        legalComments: "none",
        // Dependencies written as CommonJS call require() for Node built-ins, which ESM lacks.
        banner: { js: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);" },
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
