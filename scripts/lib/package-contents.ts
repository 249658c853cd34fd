/**
 * Rules for what the published tarball may hold and what its code may import,
 * kept pure so they are unit-tested apart from `npm pack`.
 */
import { builtinModules } from "module";

/** Files a consumer needs: compiled entries with declarations, the Lambda bundle, the manifest and docs. */
export const ALLOWED_PACKAGE_FILES: readonly RegExp[] = [
    /^package\.json$/,
    /^bin\/bedrock-tenancy\.js$/,
    /^README\.md$/,
    /^LICENSE(\.md|\.txt)?$/,
    // The documentation the README links to, so its links resolve in node_modules/bedrock-tenancy.
    /^docs\/[\w-]+\.md$/,
    /^dist\/(contract|components|runtime|verifier)\/[\w./-]+\.(js|d\.ts)$/,
    /^dist\/testing\/(index|peers|pulumi-mocks|mock-state|plan-file)\.(js|d\.ts)$/,
    /^policy-pack\/(PulumiPolicy\.yaml|package\.json|index\.js)$/,
    // The Lambda bundle's entry and the chunks it loads.
    /^dist\/lambda\/[\w-]+\.mjs$/,
    /^dist\/enforcer\/index\.mjs$/,
];

/** Files without which the package does not work. */
export const REQUIRED_PACKAGE_FILES: readonly string[] = [
    "package.json",
    "bin/bedrock-tenancy.js",
    "README.md",
    "dist/components/index.js",
    "dist/components/index.d.ts",
    "dist/runtime/index.js",
    "dist/runtime/index.d.ts",
    "dist/testing/index.js",
    "dist/testing/index.d.ts",
    "dist/lambda/index.mjs",
    "dist/enforcer/index.mjs",
    "dist/verifier/cli.js",
    "policy-pack/PulumiPolicy.yaml",
    "policy-pack/package.json",
    "policy-pack/index.js",
];

/** Problems with a tarball's file list: files that must not ship, and required files that are missing. */
export function packageFileProblems(files: readonly string[]): string[] {
    const unexpected = files.filter((f) => !ALLOWED_PACKAGE_FILES.some((rule) => rule.test(f))).map((f) => `unexpected file in package: ${f}`);
    const missing = REQUIRED_PACKAGE_FILES.filter((f) => !files.includes(f)).map((f) => `missing from package: ${f}`);
    return [...unexpected, ...missing];
}

/** Markdown text with its fenced code blocks blanked (line numbers kept) and inline code spans removed: where a `[x](y)` is no link. */
export function withoutCode(markdown: string): string {
    let fence: string | undefined;
    return markdown
        .split("\n")
        .map((line) => {
            const opener = /^\s*(```+|~~~+)/.exec(line);
            if (fence !== undefined) {
                if (opener && opener[1][0] === fence[0] && opener[1].length >= fence.length) fence = undefined;
                return "";
            }
            if (opener) {
                fence = opener[1];
                return "";
            }
            return line.replace(/(`+)[^`]*?\1/g, "");
        })
        .join("\n");
}

/**
 * Relative links in the package's markdown (`shipped`: path in the package to
 * text, e.g. README.md and docs/*.md) to files the package does not hold: each
 * would be a dead link in `node_modules/bedrock-tenancy` and on the registry's
 * page. A link to a web address or to an anchor of the same page is not
 * checked; a link resolving outside the package is a problem too.
 */
export function unshippedLinks(shipped: Readonly<Record<string, string>>, files: readonly string[]): string[] {
    const held = new Set(files);
    const problems: string[] = [];
    for (const [file, text] of Object.entries(shipped)) {
        const linked = new Set([...withoutCode(text).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]));
        for (const target of linked) {
            if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#")) continue;
            const relative = decodeURIComponent(target.split("#")[0]);
            const resolved = posixNormalize(`${posixDirname(file)}/${relative}`);
            const inPackage = !resolved.startsWith("../") && (held.has(resolved) || [...held].some((f) => f.startsWith(`${resolved.replace(/\/$/, "")}/`)));
            if (!inPackage) problems.push(`${file} links to ${target}, which the package does not hold`);
        }
    }
    return problems;
}

function posixDirname(file: string): string {
    const slash = file.lastIndexOf("/");
    return slash < 0 ? "." : file.slice(0, slash);
}

/** `a/./b/../c` as `a/c`; a path that climbs above the package root keeps its leading `../`. */
function posixNormalize(p: string): string {
    const out: string[] = [];
    for (const part of p.split("/")) {
        if (part === "" || part === ".") continue;
        if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
        else out.push(part);
    }
    return out.join("/") + (p.endsWith("/") ? "/" : "");
}

// require("x"), import("x"), `from "x"` and side-effect `import "x"`, in JS or declaration files (minified too: `from"x"`).
// A `from` or `import` that ends a string literal (`["import", "diff"]`) is a value, not a statement.
const SPECIFIER_PATTERNS = [
    /\brequire\(\s*["']([^"']+)["']\s*\)/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /(?<![\w$."'`])from\s*["']([^"']+)["']/g,
    /(?<![\w$."'`])import\s*["']([^"']+)["']/g,
];

/** Module specifiers a source text loads. */
export function moduleSpecifiers(source: string): string[] {
    const found = new Set<string>();
    for (const pattern of SPECIFIER_PATTERNS) {
        for (const match of source.matchAll(pattern)) {
            found.add(match[1]);
        }
    }
    return [...found];
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for relative paths and Node built-ins. */
export function packageOf(specifier: string): string | undefined {
    if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) {
        return undefined;
    }
    const parts = specifier.split("/");
    const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
    return builtinModules.includes(name) ? undefined : name;
}

/**
 * Imports a file may make of a development dependency, by file, and why no
 * installed package runs them.
 */
export const CLONE_ONLY_IMPORTS: Readonly<Record<string, readonly string[]>> = {
    // The command loads ts-node only when dist/verifier/cli.js is missing: in a clone not built yet.
    // A package always holds that file (REQUIRED_PACKAGE_FILES), so its command never does.
    "bin/bedrock-tenancy.js": ["ts-node"],
};

/** Packages that `sources` (file → text) import but `declared` (dependencies + peerDependencies) does not list. */
export function undeclaredImports(sources: Record<string, string>, declared: readonly string[]): string[] {
    const problems: string[] = [];
    for (const [file, text] of Object.entries(sources)) {
        for (const specifier of moduleSpecifiers(text)) {
            const name = packageOf(specifier);
            if (name !== undefined && !declared.includes(name) && !CLONE_ONLY_IMPORTS[file]?.includes(name)) {
                problems.push(`${file} imports "${specifier}", but ${name} is not a dependency or peer dependency`);
            }
        }
    }
    return problems;
}
