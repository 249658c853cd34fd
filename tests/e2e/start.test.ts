import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO, projectWith, readJson, runStart, type CliResult } from "../support/run-cli";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";

/** Resources by type in a stack-export file. */
function counts(file: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of readJson(file).deployment.resources) out[r.type] = (out[r.type] ?? 0) + 1;
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

describe("npm start: offline plan and isolation proof", function () {
    this.timeout(180_000);

    describe("on the shipped stack configs", () => {
        let run: CliResult;
        before(async () => {
            run = await runStart(["--quiet"]);
        });

        it("exits 0 and writes a plan per stack and both reports", () => {
            assert.strictEqual(run.code, 0, run.stderr);
            assert.deepStrictEqual(fs.readdirSync(run.out).sort(), ["customer-a.json", "isolation-report.json", "isolation-report.md", "ops.json"]);
        });

        it("writes each plan in the shape of pulumi stack export: version 3, URNs, parents, inputs and outputs", () => {
            const ops = readJson(path.join(run.out, "ops.json"));
            assert.strictEqual(ops.version, 3);
            const role = ops.deployment.resources.find((r: any) => r.type === "aws:iam/role:Role" && r.inputs.name === "BedrockTenantAccess-customer-a");
            assert.match(role.urn, /^urn:pulumi:ops::bedrock-tenancy::.*BedrockTenantAccess\$aws:iam\/role:Role::tenants-customer-a-role$/);
            assert.match(role.parent, /BedrockTenantAccess::tenants-customer-a$/);
            assert.strictEqual(role.outputs.arn, "arn:aws:iam::999999999999:role/BedrockTenantAccess-customer-a");
            // Component outputs are in the file, as registerOutputs records them in a real stack.
            const component = ops.deployment.resources.find((r: any) => r.urn.endsWith("BedrockTenantAccess::tenants-customer-a"));
            assert.deepStrictEqual(component.outputs.regions, ["us-east-1", "us-east-2", "us-west-2"]);
        });

        it("plans the ops stack's resources: one role, policy and boundary per tenant, a profile per granted model, quotas and a cost cap", () => {
            // Pulumi.ops.yaml: customer-a (2 models, a budget, a daily, monthly and per-model token quota, a cost cap), customer-b (1 model).
            assert.deepStrictEqual(counts(path.join(run.out, "ops.json")), {
                "aws:bedrock/inferenceProfile:InferenceProfile": 3,
                // The notifying budget and the cost cap's budget, both customer-a's.
                "aws:budgets/budget:Budget": 2,
                "aws:budgets/budgetAction:BudgetAction": 1,
                "aws:cloudwatch/compositeAlarm:CompositeAlarm": 1,
                // The enforcer's one rule and target, however many tenants have a quota.
                "aws:cloudwatch/eventRule:EventRule": 1,
                "aws:cloudwatch/eventTarget:EventTarget": 1,
                // A block and a warning alarm for each of 3 limits.
                "aws:cloudwatch/metricAlarm:MetricAlarm": 6,
                // A permissions boundary per tenant; the enforcer's cost-cap policy and Budgets role serve every cost-capped tenant.
                "aws:iam/policy:Policy": 3,
                // Two tenant roles, the enforcer's, and the one Budgets execution role.
                "aws:iam/role:Role": 4,
                "aws:iam/rolePolicy:RolePolicy": 4,
                "aws:lambda/function:Function": 1,
                "aws:lambda/permission:Permission": 1,
                "aws:sns/topic:Topic": 1,
                "bedrock-tenancy:index:BedrockTenantAccess": 2,
                "bedrock-tenancy:index:BedrockTenantFleet": 1,
                "bedrock-tenancy:index:QuotaEnforcer": 1,
                // No random ExternalIds: they derive from the stack secret (an offline stand-in here).
                "pulumi:pulumi:Stack": 1,
            });
        });

        it("plans the customer stack's resources, network isolation and the audit archive included", () => {
            assert.deepStrictEqual(counts(path.join(run.out, "customer-a.json")), {
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

        it("keeps secrets in the export's decrypted-secret form, as --show-secrets writes them", () => {
            const ops = readJson(path.join(run.out, "ops.json"));
            const stack = ops.deployment.resources.find((r: any) => r.type === "pulumi:pulumi:Stack");
            assert.strictEqual(stack.outputs.tenants[SIG], SECRET);
            assert.strictEqual(typeof stack.outputs.tenants.plaintext, "string");
            const customer = readJson(path.join(run.out, "customer-a.json"));
            const fn = customer.deployment.resources.find((r: any) => r.type === "aws:lambda/function:Function");
            // One secret variable makes the whole environment secret, as in Pulumi's state.
            assert.strictEqual(fn.inputs.environment[SIG], SECRET);
        });

        it("reports no violation, each tenant's role admitting only its own runtime role, and the evaluator agreeing", () => {
            const report = fs.readFileSync(path.join(run.out, "isolation-report.md"), "utf8");
            assert.match(report, /\*\*Result: no violations\.\*\*/);
            assert.match(report, /\| customer-a \| arn:aws:iam::111111111111:role\/BedrockTenancyRuntime-customer-a \|/);
            assert.match(report, /\| customer-b \| arn:aws:iam::222222222222:role\/BedrockTenancyRuntime-customer-b \|/);
            assert.match(report, /the IAM evaluator decided (\d+) requests .* agreed with the reducers on \1/);
            assert.match(report, /log group \/bedrock-tenancy\/customer-a\/audit \(customer-a\) is encrypted with a key of its own account 111111111111/);
        });

    });

    it("prints the resource tree and a summary when not quiet", async () => {
        const run = await runStart(["--stacks", "ops"]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.match(run.stdout, /\+ pulumi:pulumi:Stack {2}ops\n {2}├─ \+ bedrock-tenancy:index:QuotaEnforcer {2}quota-enforcer\n/);
        assert.match(run.stdout, /\n {2}└─ \+ bedrock-tenancy:index:BedrockTenantFleet {2}tenants\n {5}├─ \+ bedrock-tenancy:index:BedrockTenantAccess {2}tenants-customer-a\n/);
        assert.match(run.stdout, /└─ \+ aws:iam\/rolePolicy:RolePolicy {2}tenants-customer-b-invoke/);
        assert.match(run.stdout, /Isolation: 2 tenants, 0 customer stacks, \d+ evaluator requests, 0 violations; plan [\d.]+ s, proof [\d.]+ s, cross-check [\d.]+ s/);
        // As verify says it: no customer stack was planned, so neither tenant's customer side is proved.
        assert.match(run.stdout, /\nCustomer side not proved \(no customer stack planned\): customer-a, customer-b\n/);
    });

    it("fails at plan time, naming the account and both tenants, when a tenant trusts another tenant's account", async () => {
        const project = projectWith((yaml) => yaml.replace(/- "222222222222"/, '- "222222222222"\n        - "111111111111"'), ["ops"]);
        const run = await runStart(["--project", project, "--quiet"]);
        assert.strictEqual(run.code, 2, run.stderr);
        // The fleet rules refuse the config before any policy exists, so the proof never sees the shared account.
        assert.match(run.stderr, /bedrock-tenancy:tenants\[1\] \(customer-b\) lists account 111111111111, which tenants\[0\] \(customer-a\) already lists/);
    });

    it("fails at plan time, naming the argument, on a wildcard model in the config", async () => {
        const project = projectWith((yaml) => yaml.replace(/models:\n(\s+)- anthropic\.claude-3-haiku-20240307-v1:0/, 'models:\n$1- "*"'), ["ops"]);
        const run = await runStart(["--project", project, "--quiet"]);
        assert.notStrictEqual(run.code, 0);
        assert.match(run.stderr, /models\[0\].*"\*"/);
    });

    it("rejects an unknown stack and a tenant count outside 1..5000", async () => {
        const unknown = await runStart(["--stacks", "nope"]);
        assert.strictEqual(unknown.code, 2);
        assert.match(unknown.stderr, /--stacks names "nope", but there is no Pulumi\.nope\.yaml/);
        const tooMany = await runStart(["--tenants", "5001"]);
        assert.strictEqual(tooMany.code, 2);
        assert.match(tooMany.stderr, /--tenants must be a whole number from 1 to 5000.*got "5001"/);
        // Digits only: Number() reads each of these as a count the option never names.
        for (const raw of ["1e3", "0x10", "5.0", " 5", "+5"]) {
            const odd = await runStart(["--tenants", raw]);
            assert.strictEqual(odd.code, 2, `${raw}: ${odd.stderr}`);
            assert.ok(odd.stderr.includes(`--tenants must be a whole number from 1 to 5000`) && odd.stderr.includes(`got ${JSON.stringify(raw)}`), odd.stderr);
        }
    });

    it("exits 2 on an option or argument it cannot read, with one line naming it and no stack trace", async () => {
        for (const [args, message] of [
            [["--bogus"], /^Unknown option '--bogus' \(npm start -- --help lists the options\)\n$/],
            // A near miss of an option is named; parseArgs' advice to pass it as a positional argument is not given.
            [["--tenant", "5"], /^Unknown option '--tenant'; did you mean --tenants\? \(npm start -- --help lists the options\)\n$/],
            [["--ops-account=2"], /^Unknown option '--ops-account'; did you mean --ops-accounts\? \(npm start -- --help lists the options\)\n$/],
            // runStart gives --out first: a second one at the end has no value.
            [["--out"], /^Option '--out <value>' argument missing \(npm start -- --help lists the options\)\n$/],
            [["extra"], /^Unexpected argument 'extra'\. This command does not take positional arguments \(npm start -- --help lists the options\)\n$/],
            [["--quiet=yes"], /^Option '--quiet' does not take an argument \(npm start -- --help lists the options\)\n$/],
            [["--preview", "--previous", "/nonexistent-previous"], /^--previous \/nonexistent-previous: no such folder/],
            [["--preview", "--previous", path.join(REPO, "package.json")], /^--previous .*package\.json: not a folder/],
            [["--project", "/nonexistent-project"], /^--project \/nonexistent-project: no such folder\n$/],
            [["--project", path.join(REPO, "docs")], /^--project .*docs: no Pulumi\.yaml there\n$/],
            [["--stacks", ","], /^--stacks must name at least one stack/],
            // The last --out wins: a file there is refused before any stack is planned.
            [["--out", path.join(REPO, "package.json")], /^--out .*package\.json: not a folder\n$/],
        ] as const) {
            const run = await runStart([...args]);
            assert.strictEqual(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
            assert.match(run.stderr, message);
            assert.strictEqual(run.stderr.trim().split("\n").length, 1, run.stderr);
        }
    });

    it("plans a synthetic ops stack of 200 tenants and reports 200 isolated tenants", async () => {
        const run = await runStart(["--tenants", "200"]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.match(run.stdout, /Isolation: 200 tenants, 0 customer stacks, \d+ evaluator requests, 0 violations/);
        const report = fs.readFileSync(path.join(run.out, "isolation-report.md"), "utf8");
        assert.match(report, /Tenants: 200\./);
        assert.match(report, /\*\*Result: no violations\.\*\*/);
        const ops = counts(path.join(run.out, "ops.json"));
        assert.strictEqual(ops["bedrock-tenancy:index:BedrockTenantAccess"], 200);
        // 200 tenant roles, the enforcer's, and one Budgets execution role for the 100 cost-capped copies of customer-a.
        assert.strictEqual(ops["aws:iam/role:Role"], 202);
        // 200 tenant boundaries and the one shared cost-cap policy.
        assert.strictEqual(ops["aws:iam/policy:Policy"], 201);
        assert.strictEqual(ops["aws:budgets/budgetAction:BudgetAction"], 100);
        assert.strictEqual(ops["bedrock-tenancy:index:QuotaEnforcer"], 1);
        // 100 composite quota alarms, one EventBridge rule: EventBridge allows 300 rules per bus by default.
        assert.strictEqual(ops["aws:cloudwatch/compositeAlarm:CompositeAlarm"], 100);
        assert.strictEqual(ops["aws:cloudwatch/eventRule:EventRule"], 1);
    });
});
