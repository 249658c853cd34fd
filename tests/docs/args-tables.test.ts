/**
 * The argument tables in docs/ match the component argument interfaces.
 *
 * Convention (strict):
 * - A table documents the interface `Name` when the line `<!-- args: Name -->`
 *   stands directly above it (blank lines allowed in between). Its header is
 *   exactly `argument | default | description`.
 * - `argument`: the property name in backticks and nothing else. Every
 *   property of the interface has exactly one row; no row names anything else.
 * - `default`: the text of the property's JSDoc `@default` tag. Both sides are
 *   compared after the same normalisation: backticks, double and single quotes
 *   removed, the leading "- " that marks a default described in prose (CDK
 *   style) dropped, whitespace collapsed. So `@default "none"` is written
 *   `` `none` `` and `@default - no boundary` is written `no boundary`.
 * - A property without a `@default` tag shows `required` when the interface
 *   requires it (no `?`) and `-` when it is optional (the source documents no
 *   default). No other cell is accepted for it.
 * - `description`: not empty, and it starts with `*Input.*` exactly when the
 *   property's type is `pulumi.Input<…>` (the value may come from another
 *   stack's outputs).
 *
 * Interfaces are found by content, not by path: every `export interface Name`
 * in the .ts files under components/, so source files can move freely.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { argsTables, documentationFiles, type MarkdownTable, ROOT } from "./markdown";
import { componentInterfaces, exportedInterfaces, resolveInterface, type ArgInterface, type ArgProperty } from "../support/arg-interfaces";

/** Which page documents which interface. */
const EXPECTED_TABLES: Record<string, string> = {
    BedrockTenantAccessArgs: "docs/ops.md",
    BedrockTenantFleetArgs: "docs/ops.md",
    GuardrailArgs: "docs/ops.md",
    TenantBudgetArgs: "docs/ops.md",
    TenantQuotaArgs: "docs/quotas.md",
    TenantCostCapArgs: "docs/quotas.md",
    QuotaEnforcerArgs: "docs/quotas.md",
    PrivateInvocationLoggingArgs: "docs/customer.md",
    ThrottleAlarmArgs: "docs/customer.md",
    RuntimeNetworkArgs: "docs/customer.md",
    AuditArchiveArgs: "docs/customer.md",
    ArchiveTransitionArgs: "docs/customer.md",
};

const HEADER = ["argument", "default", "description"];
const INPUT_MARK = "*Input.*";

