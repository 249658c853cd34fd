/**
 * The whole-account proof on mutated plan files: each class of change that
 * breaks a promise is caught with its code and the resource named, in the
 * stack-export and the preview shapes, in `inputs` and (as drift) in
 * `outputs` only; changes that only narrow are accepted.
 */
import * as assert from "assert";
import { shippedPlan, verify } from "../../support/plan-files";
import { mutatedPlan } from "../../support/plan-mutations";
import { CONTROLS as BASE_CONTROLS, MUTATIONS as BASE_MUTATIONS } from "./mutations";
import { EGRESS_CONTROLS, EGRESS_MUTATIONS } from "./mutations-egress";
import { ESCALATION_CONTROLS, ESCALATION_MUTATIONS } from "./mutations-escalation";
import { PLAN_CONTROLS, PLAN_MUTATIONS } from "./mutations-plan";
import { FUNCTION_CONTROLS, FUNCTION_MUTATIONS } from "./mutations-functions";
import { DESTINATION_CONTROLS, DESTINATION_MUTATIONS } from "./mutations-destinations";
import { INTEGRITY_CONTROLS, INTEGRITY_MUTATIONS } from "./mutations-integrity";
import { IDENTITY_CONTROLS, IDENTITY_MUTATIONS } from "./mutations-identity";
import { METERING_CONTROLS, METERING_MUTATIONS } from "./mutations-metering";
import { OWN_RESOURCE_CONTROLS, OWN_RESOURCE_MUTATIONS } from "./mutations-own-resources";
import { PATH_CONTROLS, PATH_MUTATIONS } from "./mutations-paths";
import { AUDIT_CONTROLS, AUDIT_MUTATIONS } from "./mutations-audit";
import { ENFORCEMENT_CONTROLS, ENFORCEMENT_MUTATIONS } from "./mutations-enforcement";
import { DECODED_CONTROLS, DECODED_MUTATIONS } from "./mutations-decoded";

const MUTATIONS = [...BASE_MUTATIONS, ...PLAN_MUTATIONS, ...ESCALATION_MUTATIONS, ...EGRESS_MUTATIONS, ...FUNCTION_MUTATIONS, ...DESTINATION_MUTATIONS, ...INTEGRITY_MUTATIONS, ...IDENTITY_MUTATIONS, ...METERING_MUTATIONS, ...OWN_RESOURCE_MUTATIONS, ...AUDIT_MUTATIONS, ...PATH_MUTATIONS, ...ENFORCEMENT_MUTATIONS, ...DECODED_MUTATIONS];
const CONTROLS = [...BASE_CONTROLS, ...PLAN_CONTROLS, ...ESCALATION_CONTROLS, ...EGRESS_CONTROLS, ...FUNCTION_CONTROLS, ...DESTINATION_CONTROLS, ...INTEGRITY_CONTROLS, ...IDENTITY_CONTROLS, ...METERING_CONTROLS, ...OWN_RESOURCE_CONTROLS, ...AUDIT_CONTROLS, ...PATH_CONTROLS, ...ENFORCEMENT_CONTROLS, ...DECODED_CONTROLS];

describe("the whole-account proof on mutated plan files", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    for (const shape of ["stack-export", "preview"] as const) {
        it(`exits 0 on the shipped plan in the ${shape} shape`, () => {
            const run = verify(mutatedPlan(plan, shape, {}));
            assert.strictEqual(run.code, 0, run.stderr);
        });
        for (const m of MUTATIONS.filter((x) => !x.shapes || x.shapes.includes(shape))) {
            for (const side of m.sides) {
                it(`catches ${m.name} (${shape}, ${side}) as ${m.code}`, () => {
                    const run = verify(mutatedPlan(plan, shape, { [m.stack]: (doc) => m.edit(doc, side) }));
                    assert.strictEqual(run.code, 1, `exit ${run.code}: ${run.stderr}${run.stdout}`);
                    const hits = run.report.violations.filter((v: any) => v.code === m.code);
                    assert.ok(hits.length > 0, `no ${m.code} in:\n${run.stderr}`);
                    assert.ok(hits.every((v: any) => typeof v.resource === "string" && v.resource !== "" && v.severity === "error"));
                    if (side === "outputs") assert.ok(run.report.violations.some((v: any) => v.drift === true), `no drift marked in:\n${run.stderr}`);
                });
            }
        }
        for (const c of CONTROLS) {
            it(`accepts ${c.name} (${shape})`, () => {
                const run = verify(mutatedPlan(plan, shape, { [c.stack]: c.edit }));
                assert.strictEqual(run.code, 0, run.stderr);
            });
        }
    }
});
