// typescript-eslint's type-checked recommended rules over every TypeScript
// file the type check covers (tsconfig.json). `npm test` runs it and the tree
// is clean under it.
import tseslint from "typescript-eslint";

export default tseslint.config(
    {
        // Built output, generated plans and the consumer projects (type-checked
        // by the consumer check against the packed tarball, not this tree).
        ignores: ["dist/**", "plan/**", "policy-pack/**", "**/node_modules/**", "tests/consumer/**", "tests/consumer-runtime/**", "**/*.js", "**/*.mjs", "**/*.cjs"],
    },
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        rules: {
            // A leading underscore marks a binding kept on purpose (a rest
            // sibling that drops a key, a parameter an interface requires).
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true }],
        },
    },
    {
        // Tests, scripts, benchmarks and the AWS stand-ins read plan files, SDK
        // requests and stand-in state as untyped JSON on purpose, to build
        // hostile inputs and inspect what was sent; the shipped code narrows
        // every such value. Their test doubles implement async interfaces
        // without awaiting, keep a method to put it back after a test, and
        // load modules afresh with require.
        files: ["tests/**", "scripts/**", "bench/**", "testing/local-aws/**"],
        rules: {
            "@typescript-eslint/require-await": "off",
            "@typescript-eslint/unbound-method": "off",
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unsafe-argument": "off",
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-call": "off",
            "@typescript-eslint/no-unsafe-member-access": "off",
            "@typescript-eslint/no-unsafe-return": "off",
        },
    },
);
