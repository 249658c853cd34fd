/**
 * A read (`.get()`) of the stack's own resource records what AWS held when
 * the file was written. Where it differs from the resource's own state, AWS
 * keeps it until an update sets the property again (an update compares the
 * program with the state, not with AWS), so the proof reads it as what AWS
 * holds, and what it finds there is drift.
 */
import * as assert from "assert";
import { stackStateOf } from "../../verifier/pulumi-formats";
import { verifyStates } from "../../verifier/verify";
import { shippedDocs, type StackDoc } from "../support/plan-files";
import { asPreview } from "../support/plan-mutations";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const KEY = "aws:kms/key:Key";

describe("a read of the stack's own resource is what AWS holds", function () {
    this.timeout(300_000);
    let ops: StackDoc;
    let customer: StackDoc;
    before(async () => {
        ({ ops, customer } = await shippedDocs());
    });

    /** The violations of the shipped plan with a read of one customer resource added, its outputs as `held` says. */
    function withRead(type: string, which: (r: any) => boolean, held: (outputs: any) => any, shape: "stack-export" | "preview" = "stack-export") {
        const doc = JSON.parse(JSON.stringify(customer));
        const own = doc.deployment.resources.find((r: any) => r.type === type && which(r));
        assert.ok(own, `no ${type}`);
        const outputs = held(JSON.parse(JSON.stringify(own.outputs)));
        doc.deployment.resources.push({ ...JSON.parse(JSON.stringify(own)), urn: `${own.urn}-read`, external: true, inputs: {}, outputs });
        const states = [stackStateOf("ops.json", ops), stackStateOf("customer-a.json", shape === "preview" ? asPreview(doc) : doc)];
        return verifyStates(states).violations;
    }
    const throttleAlarm = (r: any) => r.urn.endsWith("::customer-a-throttle-alarm");

    for (const shape of ["stack-export", "preview"] as const) {
        it(`finds the throttle alarm read with its actions disabled, as drift (${shape})`, () => {
            const found = withRead(ALARM, throttleAlarm, (o) => ({ ...o, actionsEnabled: false }), shape);
            const hits = found.filter((v) => v.code === "BT-CUSTOMER-AUDIT-REMOVAL");
            assert.ok(hits.length > 0 && hits.every((v) => v.drift === true), JSON.stringify(found, null, 1));
        });
    }

    it("finds the audit key read as disabled, as drift", () => {
        const found = withRead(KEY, (r) => r.urn.endsWith("::customer-a-key"), (o) => ({ ...o, isEnabled: false }));
        assert.ok(found.some((v) => v.code === "BT-CUSTOMER-KEY" && v.drift === true), JSON.stringify(found, null, 1));
    });

    it("finds the read through another provider of the account in the same Region, as drift", () => {
        const doc = JSON.parse(JSON.stringify(customer));
        const own = doc.deployment.resources.find((r: any) => r.type === KEY && r.urn.endsWith("::customer-a-key"));
        const stack = own.urn.split("::")[0].slice("urn:pulumi:".length);
        const providerUrn = `urn:pulumi:${stack}::bedrock-tenancy::pulumi:providers:aws::reader`;
        doc.deployment.resources.push({ urn: providerUrn, type: "pulumi:providers:aws", custom: true, id: "reader-id", inputs: { region: "us-east-1", version: "7.0.0" }, outputs: { region: "us-east-1", version: "7.0.0" } });
        const read = JSON.parse(JSON.stringify(own));
        doc.deployment.resources.push({ ...read, urn: `${own.urn}-read`, external: true, provider: `${providerUrn}::reader-id`, inputs: {}, outputs: { ...read.outputs, isEnabled: false } });
        const found = verifyStates([stackStateOf("ops.json", ops), stackStateOf("customer-a.json", doc)]).violations;
        assert.ok(found.some((v) => v.code === "BT-CUSTOMER-KEY" && v.drift === true), JSON.stringify(found, null, 1));
    });

    it("finds two reads of one resource that record it differently, whichever comes first", () => {
        for (const hostileFirst of [true, false]) {
            const doc = JSON.parse(JSON.stringify(customer));
            const own = doc.deployment.resources.find((r: any) => r.type === ALARM && throttleAlarm(r));
            const read = (suffix: string, outputs: any) => ({ ...JSON.parse(JSON.stringify(own)), urn: `${own.urn}-${suffix}`, external: true, inputs: {}, outputs });
            const reads = [read("a", { ...own.outputs, actionsEnabled: false }), read("b", own.outputs)];
            doc.deployment.resources.push(...(hostileFirst ? reads : reads.reverse()));
            const found = verifyStates([stackStateOf("ops.json", ops), stackStateOf("customer-a.json", doc)]).violations;
            assert.ok(found.some((v) => v.code === "BT-PLAN-DUPLICATE-NAME" && v.why.includes("is a second read of customer-a-throttle-alarm")), JSON.stringify(found, null, 1));
        }
    });

    it("lets pass a read that records what the resource's own state does, and a read of a resource the stack does not hold", () => {
        assert.deepStrictEqual(withRead(ALARM, throttleAlarm, (o) => o), []);
        const doc = JSON.parse(JSON.stringify(customer));
        const own = doc.deployment.resources.find((r: any) => r.type === ALARM && throttleAlarm(r));
        // Another alarm of the account, read: not the stack's own, so not what AWS holds for it.
        const name = "team-latency";
        const arn = `${String(own.outputs.arn).slice(0, String(own.outputs.arn).lastIndexOf(":") + 1)}${name}`;
        doc.deployment.resources.push({ ...JSON.parse(JSON.stringify(own)), urn: `${own.urn}-other`, id: name, external: true, inputs: {}, outputs: { ...own.outputs, name, arn, actionsEnabled: false } });
        assert.deepStrictEqual(verifyStates([stackStateOf("ops.json", ops), stackStateOf("customer-a.json", doc)]).violations, []);
    });
});
