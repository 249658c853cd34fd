import * as path from "path";
import type { BuildOptions, Plugin } from "esbuild";

/**
 * `langsmith` (every entry point @langchain/core imports) resolves to the
 * runtime's stand-in: the Lambda never traces to LangSmith, and the real
 * package would be the largest part of the bundle.
 */
const langsmithStandIn: Plugin = {
    name: "langsmith-stand-in",
    setup(build) {
        const standIn = path.resolve(__dirname, "..", "..", "runtime", "lambda", "langsmith-stand-in.ts");
        build.onResolve({ filter: /^langsmith(\/.*)?$/ }, () => ({ path: standIn }));
    },
};

/** How the Lambda runtime and the quota enforcer are bundled. */
export const LAMBDA_BUILD_OPTIONS: BuildOptions = {
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node22",
    logLevel: "warning",
    legalComments: "none",
    plugins: [langsmithStandIn],
    // Dependencies written as CommonJS call require() for Node built-ins, which ESM lacks.
    banner: { js: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);" },
};

/**
 * The Lambda runtime's build: the entry at `outfile`, and beside it the
 * chunks it imports. Code reached only through a dynamic `import()` (the
 * archive's S3 client; the SDK's browser user-agent parser) gets a chunk of
 * its own that a cold start never reads unless it needs it. The benchmarks
 * bundle their baseline handler the same way.
 */
export function splitLambdaBuild(entry: string, outfile: string): BuildOptions {
    return {
        ...LAMBDA_BUILD_OPTIONS,
        entryPoints: { [path.basename(outfile, ".mjs")]: entry },
        outdir: path.dirname(outfile),
        splitting: true,
        chunkNames: "[name]-[hash]",
        outExtension: { ".js": ".mjs" },
    };
}
