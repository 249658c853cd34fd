/**
 * A Lambda permission on the quota enforcer's function lets whoever it
 * names invoke it with no identity grant: a principal of the ops account,
 * or a trigger others may fire, is the same escalation as an identity
 * policy allowing lambda:InvokeFunction on it. Only the component's own
 * permission, for EventBridge from the component's rule, passes.
 */
import * as assert from "assert";
import { OPS } from "../support/plan-mutations";
import { editedPlan, shippedPlan, verify, type StackDoc } from "../support/plan-files";
import { add, assertRefused, doc, role, roleArn, trusting, user } from "../support/tenant-role-writes";

const ESCALATION = "BT-OPS-ESCALATION";
const ENFORCER = "BedrockTenancyQuotaEnforcer";
const OWN_RULE = `arn:aws:events:us-east-1:${OPS}:rule/BedrockTenancyQuotaAlarms`;

const permission = (d: StackDoc, name: string, props: Record<string, unknown>) =>
    add(d, "aws:lambda/permission:Permission", name, { action: "lambda:InvokeFunction", function: ENFORCER, region: "us-east-1", ...props });

describe("Lambda permissions on the quota enforcer's function", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    it("passes the shipped plan, whose only permission is EventBridge's from the component's rule", () => {
        assert.strictEqual(verify(plan).code, 0);
    });

    it("passes a second permission for EventBridge from the component's rule, by the function's ARN", () => {
        const dir = editedPlan(plan, "ops", (d) => permission(d, "events-again", { function: `arn:aws:lambda:us-east-1:${OPS}:function:${ENFORCER}`, principal: "events.amazonaws.com", sourceArn: OWN_RULE, sourceAccount: OPS }));
        const run = verify(dir);
        assert.strictEqual(run.code, 0, run.stderr);
    });

    it("refuses a permission naming a user of the ops account", () => {
        const dir = editedPlan(plan, "ops", (d) => {
            user(d, "dev");
            permission(d, "dev-invoke", { principal: `arn:aws:iam::${OPS}:user/dev` });
        });
        assertRefused(dir, "dev-invoke", /user\/dev.*the quota enforcer's function BedrockTenancyQuotaEnforcer/, ESCALATION);
    });

    it("refuses a permission naming a role the account's root may assume", () => {
        const dir = editedPlan(plan, "ops", (d) => {
            role(d, "Operator", trusting({ AWS: `arn:aws:iam::${OPS}:root` }), doc({ Effect: "Allow", Action: "cloudwatch:DescribeAlarms", Resource: "*" }));
            permission(d, "operator-invoke", { principal: roleArn("Operator") });
        });
        assertRefused(dir, "operator-invoke", /role\/Operator/, ESCALATION);
    });

    it("refuses a permission for SNS from a topic of the stack", () => {
        const dir = editedPlan(plan, "ops", (d) => {
            const topic = `arn:aws:sns:us-east-1:${OPS}:ops-events`;
            add(d, "aws:sns/topic:Topic", "ops-events", { name: "ops-events", region: "us-east-1" }, { arn: topic });
            permission(d, "sns-invoke", { principal: "sns.amazonaws.com", sourceArn: topic, sourceAccount: OPS });
        });
        assertRefused(dir, "sns-invoke", /sns\.amazonaws\.com/, ESCALATION);
    });

    it("refuses a permission for EventBridge from another rule of the stack", () => {
        const dir = editedPlan(plan, "ops", (d) => {
            const rule = `arn:aws:events:us-east-1:${OPS}:rule/ops-cron`;
            add(d, "aws:cloudwatch/eventRule:EventRule", "ops-cron", { name: "ops-cron", region: "us-east-1", scheduleExpression: "rate(1 minute)" }, { arn: rule });
            permission(d, "cron-invoke", { principal: "events.amazonaws.com", sourceArn: rule, sourceAccount: OPS });
        });
        assertRefused(dir, "cron-invoke", /ops-cron/, ESCALATION);
    });

    it("refuses a permission for a function URL of the enforcer", () => {
        const dir = editedPlan(plan, "ops", (d) => permission(d, "url-invoke", { action: "lambda:InvokeFunctionUrl", principal: OPS, functionUrlAuthType: "AWS_IAM" }));
        assertRefused(dir, "url-invoke", /InvokeFunctionUrl/, ESCALATION);
    });

    /** The component's own permission for EventBridge, edited on both sides. */
    const ownPermission = (d: StackDoc, edit: (side: Record<string, unknown>) => void) => {
        const own = d.deployment.resources.find((r) => r.type === "aws:lambda/permission:Permission" && r.inputs.function === ENFORCER);
        assert.ok(own, "the ops plan holds the component's permission");
        edit(own.inputs);
        edit(own.outputs);
    };
    const unwired = (edit: (side: Record<string, unknown>) => void) => {
        const run = verify(editedPlan(plan, "ops", (d) => ownPermission(d, edit)));
        assert.strictEqual(run.code, 1, run.stderr);
        assert.ok(run.report.violations.some((v: any) => v.code === "BT-OPS-QUOTA-WIRING" && v.resource === "quota-enforcer-alarms" && /no Lambda permission lets events\.amazonaws\.com invoke the quota enforcer/.test(v.why)), run.stderr);
    };

    it("finds the enforcer uninvokable when EventBridge's permission is on the function of its name in another Region", () =>
        unwired((side) => (side.region = "eu-west-1")));

    it("finds the enforcer uninvokable when EventBridge's permission sets no Region while the function sets one", () =>
        unwired((side) => delete side.region));

    it("finds the enforcer uninvokable when EventBridge's permission is in another Region and the function's Region is not in the file", () => {
        const run = verify(editedPlan(plan, "ops", (d) => {
            const fn = d.deployment.resources.find((r) => r.type === "aws:lambda/function:Function" && r.inputs.name === ENFORCER);
            assert.ok(fn, "the ops plan holds the enforcer's function");
            delete fn.inputs.region;
            delete fn.outputs.region;
            delete fn.outputs.arn;
            ownPermission(d, (side) => (side.region = "eu-west-1"));
        }));
        assert.strictEqual(run.code, 1, run.stderr);
        assert.ok(run.report.violations.some((v: any) => v.code === "BT-OPS-QUOTA-WIRING" && v.resource === "quota-enforcer-alarms" && /no Lambda permission lets events\.amazonaws\.com/.test(v.why)), run.stderr);
    });

    it("refuses EventBridge's permission from the component's rule on an alias of the enforcer", () => {
        const dir = editedPlan(plan, "ops", (d) => permission(d, "alias-invoke", { function: `${ENFORCER}:live`, principal: "events.amazonaws.com", sourceArn: OWN_RULE, sourceAccount: OPS }));
        assertRefused(dir, "alias-invoke", /events\.amazonaws\.com/, ESCALATION);
    });
});
