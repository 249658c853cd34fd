import * as assert from "assert";
import { moduleSpecifiers, packageFileProblems, packageOf, REQUIRED_PACKAGE_FILES, undeclaredImports } from "../../../scripts/lib/package-contents";

describe("package contents rules", () => {
    it("accepts exactly the compiled entries, declarations, bundle and docs", () => {
        assert.deepStrictEqual(packageFileProblems([...REQUIRED_PACKAGE_FILES, "dist/components/naming.js", "dist/runtime/sinks/stdout-sink.d.ts", "LICENSE"]), []);
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
