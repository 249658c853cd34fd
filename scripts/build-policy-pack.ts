/**
 * Builds the CrossGuard pack that ships in the package at policy-pack/: the
 * pack's rules and the verifier bundled into one CommonJS index.js, next to
 * the PulumiPolicy.yaml and a package.json whose main names it. Pulumi loads
 * @pulumi/policy and @pulumi/pulumi from the consumer's node_modules.
 */
import * as fs from "fs";
import * as path from "path";
import { build } from "esbuild";

const root = path.resolve(__dirname, "..");
export const POLICY_PACK_DIR = "policy-pack";

async function main(): Promise<void> {
    const out = path.join(root, POLICY_PACK_DIR);
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    await build({
        entryPoints: [path.join(root, "policy", "index.ts")],
        outfile: path.join(out, "index.js"),
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        external: ["@pulumi/policy", "@pulumi/pulumi"],
        logLevel: "warning",
    });
    const source = JSON.parse(fs.readFileSync(path.join(root, "policy", "package.json"), "utf8"));
    const version = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
    fs.writeFileSync(path.join(out, "package.json"), `${JSON.stringify({ name: source.name, version, private: true, main: "index.js", dependencies: source.dependencies }, null, 2)}\n`);
    fs.copyFileSync(path.join(root, "policy", "PulumiPolicy.yaml"), path.join(out, "PulumiPolicy.yaml"));
    console.log(`built ${POLICY_PACK_DIR}/: ${(fs.statSync(path.join(out, "index.js")).size / 1024).toFixed(0)} KiB`);
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
