import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { removeEarlierPlans } from "../../../scripts/plan/run-start";
import { makeTempDir } from "../../support/temp-dir";

describe("a plan folder after another run", () => {
    it("drops the stack files an earlier run's report lists and this run does not write, and nothing else", () => {
        const dir = makeTempDir("plan-folder-");
        const outside = makeTempDir("plan-outside-");
        const file = (d: string, name: string) => {
            const f = path.join(d, name);
            fs.writeFileSync(f, "{}");
            return f;
        };
        const shard = file(dir, "ops-1-1.json");
        const ops = file(dir, "ops.json");
        const users = file(dir, "notes.json");
        const elsewhere = file(outside, "ops-2-1.json");
        fs.writeFileSync(path.join(dir, "isolation-report.json"), JSON.stringify({ stacks: [{ file: shard }, { file: ops }, { file: elsewhere }, { file: 7 }] }));
        assert.deepStrictEqual(removeEarlierPlans(dir, [ops]), [shard]);
        assert.ok(!fs.existsSync(shard));
        for (const kept of [ops, users, elsewhere]) assert.ok(fs.existsSync(kept), kept);
    });

    it("leaves a folder without a readable report as it is", () => {
        const dir = makeTempDir("plan-folder-");
        fs.writeFileSync(path.join(dir, "isolation-report.json"), "not json");
        assert.deepStrictEqual(removeEarlierPlans(dir, []), []);
    });
});
