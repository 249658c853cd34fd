/**
 * The commands the docs give a consumer load the installed policy pack
 * (node_modules/bedrock-tenancy/policy-pack), never this repository's
 * `policy/` sources, which only the repository's own paragraph may name.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT, documentationFiles } from "./markdown";

const INSTALLED = "node_modules/bedrock-tenancy/policy-pack";

/** Every `--policy-pack <path>` of a text, with its line, skipping the paragraph that starts "In this repository". */
export function policyPackPaths(markdown: string): { line: number; path: string }[] {
    const found: { line: number; path: string }[] = [];
    const paragraphs = markdown.split("\n\n");
    let line = 1;
    for (const paragraph of paragraphs) {
        if (!paragraph.startsWith("In this repository")) {
            paragraph.split("\n").forEach((text, i) => {
                for (const m of text.matchAll(/--policy-pack (\S+?)[`\s]/g)) found.push({ line: line + i, path: m[1] });
                const end = /--policy-pack (\S+)$/.exec(text);
                if (end) found.push({ line: line + i, path: end[1] });
            });
        }
        line += paragraph.split("\n").length + 1;
    }
    return found;
}

describe("policy pack paths in the docs", () => {
    it("finds a repository path, and skips the repository's own paragraph", () => {
        assert.deepStrictEqual(policyPackPaths("Run `pulumi preview --policy-pack policy --x`.\n\nIn this repository\n`pulumi preview --policy-pack policy`"), [{ line: 1, path: "policy" }]);
    });

    it("points every consumer command at the installed pack", () => {
        const pages = [path.join(ROOT, "README.md"), ...documentationFiles().filter((f) => f.startsWith(path.join(ROOT, "docs")))];
        const wrong = [...new Set(pages)].flatMap((f) =>
            policyPackPaths(fs.readFileSync(f, "utf8")).filter((p) => p.path !== INSTALLED).map((p) => `${path.relative(ROOT, f)}:${p.line}: ${p.path}`));
        assert.deepStrictEqual(wrong, []);
    });
});
