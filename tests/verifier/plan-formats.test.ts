/**
 * Reading plan files: input nested beyond any plan Pulumi writes is refused
 * as unreadable (exit 2, the file and the place named) instead of crashing a
 * walker of the proof, and resources read with `.get()` are marked external
 * in both formats. A file the engine could not have written (a type its URN
 * contradicts) and a preview of a stack that failed to plan are refused; a
 * preview's default providers, which it never lists, are proved from its
 * configuration.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { shippedPlan, stackFiles, stackUrn, verify, type StackDoc } from "../support/plan-files";
import { CUSTOMER_B, mutatedPlan } from "../support/plan-mutations";
import { MAX_NESTING, readStackState, SECRET_SIG, SIG_KEY, UNKNOWN_VALUE } from "../../verifier/pulumi-formats";
import { rooted } from "../support/stack-root";
import { makeTempDir } from "../support/temp-dir";

const DEEP = "__deep_value__";

/** The shipped plan with the first role's tags holding `deep` (raw JSON text, built as text: JSON.stringify would itself overflow). */
function planWith(dir: string, deep: string): string {
    const copy = makeTempDir("bedrock-tenancy-deep-");
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
            assert.throws(() => readStackState("ops.json", JSON.stringify(rooted({ steps: [{ op, urn: s("hidden").urn, oldState: s("hidden") }] }))), (err: Error) => err.message.includes("has no newState") && err.message.includes("ops.json"));
        }
        const gone = readStackState("ops.json", JSON.stringify(rooted({ steps: [{ op: "delete", urn: s("old").urn, oldState: s("old") }] })));
        assert.deepEqual(gone.resources.map((r) => r.name), ["p-ops"]);
        const replaced = readStackState("ops.json", JSON.stringify(rooted({ steps: [
            { op: "create-replacement", urn: s("r").urn, newState: s("r") },
            { op: "replace", urn: s("r").urn, newState: s("r") },
            { op: "delete-replaced", urn: s("r").urn, oldState: s("r") },
        ] })));
        assert.deepEqual(replaced.resources.map((r) => r.name), ["p-ops", "r"]);
    });

    it("refuses a replacement whose steps disagree about the new state, whichever comes first, and proves agreeing ones once", () => {
        const s = (name: string, extra: Record<string, unknown> = {}) => ({ urn: `urn:pulumi:ops::p::aws:iam/role:Role::${name}`, type: "aws:iam/role:Role", custom: true, inputs: { name }, outputs: {}, ...extra });
        const wide = s("r", { inputs: { name: "r", assumeRolePolicy: '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}' } });
        for (const half of ["create-replacement", "read-replacement", "import-replacement"]) {
            const newHalf = half === "read-replacement" ? s("r", { external: true }) : s("r");
            for (const [first, second] of [[newHalf, wide], [wide, newHalf]]) {
                const steps = [{ op: half, urn: s("r").urn, oldState: s("r"), newState: first }, { op: "replace", urn: s("r").urn, oldState: s("r"), newState: second }, { op: "delete-replaced", urn: s("r").urn, oldState: s("r") }];
                assert.throws(() => readStackState("ops.json", JSON.stringify(rooted({ steps }))), (err: Error) => err.message.includes(`ops.json: steps 1 (${half}) and 2 (replace) of "${s("r").urn}" hold different new states`), half);
            }
            const agreeing = readStackState("ops.json", JSON.stringify(rooted({ steps: [
                { op: "delete-replaced", urn: s("r").urn, oldState: s("r") },
                { op: half, urn: s("r").urn, oldState: s("r"), newState: newHalf },
                { op: "replace", urn: s("r").urn, oldState: s("r"), newState: newHalf },
            ] })));
            assert.deepStrictEqual(agreeing.resources.map((r) => [r.name, r.external]), [["p-ops", false], ["r", half === "read-replacement"]], half);
            // Deleted before its replacement was made: what the replacement sets comes after the delete.
            assert.deepStrictEqual(agreeing.destroyed?.map((d) => d.aheadOfReplacement), [true], half);
        }
    });

    it("marks resources read with .get() as external in a stack export", () => {
        const r = (name: string, extra: Record<string, unknown> = {}) => ({ urn: `urn:pulumi:ops::p::aws:iam/role:Role::${name}`, type: "aws:iam/role:Role", custom: true, inputs: {}, outputs: {}, ...extra });
        const state = readStackState("ops.json", JSON.stringify(rooted({ version: 3, deployment: { resources: [r("own"), r("read", { external: true })] } })));
        assert.deepStrictEqual(state.resources.map((x) => [x.name, x.external]), [["p-ops", false], ["own", false], ["read", true]]);
    });

    it("marks resources read with .get() as external in a preview, by the step or by the state", () => {
        const s = (name: string, extra: Record<string, unknown> = {}) => ({ urn: `urn:pulumi:ops::p::aws:iam/role:Role::${name}`, type: "aws:iam/role:Role", custom: true, inputs: {}, outputs: {}, ...extra });
        const steps = [
            { op: "same", urn: s("own").urn, newState: s("own") },
            { op: "read", urn: s("read").urn, newState: s("read") },
            { op: "read-replacement", urn: s("reread").urn, newState: s("reread") },
            { op: "same", urn: s("marked").urn, newState: s("marked", { external: true }) },
        ];
        const state = readStackState("ops.json", JSON.stringify(rooted({ steps })));
        assert.deepStrictEqual(state.resources.map((x) => [x.name, x.external]), [["p-ops", false], ["own", false], ["read", true], ["reread", true], ["marked", true]]);
    });
});

