import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as path from "path";
import { unbuiltClone } from "../support/unbuilt-clone";

describe("npm run twin:check without a build", function () {
    this.timeout(60_000);

    it("stops with exit 2, naming the missing build and the command that makes it, instead of a module-loading stack trace", async () => {
        const clone = unbuiltClone(["scripts"]);

        const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
            execFile(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(clone, "scripts", "twin-check.ts")], { cwd: clone }, (err, _stdout, stderr) =>
                resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
            );
        });

        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, /^twin:check could not run: the build is missing \(dist\/runtime\/index\.js\).*Run `npm run build` first/);
        assert.doesNotMatch(result.stderr, /MODULE_NOT_FOUND|\n\s+at /);
    });
});
