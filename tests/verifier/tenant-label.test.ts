import * as assert from "assert";
import { foreignReferences } from "../../verifier/account-egress";
import type { StackResource } from "../../verifier/pulumi-formats";

const ACCOUNT = "555555555555";
const fn = (variables: Record<string, string>): StackResource =>
    ({ urn: "urn:pulumi:c::p::aws:lambda/function:Function::f", type: "aws:lambda/function:Function", name: "f", custom: true, inputs: { environment: { variables } }, outputs: {} });
const refs = (r: StackResource, label?: string) => foreignReferences(r, ACCOUNT, new Set(), () => false, label).map(([path]) => path);

describe("a tenant id of twelve digits in the runtime's environment", () => {
    it("is the stack's tenant label, not an account, under the tenant id variable", () => {
        assert.deepStrictEqual(refs(fn({ BEDROCK_TENANCY_TENANT_ID: "123456789012" }), "123456789012"), []);
    });

    it("still names an account under any other variable, or when it is not the stack's tenant", () => {
        assert.deepStrictEqual(refs(fn({ OTHER_ACCOUNT: "123456789012" }), "123456789012"), ["environment.variables.OTHER_ACCOUNT"]);
        assert.deepStrictEqual(refs(fn({ BEDROCK_TENANCY_TENANT_ID: "123456789012" }), "210987654321"), ["environment.variables.BEDROCK_TENANCY_TENANT_ID"]);
        assert.deepStrictEqual(refs(fn({ BEDROCK_TENANCY_TENANT_ID: "123456789012" })), ["environment.variables.BEDROCK_TENANCY_TENANT_ID"]);
    });
});
