import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { opsProgram } from "../../stacks/ops";
import { installMocks, ofType, promiseOf, type RecordedResource } from "../../testing/pulumi-mocks";
import { OPS_ACCOUNT, opsMockOptions, settled } from "../../testing/tenant-access-fixtures";

const shippedConfig = (parseYaml(fs.readFileSync(path.join(__dirname, "../../Pulumi.ops.yaml"), "utf8")) as { config: Record<string, unknown> }).config;

describe("ops stack program: bedrock-tenancy:shardName", () => {
    it("names the quota enforcer and the cost-cap resources after the shard, and the tenants' caps use them", async () => {
        const recorded: RecordedResource[] = await installMocks(opsMockOptions({ ...shippedConfig, "bedrock-tenancy:shardName": "ops-2" }));
        await promiseOf(opsProgram().tenants);
        await settled();
        assert.deepStrictEqual(ofType(recorded, "aws:iam/role:Role").map((r) => r.inputs.name).sort(), [
            "BedrockTenancyCostCapAction-ops-2", "BedrockTenancyQuotaEnforcer-ops-2", "BedrockTenantAccess-customer-a", "BedrockTenantAccess-customer-b",
        ]);
        assert.deepStrictEqual(ofType(recorded, "aws:cloudwatch/eventRule:EventRule").map((r) => r.inputs.name), ["BedrockTenancyQuotaAlarms-ops-2"]);
        const actions = ofType(recorded, "aws:budgets/budgetAction:BudgetAction");
        assert.deepStrictEqual(actions.map((a) => [a.inputs.definition.iamActionDefinition.policyArn, a.inputs.executionRoleArn]), [
            [`arn:aws:iam::${OPS_ACCOUNT}:policy/BedrockTenancyCostCap-AllTenants-ops-2`, `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenancyCostCapAction-ops-2`],
        ]);
    });

    it("refuses a shard name a Lambda function name cannot carry, naming the key", async () => {
        await installMocks(opsMockOptions({ ...shippedConfig, "bedrock-tenancy:shardName": "ops.2" }));
        assert.throws(() => opsProgram(), /^ArgumentError: bedrock-tenancy:shardName may hold only letters, digits, '-' and '_' .*, got "ops\.2"$/m);
    });
});
