/**
 * Run-time switches of the fleet's controls, applied to the plan `npm start`
 * writes: ops principals that could stop, bypass or re-point quota and
 * cost-cap enforcement, customer principals that could take back audit
 * records, and writes on `*` of any service that is not known to stay in
 * the account. Reads and the shipped shapes pass.
 */
import * as assert from "assert";
import { UNKNOWN_VALUE } from "../../verifier/pulumi-formats";
import { editedPlan, shippedPlan, verify, type StackDoc } from "../support/plan-files";

const OPS = "999999999999";
const CUST = "111111111111";
const R = "us-east-1";
const RUNTIME = "BedrockTenancyRuntime-customer-a";
const ENFORCER_FN = `arn:aws:lambda:${R}:${OPS}:function:BedrockTenancyQuotaEnforcer`;
const LOG_GROUP = `arn:aws:logs:${R}:${CUST}:log-group:/bedrock-tenancy/customer-a/audit`;

const doc = (...Statement: unknown[]) => ({ Version: "2012-10-17", Statement });
const allow = (Action: unknown, Resource: unknown = "*") => ({ Effect: "Allow", Action, Resource });

function add(d: StackDoc, type: string, name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}): void {
    const stackUrn = d.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack").urn;
    const stack = stackUrn.split("::")[0].slice("urn:pulumi:".length);
    d.deployment.resources.push({ urn: `urn:pulumi:${stack}::bedrock-tenancy::${type}::${name}`, custom: true, id: `${name}-id`, type, parent: stackUrn, inputs, outputs: { ...inputs, ...outputs } });
}

function newRole(d: StackDoc, account: string, name: string, ...statements: unknown[]): void {
    const trust = doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "sts:AssumeRole" });
    add(d, "aws:iam/role:Role", name, { name, assumeRolePolicy: JSON.stringify(trust) }, { arn: `arn:aws:iam::${account}:role/${name}` });
    add(d, "aws:iam/rolePolicy:RolePolicy", `${name}-policy`, { role: name, name: "p", policy: JSON.stringify(doc(...statements)) });
}

const runtimePolicy = (d: StackDoc, ...statements: unknown[]) =>
    add(d, "aws:iam/rolePolicy:RolePolicy", "extra", { role: RUNTIME, name: "extra", policy: JSON.stringify(doc(...statements)) });

