/**
 * The component argument interfaces as their source declares them: each
 * property with its optionality and JSDoc `@default`, found by content under
 * components/ so files can move freely.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");

export interface ArgProperty {
    name: string;
    optional: boolean;
    /** The `@default` tag's text, if the property has one. */
    defaultTag?: string;
    /** The type is `pulumi.Input<…>`. */
    input: boolean;
}

export interface ArgInterface {
    name: string;
    file: string;
    properties: ArgProperty[];
    /** Interfaces named in `extends`. */
    bases: string[];
}

/** Every `export interface` of one TypeScript source text. */
export function exportedInterfaces(file: string, source: string): ArgInterface[] {
    const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
    const found: ArgInterface[] = [];
    for (const node of sf.statements) {
        if (!ts.isInterfaceDeclaration(node) || !node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
        const properties = node.members.map((member): ArgProperty => {
            if (!ts.isPropertySignature(member)) {
                throw new Error(`${file}: ${node.name.text} has a member that is not a property: ${member.getText(sf)}`);
            }
            const tags = ts.getJSDocTags(member).filter((t) => t.tagName.text === "default");
            const type = member.type;
            return {
                name: ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : member.name.getText(sf),
                optional: member.questionToken !== undefined,
                defaultTag: tags.length > 0 ? (ts.getTextOfJSDocComment(tags[0].comment) ?? "") : undefined,
                input: type !== undefined && ts.isTypeReferenceNode(type) && /(^|\.)Input$/.test(type.typeName.getText(sf)),
            };
        });
        const bases = (node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText(sf)));
        found.push({ name: node.name.text, file, properties, bases });
    }
    return found;
}

/** .ts files (not declarations) under `dir`, recursively. */
function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(full);
        return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
    });
}

/** Every exported interface under components/, by name. */
export function componentInterfaces(): Map<string, ArgInterface[]> {
    const byName = new Map<string, ArgInterface[]>();
    for (const file of sourceFiles(path.join(ROOT, "components"))) {
        for (const iface of exportedInterfaces(path.relative(ROOT, file), fs.readFileSync(file, "utf8"))) {
            byName.set(iface.name, [...(byName.get(iface.name) ?? []), iface]);
        }
    }
    return byName;
}

/** The interface `name` with inherited properties, or an error when it is missing or declared in two files. */
export function resolveInterface(all: Map<string, ArgInterface[]>, name: string): ArgInterface {
    const declarations = all.get(name) ?? [];
    if (declarations.length === 0) throw new Error(`no "export interface ${name}" in any .ts file under components/`);
    const files = [...new Set(declarations.map((d) => d.file))];
    if (files.length > 1) throw new Error(`"export interface ${name}" is declared in more than one file: ${files.join(", ")}`);
    const inherited = declarations.flatMap((d) => d.bases).flatMap((base) => resolveInterface(all, base).properties);
    const own = declarations.flatMap((d) => d.properties);
    const ownNames = new Set(own.map((p) => p.name));
    return { name, file: files[0], properties: [...inherited.filter((p) => !ownNames.has(p.name)), ...own], bases: [] };
}

