/**
 * Reading plan files: input nested beyond any plan Pulumi writes is refused
 * as unreadable (exit 2, the file and the place named) instead of crashing a
 * walker of the proof, and resources read with `.get()` are marked external
 * in both formats.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { shippedPlan, stackFiles, verify } from "../support/plan-files";
import { MAX_NESTING, readStackState, SECRET_SIG, SIG_KEY } from "../../verifier/pulumi-formats";

const DEEP = "__deep_value__";

/** The shipped plan with the first role's tags holding `deep` (raw JSON text, built as text: JSON.stringify would itself overflow). */
function planWith(dir: string, deep: string): string {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-tenancy-deep-"));
    for (const file of stackFiles(dir)) fs.copyFileSync(file, path.join(copy, path.basename(file)));
    const file = path.join(copy, "ops.json");
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    const role = doc.deployment.resources.find((r: any) => r.type === "aws:iam/role:Role");
    role.inputs.tags = { deep: DEEP };
    fs.writeFileSync(file, JSON.stringify(doc).replace(JSON.stringify(DEEP), deep));
    return copy;
}

const nested = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;

describe("reading plan files", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("refuses values nested far deeper than any plan as unreadable, naming the file and the place", () => {
        const run = verify(planWith(plan, nested(200_000)));
        assert.strictEqual(run.code, 2, `${run.stderr}${run.stdout}`);
        assert.ok(run.stderr.includes("ops.json") && run.stderr.includes("inputs: tags.deep[0]") && run.stderr.includes(`deeper than ${MAX_NESTING}`), run.stderr);
    });

    it("counts a secret's plaintext in the nesting", () => {
        const secret = verify(planWith(plan, JSON.stringify({ [SIG_KEY]: SECRET_SIG, plaintext: nested(MAX_NESTING) })));
        assert.strictEqual(secret.code, 2, secret.stderr);
        assert.ok(secret.stderr.includes("tags.deep.plaintext[0]"), secret.stderr);
    });

    it("refuses JSON text nested far deeper than any plan where a walker opens it (a policy), naming the file", () => {
        const copy = planWith(plan, JSON.stringify("x"));
        const file = path.join(copy, "ops.json");
        const text = fs.readFileSync(file, "utf8");
        const doc = JSON.parse(text);
        const policy = doc.deployment.resources.find((r: any) => r.type === "aws:iam/rolePolicy:RolePolicy");
        policy.inputs.policy = DEEP;
        fs.writeFileSync(file, JSON.stringify(doc).replace(JSON.stringify(DEEP), JSON.stringify(nested(200_000))));
        const run = verify(copy);
        assert.strictEqual(run.code, 2, `${run.stderr}${run.stdout}`);
        assert.ok(run.stderr.includes("ops.json") && run.stderr.includes("deeper than the proof can walk"), run.stderr);
    });

    it("reads values nested well beyond a real plan but within the limit", () => {
        const run = verify(planWith(plan, nested(MAX_NESTING - 20)));
        assert.strictEqual(run.code, 0, run.stderr);
    });

    it("refuses a preview step that leaves a resource in AWS but holds no newState, and proves a replacement's two steps as one resource", () => {
        const s = (name: string) => ({ urn: `urn:pulumi:ops::p::aws:iam/role:Role::${name}`, type: "aws:iam/role:Role", custom: true, inputs: {}, outputs: {} });
        for (const op of ["same", "update", "create", "import"]) {
            assert.throws(() => readStackState("ops.json", JSON.stringify({ steps: [{ op, urn: s("hidden").urn, oldState: s("hidden") }] })), (err: Error) => err.message.includes("has no newState") && err.message.includes("ops.json"));
        }
        const gone = readStackState("ops.json", JSON.stringify({ steps: [{ op: "delete", urn: s("old").urn, oldState: s("old") }] }));
        assert.equal(gone.resources.length, 0);
        const replaced = readStackState("ops.json", JSON.stringify({ steps: [
            { op: "create-replacement", urn: s("r").urn, newState: s("r") },
            { op: "replace", urn: s("r").urn, newState: s("r") },
            { op: "delete-replaced", urn: s("r").urn, oldState: s("r") },
        ] }));
        assert.deepEqual(replaced.resources.map((r) => r.name), ["r"]);
    });

    it("marks resources read with .get() as external in a stack export", () => {
        const r = (name: string, extra: Record<string, unknown> = {}) => ({ urn: `urn:pulumi:ops::p::aws:iam/role:Role::${name}`, type: "aws:iam/role:Role", custom: true, inputs: {}, outputs: {}, ...extra });
        const state = readStackState("ops.json", JSON.stringify({ version: 3, deployment: { resources: [r("own"), r("read", { external: true })] } }));
        assert.deepStrictEqual(state.resources.map((x) => [x.name, x.external]), [["own", false], ["read", true]]);
    });

    it("marks resources read with .get() as external in a preview, by the step or by the state", () => {
        const s = (name: string, extra: Record<string, unknown> = {}) => ({ urn: `urn:pulumi:ops::p::aws:iam/role:Role::${name}`, type: "aws:iam/role:Role", custom: true, inputs: {}, outputs: {}, ...extra });
        const steps = [
            { op: "same", urn: s("own").urn, newState: s("own") },
            { op: "read", urn: s("read").urn, newState: s("read") },
            { op: "read-replacement", urn: s("reread").urn, newState: s("reread") },
            { op: "same", urn: s("marked").urn, newState: s("marked", { external: true }) },
        ];
        const state = readStackState("ops.json", JSON.stringify({ steps }));
        assert.deepStrictEqual(state.resources.map((x) => [x.name, x.external]), [["own", false], ["read", true], ["reread", true], ["marked", true]]);
    });
});