/** The shipped plan with `stack` written as `pulumi preview --json` writes it, `edit` applied to the digest. */
function previewOf(dir: string, stack: "ops" | "customer-a", edit: (digest: any) => void, exportEdit: (doc: StackDoc) => void = () => undefined): string {
    const copy = mutatedPlan(dir, "stack-export", { [stack]: exportEdit });
    const file = path.join(copy, `${stack}.json`);
    const doc = JSON.parse(fs.readFileSync(file, "utf8")) as StackDoc;
    const digest = { steps: doc.deployment.resources.map((r) => ({ op: "same", urn: r.urn, ...(r.provider ? { provider: r.provider } : {}), newState: r })) };
    edit(digest);
    fs.writeFileSync(file, JSON.stringify(digest));
    return copy;
}

/** Every custom resource naming the stack's default aws provider, which a preview never lists as a step. */
function namingDefaultProvider(name: string): (doc: StackDoc) => void {
    return (doc) => {
        const stack = doc.deployment.resources[0].urn.split("::")[0].slice("urn:pulumi:".length);
        for (const r of doc.deployment.resources) if (r.custom) r.provider = `urn:pulumi:${stack}::bedrock-tenancy::pulumi:providers:aws::${name}::${UNKNOWN_VALUE}`;
    };
}

