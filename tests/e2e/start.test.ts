import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { projectWith, readJson, REPO, runStart, type CliResult } from "../support/run-cli";

describe("npm start: offline plan and isolation proof", function () {
    this.timeout(180_000);

    describe("on the shipped stack configs", () => {
        let run: CliResult;
        before(async () => {
            run = await runStart(["--quiet"]);
        });

        it("exits 0 and writes a plan per stack and the report", () => {
            assert.strictEqual(run.code, 0, run.stderr);
            assert.deepStrictEqual(fs.readdirSync(run.out).sort(), ["customer-a.json", "isolation-report.md", "ops.json"]);
        });

        it("plans the ops stack's resources: one role, policy and ExternalId per tenant, a profile per granted model, quotas and a cost cap", () => {
            // Pulumi.ops.yaml: customer-a (2 models, a budget, a daily, monthly and per-model token quota, a cost cap), customer-b (1 model).
            assert.deepStrictEqual(readJson(path.join(run.out, "ops.json")).resourceCounts, {
                "aws:bedrock/inferenceProfile:InferenceProfile": 3,
                // The notifying budget and the cost cap's budget, both customer-a's.
                "aws:budgets/budget:Budget": 2,
                "aws:budgets/budgetAction:BudgetAction": 1,
                "aws:cloudwatch/compositeAlarm:CompositeAlarm": 1,
                "aws:cloudwatch/eventRule:EventRule": 1,
                "aws:cloudwatch/eventTarget:EventTarget": 1,
                // A block and a warning alarm for each of 3 limits.
                "aws:cloudwatch/metricAlarm:MetricAlarm": 6,
                "aws:iam/policy:Policy": 1,
                // Two tenant roles, the enforcer's, and the cost cap's execution role.
                "aws:iam/role:Role": 4,
                "aws:iam/rolePolicy:RolePolicy": 4,
                "aws:lambda/function:Function": 1,
                "aws:lambda/permission:Permission": 1,
                "aws:sns/topic:Topic": 1,
                "bedrock-tenancy:index:BedrockTenantAccess": 2,
                "bedrock-tenancy:index:BedrockTenantFleet": 1,
                "bedrock-tenancy:index:QuotaEnforcer": 1,
                "pulumi:pulumi:Stack": 1,
                "random:index/randomPassword:RandomPassword": 2,
            });
        });

        it("plans the customer stack's resources, network isolation and the audit archive included", () => {
            assert.deepStrictEqual(readJson(path.join(run.out, "customer-a.json")).resourceCounts, {
                "aws:athena/workgroup:Workgroup": 1,
                "aws:cloudwatch/logGroup:LogGroup": 1,
                "aws:cloudwatch/logMetricFilter:LogMetricFilter": 4,
                "aws:cloudwatch/metricAlarm:MetricAlarm": 1,
                "aws:ec2/securityGroup:SecurityGroup": 2,
                "aws:ec2/vpcEndpoint:VpcEndpoint": 4,
                "aws:glue/catalogDatabase:CatalogDatabase": 1,
                "aws:glue/catalogTable:CatalogTable": 1,
                "aws:iam/role:Role": 1,
                "aws:iam/rolePolicy:RolePolicy": 1,
                "aws:kms/alias:Alias": 1,
                "aws:kms/key:Key": 1,
                "aws:lambda/function:Function": 1,
                "aws:s3/bucket:Bucket": 1,
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 1,
                "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": 1,
                "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
                "aws:s3/bucketPolicy:BucketPolicy": 1,
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
                "aws:s3/bucketVersioning:BucketVersioning": 1,
                "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 1,
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 1,
                "awsx:ec2:Vpc": 1,
                "bedrock-tenancy:index:PrivateInvocationLogging": 1,
                "pulumi:pulumi:Stack": 1,
            });
        });

        it("masks secrets in the plan files: the tenants output and the function's ExternalId", () => {
            const ops = readJson(path.join(run.out, "ops.json"));
            assert.strictEqual(ops.outputs.tenants, "[secret]");
            const customer = readJson(path.join(run.out, "customer-a.json"));
            const fn = customer.resources.find((r: any) => r.type === "aws:lambda/function:Function");
            // One secret variable makes the whole environment secret, as in `pulumi preview`.
            assert.strictEqual(fn.inputs.environment, "[secret]");
            const opsOutputsInMemory = fs.readFileSync(path.join(run.out, "customer-a.json"), "utf8");
            assert.doesNotMatch(opsOutputsInMemory, /BEDROCK_TENANCY_EXTERNAL_ID/);
        });

        it("reports no cross-tenant access and each tenant reaching only its own role", () => {
            const report = fs.readFileSync(path.join(run.out, "isolation-report.md"), "utf8");
            assert.match(report, /\*\*Result: no violations\.\*\*/);
            assert.match(report, /\| customer-a \| \*\*allow\*\* \| deny \|/);
            assert.match(report, /\| customer-b \| deny \| \*\*allow\*\* \|/);
            assert.match(report, /\| control: no ExternalId \| deny \| deny \|/);
            assert.match(report, /refused 10 of 10 key-use requests/);
        });

    });

    it("prints the resource tree and a summary when not quiet", async () => {
        const run = await runStart(["--stacks", "ops"]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.match(run.stdout, /\+ pulumi:pulumi:Stack {2}ops\n {2}├─ \+ bedrock-tenancy:index:QuotaEnforcer {2}quota-enforcer\n/);
        assert.match(run.stdout, /\n {2}└─ \+ bedrock-tenancy:index:BedrockTenantFleet {2}tenants\n {5}├─ \+ bedrock-tenancy:index:BedrockTenantAccess {2}tenants-customer-a\n/);
        assert.match(run.stdout, /└─ \+ aws:iam\/rolePolicy:RolePolicy {2}tenants-customer-b-invoke/);
        assert.match(run.stdout, /Isolation: 2 tenants, \d+ principals, \d+ requests checked, 0 violations; plan and proof took [\d.]+ s/);
    });

    it("fails at plan time, naming the account and both tenants, when a tenant trusts another tenant's account", async () => {
        const project = projectWith((yaml) => yaml.replace(/- "222222222222"/, '- "222222222222"\n        - "111111111111"'), ["ops"]);
        const run = await runStart(["--project", project, "--quiet"]);
        assert.strictEqual(run.code, 2, run.stderr);
        // The fleet rules refuse the config before any policy exists, so the proof never sees the shared account.
        assert.match(run.stderr, /bedrock-tenancy:tenants\[1\] \(customer-b\) lists account 111111111111, which bedrock-tenancy:tenants\[0\] \(customer-a\) already lists/);
    });

    it("fails at plan time, naming the argument, on a wildcard model in the config", async () => {
        const project = projectWith((yaml) => yaml.replace(/models:\n(\s+)- anthropic\.claude-3-haiku-20240307-v1:0/, 'models:\n$1- "*"'), ["ops"]);
        const run = await runStart(["--project", project, "--quiet"]);
        assert.notStrictEqual(run.code, 0);
        assert.match(run.stderr, /models\[0\].*"\*"/);
    });

    it("fails, naming the grant, when a tenant role's permissions are widened to every model", async () => {
        const run = await runStart(["--stacks", "ops", "--quiet"], { BEDROCK_TENANCY_PLAN_TEST_HOOK: path.join(REPO, "tests/support/tamper/wildcard-model.ts") });
        assert.strictEqual(run.code, 1, run.stderr);
        assert.match(run.stderr, /access beyond the tenant's grant: customer-b's role is allowed bedrock:InvokeModel in us-east-1 on amazon\.titan-text-express-v1/);
        assert.match(run.stderr, /customer-b's role is allowed bedrock:InvokeModel in us-east-1 on us\.anthropic\.claude-3-5-haiku-20241022-v1:0 \(not allowed\)/);
    });

    it("fails, naming the control, when the ExternalId condition is missing from a trust policy", async () => {
        const run = await runStart(["--stacks", "ops", "--quiet"], { BEDROCK_TENANCY_PLAN_TEST_HOOK: path.join(REPO, "tests/support/tamper/drop-external-id.ts") });
        assert.strictEqual(run.code, 1, run.stderr);
        assert.match(run.stderr, /cross-tenant access: control: no ExternalId .* is allowed sts:AssumeRole with no ExternalId on customer-a's role/);
        assert.match(run.stderr, /control: wrong ExternalId .* is allowed sts:AssumeRole with a wrong ExternalId on customer-a's role/);
        assert.doesNotMatch(run.stderr, /on customer-b's role/);
    });

    it("rejects an unknown stack and a tenant count outside 1..5000", async () => {
        const unknown = await runStart(["--stacks", "nope"]);
        assert.strictEqual(unknown.code, 2);
        assert.match(unknown.stderr, /--stacks names "nope", but there is no Pulumi\.nope\.yaml/);
        const tooMany = await runStart(["--tenants", "5001"]);
        assert.strictEqual(tooMany.code, 2);
        assert.match(tooMany.stderr, /--tenants must be a whole number from 1 to 5000.*got "5001"/);
    });

    it("plans a synthetic ops stack of 200 tenants and reports 200 isolated tenants", async () => {
        const run = await runStart(["--tenants", "200"]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.match(run.stdout, /Isolation: 200 tenants, \d+ principals, \d+ requests checked, 0 violations/);
        const report = fs.readFileSync(path.join(run.out, "isolation-report.md"), "utf8");
        assert.match(report, /Tenants: 200\./);
        assert.match(report, /\*\*Result: no violations\.\*\*/);
        const counts = readJson(path.join(run.out, "ops.json")).resourceCounts;
        assert.strictEqual(counts["bedrock-tenancy:index:BedrockTenantAccess"], 200);
        // 200 tenant roles, a cost-cap execution role for the 100 copies of customer-a, and the one enforcer's.
        assert.strictEqual(counts["aws:iam/role:Role"], 301);
        assert.strictEqual(counts["bedrock-tenancy:index:QuotaEnforcer"], 1);
    });
});
