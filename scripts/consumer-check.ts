/**
 * Packs the library as npm would publish it, installs the tarball into the
 * consumer project in tests/consumer and runs that project's own type check
 * and tests. Expects `npm run build` to have run (`npm test` does).
 *
 * The tarball is unpacked into tests/consumer/node_modules/bedrock-tenancy,
 * which is what `npm install` does with the package itself; its dependencies
 * resolve from this repository's node_modules by Node's upward lookup instead
 * of a second 300 MB download. That a real install would find them is checked
 * separately: every package the packed code imports must be declared in the
 * packed package.json.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { packageFileProblems, undeclaredImports } from "./lib/package-contents";

const root = path.resolve(__dirname, "..");
const consumer = path.join(root, "tests", "consumer");
const installed = path.join(consumer, "node_modules", "bedrock-tenancy");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

interface PackResult {
    filename: string;
    size: number;
    unpackedSize: number;
    entryCount: number;
    files: { path: string }[];
}

function pack(destination: string): PackResult {
    if (!fs.existsSync(path.join(root, "dist", "components", "index.js")) || !fs.existsSync(path.join(root, "dist", "lambda", "index.mjs"))) {
        throw new Error("dist/ is not built: run `npm run build` first");
    }
    // The build already ran; --ignore-scripts keeps prepack from running it again.
    const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", destination], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    return (JSON.parse(out) as PackResult[])[0];
}

function sourcesOf(dir: string): Record<string, string> {
    const sources: Record<string, string> = {};
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
        // The Lambda bundle (.mjs) carries its dependencies inside; only the compiled entries resolve from node_modules.
        if (entry.isFile() && /\.(js|d\.ts)$/.test(entry.name)) {
            const file = path.join(entry.parentPath, entry.name);
            sources[path.relative(dir, file)] = fs.readFileSync(file, "utf8");
        }
    }
    return sources;
}

function install(tarball: string): void {
    fs.rmSync(installed, { recursive: true, force: true });
    fs.mkdirSync(installed, { recursive: true });
    // npm packs everything under package/; strip it, as npm install does.
    execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
    fs.copyFileSync(tarball, path.join(consumer, "bedrock-tenancy.tgz"));
}

function main(): void {
    const started = Date.now();
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-tenancy-pack-"));
    try {
        const packed = pack(workDir);
        const problems = packageFileProblems(packed.files.map((f) => f.path));
        install(path.join(workDir, packed.filename));

        const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
        const declared = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})];
        problems.push(...undeclaredImports(sourcesOf(installed), declared));
        if (problems.length > 0) {
            throw new Error(`the packed package is not fit to publish:\n  ${problems.join("\n  ")}`);
        }
        console.log(
            `packed ${packed.filename}: ${(packed.size / 1024).toFixed(0)} KiB packed, ` +
                `${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${packed.entryCount} files`,
        );

        execFileSync(bin("tsc"), ["--noEmit", "-p", consumer], { stdio: "inherit" });
        execFileSync(bin("mocha"), [], { cwd: consumer, stdio: "inherit" });
        console.log(`consumer project passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
    }
}

try {
    main();
} catch (err) {
    console.error((err as Error).message);
    process.exit(1);
}
