/**
 * An SNS topic's or SQS queue's own policy in the ops account: SNS and SQS
 * honour a grant there to a principal of the account with no identity
 * policy beside it, so one that lets a principal subscribe an endpoint or
 * re-point the topic is a path out (BT-OPS-EGRESS), as the identity-policy
 * form of the same grant is. AWS's default topic policy, `*` held to the
 * requests a service makes for the account, grants no principal anything.
 */
import * as assert from "assert";
import { addResource, editedPlan, shippedPlan, verify, type StackDoc } from "../support/plan-files";

const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const WARNINGS = "arn:aws:sns:us-east-1:999999999999:BedrockTenancyQuota-customer-a-warnings";

function addTopicPolicy(doc: StackDoc, statement: Record<string, unknown>): void {
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Resource: WARNINGS, ...statement }] });
    addResource(doc, TOPIC_POLICY, "warnings-policy", { arn: WARNINGS, policy }, { id: WARNINGS, outputs: { arn: WARNINGS, policy } });
}

describe("the ops account's topics by their own policies", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const run = (statement: Record<string, unknown>) => verify(editedPlan(plan, "ops", (d) => addTopicPolicy(d, statement)));

    it("finds a topic policy that lets an ops user subscribe any endpoint to a tenant's quota warnings", () => {
        const result = run({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:user/dev" }, Action: ["sns:Subscribe", "sns:SetTopicAttributes"] });
        assert.strictEqual(result.code, 1, result.stderr);
        assert.ok(
            result.report.violations.some((v: any) => v.code === "BT-OPS-EGRESS" && v.resource === "warnings-policy" && /lets arn:aws:iam::999999999999:user\/dev sns:Subscribe, sns:SetTopicAttributes by its own policy/.test(v.why)),
            JSON.stringify(result.report.violations.map((v: any) => [v.code, v.resource, v.why])),
        );
    });

    it("finds one that lets every principal of the account subscribe", () => {
        const result = run({ Effect: "Allow", Principal: "*", Action: "sns:Subscribe", Condition: { StringEquals: { "aws:PrincipalAccount": "999999999999" } } });
        assert.strictEqual(result.code, 1, result.stderr);
        assert.ok(result.report.violations.some((v: any) => v.code === "BT-OPS-EGRESS" && /every principal \(Principal "\*"\) sns:Subscribe/.test(v.why)));
    });

    it("accepts AWS's default topic policy, which holds * to the requests a service makes for the account", () => {
        const result = run({ Effect: "Allow", Principal: { AWS: "*" }, Action: ["SNS:Subscribe", "SNS:SetTopicAttributes", "SNS:Publish"], Condition: { StringEquals: { "AWS:SourceOwner": "999999999999" } } });
        assert.strictEqual(result.code, 0, JSON.stringify(result.report?.violations?.map((v: any) => [v.code, v.resource, v.why])));
    });
});
