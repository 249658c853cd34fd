/**
 * The planner and the evaluator wrapper leave their dependencies as published:
 * no module export, static or prototype member of a loaded dependency, no
 * built-in prototype and no global is replaced while they plan and decide.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as path from "path";

const PROBE = path.join(__dirname, "fixtures", "patch-probe.ts");

describe("planner without patched dependencies", function () {
    this.timeout(300_000);

    it("replaces no dependency export, built-in prototype member or global while planning the shipped stacks and evaluating", async () => {
        const stdout = await new Promise<string>((resolve, reject) => {
            execFile(process.execPath, ["-r", "ts-node/register/transpile-only", PROBE], { maxBuffer: 64 * 2 ** 20 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
        });
        const result = JSON.parse(stdout) as { replaced: string[]; removed: string[]; instanceMethods: string[]; resources: number; decision: string; compared: number };
        assert.deepStrictEqual(result.replaced, []);
        assert.deepStrictEqual(result.removed, []);
        assert.deepStrictEqual(result.instanceMethods, []);
        assert.ok(result.resources > 50, `only ${result.resources} resources planned`);
        assert.strictEqual(result.decision, "Allowed");
        // The snapshot covers the SDK, protobuf and the evaluator's modules, not a handful of names.
        assert.ok(result.compared > 10_000, `only ${result.compared} values compared`);
    });
});
