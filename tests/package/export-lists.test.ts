/**
 * Each entry point's export list, compared with the committed list in
 * tests/package/export-lists/: a symbol added to or removed from the public
 * surface fails here until the list is updated, so the change shows in review.
 * The lists also stay within the sizes docs/consuming.md promises.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");
const LISTS = path.join(__dirname, "export-lists");

/** Entry point, its source, and the most names it may export. */
const ENTRIES = [
    { name: "bedrock-tenancy", source: "components/index.ts", list: "main.txt", max: 60 },
    { name: "bedrock-tenancy/runtime", source: "runtime/index.ts", list: "runtime.txt", max: 30 },
    { name: "bedrock-tenancy/verifier", source: "verifier/index.ts", list: "verifier.txt", max: 15 },
    { name: "bedrock-tenancy/testing", source: "testing/index.ts", list: "testing.txt", max: 10 },
] as const;

/** `value name` or `type name` per export of each file, sorted. */
export function exportLists(sources: readonly string[]): Map<string, string[]> {
    const files = sources.map((s) => path.join(ROOT, s));
    const program = ts.createProgram(files, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true, types: ["node"] });
    const checker = program.getTypeChecker();
    const lists = new Map<string, string[]>();
    for (const [i, file] of files.entries()) {
        const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
        lists.set(sources[i], checker.getExportsOfModule(module).map((s) => {
            const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
            return `${target.flags & ts.SymbolFlags.Value ? "value" : "type"} ${s.name}`;
        }).sort());
    }
    return lists;
}

describe("package entry points", function () {
    this.timeout(120_000);
    let lists: Map<string, string[]>;
    before(() => {
        lists = exportLists(ENTRIES.map((e) => e.source));
    });

    for (const entry of ENTRIES) {
        it(`${entry.name} exports exactly the names in export-lists/${entry.list}`, () => {
            const expected = fs.readFileSync(path.join(LISTS, entry.list), "utf8").split("\n").filter((l) => l !== "");
            assert.deepStrictEqual(lists.get(entry.source), expected, `the surface of ${entry.name} changed: review it, then update tests/package/export-lists/${entry.list}`);
        });

        it(`${entry.name} exports at most ${entry.max} names`, () => {
            const names = lists.get(entry.source)!;
            assert.ok(names.length <= entry.max, `${entry.name} exports ${names.length} names`);
        });
    }

    it("exports no contract helper through an entry point except by name", () => {
        for (const entry of ENTRIES) {
            const text = fs.readFileSync(path.join(ROOT, entry.source), "utf8");
            assert.doesNotMatch(text, /export \*/, `${entry.source} re-exports a whole module`);
        }
    });
});
