/**
 * The docs name only what a user can import: a constant the code exports from
 * an internal module but no entry point exports is an internal detail, which
 * a reader cannot use and a release may rename.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT as root, documentationFiles } from "./markdown";
// testing/ also holds the suites' fixtures, whose names (EXTERNAL_ID) double as the docs' environment variables.
const SOURCE_FOLDERS = ["contract", "components", "runtime", "verifier"];

function filesUnder(dir: string, suffix: string): string[] {
    return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith(suffix))
        .map((e) => path.join(e.parentPath, e.name));
}

/** `export const NAME` (constants in capitals) anywhere in the shipped source. */
function exportedConstants(): Set<string> {
    const names = new Set<string>();
    for (const folder of SOURCE_FOLDERS) {
        for (const file of filesUnder(path.join(root, folder), ".ts")) {
            for (const line of fs.readFileSync(file, "utf8").split("\n")) {
                const m = /^export const ([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/.exec(line);
                if (m) names.add(m[1]);
            }
        }
    }
    return names;
}

/** Every name the entry points export (the committed export lists). */
function publicNames(): Set<string> {
    const names = new Set<string>();
    for (const file of filesUnder(path.join(root, "tests/package/export-lists"), ".txt")) {
        for (const line of fs.readFileSync(file, "utf8").split("\n")) {
            const name = line.trim().split(" ").pop();
            if (name) names.add(name);
        }
    }
    return names;
}

describe("names in the docs", () => {
    it("are exported by an entry point when they are the code's own constants", () => {
        const constants = exportedConstants();
        const exported = publicNames();
        assert.ok(exported.has("FINDING_CODES") && constants.has("FINDING_CODES"), "the export lists and the source were read");
        const docs = documentationFiles();
        const internal: string[] = [];
        for (const file of docs) {
            for (const [, name] of fs.readFileSync(file, "utf8").matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)) {
                if (constants.has(name) && !exported.has(name)) internal.push(`${path.relative(root, file)}: ${name}`);
            }
        }
        assert.deepStrictEqual([...new Set(internal)], []);
    });
});
