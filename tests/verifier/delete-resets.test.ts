/**
 * A preview's delete of a resource that holds a setting of another (a key
 * policy, a bucket's Object Lock configuration, a role's inline policy, a
 * metric filter) removes that setting in AWS, whoever set it: when a staying
 * resource holds the same setting, AWS ends without what the files show.
 */
import * as assert from "assert";
import { stackStateOf } from "../../verifier/pulumi-formats";
import { verifyStates } from "../../verifier/verify";
import { shippedDocs, type StackDoc } from "../support/plan-files";
import { asPreview } from "../support/plan-mutations";

type Step = { op: string; urn: string; oldState?: any; newState?: any };

const KEY = "aws:kms/key:Key";
const KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy";
const LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter";

describe("a preview that deletes a resource holding a setting a staying resource holds (BT-PLAN-DELETE-RESETS)", function () {
    this.timeout(300_000);
    let ops: StackDoc;
    let customer: StackDoc;
    before(async () => {
        ({ ops, customer } = await shippedDocs());
    });

    /** The findings `code` of the shipped plan with `stack` as a preview whose steps `edit` rewrites. */
    function found(stack: "ops" | "customer-a", edit: (steps: Step[]) => Step[], code = "BT-PLAN-DELETE-RESETS"): string[] {
        const docs = { ops: JSON.parse(JSON.stringify(ops)), "customer-a": JSON.parse(JSON.stringify(customer)) };
        const preview = asPreview(docs[stack]);
        preview.steps = edit(preview.steps);
        const states = (["ops", "customer-a"] as const).map((s) => stackStateOf(`${s}.json`, s === stack ? preview : docs[s]));
        return verifyStates(states).violations.filter((v) => v.code === code).map((v) => `${v.resource}: ${v.why}`);
    }
    const first = (steps: Step[], type: string, which: (s: Step) => boolean = () => true) => steps.find((s) => s.newState?.type === type && which(s))!;
    /** The steps, plus the delete of a copy of `step`'s resource under another logical name (the program renamed it, no alias). */
    const renamed = (type: string, which?: (s: Step) => boolean) => (steps: Step[]): Step[] => {
        const step = first(steps, type, which);
        const urn = `${step.urn}-old`;
        return [...steps, { op: "delete", urn, oldState: { ...step.newState, urn, id: `${step.newState.id}-old` } }];
    };
    /** `step`'s resource replaced: new-first (Pulumi's default), or deleted first (deleteBeforeReplace). */
    const replaced = (type: string, order: "create-first" | "delete-first") => (steps: Step[]): Step[] => {
        const at = steps.indexOf(first(steps, type));
        const { urn, newState } = steps[at];
        const gone = { op: "delete-replaced", urn, oldState: newState };
        const made = [{ op: "create-replacement", urn, oldState: newState, newState }, { op: "replace", urn, oldState: newState, newState }];
        return [...steps.slice(0, at), ...(order === "create-first" ? [...made, gone] : [gone, ...made]), ...steps.slice(at + 1)];
    };

    it("finds a key policy resource deleted while its key stays: the key's policy becomes AWS's default", () => {
        const withKeyPolicy = (steps: Step[]): Step[] => {
            const key = first(steps, KEY).newState;
            const urn = `${key.urn.split("::").slice(0, 2).join("::")}::${KEY_POLICY}::customer-a-key-policy`;
            const oldState = { urn, type: KEY_POLICY, custom: true, id: key.id, parent: key.parent, inputs: { keyId: key.id, policy: key.inputs.policy }, outputs: { keyId: key.id, policy: key.inputs.policy } };
            return [...steps, { op: "delete", urn, oldState }];
        };
        const found1 = found("customer-a", withKeyPolicy);
        assert.strictEqual(found1.length, 1, JSON.stringify(found1));
        assert.match(found1[0], /^customer-a-key-policy: the update deletes it after customer-a-key \(aws:kms\/key:Key\) holds the same key policy/);
    });

    it("finds the archive's Object Lock configuration renamed, or replaced new-first", () => {
        assert.strictEqual(found("customer-a", renamed(LOCK)).length, 1);
        const replacedFirst = found("customer-a", replaced(LOCK, "create-first"));
        assert.ok(replacedFirst.length === 1 && replacedFirst[0].includes("after its replacement holds the same Object Lock configuration"), JSON.stringify(replacedFirst));
    });

    it("finds the runtime's inline policy and a metric filter renamed, and the quota enforcer's inline policy renamed", () => {
        assert.strictEqual(found("customer-a", renamed(ROLE_POLICY)).length, 1);
        assert.strictEqual(found("customer-a", renamed(METRIC_FILTER)).length, 1);
        assert.strictEqual(found("ops", renamed(ROLE_POLICY, (s) => s.urn.includes("quota-enforcer-policy"))).length, 1);
    });

    it("lets pass a replacement deleted first (deleteBeforeReplace), and the delete of a holder no staying resource shares", () => {
        assert.deepStrictEqual(found("customer-a", replaced(LOCK, "delete-first")), []);
        const otherFilter = (steps: Step[]): Step[] => {
            const step = first(steps, METRIC_FILTER);
            const urn = `${step.urn}-scratch`;
            const oldState = { ...step.newState, urn, id: "scratch", inputs: { ...step.newState.inputs, name: "scratch" }, outputs: { ...step.newState.outputs, name: "scratch" } };
            return [...steps, { op: "delete", urn, oldState }];
        };
        assert.deepStrictEqual(found("customer-a", otherFilter), []);
        assert.deepStrictEqual(found("customer-a", (steps) => steps), []);
        assert.deepStrictEqual(found("ops", (steps) => steps), []);
    });
});

