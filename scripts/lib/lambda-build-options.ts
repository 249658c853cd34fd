import type { BuildOptions } from "esbuild";

/** How the Lambda is bundled; the benchmarks bundle their baseline handler the same way. */
export const LAMBDA_BUILD_OPTIONS: BuildOptions = {
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node22",
    logLevel: "warning",
    legalComments: "none",
    // Dependencies written as CommonJS call require() for Node built-ins, which ESM lacks.
    banner: { js: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);" },
};
