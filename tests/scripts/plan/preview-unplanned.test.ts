/**
 * `npm start -- --preview --stacks customer-a --previous DIR`: a customer
 * stack previewed alone reads its ops stack's outputs from the deployed state
 * in DIR, as a real preview reads the deployed ops stack; a StackReference to a
 * stack neither planned nor deployed there says what to add.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { shippedPlan } from "../../support/plan-files";
import { readJson, runStart } from "../../support/run-cli";
import { makeTempDir } from "../../support/temp-dir";

describe("npm start with a stack left out of --stacks", function () {
    this.timeout(240_000);

    it("previews a customer stack alone against its ops stack's state in --previous", async () => {
        const previous = await shippedPlan();
        const run = await runStart(["--preview", "--stacks", "customer-a", "--previous", previous, "--quiet"]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.deepStrictEqual(fs.readdirSync(run.out).filter((f) => !f.startsWith("isolation-report")), ["customer-a.json"]);
        const customer = readJson(path.join(run.out, "customer-a.json"));
        assert.deepStrictEqual([...new Set(customer.steps.map((s: { op: string }) => s.op))], ["same"]);
        // Proved with the ops stack as deployed: without its roles there is no isolation to prove.
        const report = readJson(path.join(run.out, "isolation-report.json"));
        assert.deepStrictEqual(report.stacks.map((s: { file: string }) => path.resolve(s.file)).sort(), [path.join(previous, "ops.json"), path.join(run.out, "customer-a.json")].sort());
    });

    it("names the missing state file when --previous does not hold the referenced stack", async () => {
        const previous = makeTempDir("bedrock-tenancy-no-ops-");
        const run = await runStart(["--preview", "--stacks", "customer-a", "--previous", previous]);
        assert.strictEqual(run.code, 2);
        assert.ok(run.stderr.includes(`stack reference to "acme/bedrock-tenancy/ops": stack "ops" is not planned in this run and --previous ${previous} holds no ops.json;`), run.stderr);
        assert.ok(run.stderr.includes("or plan it too (--stacks ops,customer-a)"), run.stderr);
    });

    it("asks for --previous or the stack when a preview has neither", async () => {
        const run = await runStart(["--preview", "--stacks", "customer-a"]);
        assert.strictEqual(run.code, 2);
        assert.ok(run.stderr.includes('stack "ops" is not planned in this run and no --previous was given; add --previous DIR holding its deployed state as DIR/ops.json, or plan it too (--stacks ops,customer-a)'), run.stderr);
    });

    it("asks for the stack in --stacks when a plan leaves it out", async () => {
        const run = await runStart(["--stacks", "customer-a"]);
        assert.strictEqual(run.code, 2);
        assert.ok(run.stderr.includes('stack reference to "acme/bedrock-tenancy/ops": stack "ops" is not planned in this run; plan it too (--stacks ops,customer-a)'), run.stderr);
    });
});
