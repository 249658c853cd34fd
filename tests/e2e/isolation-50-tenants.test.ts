import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { runStart } from "../support/run-cli";

describe("isolation proof over 50 tenants", function () {
    this.timeout(180_000);

    it("tries every tenant's runtime against every other tenant's role and finds no cross-tenant access", async () => {
        const run = await runStart(["--tenants", "50", "--quiet"]);
        assert.strictEqual(run.code, 0, run.stderr);
        const report = fs.readFileSync(path.join(run.out, "isolation-report.md"), "utf8");
        assert.match(report, /Tenants: 50\./);
        // Full matrix at 50 tenants: each tenant's role is tried by its own runtime, by all 49 others
        // (with their real role and with one named like the target's), and by 3 controls.
        const assumeCount = Number(/\((\d+) AssumeRole/.exec(report)?.[1]);
        assert.strictEqual(assumeCount, 50 * (1 + 49 * 2 + 3));
        assert.match(report, /\*\*Result: no violations\.\*\*/);
    });
});
