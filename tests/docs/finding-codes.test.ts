/** docs/verification.md lists every finding code and every resource type the proof knows, as the code does. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { FINDING_CODES } from "../../verifier/findings";
import { KNOWN_TYPES } from "../../verifier/resource-types";

const doc = fs.readFileSync(path.join(__dirname, "../../docs/verification.md"), "utf8");
const section = (title: string) => {
    const start = doc.indexOf(`### ${title}`);
    assert.ok(start >= 0, `no section ${title}`);
    const end = doc.indexOf("\n#", start + 4);
    return doc.slice(start, end === -1 ? undefined : end);
};
const firstCells = (text: string) => text.split("\n").filter((l) => l.startsWith("| `")).map((l) => l.slice(3, l.indexOf("`", 3)));

describe("docs/verification.md", () => {
    it("lists every finding code with its title and fix, and no other", () => {
        const table = section("Finding codes");
        assert.deepStrictEqual(firstCells(table), Object.keys(FINDING_CODES));
        for (const [code, c] of Object.entries(FINDING_CODES)) {
            const row = table.split("\n").find((l) => l.startsWith(`| \`${code}\``))!;
            assert.ok(row.includes(c.title) && row.includes(c.fix), `${code}: ${row}`);
        }
    });

    it("lists every resource type the proof knows, and no other", () => {
        assert.deepStrictEqual(firstCells(section("Resource types")), Object.keys(KNOWN_TYPES));
    });
});
