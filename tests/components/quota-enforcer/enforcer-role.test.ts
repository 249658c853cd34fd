import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type * as aws from "@pulumi/aws";
import { QuotaEnforcer } from "../../../components";
import { BOUNDARY_WRITE_ACTIONS, opsRoleName, quotaAlarmName, quotaPartAlarmName } from "../../../contract";
import { evaluate } from "../../../scripts/lib/iam-evaluator";
import { installMocks, type RecordedResource } from "../../../testing/pulumi-mocks";
import { OPS_ACCOUNT, opsMockOptions, parsePolicy, settled } from "../../../testing/tenant-access-fixtures";
import { makeTempDir } from "../../support/temp-dir";

const REGION = "eu-west-1";
const alarmArn = (name: string, region = REGION, account = OPS_ACCOUNT) => `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;

/** The enforcer's permissions as the component registers them under mocks, decided by the independent evaluator. */
describe("QuotaEnforcer's execution role reads the quota alarms it acts on", () => {
    let policy: aws.iam.PolicyDocument;
    const act = (action: string, resource: string) => evaluate({
        principal: `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenancyQuotaEnforcer`, action, resource, resourceAccount: resource.split(":")[4] || OPS_ACCOUNT, identityPolicies: [policy],
    });

    before(async () => {
        const recorded: RecordedResource[] = await installMocks(opsMockOptions());
        const bundle = path.join(makeTempDir("enforcer-"), "index.mjs");
        fs.writeFileSync(bundle, "export const handler = async () => {};\n");
        new QuotaEnforcer("quota-enforcer", { region: REGION, accountId: OPS_ACCOUNT, bundlePath: bundle });
        await settled();
        const policies = recorded.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" || r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.deepStrictEqual(policies.map((p) => p.name), ["quota-enforcer-policy"], "the role has one policy");
        policy = parsePolicy(policies[0].inputs.policy);
    });

    it("holds what it held before, plus cloudwatch:DescribeAlarms on the tenants' composite quota alarms only", () => {
        const logGroup = `arn:aws:logs:${REGION}:${OPS_ACCOUNT}:log-group:/aws/lambda/BedrockTenancyQuotaEnforcer`;
        assert.deepStrictEqual(policy, {
            Version: "2012-10-17",
            Statement: [
                { Sid: "BlockAndUnblockTenantRoles", Effect: "Allow", Action: ["iam:PutRolePolicy", "iam:DeleteRolePolicy"], Resource: `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenantAccess-*` },
                { Sid: "ReadQuotaAlarmStates", Effect: "Allow", Action: "cloudwatch:DescribeAlarms", Resource: alarmArn("BedrockTenancyQuota-*") },
                { Sid: "CreateOwnLogGroup", Effect: "Allow", Action: "logs:CreateLogGroup", Resource: logGroup },
                { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroup}:log-stream:*` },
                { Sid: "NeverLiftTenantBoundaries", Effect: "Deny", Action: BOUNDARY_WRITE_ACTIONS, Resource: "*" },
            ],
        });
    });

    it("may describe any tenant's composite quota alarm in its Region", async () => {
        for (const tenant of ["customer-a", "customer-b", "a-tenant-not-yet-deployed"]) {
            assert.strictEqual(await act("cloudwatch:DescribeAlarms", alarmArn(quotaAlarmName(tenant))), "Allowed", tenant);
        }
    });

    it("may describe no other alarm: no part alarm, none of another name, Region or account", async () => {
        for (const other of [alarmArn(quotaPartAlarmName("customer-a", "daily")), alarmArn("HighCpu-web"), alarmArn(quotaAlarmName("customer-a"), "us-east-1"), alarmArn(quotaAlarmName("customer-a"), REGION, "111111111111")]) {
            assert.strictEqual(await act("cloudwatch:DescribeAlarms", other), "ImplicitlyDenied", other);
        }
    });

    it("may change no alarm, nor read anything else of CloudWatch", async () => {
        const alarm = alarmArn(quotaAlarmName("customer-a"));
        for (const action of ["cloudwatch:SetAlarmState", "cloudwatch:PutCompositeAlarm", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DisableAlarmActions", "cloudwatch:DescribeAlarmHistory"]) {
            assert.strictEqual(await act(action, alarm), "ImplicitlyDenied", action);
        }
        assert.strictEqual(await act("cloudwatch:GetMetricData", "*"), "ImplicitlyDenied");
        assert.strictEqual(await act("iam:GetRolePolicy", `arn:aws:iam::${OPS_ACCOUNT}:role/${opsRoleName("customer-a")}`), "ImplicitlyDenied");
    });
});
