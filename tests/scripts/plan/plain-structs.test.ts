/**
 * The plan worker carries plain values where the SDK would encode protobuf
 * Structs: the plan must be the one the encoding gives, record for record.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sortedKeys } from "../../../scripts/plan/plain-structs";
import { planStacks, type PlanOptions, type StackPlan } from "../../../scripts/plan/run-plan";
import { writeSyntheticProject } from "../../../scripts/plan/synthetic-tenants";
import { REPO } from "../../support/run-cli";

const PROGRAM = path.join(REPO, "stacks");

/** What a stack export holds, in an order that does not depend on when each registration finished. */
function exported(plans: StackPlan[]) {
    return plans.map((p) => ({ stack: p.stack, records: [...p.records].sort(), outputs: p.outputs, secretOutputNames: p.secretOutputNames }));
}

async function bothWays(options: PlanOptions): Promise<void> {
    const plain = await planStacks(options);
    const encoded = await planStacks({ ...options, protobufStructs: true });
    assert.ok(plain.every((p) => p.records.length > 0));
    assert.deepStrictEqual(exported(plain), exported(encoded));
}

describe("plan worker without protobuf Structs", function () {
    this.timeout(300_000);

    it("plans the shipped stacks exactly as through protobuf", () => bothWays({ projectDir: REPO, programPath: PROGRAM }));

    it("plans a synthetic fleet exactly as through protobuf", () => {
        const { dir } = writeSyntheticProject(REPO, 12, fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-tenancy-structs-")));
        return bothWays({ projectDir: dir, stacks: ["ops"], programPath: PROGRAM });
    });

    it("sorts plain objects at every depth and leaves class instances and arrays' order alone", () => {
        class Archive {
            constructor(readonly z: number, readonly a: number) {}
        }
        const archive = new Archive(1, 2);
        const value = { b: [{ y: 1, x: 2 }, 3], a: { d: archive, c: null } };
        const sorted = sortedKeys(value);
        assert.strictEqual(JSON.stringify(sorted), '{"a":{"c":null,"d":{"z":1,"a":2}},"b":[{"x":2,"y":1},3]}');
        assert.strictEqual(sorted.a.d, archive);
    });
});
