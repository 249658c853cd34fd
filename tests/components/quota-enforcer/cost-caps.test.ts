import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { QuotaEnforcer } from "../../../components";
import { QUOTA_EXHAUSTED_ERROR_CODE, quotaErrorCode } from "../../../runtime/quota-error";
import { installMocks, ofType, promiseOf, type RecordedResource } from "../../../testing/pulumi-mocks";
import { OPS_ACCOUNT, opsMockOptions, parsePolicy, settled } from "../../../testing/tenant-access-fixtures";
import { makeTempDir } from "../../support/temp-dir";

const CAP_POLICY = `arn:aws:iam::${OPS_ACCOUNT}:policy/BedrockTenancyCostCap-AllTenants`;

function fixtureBundle(): string {
    const bundle = path.join(makeTempDir("enforcer-"), "index.mjs");
    fs.writeFileSync(bundle, "export const handler = async () => {};\n");
    return bundle;
}

describe("QuotaEnforcer costCaps", () => {
    let bundlePath: string;
    before(() => (bundlePath = fixtureBundle()));

    it("creates no Budgets role or cost-cap policy unless asked", async () => {
        const recorded: RecordedResource[] = await installMocks(opsMockOptions());
        const enforcer = new QuotaEnforcer("quota-enforcer", { region: "us-east-1", accountId: OPS_ACCOUNT, bundlePath });
        await promiseOf(enforcer.functionArn);
        await settled();
        assert.deepStrictEqual(ofType(recorded, "aws:iam/role:Role").map((r) => r.inputs.name), ["BedrockTenancyQuotaEnforcer"]);
        assert.deepStrictEqual(ofType(recorded, "aws:iam/policy:Policy"), []);
        assert.strictEqual(enforcer.costCapPolicyArn, undefined);
        assert.strictEqual(enforcer.costCapExecutionRoleArn, undefined);
    });

    it("creates one deny-everything policy and one Budgets role for the fleet, and outputs their ARNs", async () => {
        const recorded: RecordedResource[] = await installMocks(opsMockOptions());
        const enforcer = new QuotaEnforcer("quota-enforcer", { region: "us-east-1", accountId: OPS_ACCOUNT, bundlePath, costCaps: true });
        const [policyArn, roleArn] = [await promiseOf(enforcer.costCapPolicyArn!), await promiseOf(enforcer.costCapExecutionRoleArn!)];
        await settled();
        assert.strictEqual(policyArn, CAP_POLICY);
        assert.strictEqual(roleArn, `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenancyCostCapAction`);
        const [policy] = ofType(recorded, "aws:iam/policy:Policy");
        assert.deepStrictEqual(parsePolicy(policy.inputs.policy).Statement, [{ Sid: "CostCapReached", Effect: "Deny", Action: "*", Resource: "*" }]);
        assert.deepStrictEqual(ofType(recorded, "aws:iam/role:Role").map((r) => r.inputs.name).sort(), ["BedrockTenancyCostCapAction", "BedrockTenancyQuotaEnforcer"]);
    });

    it("rejects a costCaps that is not a boolean, naming it", async () => {
        await installMocks(opsMockOptions());
        assert.throws(() => new QuotaEnforcer("bad", { bundlePath, costCaps: "yes" as never }), /^ArgumentError: costCaps must be true or false, got "yes"$/m);
    });

    it("names the shared policy so that the runtime reads its denial as a quota block", async () => {
        await installMocks(opsMockOptions());
        const enforcer = new QuotaEnforcer("quota-enforcer", { region: "us-east-1", accountId: OPS_ACCOUNT, bundlePath, costCaps: true });
        const policyArn = await promiseOf(enforcer.costCapPolicyArn!);
        await settled();
        const denial = Object.assign(new Error(
            `User: arn:aws:sts::${OPS_ACCOUNT}:assumed-role/BedrockTenantAccess-customer-a/s is not authorized to perform: bedrock:InvokeModel ` +
            `with an explicit deny in an identity-based policy: ${policyArn}`,
        ), { name: "AccessDeniedException" });
        assert.strictEqual(quotaErrorCode(denial), QUOTA_EXHAUSTED_ERROR_CODE);
    });
});
