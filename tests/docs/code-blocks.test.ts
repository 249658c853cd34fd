/**
 * Every ```ts block of README.md and docs/*.md compiles as shown, each as its
 * own module, against the package's entry points (`bedrock-tenancy`,
 * `bedrock-tenancy/runtime`, `bedrock-tenancy/testing`,
 * `bedrock-tenancy/verifier`) with the consumer settings of
 * docs/consuming.md, both as a CommonJS module and as an ES module, unless a
 * `<!-- module: esm -->` or `<!-- module: commonjs -->` line above the block
 * limits it to one (docs/consuming.md#commonjs-and-es-modules says which). The README's ops and customer programs also
 * run, installed from the tarball, in the consumer project, and so does the
 * application block of docs/runtime.md against the AWS stand-ins (npm run test:consumer).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { ROOT, documentationFiles } from "./markdown";

type ModuleKind = "commonjs" | "esm";

interface CodeBlock {
    file: string;
    line: number;
    code: string;
    /** The module kinds the page says the block applies to. */
    modules: ModuleKind[];
}

/** The ```ts blocks of one Markdown text, with the line each starts on and the module kinds it applies to. */
export function tsBlocks(file: string, markdown: string): CodeBlock[] {
    const blocks: CodeBlock[] = [];
    const pattern = /^```ts\n([\s\S]*?)^```$/gm;
    for (let m = pattern.exec(markdown); m; m = pattern.exec(markdown)) {
        const before = markdown.slice(0, m.index).trimEnd().split("\n");
        const marker = before.slice(-6).map((l) => /^<!-- module: (esm|commonjs) -->$/.exec(l)?.[1]).filter((k) => k !== undefined).pop() as ModuleKind | undefined;
        blocks.push({ file, line: markdown.slice(0, m.index).split("\n").length, code: m[1], modules: marker ? [marker] : ["commonjs", "esm"] });
    }
    return blocks;
}

const pages = [path.join(ROOT, "README.md"), ...documentationFiles().filter((f) => f.startsWith(path.join(ROOT, "docs")))];
const blocks = [...new Set(pages)].flatMap((f) => tsBlocks(path.relative(ROOT, f), fs.readFileSync(f, "utf8")));

describe("documentation code blocks", () => {
    it("finds the README's ops and customer programs among the blocks", () => {
        assert.ok(blocks.filter((b) => b.file === "README.md").length >= 2, `blocks: ${blocks.map((b) => `${b.file}:${b.line}`).join(", ")}`);
        assert.ok(blocks.length >= 5);
    });

    it("marks every block with top-level await as an ES module, since CommonJS refuses it (TS1309)", () => {
        const unmarked = blocks.filter((b) => /^(?:const .*= |for )?await /m.test(b.code) && b.modules.includes("commonjs"));
        assert.deepStrictEqual(unmarked.map((b) => `${b.file}:${b.line}`), []);
    });

    it("lists every page with a block for one module kind only in consuming.md's table of them", () => {
        const table = fs.readFileSync(path.join(ROOT, "docs", "consuming.md"), "utf8").split("\n").filter((l) => l.startsWith("| "));
        for (const kind of ["esm", "commonjs"] as const) {
            // The table's row for blocks an ES module alone takes says "no: TS1309" for CommonJS; the one for CommonJS alone says "no: TS1203".
            const row = table.find((l) => l.includes(kind === "esm" ? "no: TS1309" : "no: TS1203")) ?? "";
            const pages = [...new Set(blocks.filter((b) => b.modules.length === 1 && b.modules[0] === kind).map((b) => path.basename(b.file)))];
            const unlisted = pages.filter((page) => page !== "consuming.md" && !row.includes(`](${page}`));
            assert.deepStrictEqual(unlisted, [], `pages with ${kind}-only blocks missing from the row: ${row}`);
        }
    });

    it("compiles every ts block of README.md and docs/ as a consumer would, as CommonJS and as an ES module", function () {
        this.timeout(180_000);
        // Under node_modules so that packages resolve from the repository's install.
        const dir = fs.mkdtempSync(path.join(ROOT, "node_modules", ".doc-blocks-"));
        try {
            // .cts is always CommonJS and .mts always an ES module, whatever the nearest package.json says.
            const files = blocks.flatMap((b, i) => b.modules.map((kind) => {
                const name = path.join(dir, `block-${i}.${kind === "esm" ? "mts" : "cts"}`);
                fs.writeFileSync(name, b.code);
                return { name, block: b };
            }));
            const program = ts.createProgram(files.map((f) => f.name), {
                target: ts.ScriptTarget.ES2022,
                module: ts.ModuleKind.Node16,
                moduleResolution: ts.ModuleResolutionKind.Node16,
                lib: ["lib.es2022.d.ts"],
                types: ["node"],
                strict: true,
                esModuleInterop: true,
                skipLibCheck: true,
                noEmit: true,
                baseUrl: ROOT,
                paths: {
                    "bedrock-tenancy": ["components/index.ts"],
                    "bedrock-tenancy/runtime": ["runtime/index.ts"],
                    "bedrock-tenancy/testing": ["testing/index.ts"],
                    "bedrock-tenancy/verifier": ["verifier/index.ts"],
                },
            });
            const problems = ts.getPreEmitDiagnostics(program)
                .filter((d) => d.file && files.some((f) => path.resolve(f.name) === path.resolve(d.file!.fileName)))
                .map((d) => {
                    const f = files.find((x) => path.resolve(x.name) === path.resolve(d.file!.fileName))!;
                    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
                    return `${f.block.file}:${f.block.line + 1 + line} (${f.name.endsWith(".mts") ? "ES module" : "CommonJS"}): ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
                });
            assert.deepStrictEqual(problems, []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
