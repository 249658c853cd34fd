/**
 * The house has a ground floor and two wings: `contract/` holds what both
 * sides agree on, `components/` (deploy side) and `runtime/` (run side) stand
 * on it, and neither wing imports the other. This test reads every import of
 * the shipped folders and fails on any arrow that points the wrong way.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");

/** For each shipped folder, the top-level folders and bare packages it may import. */
const ALLOWED: Record<string, { folders: string[]; packages: RegExp }> = {
    contract: { folders: ["contract"], packages: /^(?:node:)?crypto$|^safe-stable-stringify$/ },
    components: { folders: ["components", "contract"], packages: /^(?:node:)?(?:fs|path|crypto)$|^@pulumi\// },
    enforcer: { folders: ["enforcer", "contract"], packages: /^@aws-sdk\/|^@smithy\// },
    // The verifier reads JSON files: no Pulumi, no LangChain, no AWS SDK, so it runs anywhere a plan file is.
    verifier: { folders: ["verifier", "contract"], packages: /^(?:node:)?(?:fs|path|util|stream|zlib|os|worker_threads|module|buffer)$/ },
    runtime: { folders: ["runtime", "contract"], packages: /^(?:node:)?(?:os|crypto|http|https|util|events|stream|async_hooks)$|^@langchain\/|^@aws-sdk\/|^@smithy\// },
};

export interface ImportEdge {
    /** File doing the import, relative to the repository root. */
    from: string;
    specifier: string;
}

/** Every import, export-from, dynamic import and require of one source text. */
export function importsOf(file: string, source: string): ImportEdge[] {
    return ts.preProcessFile(source, true, true).importedFiles.map((f) => ({ from: file, specifier: f.fileName }));
}

/** Why `edge` breaks the house's dependency direction, or undefined. */
export function directionProblem(edge: ImportEdge): string | undefined {
    const folder = edge.from.split("/")[0];
    const rule = ALLOWED[folder];
    if (!rule) return undefined;
    if (!edge.specifier.startsWith(".")) {
        return rule.packages.test(edge.specifier) ? undefined : `${edge.from} imports the package ${JSON.stringify(edge.specifier)}, which ${folder}/ may not load`;
    }
    const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(edge.from), edge.specifier)).split(path.sep)[0];
    return rule.folders.includes(target) ? undefined : `${edge.from} imports ${JSON.stringify(edge.specifier)} from ${target}/, which ${folder}/ may not import`;
}

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory()) return sourceFiles(rel);
        return entry.name.endsWith(".ts") ? [rel] : [];
    });
}

describe("dependency direction", () => {
    for (const folder of Object.keys(ALLOWED)) {
        it(`keeps ${folder}/ to its own floor and the ones below`, () => {
            const files = sourceFiles(folder);
            assert.ok(files.length > 0, `${folder}/ has no sources`);
            const problems = files
                .flatMap((f) => importsOf(f, fs.readFileSync(path.join(ROOT, f), "utf8")))
                .map(directionProblem)
                .filter((p): p is string => p !== undefined);
            assert.deepStrictEqual(problems, []);
        });
    }

    it("reports a component that imports the runtime, and a runtime module that imports a component", () => {
        const edges = [
            ...importsOf("components/private-invocation-logging/x.ts", 'import { RuntimeEnv } from "../../runtime/lambda/config";'),
            ...importsOf("runtime/lambda/y.ts", 'export { opsRoleName } from "../../components/bedrock-tenant-access/args";'),
            ...importsOf("runtime/z.ts", 'const p = require("@pulumi/pulumi");'),
            ...importsOf("contract/w.ts", 'import type { Output } from "@pulumi/pulumi";'),
        ];
        assert.deepStrictEqual(edges.map(directionProblem), [
            'components/private-invocation-logging/x.ts imports "../../runtime/lambda/config" from runtime/, which components/ may not import',
            'runtime/lambda/y.ts imports "../../components/bedrock-tenant-access/args" from components/, which runtime/ may not import',
            'runtime/z.ts imports the package "@pulumi/pulumi", which runtime/ may not load',
            'contract/w.ts imports the package "@pulumi/pulumi", which contract/ may not load',
        ]);
    });
});

describe("the shipped testing entry point", () => {
    // Only these files of testing/ ship (bedrock-tenancy/testing); the rest are the repository's own stand-ins.
    const SHIPPED = ["testing/index.ts", "testing/peers.ts", "testing/pulumi-mocks.ts", "testing/mock-state.ts", "testing/plan-file.ts"];
    // The one verifier file writeStackExport creates its folder with: it loads node:fs and node:path only.
    const BORROWED = ["verifier/folders.ts"];

    it("imports only its shipped siblings, the verifier's folder maker, Pulumi, node:crypto, node:fs and node:path", () => {
        const problems = [...SHIPPED, ...BORROWED].flatMap((f) => importsOf(f, fs.readFileSync(path.join(ROOT, f), "utf8"))).filter((edge) => {
            if (!edge.specifier.startsWith(".")) return !/^(?:node:)?(?:crypto|fs|path)$|^@pulumi\/pulumi$/.test(edge.specifier);
            const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(edge.from), edge.specifier));
            return ![...SHIPPED, ...BORROWED].includes(`${target}.ts`);
        });
        assert.deepStrictEqual(problems, []);
    });
});
