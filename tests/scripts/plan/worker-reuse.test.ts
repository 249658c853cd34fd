/**
 * A plan worker plans one stack after another: each plan must be what a
 * fresh worker gives, and nothing of the last plan may stay reachable.
 */
import * as assert from "assert";
import * as path from "path";
import * as v8 from "v8";
import * as vm from "vm";
import { JsonWorkerPool } from "../../../scripts/lib/json-worker";
import { unloadProgram } from "../../../scripts/plan/program-modules";
import type { WorkerInput, WorkerOutput } from "../../../scripts/plan/plan-types";
import { readStackFile, stackAccount } from "../../../scripts/plan/stack-files";
import { REPO } from "../../support/run-cli";

const WORKER = path.join(REPO, "scripts", "plan", "stack-worker.ts");
const FIXTURE = path.join(__dirname, "fixtures", "program");

function stackInput(stack: string, stackOutputs: WorkerInput["stackOutputs"] = {}): WorkerInput {
    const file = readStackFile(REPO, stack, "bedrock-tenancy");
    return { project: "bedrock-tenancy", stack, programPath: path.join(REPO, "stacks"), account: stackAccount(file)!, config: file.config, secretKeys: file.secretKeys, stackOutputs };
}

function planned(output: WorkerOutput) {
    return { resources: output.resources, outputs: output.outputs, secretOutputNames: output.secretOutputNames };
}

describe("plan worker reuse", function () {
    this.timeout(300_000);

    it("plans a customer stack after the ops stack exactly as a fresh worker does", async () => {
        const reused = new JsonWorkerPool<WorkerInput, WorkerOutput>(WORKER, 1);
        const fresh = new JsonWorkerPool<WorkerInput, WorkerOutput>(WORKER, 1);
        try {
            const failure = "plan failed";
            const ops = await reused.run(stackInput("ops"), { failure });
            const opsAgain = await reused.run(stackInput("ops"), { failure });
            const references = { ops: { outputs: ops.outputs, secretOutputNames: ops.secretOutputNames } };
            const afterOps = await reused.run(stackInput("customer-a", references), { failure });
            const first = await fresh.run(stackInput("customer-a", references), { failure });
            assert.ok(first.resources.length > 10);
            assert.deepStrictEqual(planned(afterOps), planned(first));
            assert.deepStrictEqual(planned(opsAgain), planned(ops));
        } finally {
            await Promise.all([reused.close(), fresh.close()]);
        }
    });

    it("unloads the program so that it runs again and its last exports can be collected", async () => {
        v8.setFlagsFromString("--expose-gc");
        const gc = vm.runInNewContext("gc") as () => void;
        const counter = globalThis as { programEvaluations?: number };
        const before = counter.programEvaluations ?? 0;
        let exports: { big: object } | undefined = require(FIXTURE);
        const last = new WeakRef(exports!.big);
        exports = undefined;
        unloadProgram(FIXTURE);
        // A WeakRef keeps its target alive until the job that made (or last
        // dereferenced) it ends, which Node marks at a turn of its own choosing.
        for (let turn = 0; turn < 5; turn++) {
            await new Promise((r) => setTimeout(r, 10));
            gc();
        }
        assert.strictEqual(last.deref(), undefined, "the unloaded program's exports are still reachable");
        assert.ok(!Object.keys(require.cache).some((id) => id.startsWith(FIXTURE + path.sep)), "a program module is still cached");
        require(FIXTURE);
        assert.strictEqual(counter.programEvaluations, before + 2);
        unloadProgram(FIXTURE);
    });
});