describe("a stack export's copy marked delete: true, which the next update deletes first (BT-PLAN-DELETE-RESETS)", function () {
    this.timeout(300_000);
    let ops: StackDoc;
    let customer: StackDoc;
    before(async () => {
        ({ ops, customer } = await shippedDocs());
    });

    /** The findings of the shipped plan, stack exports both, with `copy` of one resource of `stack` added. */
    function found(stack: "ops" | "customer-a", type: string, which: (r: any) => boolean, copy: (r: any) => any): string[] {
        const docs = { ops: JSON.parse(JSON.stringify(ops)), "customer-a": JSON.parse(JSON.stringify(customer)) };
        const resources = docs[stack].deployment.resources;
        const original = resources.find((r: any) => r.type === type && which(r));
        assert.ok(original, `no ${type} in ${stack}`);
        resources.push({ ...copy(JSON.parse(JSON.stringify(original))), delete: true });
        const states = (["ops", "customer-a"] as const).map((s) => stackStateOf(`${s}.json`, docs[s]));
        return verifyStates(states).violations.filter((v) => v.code === "BT-PLAN-DELETE-RESETS").map((v) => `${v.resource}: ${v.why}`);
    }
    const same = (r: any) => r;
    const named = (suffix: string) => (r: any) => r.urn.endsWith(`::${suffix}`);

    it("finds the old copy of the throttle alarm, a metric filter and the enforcer's rule: deleting each deletes the one the stack keeps", () => {
        const alarm = found("customer-a", "aws:cloudwatch/metricAlarm:MetricAlarm", named("customer-a-throttle-alarm"), same);
        assert.strictEqual(alarm.length, 1, JSON.stringify(alarm));
        assert.match(alarm[0], /^customer-a-throttle-alarm: the next update deletes this copy \(delete: true\) while its replacement holds the same alarm/);
        assert.strictEqual(found("customer-a", METRIC_FILTER, () => true, same).length, 1);
        const rule = found("ops", "aws:cloudwatch/eventRule:EventRule", () => true, same);
        assert.ok(rule.length === 1 && rule[0].includes("holds the same rule"), JSON.stringify(rule));
    });

    it("finds an old copy holding no setting of another by its id: the enforcer's event target and permission, a tenant's role", () => {
        const byId = (stack: "ops" | "customer-a", type: string, which: (r: any) => boolean) => {
            const f = found(stack, type, which, same);
            assert.strictEqual(f.length, 1, `${type}: ${JSON.stringify(f)}`);
            assert.match(f[0], /the next update deletes this copy \(delete: true\) by its id .*, which is the id of its replacement, a .* the stack keeps: AWS deletes that resource/);
        };
        byId("ops", "aws:cloudwatch/eventTarget:EventTarget", () => true);
        byId("ops", "aws:lambda/permission:Permission", () => true);
        byId("ops", "aws:iam/role:Role", (r) => r.inputs.name === "BedrockTenantAccess-customer-a");
    });

    it("finds an old copy of the enforcer's target naming the default bus by its ARN, under an id of its own", () => {
        const docs = { ops: JSON.parse(JSON.stringify(ops)), "customer-a": JSON.parse(JSON.stringify(customer)) };
        const live = docs.ops.deployment.resources.find((r: any) => r.type === "aws:cloudwatch/eventTarget:EventTarget");
        // As a deployed stack records it: the target id the provider chose.
        for (const side of ["inputs", "outputs"]) live[side].targetId = "terraform-20250101000000000000000001";
        const bus = "arn:aws:events:us-east-1:999999999999:event-bus/default";
        const old = JSON.parse(JSON.stringify(live));
        for (const side of ["inputs", "outputs"]) old[side].eventBusName = bus;
        docs.ops.deployment.resources.push({ ...old, id: `${bus}|BedrockTenancyQuotaAlarms|terraform-20250101000000000000000001`, delete: true });
        const states = (["ops", "customer-a"] as const).map((s) => stackStateOf(`${s}.json`, docs[s]));
        const f = verifyStates(states).violations.filter((v) => v.code === "BT-PLAN-DELETE-RESETS").map((v) => v.why);
        assert.ok(f.length === 1 && f[0].includes("holds the same rule target"), JSON.stringify(f));
    });

    it("lets pass an old copy under its own id and name, which deletes only itself", () => {
        const scratch = (r: any) => ({ ...r, id: "scratch", inputs: { ...r.inputs, name: "scratch" }, outputs: { ...r.outputs, name: "scratch" } });
        assert.deepStrictEqual(found("customer-a", METRIC_FILTER, () => true, scratch), []);
        assert.deepStrictEqual(found("customer-a", "aws:cloudwatch/metricAlarm:MetricAlarm", named("customer-a-throttle-alarm"), scratch), []);
    });
});
