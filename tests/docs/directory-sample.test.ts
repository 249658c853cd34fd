/**
 * The tenant directory scale.md shows is one a fleet can deploy as written:
 * it passes the directory's own checks, and every shard it names has a tenant,
 * so a stack file for any of its shards plans.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./markdown";
import { loadTenantDirectory } from "../../stacks/directory-config";
import { makeTempDir } from "../support/temp-dir";

describe("scale.md's sample tenant directory", () => {
    it("passes the directory's checks, with a tenant in every shard", () => {
        const markdown = fs.readFileSync(path.join(ROOT, "docs", "scale.md"), "utf8");
        const block = [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]).find((code) => code.startsWith("# tenant-directory.yaml"));
        assert.ok(block, "scale.md has no block starting with # tenant-directory.yaml");
        const dir = makeTempDir("bedrock-tenancy-directory-sample-");
        fs.writeFileSync(path.join(dir, "tenant-directory.yaml"), block);
        const directory = loadTenantDirectory("tenant-directory.yaml", dir);
        const empty = directory.shards.filter((s) => !directory.tenants.some((t) => t.shard === s.name)).map((s) => s.name);
        assert.deepStrictEqual(empty, []);
    });
});
