import type { StackPlan } from "../../../scripts/plan/run-plan";

/** Removes the ExternalId condition from customer-a's trust policy, as a faulty change to the builder would. */
export function tamper(plans: StackPlan[]): void {
    const role = plans.find((p) => p.stack === "ops")!.resources.find((r) => r.type === "aws:iam/role:Role" && r.inputs.name === "BedrockTenantAccess-customer-a")!;
    const raw = role.inputs.assumeRolePolicy;
    const trust = typeof raw === "string" ? JSON.parse(raw) : raw;
    for (const statement of trust.Statement) {
        delete statement.Condition?.StringEquals?.["sts:ExternalId"];
    }
    role.inputs.assumeRolePolicy = trust;
}
