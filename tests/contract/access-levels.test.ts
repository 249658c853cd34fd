/** The table of reads the proof ships, and how it reads an action pattern with it. */
import * as assert from "assert";
import * as fs from "fs";
import { isReadPattern } from "../../contract";
import { accessLevelTable, DATA_FILE } from "../../scripts/generate-access-levels";

describe("the table of reads", () => {
    it("is what scripts/generate-access-levels.ts makes from the installed Service Authorization Reference data", () => {
        assert.strictEqual(fs.readFileSync(DATA_FILE, "utf8"), accessLevelTable(), "run: npx ts-node --transpile-only scripts/generate-access-levels.ts");
    });
    it("reads a pattern by its fixed start and an exact name by AWS's access level too", () => {
        assert.ok(isReadPattern("logs:StartQuery") && isReadPattern("LOGS:startquery") && isReadPattern("ec2:Describe*") && isReadPattern("glue:Get*"));
        assert.ok(!isReadPattern("logs:Start*") && !isReadPattern("*:Get*") && !isReadPattern("logs:StartQueryX") && !isReadPattern("logs:PutLogEvents"));
    });
});
