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
        verifyConsumerPlan();
        checkPolicyPack();
        console.log(`consumer project passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
    }
}

/**
 * The consumer writes its ops plan with mocks and runs the installed bin on
 * it, as `npx bedrock-tenancy verify` would in its own pipeline. npm links a
 * package's bins into node_modules/.bin on install; the tarball is unpacked
 * by hand here, so the link is made the same way.
 */
function verifyConsumerPlan(): void {
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
    const binDir = path.join(consumer, "node_modules", ".bin");
    fs.mkdirSync(binDir, { recursive: true });
    const target = path.join(installed, manifest.bin["bedrock-tenancy"]);
    fs.chmodSync(target, 0o755);
    fs.rmSync(path.join(binDir, "bedrock-tenancy"), { force: true });
    fs.symlinkSync(path.relative(binDir, target), path.join(binDir, "bedrock-tenancy"));
    const plan = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-tenancy-consumer-plan-"));
    execFileSync(bin("ts-node"), ["--transpile-only", "plan-writer/write-ops-plan.ts", path.join(plan, "ops.json")], { cwd: consumer, stdio: "inherit" });
    // --no: never fetch a package of that name from the registry; only the installed bin may run.
    execFileSync("npx", ["--no", "bedrock-tenancy", "verify", "--out", plan, path.join(plan, "ops.json")], { cwd: consumer, stdio: "inherit" });
    console.log(`npx bedrock-tenancy verify passed on the consumer's own plan (${path.join(plan, "isolation-report.md")})`);
}

/** The shipped CrossGuard pack has what `pulumi --policy-pack` loads, and starts its analyzer. */
function checkPolicyPack(): void {
    const dir = path.join(installed, "policy-pack");
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    for (const file of ["PulumiPolicy.yaml", manifest.main]) {
        if (!fs.existsSync(path.join(dir, file))) throw new Error(`the packed policy pack has no ${file}`);
    }
    // The pack prints its analyzer's port once it serves; the engine reads that line.
    const out = execFileSync(process.execPath, ["-e", `const c=require("child_process").spawn(process.execPath,[${JSON.stringify(manifest.main)}],{cwd:${JSON.stringify(dir)}});c.stdout.once("data",d=>{process.stdout.write(String(d));c.kill();});c.on("exit",(code)=>{if(code)process.exit(code)});`], { encoding: "utf8", timeout: 60_000 });
    if (!/^\d+\s*$/.test(out)) throw new Error(`the packed policy pack did not start its analyzer: ${JSON.stringify(out)}`);
    console.log(`policy pack at node_modules/bedrock-tenancy/policy-pack starts its analyzer (port ${out.trim()})`);
}

try {
    main();
} catch (err) {
    console.error((err as Error).message);
    process.exit(1);
}
