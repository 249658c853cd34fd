/**
 * The pack's stack rule runs the verifier's proof on one stack, as the
 * engine hands it over (one property bag per resource, secrets decrypted).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { isolationProof, type StackPolicyResource } from "../../policy/rules/isolation-proof";
import { decodeSecrets } from "../../verifier/pulumi-formats";
import { editedPlan, policyOf, shippedPlan, type StackDoc } from "../support/plan-files";

function policyResources(file: string): StackPolicyResource[] {
    const doc: StackDoc = JSON.parse(fs.readFileSync(file, "utf8"));
    const byUrn = new Map<string, StackPolicyResource>();
    return doc.deployment.resources.map((r) => {
        const resource: StackPolicyResource = {
            urn: r.urn,
            type: r.type,
            name: r.urn.split("::").pop()!,
            props: decodeSecrets({ ...r.outputs, ...r.inputs }, r.urn) as Record<string, unknown>,
            parent: r.parent ? byUrn.get(r.parent) : undefined,
        };
        byUrn.set(r.urn, resource);
        return resource;
    });
}

describe("policy pack: tenant-isolation-proof", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("reports nothing on the shipped ops and customer stacks", () => {
        for (const stack of ["ops", "customer-a"]) {
            assert.deepStrictEqual(isolationProof(policyResources(path.join(plan, `${stack}.json`))), { violations: [] }, stack);
        }
    });

    it("reports a grant on application-inference-profile/*, naming tenant and statement", () => {
        const dir = editedPlan(plan, "ops", (doc) => {
            policyOf(doc, "BedrockTenantAccess-customer-b").Statement.find((s: any) => s.Sid === "InvokeApplicationProfiles").Resource = "arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/*";
        });
        const { violations } = isolationProof(policyResources(path.join(dir, "ops.json")));
        assert.ok(violations.some((v) => /^customer-b: .*InvokeApplicationProfiles.*application-inference-profile\/\*/.test(v)), violations.join("\n"));
    });

    it("says the proof cannot run yet when an intent value is not known at preview", () => {
        const resources = policyResources(path.join(plan, "ops.json"));
        const component = resources.find((r) => r.type === "bedrock-tenancy:index:BedrockTenantAccess")!;
        component.props = { ...component.props, externalId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" };
        const result = isolationProof(resources);
        assert.deepStrictEqual(result.violations, []);
        assert.match(result.unverifiable ?? "", /output externalId is not known yet/);
    });
});