describe("files the engine could not have written, and previews that did not finish", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("refuses a resource whose type contradicts its URN, naming both, rather than proving it as either", () => {
        const dir = mutatedPlan(plan, "stack-export", { ops: (doc) => doc.deployment.resources.push({
            urn: "urn:pulumi:ops::bedrock-tenancy::aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration::logging",
            type: "aws:cloudwatch/metricAlarm:MetricAlarm", custom: true, id: "logging", inputs: { region: "us-east-1" }, outputs: {},
        }) });
        const run = verify(dir);
        assert.strictEqual(run.code, 2, `${run.stderr}${run.stdout}`);
        assert.ok(run.stderr.includes("ops.json") && run.stderr.includes("aws:cloudwatch/metricAlarm:MetricAlarm") && run.stderr.includes("its URN says \"aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration\""), run.stderr);
    });

    it("reads a child's URN, whose type follows its parents' types, by its last type", () => {
        const run = verify(mutatedPlan(plan, "preview", {}));
        assert.strictEqual(run.code, 0, run.stderr);
        const state = readStackState("x.json", JSON.stringify(rooted({ version: 3, deployment: { resources: [
            { urn: "urn:pulumi:s::p::a:b:C$aws:s3/bucket:Bucket::b", type: "aws:s3/bucket:Bucket", custom: true, inputs: {}, outputs: {} },
        ] } })));
        assert.strictEqual(state.resources[1].type, "aws:s3/bucket:Bucket");
    });

    it("refuses a provider reference that is not text, and a preview step holding another resource's state", () => {
        const r = { urn: "urn:pulumi:ops::p::aws:iam/role:Role::r", type: "aws:iam/role:Role", custom: true, inputs: {}, outputs: {} };
        assert.throws(() => readStackState("ops.json", JSON.stringify({ version: 3, deployment: { resources: [{ ...r, provider: { urn: "x" } }] } })), /ops\.json: resource 0 .*provider reference that is not text/);
        assert.throws(() => readStackState("ops.json", JSON.stringify({ steps: [{ op: "same", urn: "urn:pulumi:ops::p::aws:iam/role:Role::other", newState: r }] })), /ops\.json: step 0 .*holds the new state of another resource/);
    });

    it("refuses a preview whose program failed (an error diagnostic), naming the file and the diagnostic's message", () => {
        const dir = previewOf(plan, "customer-a", (d) => {
            d.steps = d.steps.filter((s: any) => !s.urn.includes("BucketObjectLockConfiguration") && !s.urn.includes("BucketPolicy"));
            d.diagnostics = [{ urn: d.steps[0].urn, message: "error: Running program failed with an unhandled exception: TypeError: boom", severity: "error" }];
            d.changeSummary = { same: d.steps.length };
        });
        const run = verify(dir);
        assert.strictEqual(run.code, 2, `${run.stderr}${run.stdout}`);
        assert.ok(run.stderr.includes("customer-a.json") && run.stderr.includes("failed to plan") && run.stderr.includes("TypeError: boom"), run.stderr);
    });

    it("refuses a preview the engine marks maybeCorrupt, and one written without --show-sames", () => {
        const corrupt = verify(previewOf(plan, "ops", (d) => (d.maybeCorrupt = true)));
        assert.strictEqual(corrupt.code, 2, corrupt.stderr);
        assert.match(corrupt.stderr, /ops\.json: the preview says resources may be corrupt/);
        const partial = verify(previewOf(plan, "customer-a", (d) => {
            d.changeSummary = { same: d.steps.length - 1, create: 1 };
            d.steps = [d.steps[0], { ...d.steps[1], op: "create" }];
        }));
        assert.strictEqual(partial.code, 2, partial.stderr);
        assert.match(partial.stderr, /customer-a\.json: the preview counts \d+ unchanged resources but lists 1: run pulumi preview with --show-sames/);
    });

    it("proves a preview whose diagnostics are only warnings, messages and the program's output, with every unchanged step listed", () => {
        const run = verify(previewOf(plan, "customer-a", (d) => {
            d.diagnostics = [
                { message: "warning: aws:s3/bucket:Bucket is deprecated", severity: "warning" },
                { message: "planning 33 resources", severity: "info" },
                { message: "a line the program wrote to stderr", severity: "info#err" },
            ];
            d.changeSummary = { same: d.steps.length };
        }));
        assert.strictEqual(run.code, 0, run.stderr);
    });

    it("proves a preview's default provider, which it never lists, from the stack's aws: configuration", () => {
        const own = verify(previewOf(plan, "customer-a", (d) => (d.config = { "aws:region": "us-east-1", "aws:allowedAccountIds": '["111111111111"]', "aws:profile": "audit" }), namingDefaultProvider("default_7_48_0")));
        assert.strictEqual(own.code, 0, own.stderr);
        const official = verify(previewOf(plan, "ops", () => undefined, namingDefaultProvider("default_7_48_0_github_/api.github.com/pulumi")));
        assert.strictEqual(official.code, 0, official.stderr);

        const elsewhere = verify(previewOf(plan, "customer-a", (d) => (d.config = { "aws:region": "us-east-1", "aws:assumeRoles": JSON.stringify([{ roleArn: `arn:aws:iam::${CUSTOMER_B}:role/Deployer` }]) }), namingDefaultProvider("default_7_48_0")));
        assert.strictEqual(elsewhere.code, 1, elsewhere.stderr);
        assert.ok(elsewhere.report.violations.some((v: any) => v.code === "BT-PLAN-FOREIGN-PROVIDER" && v.resource === "default_7_48_0" && v.why.includes(CUSTOMER_B)), elsewhere.stderr);

        const otherPartition = verify(previewOf(plan, "ops", (d) => (d.config = { "aws:region": "cn-north-1" }), namingDefaultProvider("default_7_48_0")));
        assert.strictEqual(otherPartition.code, 1, otherPartition.stderr);
        assert.ok(otherPartition.report.violations.some((v: any) => v.code === "BT-PLAN-FOREIGN-PROVIDER" && v.why.includes("cn-north-1")), otherPartition.stderr);

        const downloaded = verify(previewOf(plan, "ops", () => undefined, namingDefaultProvider("default_7_48_0_https_/plugins.example.com")));
        assert.strictEqual(downloaded.code, 1, downloaded.stderr);
        assert.ok(downloaded.report.violations.some((v: any) => v.code === "BT-PLAN-FOREIGN-PROVIDER" && v.why.includes("plugins.example.com")), downloaded.stderr);
    });

    it("holds a default provider a stack export lists to the rule of its name, as a preview's", () => {
        const listing = (name: string) => (doc: StackDoc) => {
            const urn = `urn:pulumi:ops::bedrock-tenancy::pulumi:providers:aws::${name}`;
            doc.deployment.resources.unshift({ urn, type: "pulumi:providers:aws", custom: true, id: "provider-id", inputs: { region: "us-east-1" }, outputs: { region: "us-east-1" } });
            for (const r of doc.deployment.resources) if (r.custom && r.urn !== urn) r.provider = `${urn}::provider-id`;
        };
        for (const name of ["default", "default_7_48_0", "default_7_48_0_github_/api.github.com/pulumi"]) {
            const run = verify(mutatedPlan(plan, "stack-export", { ops: listing(name) }));
            assert.strictEqual(run.code, 0, `${name}: ${run.stderr}`);
        }
        const downloaded = verify(mutatedPlan(plan, "stack-export", { ops: listing("default_7_48_0_https_/plugins.example.com") }));
        assert.strictEqual(downloaded.code, 1, downloaded.stderr);
        assert.ok(downloaded.report.violations.some((v: any) => v.code === "BT-PLAN-FOREIGN-PROVIDER" && v.resource === "default_7_48_0_https_/plugins.example.com" && v.why.includes("downloaded from elsewhere")), downloaded.stderr);
    });

    it("does not take a provider a preview does not list for a default one unless it is named as one", () => {
        const run = verify(previewOf(plan, "customer-a", (d) => (d.config = { "aws:region": "us-east-1" }), namingDefaultProvider("deployer")));
        assert.strictEqual(run.code, 1, run.stderr);
        assert.ok(run.report.violations.some((v: any) => v.code === "BT-PLAN-UNRESOLVED" && v.resource === "deployer" && /is not in the file/.test(v.why)), run.stderr);
    });
});