describe("run-time switches of quotas, cost caps and the audit trail", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const caught = (stack: string, edit: (d: StackDoc) => void, code: string, why: RegExp) => {
        const run = verify(editedPlan(plan, stack, edit));
        assert.strictEqual(run.code, 1, run.stderr);
        assert.ok(run.report.violations.some((v: any) => v.code === code && why.test(v.why)), `no ${code} matching ${why} in:\n${run.stderr}`);
    };
    const accepted = (stack: string, edit: (d: StackDoc) => void) => {
        const run = verify(editedPlan(plan, stack, edit));
        assert.strictEqual(run.code, 0, run.stderr);
    };

    describe("ops principals and the enforcement controls", () => {
        const opsCases: [string, unknown, RegExp][] = [
            ["invoking the enforcer by name", allow("lambda:InvokeFunction", ENFORCER_FN), /lambda:InvokeFunction.*quota enforcer's function/],
            ["invoking a version of the enforcer", allow("lambda:InvokeFunction", `${ENFORCER_FN}:*`), /lambda:InvokeFunction/],
            ["setting the enforcer's concurrency", allow(["lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency"], ENFORCER_FN), /lambda:PutFunctionConcurrency/],
            ["deleting any function", allow("lambda:DeleteFunction"), /lambda:DeleteFunction/],
            ["lambda:Put* on every function but another (NotResource)", { Effect: "Allow", Action: "lambda:Put*", NotResource: `arn:aws:lambda:${R}:${OPS}:function:other` }, /lambda:PutFunctionConcurrency/],
            ["archiving and replaying alarm events", allow(["events:CreateArchive", "events:StartReplay"]), /events:CreateArchive.*replayed/],
            ["deactivating the cost-allocation tag", allow("ce:UpdateCostAllocationTagsStatus"), /ce:UpdateCostAllocationTagsStatus.*cost-allocation tag/],
            ["muting the quota alarms", allow("cloudwatch:PutAlarmMuteRule"), /cloudwatch:PutAlarmMuteRule/],
            ["every action but IAM (NotAction)", { Effect: "Allow", NotAction: "iam:*", Resource: "*" }, /lambda:InvokeFunction/],
            ["running AgentCore agents", allow("bedrock-agentcore:*"), /Bedrock AgentCore/],
        ];
        for (const [name, statement, why] of opsCases) {
            it(`refuses ${name}`, () => caught("ops", (d) => newRole(d, OPS, "OpsOperator", statement), "BT-OPS-ESCALATION", why));
        }
        /** The enforcer's function with no ARN recorded (a preview creating it), its Region read as `place` leaves it. */
        const enforcerWithoutArn = (d: StackDoc, place: (fn: any, d: StackDoc) => void) => {
            const fn = d.deployment.resources.find((r) => r.type === "aws:lambda/function:Function" && r.inputs?.name === "BedrockTenancyQuotaEnforcer");
            assert.ok(fn, "the ops plan holds the enforcer's function");
            delete fn.outputs.arn;
            place(fn, d);
        };
        it("refuses invoking the enforcer in a Region its file does not know at preview", () =>
            caught("ops", (d) => {
                enforcerWithoutArn(d, (fn) => {
                    fn.inputs.region = fn.outputs.region = UNKNOWN_VALUE;
                });
                newRole(d, OPS, "OpsOperator", allow("lambda:InvokeFunction", ENFORCER_FN));
            }, "BT-OPS-ESCALATION", /lambda:InvokeFunction/));
        it("refuses invoking the enforcer in the Region of the AWS provider that deploys it", () =>
            caught("ops", (d) => {
                enforcerWithoutArn(d, (fn, doc) => {
                    const stack = fn.urn.split("::")[0].slice("urn:pulumi:".length);
                    const urn = `urn:pulumi:${stack}::bedrock-tenancy::pulumi:providers:aws::west`;
                    doc.deployment.resources.push({ urn, custom: true, id: "west-id", type: "pulumi:providers:aws", inputs: { region: "eu-west-1" }, outputs: { region: "eu-west-1" } });
                    delete fn.inputs.region;
                    delete fn.outputs.region;
                    fn.provider = `${urn}::west-id`;
                });
                newRole(d, OPS, "OpsOperator", allow("lambda:InvokeFunction", `arn:aws:lambda:eu-west-1:${OPS}:function:BedrockTenancyQuotaEnforcer`));
            }, "BT-OPS-ESCALATION", /lambda:InvokeFunction/));
        it("accepts reading alarms, budgets and agents", () =>
            accepted("ops", (d) => newRole(d, OPS, "OpsReader",
                allow(["cloudwatch:DescribeAlarms", "budgets:ViewBudget", "ce:GetCostAndUsage", "bedrock-agentcore:List*", "bedrock-agentcore:Get*"]))));
        it("finds invoking a function outside the stack a path out, not a change to the enforcement controls", () => {
            const run = verify(editedPlan(plan, "ops", (d) => newRole(d, OPS, "OpsReader", allow("lambda:InvokeFunction", `arn:aws:lambda:${R}:${OPS}:function:SomethingElse`))));
            assert.deepStrictEqual(run.report.violations.map((v: any) => v.code), ["BT-OPS-EGRESS"], run.stderr);
        });
        it("accepts the enforcer's own role reading the alarms", () =>
            accepted("ops", (d) => add(d, "aws:iam/rolePolicy:RolePolicy", "enforcer-read", { role: "BedrockTenancyQuotaEnforcer", name: "read", policy: JSON.stringify(doc(allow("cloudwatch:DescribeAlarms"))) })));
    });

    describe("principals of the customer account and the audit trail", () => {
        const trailCases: [string, unknown][] = [
            ["shortening retention and deleting the log", allow(["logs:PutRetentionPolicy", "logs:DeleteLogGroup", "logs:DeleteLogStream", "logs:DeleteMetricFilter"], `${LOG_GROUP}*`)],
            ["logs:Delete* on every log group", allow("logs:Delete*")],
            ["disabling and deleting the key", allow(["kms:DisableKey", "kms:ScheduleKeyDeletion"], `arn:aws:kms:${R}:${CUST}:key/*`)],
            ["kms:* on every resource but another key (NotResource)", { Effect: "Allow", Action: "kms:*", NotResource: `arn:aws:kms:${R}:${CUST}:key/other` }],
            ["deleting archive object versions", allow("s3:DeleteObjectVersion", "arn:aws:s3:::btn-customer-a-archive-111111111111/*")],
        ];
        for (const [name, statement] of trailCases) {
            it(`refuses the runtime role ${name}`, () => caught("customer-a", (d) => runtimePolicy(d, statement), "BT-CUSTOMER-AUDIT-REMOVAL", /runtime role/));
        }
        const tagWrites: [string, unknown, RegExp][] = [
            ["tagging the log group", allow("logs:TagResource", LOG_GROUP), /role Tagger logs:TagResource: .*tag-conditioned policy/],
            ["tagging the log group by its older action", allow("logs:TagLogGroup", `${LOG_GROUP}:*`), /role Tagger logs:TagLogGroup: /],
            ["logs:Tag* on every log group", allow("logs:Tag*"), /role Tagger logs:TagLogGroup, logs:TagResource: /],
            ["tagging the audit key", allow(["kms:TagResource", "kms:UntagResource"], `arn:aws:kms:${R}:${CUST}:key/*`), /role Tagger kms:TagResource, kms:UntagResource: /],
            ["tagging the archive bucket", allow("s3:PutBucketTagging", "arn:aws:s3:::btn-customer-a-archive-111111111111"), /role Tagger s3:PutBucketTagging: /],
        ];
        for (const [name, statement, why] of tagWrites) {
            it(`refuses another role of the stack ${name}`, () =>
                caught("customer-a", (d) => newRole(d, CUST, "Tagger", statement), "BT-CUSTOMER-AUDIT-REMOVAL", why));
        }
        it("refuses another role of the stack deleting the log", () =>
            caught("customer-a", (d) => newRole(d, CUST, "Janitor", allow("logs:DeleteLogGroup", `${LOG_GROUP}:*`)), "BT-CUSTOMER-AUDIT-REMOVAL", /role Janitor logs:DeleteLogGroup/));
        it("accepts an auditor reading the log and decrypting it, and the runtime deleting another log group", () =>
            accepted("customer-a", (d) => {
                newRole(d, CUST, "AuditReader", allow(["logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery"], `${LOG_GROUP}:*`), allow("kms:Decrypt", `arn:aws:kms:${R}:${CUST}:key/*`));
                runtimePolicy(d, allow("logs:DeleteLogGroup", `arn:aws:logs:${R}:${CUST}:log-group:/scratch`));
            }));
    });

    describe("writes on * of any service", () => {
        for (const action of ["s3express:CreateSession", "s3tables:PutTableData", "s3tables:*", "bedrock-agentcore:InvokeAgentRuntime", "ssm:PutParameter", "iot:Publish", "iot:Pub*", "*:Put*"]) {
            it(`refuses ${action} on *`, () => caught("customer-a", (d) => runtimePolicy(d, allow(action)), "BT-CUSTOMER-EGRESS", /on every resource \(\*\)/));
        }
        it("refuses a NotAction on * that leaves services it does not name", () =>
            caught("customer-a", (d) => runtimePolicy(d, { Effect: "Allow", NotAction: ["s3:*", "sns:*"], Resource: "*" }), "BT-CUSTOMER-EGRESS", /NotAction/));
        it("accepts reads and the account-local writes on *", () =>
            accepted("customer-a", (d) => runtimePolicy(d, allow(["ec2:Describe*", "cloudwatch:PutMetricData", "cloudwatch:GetMetricData", "xray:PutTraceSegments", "ssm:GetParameter", "s3tables:List*", "bedrock:List*"]))));
    });
});
