/**
 * The README's minimal programs are the consumer project's files, which the
 * consumer check runs against the packed package: they must not drift apart.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

/** The first ```ts block after a heading. */
function codeAfter(heading: string): string {
    const at = readme.indexOf(`### ${heading}\n`);
    assert.ok(at >= 0, `README has no heading "${heading}"`);
    const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
    assert.ok(block, `no ts block after "${heading}"`);
    return block[1].trimEnd();
}

function consumerFile(name: string): string {
    return fs.readFileSync(path.join(root, "tests", "consumer", name), "utf8").trimEnd();
}

describe("README consumer programs", () => {
    it("shows exactly the consumer project's ops program", () => {
        assert.strictEqual(codeAfter("A minimal ops program"), consumerFile("ops.ts"));
    });

    it("shows exactly the consumer project's customer program", () => {
        assert.strictEqual(codeAfter("A minimal customer program"), consumerFile("customer.ts"));
    });

    for (const heading of ["A minimal ops program", "A minimal customer program"]) {
        it(`keeps "${heading}" to 15 lines, imports included`, () => {
            const lines = codeAfter(heading).split("\n").length;
            assert.ok(lines <= 15, `${heading}: ${lines} lines`);
        });
    }
});