describe("fields, steps and values in shapes the engine never writes", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const role = (extra: Record<string, unknown> = {}) => ({ urn: "urn:pulumi:ops::p::aws:iam/role:Role::r", type: "aws:iam/role:Role", custom: true, id: "r", inputs: {}, outputs: {}, ...extra });
    // The stack's root comes first, as the engine writes it: the resource or step under test is the second.
    const exported = (...resources: unknown[]) => JSON.stringify(rooted({ version: 3, deployment: { resources } }));
    const previewed = (...steps: unknown[]) => JSON.stringify(rooted({ steps }));

    it("refuses a resource whose inputs or outputs are not objects, naming the file and the resource, rather than reading them as empty", () => {
        const alarm = (doc: StackDoc) => doc.deployment.resources.find((r: any) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
        for (const shape of ["stack-export", "preview"] as const) {
            const listed = verify(mutatedPlan(plan, shape, { "customer-a": (doc) => Object.assign(alarm(doc), { inputs: [1, 2], outputs: "x" }) }));
            assert.strictEqual(listed.code, 2, `${listed.stderr}${listed.stdout}`);
            assert.match(listed.stderr, /customer-a\.json: resource \d+ \(urn:pulumi:customer-a::.*MetricAlarm::[^)]*\): inputs is a list, not an object of properties/);
        }
        assert.throws(() => readStackState("ops.json", exported(role({ outputs: "x" }))), /ops\.json: resource 1 \(urn:pulumi:ops::p::aws:iam\/role:Role::r\): outputs is text, not an object/);
    });

    it("refuses an output value whose flags or dependencies are in a shape Pulumi never writes", () => {
        const SIG = "4dabf18193072939515e22adb298388d";
        const outputValue = (extra: Record<string, unknown>) => ({ [SIG]: "d0e6a833031e9bbcd3f4e8bde6ca49a4", value: "BedrockTenantAccess-x", ...extra });
        const cases: [Record<string, unknown>, RegExp][] = [
            [{ secret: "no" }, /holds an output value whose secret flag is text, not true or false/],
            [{ dependencies: "urn:pulumi:ops::p::aws:iam/role:Role::other" }, /holds an output value whose dependencies are not a list of URNs/],
            [{ dependencies: ["not-a-urn"] }, /holds an output value whose dependencies are not a list of URNs/],
        ];
        for (const [extra, why] of cases) {
            assert.throws(() => readStackState("ops.json", exported(role({ inputs: { name: outputValue(extra) } }))), (err: Error) => err.name === "UnreadableInputError" && why.test(err.message), JSON.stringify(extra));
        }
        assert.doesNotThrow(() => readStackState("ops.json", exported(role({ inputs: { name: outputValue({ secret: false, dependencies: ["urn:pulumi:ops::p::aws:iam/role:Role::other"] }) } }))));
    });

    it("refuses a resource whose whole inputs or outputs are a secret or an output value, as unreadable input naming the resource, not a crash", () => {
        const SIG = "4dabf18193072939515e22adb298388d";
        const secret = (plaintext: string) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", plaintext });
        const outputValue = (value: unknown) => ({ [SIG]: "d0e6a833031e9bbcd3f4e8bde6ca49a4", value });
        const cases: [Record<string, unknown>, RegExp][] = [
            [{ inputs: secret("null") }, /inputs is a secret or an output value holding null, not an object of properties/],
            [{ inputs: secret("[1]") }, /inputs is a secret or an output value holding a list/],
            [{ outputs: outputValue(null) }, /outputs is a secret or an output value holding null/],
            [{ outputs: outputValue("x") }, /outputs is a secret or an output value holding text/],
        ];
        for (const [extra, why] of cases) {
            assert.throws(() => readStackState("ops.json", exported(role(extra))), (err: Error) => err.name === "UnreadableInputError" && err.message.startsWith("ops.json: resource 1 (urn:pulumi:ops::p::aws:iam/role:Role::r)") && why.test(err.message), JSON.stringify(extra));
        }
        // The whole proof, on the shipped plan, in both shapes: exit 2 with the file and resource named, where a check used to throw a TypeError.
        const group = (doc: StackDoc) => doc.deployment.resources.find((r: any) => r.type === "aws:cloudwatch/logGroup:LogGroup");
        for (const shape of ["stack-export", "preview"] as const) {
            const run = verify(mutatedPlan(plan, shape, { "customer-a": (doc) => Object.assign(group(doc), { inputs: outputValue(null) }) }));
            assert.strictEqual(run.code, 2, `${run.stderr}${run.stdout}`);
            assert.match(run.stderr, /customer-a\.json: resource \d+ \(urn:pulumi:customer-a::.*LogGroup::[^)]*\): inputs is a secret or an output value holding null/);
            assert.doesNotMatch(run.stderr, /TypeError/);
        }
    });

    it("refuses a resource field the proof relies on in a shape the engine never writes", () => {
        const cases: [Record<string, unknown>, RegExp][] = [
            [{ custom: "true" }, /custom is text, not true or false/],
            [{ delete: 1 }, /delete is a number, not true or false/],
            [{ external: "yes" }, /external is text, not true or false/],
            [{ retainOnDelete: "true" }, /retainOnDelete is text/],
            [{ protect: {} }, /protect is an object/],
            [{ id: 7 }, /id is a number, not text/],
            [{ parent: ["urn:pulumi:ops::p::pulumi:pulumi:Stack::s"] }, /parent is a list, not text/],
            [{ parent: "the stack" }, /parent is text, not a URN/],
            [{ deletedWith: { urn: "x" } }, /deletedWith is an object, not text/],
            [{ dependencies: "urn:pulumi:ops::p::aws:iam/role:Role::other" }, /dependencies is text, not a list of URNs/],
            [{ dependencies: [7] }, /dependencies is a list, not a list of URNs/],
            [{ dependencies: ["not-a-urn"] }, /dependencies is a list, not a list of URNs/],
            [{ propertyDependencies: { name: ["nope"] } }, /propertyDependencies is an object, not an object of URN lists/],
            [{ propertyDependencies: { name: "urn:pulumi:ops::p::aws:iam/role:Role::other" } }, /propertyDependencies is an object, not an object of URN lists/],
        ];
        for (const [extra, why] of cases) {
            assert.throws(() => readStackState("ops.json", exported(role(extra))), (err: Error) => err.name === "UnreadableInputError" && err.message.startsWith("ops.json: resource 1 (urn:pulumi:ops::p::aws:iam/role:Role::r)") && why.test(err.message), JSON.stringify(extra));
        }
        assert.throws(() => readStackState("ops.json", JSON.stringify({ version: 3, deployment: { resources: { 0: role() } } })), /ops\.json: deployment\.resources is not a list \(an object\)/);
    });

    it("refuses a preview step the engine never writes: an op of its own, a URN that is not text, a state that is not an object or of another resource", () => {
        const r = role();
        const cases: [unknown, RegExp][] = [
            [{ op: "destroy", urn: r.urn, oldState: r }, /step 1 has op destroy, which is not a step Pulumi writes/],
            [{ op: 3, urn: r.urn, oldState: r }, /step 1 has op 3/],
            [{ urn: r.urn, newState: r }, /step 1 has op undefined/],
            [{ op: "same", urn: 7, newState: r }, /step 1 \(same\) has a urn that is not text/],
            [{ op: "same", urn: r.urn, newState: [r] }, /has a newState that is not an object \(a list\)/],
            [{ op: "delete", urn: r.urn, oldState: "gone" }, /has a oldState that is not an object \(text\)/],
            [{ op: "delete", urn: r.urn, oldState: { ...r, urn: "urn:pulumi:ops::p::aws:iam/role:Role::other", retainOnDelete: true } }, /holds the old state of another resource/],
            [{ op: "same", urn: r.urn, provider: { urn: "x" }, newState: r }, /provider reference that is not text/],
        ];
        for (const [step, why] of cases) {
            assert.throws(() => readStackState("ops.json", previewed(step)), (err: Error) => err.name === "UnreadableInputError" && err.message.startsWith("ops.json: step 1") && why.test(err.message), JSON.stringify(step));
        }
        assert.throws(() => readStackState("ops.json", JSON.stringify({ steps: [], config: ["aws:region"] })), /ops\.json: config is not an object \(a list\)/);
        assert.throws(() => readStackState("ops.json", JSON.stringify({ steps: [], config: { "aws:assumeRoles": [{ roleArn: "x" }] } })), /ops\.json: config "aws:assumeRoles" is not text \(a list\)/);
    });

    it("refuses a secret or special value the engine never writes", () => {
        const secret = { [SIG_KEY]: SECRET_SIG, plaintext: { roleArn: "arn:aws:iam::222222222222:role/x" } };
        assert.throws(() => readStackState("ops.json", exported(role({ inputs: { name: secret } }))), /ops\.json: resource 1 .* inputs holds a secret whose plaintext is an object, not JSON text/);
        assert.throws(() => readStackState("ops.json", exported(role({ outputs: { name: { [SIG_KEY]: "00000000000000000000000000000000", value: "r" } } }))), /outputs holds a special value of signature 00000000000000000000000000000000, which Pulumi does not write/);
    });

    it("reads every shape the engine writes: both shipped plans, null or absent inputs, dependencies, assets and archives, an empty stack", () => {
        for (const shape of ["stack-export", "preview"] as const) {
            const run = verify(mutatedPlan(plan, shape, {}));
            assert.strictEqual(run.code, 0, run.stderr);
        }
        const other = "urn:pulumi:ops::p::aws:iam/role:Role::other";
        const archive = { [SIG_KEY]: "0def7320c3a5731c473e5ecbe6d01bc7", assets: { "index.js": { [SIG_KEY]: "c44067f5952c0a294b673a41bacd8c17", text: "x" } } };
        const state = readStackState("ops.json", exported(
            role({ inputs: null, outputs: undefined, parent: "", dependencies: [other], propertyDependencies: { name: [other], path: null }, aliases: [], protect: false, retainOnDelete: false, deletedWith: "" }),
            { urn: "urn:pulumi:ops::p::aws:lambda/function:Function::f", type: "aws:lambda/function:Function", custom: true, id: "f", inputs: { code: archive }, outputs: {} },
        ));
        assert.deepStrictEqual(state.resources.map((x) => [x.name, x.inputs]), [["p-ops", {}], ["r", {}], ["f", { code: archive }]]);
        assert.strictEqual(readStackState("ops.json", JSON.stringify({ version: 3, deployment: { manifest: {} } })).resources.length, 0);
        const steps = readStackState("ops.json", previewed({ op: "import", urn: role().urn, newState: role() }, { op: "diff", urn: other, newState: { ...role(), urn: other } }));
        assert.deepStrictEqual(steps.resources.map((x) => x.name), ["p-ops", "r", "other"]);
    });
});

