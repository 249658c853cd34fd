/**
 * Imported first by twin-check.ts, before the checks that import
 * `bedrock-tenancy/runtime` (the docs' code, the HTTP-service example): it
 * resolves to this package's build, so without one twin:check would stop on a
 * module-loading stack trace instead of naming the step that is missing.
 */
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const RUNTIME_BUILD = path.join(ROOT, "dist", "runtime", "index.js");

if (!fs.existsSync(RUNTIME_BUILD)) {
    process.stderr.write(
        `twin:check could not run: the build is missing (${path.relative(ROOT, RUNTIME_BUILD)}); the docs' code and the HTTP-service example import bedrock-tenancy/runtime from it. Run \`npm run build\` first (\`npm test\` builds it).\n`,
    );
    process.exit(2);
}
