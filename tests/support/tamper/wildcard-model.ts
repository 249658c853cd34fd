import type { StackPlan } from "../../../scripts/plan/run-plan";

/** Widens customer-b's permissions to every model, as a hand-edited policy might. */
export function tamper(plans: StackPlan[]): void {
    const policy = plans.find((p) => p.stack === "ops")!.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === "BedrockTenantAccess-customer-b")!;
    policy.inputs.policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], Resource: "*" }],
    });
}
