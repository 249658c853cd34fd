import * as assert from "assert";
import { fleetProblems } from "../../contract";

const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";

describe("fleet rules", () => {
    it("accepts tenants with their own ids, accounts and profile names", () => {
        assert.deepStrictEqual(fleetProblems([
            { id: "customer-a", accounts: ["111111111111"], models: [HAIKU] },
            { id: "customer-b", accounts: ["222222222222"], models: [HAIKU] },
        ]), []);
    });

    it("rejects a duplicate tenant id, naming both entries", () => {
        assert.deepStrictEqual(fleetProblems([{ id: "a", accounts: ["111111111111"] }, { id: "a", accounts: ["222222222222"] }]), ["tenants[1] (a): the tenant id is already tenants[0]'s; each tenant needs an id of its own"]);
    });

    it("rejects an account listed by two tenants", () => {
        const [problem] = fleetProblems([{ id: "a", accounts: ["111111111111"] }, { id: "b", accounts: ["333333333333", "111111111111"] }], (i) => `bedrock-tenancy:tenants[${i}]`);
        assert.match(problem, /^bedrock-tenancy:tenants\[1\] \(b\) lists account 111111111111, which bedrock-tenancy:tenants\[0\] \(a\) already lists/);
    });

    it("rejects tenant ids whose application profile names collide after normalisation", () => {
        const problems = fleetProblems([{ id: "a-b", accounts: ["111111111111"], models: [HAIKU] }, { id: "a--b", accounts: ["222222222222"], models: [HAIKU] }]);
        assert.deepStrictEqual(problems, [`tenants[1] (a--b) and tenants[0] (a-b) would both name an application inference profile "a-b.${HAIKU}"`]);
    });

    it("finds a collision between the first and a far tenant of a large fleet", () => {
        const fleet = Array.from({ length: 5000 }, (_, i) => ({ id: `t${i}`, accounts: [String(100000000000 + i)] }));
        fleet[2500] = { id: "t2500", accounts: [fleet[0].accounts[0]] };
        assert.strictEqual(fleetProblems(fleet).length, 1);
    });

    it("counts every tenant's profiles against the one account quota per Region, the smallest quota applying", () => {
        const OTHER = "anthropic.claude-3-5-haiku-20241022-v1:0";
        const fleet = [
            { id: "a", accounts: ["111111111111"], models: [HAIKU, OTHER], region: "us-east-1", applicationProfileQuota: 5 },
            { id: "b", accounts: ["222222222222"], models: [HAIKU], region: "us-east-1", applicationProfileQuota: 2 },
            { id: "c", accounts: ["333333333333"], models: [HAIKU, OTHER], region: "eu-west-1", applicationProfileQuota: 2 },
        ];
        assert.deepStrictEqual(fleetProblems(fleet, undefined, "bedrock-tenancy:tenants"), [
            'bedrock-tenancy:tenants would create 3 application inference profiles in us-east-1, over applicationProfileQuota 2 (Service Quotas "Application inference profiles per account", L-40EC9882): raise the quota and the setting, or set costAttribution: false for some tenants',
        ]);
        assert.deepStrictEqual(fleetProblems(fleet.map((m) => ({ ...m, applicationProfileQuota: 3 }))), []);
    });

    it("leaves the profile quota to callers that give no Region (the verifier's view of a plan)", () => {
        assert.deepStrictEqual(fleetProblems([{ id: "a", accounts: ["111111111111"], models: [HAIKU], applicationProfileQuota: 0 }]), []);
    });
});
