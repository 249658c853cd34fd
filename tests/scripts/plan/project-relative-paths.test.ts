/**
 * `pulumi` runs a stack's program in its project folder, so a relative path
 * in the stack's configuration (the tenant directory) names a file there.
 * `npm start -- --project DIR` plans such a project from anywhere.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { planStacks } from "../../../scripts/plan/run-plan";
import { writeShardedProject } from "../../../scripts/plan/synthetic-directory";
import { REPO } from "../../support/run-cli";
import { makeTempDir } from "../../support/temp-dir";

describe("a project folder's relative paths", function () {
    this.timeout(300_000);

    it("read the tenant directory from the project folder, not the folder the planner runs in", async () => {
        const { dir, stacks } = writeShardedProject(REPO, 4, 2, makeTempDir("bedrock-tenancy-project-paths-"), 2);
        for (const stack of stacks) {
            const file = path.join(dir, `Pulumi.${stack}.yaml`);
            const settings = parse(fs.readFileSync(file, "utf8"));
            settings.config["bedrock-tenancy:directory"] = "tenant-directory.json";
            fs.writeFileSync(file, stringify(settings, { aliasDuplicateObjects: false }));
        }
        assert.notStrictEqual(path.resolve(process.cwd()), path.resolve(dir), "the test must plan from another folder than the project's");
        assert.ok(!fs.existsSync(path.join(process.cwd(), "tenant-directory.json")), "a directory file where the planner runs would hide the defect");
        const plans = await planStacks({ projectDir: dir, stacks, programPath: path.join(REPO, "stacks") });
        assert.deepStrictEqual(plans.map((p) => p.stack), stacks);
        for (const plan of plans) assert.ok(plan.records.some((r) => r.includes("BedrockTenantAccess-")), `${plan.stack} planned no tenant role`);
    });
});