/** How a default reads in the table and in `@default`, for comparison. */
function normaliseDefault(text: string): string {
    return text
        .replace(/[`"']/g, "")
        .replace(/\s+/g, " ")
        .trim()
        .replace(/^- /, "")
        .trim();
}

/** The default cell a property must show, normalised. */
function expectedDefault(p: ArgProperty): string {
    if (p.defaultTag !== undefined) return normaliseDefault(p.defaultTag);
    return p.optional ? "-" : "required";
}

/** Every way the table disagrees with the interface, one message each. */
function argsTableProblems(iface: ArgInterface, table: MarkdownTable | undefined, where: string): string[] {
    if (!table) return [`${where}: no table below <!-- args: ${iface.name} -->`];
    const problems: string[] = [];
    if (table.header.join(" | ") !== HEADER.join(" | ")) {
        problems.push(`${where}: the header is "${table.header.join(" | ")}", expected "${HEADER.join(" | ")}"`);
    }
    const properties = new Map(iface.properties.map((p) => [p.name, p]));
    const seen = new Set<string>();
    for (const row of table.rows) {
        const argument = /^`([^`]+)`$/.exec(row[0] ?? "");
        if (row.length !== HEADER.length || !argument) {
            problems.push(`${where}: row "${row.join(" | ")}" must have ${HEADER.length} cells, the first the property name in backticks`);
            continue;
        }
        const name = argument[1];
        const property = properties.get(name);
        if (!property) {
            problems.push(`${where}: \`${name}\` is not a property of ${iface.name} (${iface.file})`);
            continue;
        }
        if (seen.has(name)) problems.push(`${where}: \`${name}\` has more than one row`);
        seen.add(name);
        const shown = normaliseDefault(row[1]);
        const expected = expectedDefault(property);
        if (shown !== expected) {
            const source = property.defaultTag !== undefined ? `@default ${property.defaultTag}` : property.optional ? "optional, no @default" : "required";
            problems.push(`${where}: \`${name}\` shows default "${row[1]}", expected "${expected}" (${source})`);
        }
        const description = row[2];
        if (description === "") problems.push(`${where}: \`${name}\` has no description`);
        if (description.startsWith(INPUT_MARK) !== property.input) {
            problems.push(`${where}: \`${name}\` description ${property.input ? "must start" : "must not start"} with ${INPUT_MARK} (its type is ${property.input ? "" : "not "}pulumi.Input)`);
        }
    }
    for (const p of iface.properties) {
        if (!seen.has(p.name)) problems.push(`${where}: \`${p.name}\` of ${iface.name} (${iface.file}) has no row`);
    }
    return problems;
}

describe("argument tables in docs/", () => {
    const all = componentInterfaces();
    const docs = documentationFiles().map((file) => ({ file: path.relative(ROOT, file).split(path.sep).join("/"), markdown: fs.readFileSync(file, "utf8") }));
    const markers = docs.flatMap((d) => argsTables(d.markdown).map((t) => ({ ...t, file: d.file })));

    for (const [name, page] of Object.entries(EXPECTED_TABLES)) {
        it(`documents ${name} in ${page} and nowhere else`, () => {
            const pages = markers.filter((m) => m.name === name).map((m) => m.file);

            assert.deepStrictEqual(pages, [page]);
        });
    }

    for (const marker of markers) {
        it(`lists every property of ${marker.name} with its @default (${marker.file}:${marker.markerLine})`, () => {
            const iface = resolveInterface(all, marker.name);

            assert.ok(iface.properties.length > 0, `${marker.name} has no properties`);
            assert.deepStrictEqual(argsTableProblems(iface, marker.table, `${marker.file}:${marker.markerLine}`), []);
        });
    }

    describe("the checker itself", () => {
        const source = [
            "import type * as pulumi from '@pulumi/pulumi';",
            "export interface SampleArgs {",
            "    /** Required, no default. */",
            "    name: string;",
            "    /**",
            "     * A mode.",
            '     * @default "none"',
            "     */",
            "    mode?: string;",
            "    /**",
            "     * From another stack.",
            "     * @default - the first one",
            "     */",
            "    arn?: pulumi.Input<string>;",
            "    /** Optional, but its default is not documented. */",
            "    extra?: number;",
            "}",
            "interface NotExported { hidden: string }",
        ].join("\n");
        const [sample] = exportedInterfaces("sample.ts", source);
        const table = (rows: string[]): MarkdownTable => ({ line: 1, header: HEADER, rows: rows.map((r) => r.split(" | ")) });

        it("reads names, optionality, @default text and pulumi.Input from the source", () => {
            assert.deepStrictEqual(exportedInterfaces("sample.ts", source).map((i) => i.name), ["SampleArgs"]);
            assert.deepStrictEqual(sample.properties, [
                { name: "name", optional: false, defaultTag: undefined, input: false },
                { name: "mode", optional: true, defaultTag: '"none"', input: false },
                { name: "arn", optional: true, defaultTag: "- the first one", input: true },
                { name: "extra", optional: true, defaultTag: undefined, input: false },
            ]);
        });

        it("accepts a table that follows the convention", () => {
            const good = table(["`name` | required | The name.", "`mode` | `none` | A mode.", "`arn` | the first one | *Input.* An ARN.", "`extra` | - | Extra."]);

            assert.deepStrictEqual(argsTableProblems(sample, good, "t"), []);
        });

        it("reports a missing row and a wrong default", () => {
            const bad = table(["`name` | required | The name.", "`mode` | `full` | A mode.", "`arn` | the first one | *Input.* An ARN."]);

            assert.deepStrictEqual(argsTableProblems(sample, bad, "t"), [
                't: `mode` shows default "`full`", expected "none" (@default "none")',
                "t: `extra` of SampleArgs (sample.ts) has no row",
            ]);
        });

        it("reports an unknown property, a duplicate, the required/- convention and the Input mark", () => {
            const bad = table([
                "`name` | - | The name.",
                "`mode` | `none` | A mode.",
                "`mode` | `none` | Again.",
                "`arn` | the first one | An ARN.",
                "`extra` | required | Extra.",
                "`ghost` | - | Not there.",
            ]);

            assert.deepStrictEqual(argsTableProblems(sample, bad, "t"), [
                't: `name` shows default "-", expected "required" (required)',
                "t: `mode` has more than one row",
                "t: `arn` description must start with *Input.* (its type is pulumi.Input)",
                't: `extra` shows default "required", expected "-" (optional, no @default)',
                "t: `ghost` is not a property of SampleArgs (sample.ts)",
            ]);
        });

        it("reports a marker without a table and a wrong header", () => {
            assert.deepStrictEqual(argsTableProblems(sample, undefined, "t"), ["t: no table below <!-- args: SampleArgs -->"]);
            assert.deepStrictEqual(argsTableProblems(sample, { line: 1, header: ["argument", "default"], rows: [] }, "t").slice(0, 1), [
                't: the header is "argument | default", expected "argument | default | description"',
            ]);
        });

        it("finds the table below its marker, across blank lines", () => {
            const markdown = ["<!-- args: SampleArgs -->", "", "| argument | default | description |", "|---|---|---|", "| `name` | required | A \\| B |", "", "after"].join("\n");

            const [found] = argsTables(markdown);

            assert.strictEqual(found.name, "SampleArgs");
            assert.deepStrictEqual(found.table?.rows, [["`name`", "required", "A | B"]]);
        });
    });
});
