import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { moduleSpecifiers, packageFileProblems, packageOf, REQUIRED_PACKAGE_FILES, undeclaredImports, unshippedLinks } from "../../../scripts/lib/package-contents";

const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("package contents rules", () => {
    it("accepts exactly the compiled entries, declarations, bundle and docs", () => {
        assert.deepStrictEqual(packageFileProblems([...REQUIRED_PACKAGE_FILES, "dist/components/naming.js", "dist/runtime/sinks/stdout-sink.d.ts", "LICENSE", "docs/ops.md", "docs/README.md"]), []);
    });

    it("names each relative link of shipped markdown to a file the package does not hold", () => {
        const readme = "See [ops](docs/ops.md#arguments), [ops again](docs/ops.md), [runtime](docs/runtime.md), [the report](plan/isolation-report.md), [this](#install) and [the site](https://example.com/x.md).\n\n```md\n[in a code block](nowhere.md)\n```\n`[in code](nowhere.md)`";
        const ops = "Back to [the README](../README.md#install), [the stack](../Pulumi.ops.yaml), [the policy](../policy/) and [the bundle](../dist/lambda/).";
        assert.deepStrictEqual(unshippedLinks({ "README.md": readme, "docs/ops.md": ops }, ["README.md", "docs/ops.md", "dist/lambda/index.mjs"]), [
            "README.md links to docs/runtime.md, which the package does not hold",
            "README.md links to plan/isolation-report.md, which the package does not hold",
            "docs/ops.md links to ../Pulumi.ops.yaml, which the package does not hold",
            "docs/ops.md links to ../policy/, which the package does not hold",
        ]);
        assert.deepStrictEqual(unshippedLinks({ "docs/ops.md": "[out of the package](../../x.md)" }, ["docs/ops.md"]), ["docs/ops.md links to ../../x.md, which the package does not hold"]);
    });

    it("packs every page of docs/, and every relative link of its markdown resolves inside the package (npm pack --dry-run)", function () {
        this.timeout(60_000);
        // --ignore-scripts: the file list comes from package.json's "files", not from a build.
        const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
        const files = (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
        const markdown = Object.fromEntries(files.filter((f) => f.endsWith(".md")).map((f) => [f, fs.readFileSync(path.join(ROOT, f), "utf8")]));
        assert.ok(Object.keys(markdown).length > 10, Object.keys(markdown).join());
        assert.deepStrictEqual(unshippedLinks(markdown, files), []);
        const pages = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`).sort();
        assert.deepStrictEqual(files.filter((f) => f.startsWith("docs/")).sort(), pages);
    });

    it("rejects tests, sources, source maps, scripts, plan output and bundle metadata", () => {
        const extra = ["tests/unit/naming.test.ts", "components/naming.ts", "dist/components/naming.js.map", "scripts/build-lambda.ts", "plan/ops.json", "dist/lambda-bundle.meta.json", "dist/stacks/ops.js"];

        assert.deepStrictEqual(packageFileProblems([...REQUIRED_PACKAGE_FILES, ...extra]), extra.map((f) => `unexpected file in package: ${f}`));
    });

    it("reports a missing Lambda bundle and a missing runtime entry", () => {
        const files = REQUIRED_PACKAGE_FILES.filter((f) => f !== "dist/lambda/index.mjs" && f !== "dist/runtime/index.d.ts");

        assert.deepStrictEqual(packageFileProblems(files), ["missing from package: dist/runtime/index.d.ts", "missing from package: dist/lambda/index.mjs"]);
    });

    it("finds require, dynamic import, import-from and side-effect imports", () => {
        const source = [
            'const a = require("@pulumi/aws");',
            'const b = await import("langsmith/run_trees");',
            'import type { X } from "@smithy/types";',
            'export * from "./naming";',
            'import "reflect-metadata";',
        ].join("\n");

        assert.deepStrictEqual(moduleSpecifiers(source).sort(), ["./naming", "@pulumi/aws", "@smithy/types", "langsmith/run_trees", "reflect-metadata"]);
    });

    it("reads minified statements, and not the words import and from as values in a list", () => {
        const source = ['import{a as b}from"@pulumi/aws";import"reflect-metadata";', 'const ops = new Set(["read", "import", "import-replacement", "diff"]);', 'const ends = ["from", "to"];'].join("\n");
        assert.deepStrictEqual(moduleSpecifiers(source).sort(), ["@pulumi/aws", "reflect-metadata"]);
    });

    it("names the package of a bare specifier and ignores relative paths and built-ins", () => {
        assert.strictEqual(packageOf("@langchain/core/messages"), "@langchain/core");
        assert.strictEqual(packageOf("langsmith/run_trees"), "langsmith");
        assert.strictEqual(packageOf("./sinks/audit-sink"), undefined);
        assert.strictEqual(packageOf("fs"), undefined);
        assert.strictEqual(packageOf("node:crypto"), undefined);
        assert.strictEqual(packageOf("child_process"), undefined);
    });

    it("reports an import of a package that is neither a dependency nor a peer dependency", () => {
        const sources = {
            "dist/runtime/a.js": 'require("@aws-sdk/client-sts"); require("fs");',
            "dist/runtime/b.d.ts": 'import type { P } from "@smithy/types";',
        };

        assert.deepStrictEqual(undeclaredImports(sources, ["@smithy/types"]), ['dist/runtime/a.js imports "@aws-sdk/client-sts", but @aws-sdk/client-sts is not a dependency or peer dependency']);
        assert.deepStrictEqual(undeclaredImports(sources, ["@smithy/types", "@aws-sdk/client-sts"]), []);
    });

    it("lets only the command load ts-node, for a clone not built yet, and still requires the compiled CLI it falls back from", () => {
        const sources = {
            "bin/bedrock-tenancy.js": 'require("ts-node").register({ transpileOnly: true });',
            "dist/verifier/cli.js": 'require("ts-node");',
        };

        assert.deepStrictEqual(undeclaredImports(sources, []), ['dist/verifier/cli.js imports "ts-node", but ts-node is not a dependency or peer dependency']);
        assert.ok(REQUIRED_PACKAGE_FILES.includes("dist/verifier/cli.js") && REQUIRED_PACKAGE_FILES.includes("bin/bedrock-tenancy.js"));
    });
});
