import * as fs from "fs";
import * as path from "path";

/** Where `npm run build` writes the Lambda bundle, relative to the package root. */
export const LAMBDA_BUNDLE_RELATIVE_PATH = path.join("dist", "lambda", "index.mjs");

/**
 * The bundled runtime shipped with this package. Found by walking up from this
 * module to the package root, so it resolves the same from the sources
 * (`components/`) and from the compiled package (`dist/components/`).
 */
export function defaultLambdaBundlePath(): string {
    let dir = __dirname;
    for (;;) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest) && readName(manifest) === "bedrock-tenancy") {
            return path.join(dir, LAMBDA_BUNDLE_RELATIVE_PATH);
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            throw new Error(`cannot find the bedrock-tenancy package root above ${__dirname}`);
        }
        dir = parent;
    }
}

function readName(manifest: string): string | undefined {
    try {
        const name = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: unknown }).name;
        return typeof name === "string" ? name : undefined;
    } catch {
        return undefined;
    }
}