describe("a file that holds one whole stack, its root included", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const ROOT = "urn:pulumi:ops::p::pulumi:pulumi:Stack::p-ops";
    const role = (name: string) => ({ urn: `urn:pulumi:ops::p::aws:iam/role:Role::${name}`, type: "aws:iam/role:Role", custom: true, id: name, parent: ROOT, inputs: {}, outputs: {} });
    const root = (urn = ROOT) => ({ urn, type: "pulumi:pulumi:Stack", custom: false, outputs: {} });
    const exported = (...resources: unknown[]) => JSON.stringify({ version: 3, deployment: { resources } });
    const previewed = (...states: { urn: string }[]) => JSON.stringify({ steps: states.map((state) => ({ op: "same", urn: state.urn, newState: state })) });
    const withoutRoot = (doc: StackDoc) => (doc.deployment.resources = doc.deployment.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"));
    // A second root of the same stack name, as a file joining two projects' exports would hold.
    const secondRoot = (doc: StackDoc) => doc.deployment.resources.push(root(stackUrn(doc).replace("::bedrock-tenancy::", "::other::")));

    it("refuses a file whose resources hold no root pulumi:pulumi:Stack resource, in both shapes, naming the file (exit 2)", () => {
        assert.throws(() => readStackState("ops.json", exported(role("r"))), (err: Error) => err.name === "UnreadableInputError" && err.message.startsWith("ops.json holds no root pulumi:pulumi:Stack resource"));
        assert.throws(() => readStackState("ops.json", previewed(role("r"))), (err: Error) => err.name === "UnreadableInputError" && err.message.startsWith("ops.json holds no root pulumi:pulumi:Stack resource"));
        for (const shape of ["stack-export", "preview"] as const) {
            const run = verify(mutatedPlan(plan, shape, { "customer-a": withoutRoot }));
            assert.strictEqual(run.code, 2, `${run.stderr}${run.stdout}`);
            assert.match(run.stderr, /customer-a\.json holds no root pulumi:pulumi:Stack resource/);
        }
    });

    it("refuses a file that holds two root pulumi:pulumi:Stack resources, in both shapes, naming the file and both roots (exit 2)", () => {
        const other = "urn:pulumi:ops::q::pulumi:pulumi:Stack::q-ops";
        for (const text of [exported(root(), role("r"), root(other)), previewed(root(), role("r"), root(other))]) {
            assert.throws(() => readStackState("ops.json", text), (err: Error) => err.name === "UnreadableInputError" && err.message.startsWith(`ops.json holds 2 root pulumi:pulumi:Stack resources (${ROOT}, ${other})`));
        }
        // One root listed twice in an export is two; a preview's steps of one URN are one resource.
        assert.throws(() => readStackState("ops.json", exported(root(), role("r"), root())), (err: Error) => err.name === "UnreadableInputError" && err.message.startsWith(`ops.json holds 2 root pulumi:pulumi:Stack resources (${ROOT}, ${ROOT})`));
        for (const shape of ["stack-export", "preview"] as const) {
            const run = verify(mutatedPlan(plan, shape, { "customer-a": secondRoot }));
            assert.strictEqual(run.code, 2, `${run.stderr}${run.stdout}`);
            assert.match(run.stderr, /customer-a\.json holds 2 root pulumi:pulumi:Stack resources/);
        }
    });

    it("refuses a root of another stack than the resources beside it, though the preview deletes it", () => {
        const prod = "urn:pulumi:prod::p::pulumi:pulumi:Stack::p-prod";
        const steps = [{ op: "delete", urn: prod, oldState: root(prod) }, { op: "same", urn: role("r").urn, newState: role("r") }];
        assert.throws(() => readStackState("ops.json", JSON.stringify({ steps })), (err: Error) => err.name === "UnreadableInputError" && err.message.startsWith(`ops.json holds ${role("r").urn}, of another stack than its root ${prod}`));
    });

    it("reads an empty stack, which holds no resource, in both shapes", () => {
        assert.deepStrictEqual(readStackState("ops.json", exported()).resources, []);
        assert.deepStrictEqual(readStackState("ops.json", JSON.stringify({ version: 3, deployment: {} })).resources, []);
        assert.deepStrictEqual(readStackState("ops.json", previewed()).resources, []);
    });

    it("reads a root a preview deletes beside a resource it retains, as a destroy writes them", () => {
        const steps = [{ op: "delete", urn: ROOT, oldState: root() }, { op: "delete", urn: role("kept").urn, oldState: { ...role("kept"), retainOnDelete: true } }];
        const state = readStackState("ops.json", JSON.stringify({ steps }));
        assert.deepStrictEqual(state.resources.map((r) => [r.name, r.retained]), [["kept", true]]);
    });
});

