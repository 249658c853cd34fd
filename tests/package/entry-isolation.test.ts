/**
 * Each public entry point, compiled, is loaded in a fresh Node process and the
 * modules it pulled in are listed: the runtime must stay free of Pulumi (it
 * runs in Lambda and in plain LangChain apps), the components free of
 * LangChain (Pulumi programs never call a model). Needs `npm run build`.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");

interface Manifest {
    main: string;
    types: string;
    exports: Record<string, string | { types: string; default: string }>;
}

const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

function entry(subpath: "." | "./runtime" | "./testing"): { types: string; default: string } {
    const target = manifest.exports[subpath];
    assert.ok(typeof target === "object", `package.json exports["${subpath}"] must name types and default`);
    return target;
}

/** Loads a compiled file in a new process and returns every package directory it loaded from node_modules. */
function loadedPackages(file: string): string[] {
    const script = `require(${JSON.stringify(file)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
    const loaded: string[] = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" }));
    const packages = new Set<string>();
    for (const modulePath of loaded) {
        const normalized = modulePath.replace(/\\/g, "/");
        const at = normalized.lastIndexOf("/node_modules/");
        if (at >= 0) {
            const parts = normalized.slice(at + "/node_modules/".length).split("/");
            packages.add(parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]);
        }
    }
    return [...packages].sort();
}

function compiled(relative: string): string {
    const file = path.join(root, relative);
    assert.ok(fs.existsSync(file), `${relative} is missing: run \`npm run build\` first`);
    return file;
}

describe("package entry points", () => {
    it("maps the main entry and its types to the components", () => {
        assert.strictEqual(manifest.main, "dist/components/index.js");
        assert.strictEqual(manifest.types, "dist/components/index.d.ts");
        assert.deepStrictEqual(entry("."), { types: "./dist/components/index.d.ts", default: "./dist/components/index.js" });
        assert.deepStrictEqual(entry("./runtime"), { types: "./dist/runtime/index.d.ts", default: "./dist/runtime/index.js" });
        for (const target of [entry("."), entry("./runtime")]) {
            compiled(target.types);
            compiled(target.default);
        }
    });

    it("loads the runtime without any @pulumi package", () => {
        const packages = loadedPackages(compiled(entry("./runtime").default));

        assert.deepStrictEqual(packages.filter((p) => p.startsWith("@pulumi/")), []);
        // The same listing does see the runtime's own dependencies, so an empty Pulumi list means something.
        assert.ok(packages.includes("@langchain/core"), `expected @langchain/core among ${packages.join(", ")}`);
        assert.ok(packages.includes("@aws-sdk/client-cloudwatch-logs"));
    });

    it("loads the components without LangChain or the Bedrock client", () => {
        const packages = loadedPackages(compiled(entry(".").default));

        assert.deepStrictEqual(packages.filter((p) => p.startsWith("@langchain/") || p === "langsmith" || p === "@aws-sdk/client-bedrock-runtime"), []);
        assert.ok(packages.includes("@pulumi/pulumi"), `expected @pulumi/pulumi among ${packages.join(", ")}`);
        assert.ok(packages.includes("@pulumi/aws"));
    });

    it("exposes both components, the naming rule and the runtime's public classes", () => {
        const script = [
            `const c = require(${JSON.stringify(compiled(entry(".").default))});`,
            `const r = require(${JSON.stringify(compiled(entry("./runtime").default))});`,
            "process.stdout.write(JSON.stringify({",
            "  components: [typeof c.BedrockTenantAccess, typeof c.PrivateInvocationLogging, c.opsRoleName('acme'), c.runtimeRoleName('acme')],",
            "  runtime: [typeof r.PrivateInvocationLogger, typeof r.CloudWatchLogsSink, typeof r.StdoutSink, typeof r.createHandler],",
            "}));",
        ].join("\n");
        const surface = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" }));

        assert.deepStrictEqual(surface, {
            components: ["function", "function", "BedrockTenantAccess-acme", "BedrockTenancyRuntime-acme"],
            runtime: ["function", "function", "function", "function"],
        });
    });

    it("ships the testing mocks as their own entry, loading Pulumi but neither LangChain nor the components", () => {
        assert.deepStrictEqual(entry("./testing"), { types: "./dist/testing/index.d.ts", default: "./dist/testing/index.js" });
        const packages = loadedPackages(compiled(entry("./testing").default));
        assert.ok(packages.includes("@pulumi/pulumi"), packages.join(", "));
        assert.deepStrictEqual(packages.filter((p) => p.startsWith("@langchain/") || p === "@pulumi/aws"), []);
        const surface = execFileSync(process.execPath, ["-e", `const t = require(${JSON.stringify(compiled(entry("./testing").default))}); process.stdout.write([typeof t.installMocks, typeof t.promiseOf].join())`], { cwd: root, encoding: "utf8" });
        assert.strictEqual(surface, "function,function");
    });
});
