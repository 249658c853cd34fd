/**
 * Every relative link in README.md and docs/**.md resolves: the file (or
 * folder) exists in the repository and, for a Markdown file, the `#anchor`
 * names one of its headings. External links (`https:`, `mailto:` …) are not
 * fetched. Links into `plan/` are exempt: `npm start` generates that folder
 * and git ignores it; the docs say so where they link to it.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { anchors, documentationFiles, links, ROOT } from "./markdown";

/** Folders whose files are generated and not kept in git. */
const GENERATED_DIRS = ["plan"];

/** Reads a repository file, or undefined when `target` is not one. */
type Reader = (absolute: string) => { kind: "file"; text: string } | { kind: "dir" } | undefined;

const diskReader: Reader = (absolute) => {
    if (!fs.existsSync(absolute)) return undefined;
    return fs.statSync(absolute).isDirectory() ? { kind: "dir" } : { kind: "file", text: fs.readFileSync(absolute, "utf8") };
};

/** Problems with the links of one document, each naming the file, line and target. */
function linkProblems(file: string, markdown: string, read: Reader = diskReader, root: string = ROOT): string[] {
    const problems: string[] = [];
    const where = (line: number) => `${path.relative(root, file)}:${line}`;
    for (const link of links(markdown)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue;
        const [rawPath, anchor] = link.target.split("#", 2) as [string, string | undefined];
        const filePart = decodeURIComponent(rawPath);
        const absolute = filePart === "" ? file : path.resolve(path.dirname(file), filePart);
        const relative = path.relative(root, absolute);
        if (relative.startsWith("..") || path.isAbsolute(relative)) {
            problems.push(`${where(link.line)}: ${link.target} points outside the repository`);
            continue;
        }
        if (GENERATED_DIRS.some((dir) => relative === dir || relative.startsWith(`${dir}${path.sep}`))) continue;
        const found = filePart === "" ? { kind: "file" as const, text: markdown } : read(absolute);
        if (!found) {
            problems.push(`${where(link.line)}: ${link.target} does not exist`);
            continue;
        }
        if (anchor !== undefined && found.kind === "file" && absolute.endsWith(".md") && !anchors(found.text).has(decodeURIComponent(anchor))) {
            problems.push(`${where(link.line)}: ${link.target} names no heading of ${path.relative(root, absolute)}`);
        }
    }
    return problems;
}

describe("documentation links", () => {
    for (const file of documentationFiles()) {
        it(`resolves every relative link in ${path.relative(ROOT, file)}`, () => {
            assert.deepStrictEqual(linkProblems(file, fs.readFileSync(file, "utf8")), []);
        });
    }

    it("covers the README and the docs index", () => {
        const files = documentationFiles().map((f) => path.relative(ROOT, f));

        assert.ok(files.includes("README.md"));
        assert.ok(files.includes(path.join("docs", "README.md")), `no docs/README.md among ${files.join(", ")}`);
    });

    it("reports a missing file, a missing anchor and a path outside the repository, and ignores code, URLs and plan/", () => {
        const root = "/repo";
        const file = "/repo/docs/page.md";
        const sample = [
            "# Page",
            "## Other `heading`",
            "See [ops](ops.md), [gone](gone.md), [bad anchor](ops.md#nowhere), [good anchor](ops.md#arguments),",
            "[here](#other-heading), [not here](#missing), [outside](../../etc/passwd), [web](https://example.com/x.md),",
            "[report](../plan/isolation-report.md), `[in code](nope.md)`.",
            "```",
            "[fenced](nope.md)",
            "```",
        ].join("\n");
        const files: Record<string, string> = { "/repo/docs/ops.md": "# Ops\n\n## Arguments\n" };
        const read: Reader = (absolute) => (absolute in files ? { kind: "file", text: files[absolute] } : undefined);

        const problems = linkProblems(file, sample, read, root);

        assert.deepStrictEqual(problems, [
            "docs/page.md:3: gone.md does not exist",
            "docs/page.md:3: ops.md#nowhere names no heading of docs/ops.md",
            "docs/page.md:4: #missing names no heading of docs/page.md",
            "docs/page.md:4: ../../etc/passwd points outside the repository",
        ]);
    });
});