describe("a preview's configuration and the deletes the engine skips", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("proves a preview's aws: configuration though no resource names a provider, as the engine's default provider reads it whatever the resources name", () => {
        const run = verify(previewOf(plan, "customer-a", (d) => (d.config = {
            "aws:region": "us-east-1",
            "aws:assumeRoles": JSON.stringify([{ roleArn: "arn:aws:iam::999999999999:role/OrganizationAccountAccessRole" }]),
            "aws:endpoints": JSON.stringify([{ sts: "https://sts.example.com" }]),
        })));
        assert.strictEqual(run.code, 1, run.stderr);
        const hits = run.report.violations.filter((v: any) => v.code === "BT-PLAN-FOREIGN-PROVIDER" && v.resource === "default");
        assert.ok(hits.some((v: any) => v.why.includes("999999999999")) && hits.some((v: any) => v.why.includes("endpoints")), run.stderr);
    });

    it("proves a preview whose configuration is the shipped stack's (its Region, its own account pinned, the program's keys), no resource naming a provider", () => {
        const run = verify(previewOf(plan, "customer-a", (d) => (d.config = {
            "aws:region": "us-east-1", "aws:allowedAccountIds": '["111111111111"]', "bedrock-tenancy:kind": "customer", "bedrock-tenancy:tenantId": "customer-a",
            "bedrock-tenancy:archive": JSON.stringify({ retentionDays: 2555 }),
        })));
        assert.strictEqual(run.code, 0, run.stderr);
    });

    const stackUrn = "urn:pulumi:ops::bedrock-tenancy::pulumi:pulumi:Stack::bedrock-tenancy-ops";
    /** The ops stack's preview deleting a logging configuration with `options`, and a log group beside it. */
    function deletingLogging(options: Record<string, unknown>): string {
        const group = { urn: "urn:pulumi:ops::bedrock-tenancy::aws:cloudwatch/logGroup:LogGroup::tmp-lg", custom: true, type: "aws:cloudwatch/logGroup:LogGroup", id: "tmp-lg", parent: stackUrn, inputs: { name: "/tmp/x", region: "us-east-1" }, outputs: { name: "/tmp/x", region: "us-east-1" } };
        const settings = { region: "us-east-1", loggingConfig: { textDataDeliveryEnabled: true, s3Config: { bucketName: "ops-logs" } } };
        const logging = {
            urn: "urn:pulumi:ops::bedrock-tenancy::aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration::logging", custom: true,
            type: "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration", id: "logging", parent: stackUrn, inputs: settings, outputs: settings, ...options,
        };
        return previewOf(plan, "ops", (d) => d.steps.push(
            { op: "delete", urn: logging.urn, oldState: logging },
            { op: "delete", urn: group.urn, oldState: group },
        ));
    }

    it("proves a resource a preview deletes but the engine keeps: deletedWith a resource the preview also deletes, or protected", () => {
        for (const options of [{ deletedWith: "urn:pulumi:ops::bedrock-tenancy::aws:cloudwatch/logGroup:LogGroup::tmp-lg" }, { protect: true }, { retainOnDelete: true }]) {
            const run = verify(deletingLogging(options));
            assert.strictEqual(run.code, 1, `${JSON.stringify(options)}: ${run.stderr}`);
            assert.ok(run.report.violations.some((v: any) => v.code === "BT-ACCOUNT-INVOCATION-LOGGING" && v.resource === "logging"), run.stderr);
        }
    });

    it("takes a resource the preview deletes as gone when nothing keeps it, or its deletedWith resource stays", () => {
        for (const options of [{}, { deletedWith: stackUrn }, { protect: false, retainOnDelete: false, deletedWith: "" }]) {
            const run = verify(deletingLogging(options));
            assert.strictEqual(run.code, 0, `${JSON.stringify(options)}: ${run.stderr}`);
        }
    });
});
