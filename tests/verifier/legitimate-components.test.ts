/**
 * What a team's stack holds beside the components and the proof must let
 * pass: values the random provider generates, a component of the team's own,
 * and a stack exported in the middle of a replacement. Their look-alikes
 * that could hold state are still findings.
 */
import * as assert from "assert";
import { addResource, editedPlan, shippedPlan, stackUrn, verify, type StackDoc } from "../support/plan-files";

describe("a team's own values, components and replacements beside the components", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const run = (edit: (doc: StackDoc) => void) => verify(editedPlan(plan, "customer-a", edit));
    const passes = (edit: (doc: StackDoc) => void) => {
        const result = run(edit);
        assert.strictEqual(result.code, 0, result.stderr);
    };
    const fails = (edit: (doc: StackDoc) => void, code: string) => {
        const result = run(edit);
        assert.strictEqual(result.code, 1, result.stderr);
        assert.ok(result.stderr.includes(code), result.stderr);
    };

    it("accepts every value the random provider generates", () => {
        passes((d) => {
            for (const t of ["RandomBytes", "RandomInteger", "RandomPet", "RandomShuffle", "RandomUuid"]) addResource(d, `random:index/${t[0].toLowerCase()}${t.slice(1)}:${t}`, t.toLowerCase(), {}, { inputs: { length: 2 } });
        });
    });

    it("accepts a component of the team's own, with a child of a known type", () => {
        passes((d) => {
            const prefix = stackUrn(d).split("::pulumi:pulumi:Stack::")[0];
            d.deployment.resources.push({ urn: `${prefix}::acme:platform:TenantBundle::bundle`, type: "acme:platform:TenantBundle", custom: false, parent: stackUrn(d), inputs: {}, outputs: { note: "wraps the customer's resources" } });
        });
    });

    it("still refuses an unknown type that is a custom resource, or a component of a package a provider in the file deploys", () => {
        fails((d) => addResource(d, "acme:platform:TenantBundle", "real"), "BT-PLAN-UNKNOWN-TYPE");
        fails((d) => {
            const prefix = stackUrn(d).split("::pulumi:pulumi:Stack::")[0];
            d.deployment.resources.push({ urn: `${prefix}::aws:iam/openIdConnectProvider2:Thing::x`, type: "aws:iam/openIdConnectProvider2:Thing", custom: false, parent: stackUrn(d), inputs: {}, outputs: {} });
        }, "BT-PLAN-UNKNOWN-TYPE");
    });

    it("accepts a stack exported in the middle of a replacement: the old copy marked delete, beside the new one", () => {
        passes((d) => {
            const alarm = d.deployment.resources.find((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
            // The old copy under its own name (the id of an alarm is its name): its delete removes it alone.
            const old = structuredClone(alarm);
            d.deployment.resources.push({ ...old, id: "old-alarm-id", inputs: { ...old.inputs, name: "old-alarm-id" }, outputs: { ...old.outputs, name: "old-alarm-id" }, delete: true });
        });
    });

    it("still refuses one URN twice when neither copy is marked delete", () => {
        fails((d) => {
            const alarm = d.deployment.resources.find((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
            d.deployment.resources.push({ ...structuredClone(alarm), id: "other-alarm-id" });
        }, "BT-PLAN-DUPLICATE-URN");
    });
});
