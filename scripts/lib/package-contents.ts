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
    /^dist\/testing\/(index|pulumi-mocks|mock-state|plan-file)\.(js|d\.ts)$/,
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

/**
 * The README's links to pages under `docs/` that the package does not hold:
 * each would be a dead link in the README that `node_modules/bedrock-tenancy`
 * (and the registry's page) shows.
 */
export function unshippedDocLinks(readme: string, files: readonly string[]): string[] {
    const linked = new Set([...readme.matchAll(/\]\(\s*<?(docs\/[^)#\s>]+)/g)].map((m) => m[1]));
    return [...linked].filter((page) => !files.includes(page)).map((page) => `README.md links to ${page}, which the package does not hold`);
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
