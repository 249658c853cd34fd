import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import type { TenantsOutput } from "../../stacks/stack-outputs";
import { opsProgram } from "../../stacks/ops";
import { installMocks, ofType, promiseOf, type RecordedResource } from "../../testing/pulumi-mocks";
import { HAIKU, OPS_ACCOUNT, US_HAIKU_35, opsMockOptions, parsePolicy, settled } from "../../testing/tenant-access-fixtures";

const shippedConfig = (parseYaml(fs.readFileSync(path.join(__dirname, "../../Pulumi.ops.yaml"), "utf8")) as { config: Record<string, unknown> }).config;

const tenant = (id: string, account: string, models = [HAIKU]) => ({ id, accounts: [account], models });

describe("ops stack program", () => {
    describe("with the shipped Pulumi.ops.yaml", () => {
        let recorded: RecordedResource[];
        let tenants: TenantsOutput;
        let secret: boolean;
        const identityCalls = { calls: 0 };

        before(async () => {
            recorded = await installMocks(opsMockOptions(shippedConfig, identityCalls));
            const out = opsProgram();
            tenants = await promiseOf(out.tenants);
            secret = await pulumi.isSecret(out.tenants);
            await settled();
        });

        it("creates one role per tenant, named by the shared naming rule, plus the enforcer's and the one cost-cap role", () => {
            assert.deepStrictEqual(ofType(recorded, "aws:iam/role:Role").map((r) => r.inputs.name).sort(), [
                "BedrockTenancyCostCapAction", "BedrockTenancyQuotaEnforcer", "BedrockTenantAccess-customer-a", "BedrockTenantAccess-customer-b",
            ]);
        });

        it("deploys one quota enforcer whose one rule receives customer-a's composite quota alarm", () => {
            const functions = ofType(recorded, "aws:lambda/function:Function");
            assert.deepStrictEqual(functions.map((f) => f.inputs.name), ["BedrockTenancyQuotaEnforcer"]);
            assert.deepStrictEqual(ofType(recorded, "aws:cloudwatch/eventRule:EventRule").map((r) => [r.name, r.inputs.name]), [["quota-enforcer-alarms", "BedrockTenancyQuotaAlarms"]]);
            const targets = ofType(recorded, "aws:cloudwatch/eventTarget:EventTarget");
            assert.deepStrictEqual(targets.map((t) => t.inputs.arn), [`arn:aws:lambda:us-east-1:${OPS_ACCOUNT}:function:BedrockTenancyQuotaEnforcer`]);
            assert.deepStrictEqual(ofType(recorded, "aws:cloudwatch/compositeAlarm:CompositeAlarm").map((a) => a.inputs.alarmName), ["BedrockTenancyQuota-customer-a"]);
            const daily = ofType(recorded, "aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => a.inputs.name === "BedrockTenancyQuotaPart-customer-a-daily")!;
            assert.strictEqual(daily.inputs.threshold, 2_000_000);
        });

        it("caps customer-a's cost with a Budgets action using the enforcer's shared policy and role", () => {
            const actions = ofType(recorded, "aws:budgets/budgetAction:BudgetAction");
            assert.deepStrictEqual(actions.map((a) => a.inputs.definition.iamActionDefinition), [
                { policyArn: `arn:aws:iam::${OPS_ACCOUNT}:policy/BedrockTenancyCostCap-AllTenants`, roles: ["BedrockTenantAccess-customer-a"] },
            ]);
            assert.deepStrictEqual(actions.map((a) => a.inputs.executionRoleArn), [`arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenancyCostCapAction`]);
            assert.deepStrictEqual(ofType(recorded, "aws:iam/policy:Policy").map((p) => p.name).sort(), ["quota-enforcer-cost-cap", "tenants-customer-a-boundary", "tenants-customer-b-boundary"]);
        });

        it("exports every tenant in the shape customer stacks read", () => {
            assert.deepStrictEqual(Object.keys(tenants).sort(), ["customer-a", "customer-b"]);
            const a = tenants["customer-a"];
            assert.strictEqual(a.roleArn, `arn:aws:iam::${OPS_ACCOUNT}:role/BedrockTenantAccess-customer-a`);
            assert.strictEqual(a.runtimeRoleName, "BedrockTenancyRuntime-customer-a");
            assert.deepStrictEqual(a.accounts, ["111111111111"]);
            assert.deepStrictEqual(a.allowedModels, [HAIKU, US_HAIKU_35]);
            assert.deepStrictEqual(Object.keys(a.inferenceProfileArns), [HAIKU, US_HAIKU_35]);
            assert.strictEqual(a.region, "us-east-1");
            assert.match(a.externalId, /^bt1\.[A-Za-z0-9_-]{43}$/);
            assert.notStrictEqual(a.externalId, tenants["customer-b"].externalId);
        });

        it("exports the tenants output as a secret, because it holds the ExternalIds", () => {
            assert.strictEqual(secret, true);
        });

        it("looks up the caller identity once for the whole stack", () => {
            assert.strictEqual(identityCalls.calls, 1);
        });

        it("reads aws:region once for the stack, not once per tenant", async () => {
            // Each read parses the whole stack config, tenant list included: per tenant, that is quadratic.
            const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { getConfig(key: string): string | undefined };
            const many = Array.from({ length: 20 }, (_, i) => tenant(`t${i}`, String(100000000000 + i)));
            await installMocks(opsMockOptions({ "bedrock-tenancy:tenants": many, "bedrock-tenancy:costAttribution": false }));
            const original = runtimeConfig.getConfig;
            const regionReads: string[] = [];
            runtimeConfig.getConfig = (key) => {
                if (key === "aws:region") {
                    regionReads.push(key);
                }
                return original(key);
            };
            try {
                await promiseOf(opsProgram().tenants);
                await settled();
            } finally {
                runtimeConfig.getConfig = original;
            }
            assert.strictEqual(regionReads.length, 1);
        });

        it("never configures Bedrock invocation logging", () => {
            assert.deepStrictEqual(recorded.filter((r) => /invocationlogging/i.test(r.type)), []);
        });

        it("creates the configured budget on customer-a's cost-allocation tag only", () => {
            const budgets = ofType(recorded, "aws:budgets/budget:Budget").filter((b) => b.inputs.name === "bedrock-tenant-customer-a");
            assert.strictEqual(budgets.length, 1);
            assert.deepStrictEqual(budgets[0].inputs.costFilters, [{ name: "TagKeyValue", values: ["user:bedrock-tenancy:tenant$customer-a"] }]);
            assert.strictEqual(budgets[0].inputs.limitAmount, "500.00");
            assert.deepStrictEqual(budgets[0].inputs.notifications[0].subscriberEmailAddresses, ["finops@example.com"]);
        });

        it("requires customer-a's guardrail in its permissions", () => {
            const policy = parsePolicy(ofType(recorded, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "tenants-customer-a-invoke")!.inputs.policy);
            const deny = (policy.Statement as any[]).find((s) => s.Sid === "DenyWithoutGuardrail");
            assert.deepStrictEqual(deny.Condition, { StringNotEquals: { "bedrock:GuardrailIdentifier": "arn:aws:bedrock:us-east-1:999999999999:guardrail/a1b2c3d4e5f6:1" } });
        });
    });

    describe("quota enforcer and cost caps", () => {
        const capped = { ...tenant("customer-a", "111111111111"), costCap: { limitUsd: 100, emails: ["finops@example.com"] } };

        it("deploys the enforcer with its Budgets role for cost caps alone, and no Budgets role without them", async () => {
            let recorded = await installMocks(opsMockOptions({ "bedrock-tenancy:tenants": [capped] }));
            await promiseOf(opsProgram().tenants);
            await settled();
            assert.deepStrictEqual(ofType(recorded, "aws:iam/role:Role").map((r) => r.inputs.name).sort(), ["BedrockTenancyCostCapAction", "BedrockTenancyQuotaEnforcer", "BedrockTenantAccess-customer-a"]);
            assert.strictEqual(ofType(recorded, "aws:budgets/budgetAction:BudgetAction").length, 1);

            recorded = await installMocks(opsMockOptions({ "bedrock-tenancy:tenants": [{ ...tenant("customer-a", "111111111111"), quota: { tokensPerDay: 1000 } }] }));
            await promiseOf(opsProgram().tenants);
            await settled();
            assert.deepStrictEqual(ofType(recorded, "aws:iam/role:Role").map((r) => r.inputs.name).sort(), ["BedrockTenancyQuotaEnforcer", "BedrockTenantAccess-customer-a"]);
            assert.deepStrictEqual(ofType(recorded, "aws:iam/policy:Policy").map((p) => p.inputs.name), ["BedrockTenantBoundary-customer-a"]);
        });

        it("adds no role per cost-capped tenant", async () => {
            const many = Array.from({ length: 30 }, (_, i) => ({ ...tenant(`t${i}`, String(100000000000 + i)), costCap: capped.costCap }));
            const recorded = await installMocks(opsMockOptions({ "bedrock-tenancy:tenants": many }));
            await promiseOf(opsProgram().tenants);
            await settled();
            assert.strictEqual(ofType(recorded, "aws:iam/role:Role").length, 30 + 2);
            // One boundary per tenant and the one shared cost-cap policy.
            assert.strictEqual(ofType(recorded, "aws:iam/policy:Policy").length, 30 + 1);
            assert.strictEqual(ofType(recorded, "aws:budgets/budgetAction:BudgetAction").length, 30);
        });
    });

    describe("rejecting bad tenant lists", () => {
        async function planWith(config: Record<string, unknown>): Promise<void> {
            await installMocks(opsMockOptions({ "bedrock-tenancy:kind": "ops", ...config }));
            opsProgram();
        }

        it("rejects a duplicate tenant id, naming both entries", async () => {
            await assert.rejects(
                planWith({ "bedrock-tenancy:tenants": [tenant("customer-a", "111111111111"), tenant("customer-a", "222222222222")] }),
                /^ArgumentError: bedrock-tenancy:tenants\[1\] \(customer-a\): the tenant id is already tenants\[0\]'s; each tenant needs an id of its own$/,
            );
        });

        it("rejects two tenants that list the same customer account, before any resource exists", async () => {
            await assert.rejects(
                planWith({ "bedrock-tenancy:tenants": [tenant("customer-a", "111111111111"), tenant("customer-b", "111111111111")] }),
                /^ArgumentError: bedrock-tenancy:tenants\[1\] \(customer-b\) lists account 111111111111, which tenants\[0\] \(customer-a\) already lists/,
            );
        });

        it("rejects tenant ids whose profile names collide after normalisation", async () => {
            await assert.rejects(
                planWith({ "bedrock-tenancy:tenants": [tenant("a-b", "111111111111"), tenant("a--b", "222222222222")] }),
                /^ArgumentError: bedrock-tenancy:tenants\[1\] \(a--b\) and tenants\[0\] \(a-b\) would both name an application inference profile/,
            );
        });

        it("rejects more application inference profiles than the quota allows", async () => {
            const tenants = [tenant("customer-a", "111111111111", [HAIKU, US_HAIKU_35]), tenant("customer-b", "222222222222")];
            await assert.rejects(
                planWith({ "bedrock-tenancy:tenants": tenants, "bedrock-tenancy:applicationProfileQuota": 2 }),
                /^ArgumentError: bedrock-tenancy:tenants would create 3 application inference profiles in us-east-1, over applicationProfileQuota 2 /,
            );
        });

        it("rejects a tenant whose Regions leave the stack's allowed Regions", async () => {
            await assert.rejects(
                planWith({ "bedrock-tenancy:tenants": [tenant("customer-a", "111111111111", [US_HAIKU_35])], "bedrock-tenancy:allowedRegions": ["us-east-1"] }),
                /tenants\[0\] \(customer-a\): regions \["us-east-2","us-west-2"\] are outside allowedRegions \["us-east-1"\]/,
            );
        });

        it("names the tenant entry in a component argument error", async () => {
            await assert.rejects(
                planWith({ "bedrock-tenancy:tenants": [tenant("customer-a", "111111111111"), tenant("customer-b", "12345")] }),
                /^ArgumentError: bedrock-tenancy:tenants\[1\] \(customer-b\): accounts\[0\] must be a 12-digit AWS account id, got "12345"$/,
            );
        });

        it("rejects a model id typo under mocks, and accepts an id newer than the table listed in allowUnlistedModels", async () => {
            const newer = "anthropic.claude-next-20990101-v1:0";
            await assert.rejects(
                planWith({ "bedrock-tenancy:tenants": [tenant("customer-a", "111111111111", [newer])] }),
                /^ArgumentError: bedrock-tenancy:tenants\[0\]\.models\[0\] "anthropic\.claude-next-20990101-v1:0" is not in the shipped table .*did you mean/,
            );
            await planWith({ "bedrock-tenancy:tenants": [tenant("customer-a", "111111111111", [newer])], "bedrock-tenancy:allowUnlistedModels": [newer] });
        });

        it("rejects an empty tenant list", async () => {
            await assert.rejects(planWith({ "bedrock-tenancy:tenants": [] }), /^ArgumentError: bedrock-tenancy:tenants must be a non-empty list of tenants, got \[\]$/);
        });
    });

    describe("at scale", () => {
        // Wall-clock figures for thousands of tenants: bench/planning.ts (npm run bench).
        it("builds many tenants with one caller-identity lookup", async () => {
            const identityCalls = { calls: 0 };
            const many = Array.from({ length: 50 }, (_, i) => tenant(`t${i}`, String(100000000000 + i)));
            const recorded = await installMocks(opsMockOptions({ "bedrock-tenancy:tenants": many, "bedrock-tenancy:costAttribution": false }, identityCalls));
            const tenants = await promiseOf(opsProgram().tenants);
            await settled();
            assert.strictEqual(Object.keys(tenants).length, 50);
            assert.strictEqual(ofType(recorded, "aws:iam/role:Role").length, 50);
            assert.strictEqual(identityCalls.calls, 1);
        });
    });

    describe("config values that hold JSON", () => {
        async function planWith(config: Record<string, unknown>, secretKeys: string[] = []): Promise<void> {
            await installMocks({ ...opsMockOptions({ "bedrock-tenancy:kind": "ops", ...config }), secretKeys });
            opsProgram();
        }
        const entry = (fields: string) => `[{"id":"customer-b","accounts":["222222222222"],${fields}}]`;

        // JSON.parse keeps the last: Opus granted in place of Haiku, or customer-a's role built to trust customer-b's account.
        it("refuses a key written twice in a tenant entry, naming it and where it sits", async () => {
            await assert.rejects(
                planWith({ "bedrock-tenancy:tenants": entry(`"models":["${HAIKU}"],"models":["anthropic.claude-3-opus-20240229-v1:0"]`) }),
                /^ArgumentError: bedrock-tenancy:tenants writes the key "models" twice in one object in \[0\]: JSON keeps the last, so the value says two things; write each key once$/,
            );
            await assert.rejects(planWith({ "bedrock-tenancy:tenants": entry(`"models":["${HAIKU}"],"id":"customer-a"`) }), /writes the key "id" twice in one object in \[0\]/);
        });

        it("never quotes a secret value that is not JSON", async () => {
            const secret = "pinned-ext-id-customer-a-0123456789";
            const failure = await planWith({ "bedrock-tenancy:tenants": entry(`"models":["${HAIKU}"]`), "bedrock-tenancy:externalIds": secret }, ["bedrock-tenancy:externalIds"]).then(
                () => undefined,
                (e: Error) => e,
            );
            assert.ok(failure, "the plan succeeded");
            assert.match(failure.message, /^bedrock-tenancy:externalIds is not valid JSON \(a secret of 35 characters, not shown\)$/);
            assert.ok(!failure.message.includes("pinned-ext"), failure.message);
        });

        // Copied into every tenant, a bad stack-wide setting was named as the first tenant's.
        it("names a stack-wide setting by its own key", async () => {
            await assert.rejects(
                planWith({ "bedrock-tenancy:tenants": entry(`"models":["${HAIKU}"]`), "bedrock-tenancy:costAttribution": "42" }),
                /^ArgumentError: bedrock-tenancy:costAttribution must be true or false, got 42$/,
            );
            await assert.rejects(
                planWith({ "bedrock-tenancy:tenants": entry(`"models":["${HAIKU}"]`), "bedrock-tenancy:trustPolicySizeQuota": "5000" }),
                /^ArgumentError: bedrock-tenancy:trustPolicySizeQuota must be an integer from 1 to 4096, got 5000$/,
            );
        });

        // It would sit in clear in Pulumi.<stack>.yaml and the state.
        it("refuses the ExternalId secret or pinned ExternalIds set in plain text, and takes them set as secrets", async () => {
            const tenants = entry(`"models":["${HAIKU}"]`);
            await assert.rejects(
                planWith({ "bedrock-tenancy:tenants": tenants, "bedrock-tenancy:externalIdSecret": "8fJq2xLw0Rk7Vb3NmZt5Yh1Dc9Gp4Ua6Se2Wn0Xr7Lq" }),
                /^ArgumentError: bedrock-tenancy:externalIdSecret is set in plain text: .*; set it with pulumi config set --secret$/,
            );
            await assert.rejects(
                planWith({ "bedrock-tenancy:tenants": tenants, "bedrock-tenancy:externalIds": { "customer-b": "pinned-ext-id-0123456789" } }),
                /^ArgumentError: bedrock-tenancy:externalIds is set in plain text/,
            );
            await planWith({ "bedrock-tenancy:tenants": tenants, "bedrock-tenancy:externalIdSecret": "8fJq2xLw0Rk7Vb3NmZt5Yh1Dc9Gp4Ua6Se2Wn0Xr7Lq" }, ["bedrock-tenancy:externalIdSecret"]);
        });

        it("refuses one ExternalId pinned for two tenants, without showing it", async () => {
            const twoTenants = `[{"id":"customer-a","accounts":["111111111111"],"models":["${HAIKU}"]},{"id":"customer-b","accounts":["222222222222"],"models":["${HAIKU}"]}]`;
            const pins = { "customer-a": "shared-ext-id-0123456789", "customer-b": "shared-ext-id-0123456789" };
            const failure = await planWith({ "bedrock-tenancy:tenants": twoTenants, "bedrock-tenancy:externalIds": pins }, ["bedrock-tenancy:externalIds"]).then(
                () => undefined,
                (e: Error) => e,
            );
            assert.ok(failure, "the plan succeeded");
            assert.match(failure.message, /^bedrock-tenancy:externalIds pins one ExternalId for both "customer-a" and "customer-b" \(not shown: it is secret\); each tenant's ExternalId must be its own$/);
            assert.ok(!failure.message.includes("shared-ext-id"), failure.message);
        });

        it("names a value that is not JSON, quoting the parser's message for a plain one", async () => {
            await assert.rejects(planWith({ "bedrock-tenancy:tenants": "[{id: customer-b}]" }), /^ArgumentError: bedrock-tenancy:tenants is not valid JSON \(.+\)$/);
        });
    });
});
