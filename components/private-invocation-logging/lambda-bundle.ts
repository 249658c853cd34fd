import * as fs from "fs";
import * as path from "path";

/** Where `npm run build` writes the Lambda bundle's entry, relative to the package root; its chunks sit beside it. */
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

/**
 * `import("./x.mjs")`, `from "./x.mjs"` and `import "./x.mjs"` of a bundle,
 * `../` paths included: the files it loads by a relative path. Group 1 is set
 * for a dynamic import; group 2 is the path.
 */
const RELATIVE_IMPORT = /(?:\bimport\s*(\()\s*|\bfrom\s*|\bimport\s*)["'](\.{1,2}\/[^"'\s]+)["']/g;

/** The files of a split bundle: its entry and every chunk it loads, directly or through another chunk. */
export interface BundleFiles {
    /** The entry and the chunks a cold start reads (static imports). */
    startup: string[];
    /** Those and the chunks loaded on first use (dynamic imports): everything to ship. */
    all: string[];
}

/**
 * Follows a bundle's relative imports from `entry` to the files in its
 * folder. Throws, naming the importing file and the path, when a file it
 * imports is missing (a function shipped without it would fail on the first
 * call that needs it) or lies outside the entry's folder (the function
 * ships that folder's files only).
 */
export function bundleFiles(entry: string): BundleFiles {
    // Every customer stack of a plan ships the same bundle: read it once per build of it.
    const stat = fs.statSync(entry);
    const known = followed.get(entry);
    if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known.files;
    const files = follow(entry);
    followed.set(entry, { mtimeMs: stat.mtimeMs, size: stat.size, files });
    return files;
}

/** Where a file of the bundle sits in the function's code: its path from the entry's folder, with `/`. */
export function bundleFileName(entry: string, file: string): string {
    return path.relative(path.dirname(entry), file).split(path.sep).join("/");
}

const followed = new Map<string, { mtimeMs: number; size: number; files: BundleFiles }>();

function follow(entry: string): BundleFiles {
    // Absolute inside, so a chunk that imports the entry back names the same file; the entry keeps its given path.
    const start = path.resolve(entry);
    const root = path.dirname(start);
    const startup = new Set<string>([start]);
    const all = new Set<string>([start]);
    const queue: { file: string; atStartup: boolean }[] = [{ file: start, atStartup: true }];
    for (let next = queue.shift(); next; next = queue.shift()) {
        const text = fs.readFileSync(next.file, "utf8");
        for (const match of text.matchAll(RELATIVE_IMPORT)) {
            const specifier = match[2];
            const chunk = path.resolve(path.dirname(next.file), specifier);
            const fromRoot = path.relative(root, chunk);
            if (fromRoot.startsWith("..") || path.isAbsolute(fromRoot)) {
                throw new Error(`${next.file} imports ${specifier}, outside the bundle's folder ${root}: the function ships that folder's files only`);
            }
            if (!fs.existsSync(chunk)) {
                throw new Error(`${next.file} imports ${specifier}, which is missing (${chunk}): run \`npm run build\` to create the runtime bundle`);
            }
            const atStartup = next.atStartup && match[1] === undefined;
            if (atStartup && !startup.has(chunk)) {
                startup.add(chunk);
                queue.push({ file: chunk, atStartup });
            } else if (!all.has(chunk)) {
                queue.push({ file: chunk, atStartup });
            }
            all.add(chunk);
        }
    }
    const given = (file: string) => (file === start ? entry : file);
    return { startup: [...startup].map(given), all: [...all].map(given) };
}
