import { CROSS_REGION_PROFILE_PREFIX } from "../../../contract";
import { evaluate } from "../../lib/iam-evaluator";
import type { AccessCheck, Tenant } from "./access-matrix";
import type { PlannedRole } from "./planned-iam";

/** What the ops config says a tenant may use, independent of the policy built from it. */
export interface TenantEntitlement {
    regions: string[];
    /** `arn:aws:bedrock:R:A:guardrail/ID:VERSION` when calls must carry that guardrail. */
    guardrailIdentifier?: string;
}

const INVOKE = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];
/** A model no example tenant is granted; always expected to be refused unless allowed. */
export const PROBE_MODEL = "amazon.titan-text-express-v1";
/** Regions probed for refusal when the tenant is not entitled to them. */
const PROBE_REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];

/**
 * For each tenant role: every allowed model in its home Region (through its
 * application inference profile when it has one, and then never directly;
 * directly otherwise) must be allowed; other models,
 * other Regions and, with a guardrail, calls without it must be refused.
 */
export async function modelChecks(
    tenants: Tenant[],
    entitlements: Map<string, TenantEntitlement>,
    opsRoles: Map<string, PlannedRole>,
    opsAccount: string,
    targets: ReadonlySet<string> = new Set(tenants.map((t) => t.id)),
): Promise<AccessCheck[]> {
    const checks: AccessCheck[] = [];
    // Other tenants' models are the likeliest to leak across a shared policy builder.
    const refusedProbes = [...new Set([PROBE_MODEL, ...tenants.flatMap((t) => t.allowedModels)])];
    for (const tenant of tenants.filter((t) => targets.has(t.id))) {
        const role = opsRoles.get(tenant.roleArn)!;
        const entitlement = entitlements.get(tenant.id);
        if (!entitlement) throw new Error(`ops config has no entry for tenant ${tenant.id}`);
        const guard: Record<string, string> = entitlement.guardrailIdentifier ? { "bedrock:GuardrailIdentifier": entitlement.guardrailIdentifier } : {};
        const run = async (resource: string, region: string, context: Record<string, string>, expected: "allow" | "deny", what: string) => {
            for (const action of INVOKE) {
                const decision = await evaluate({
                    principal: role.arn,
                    action,
                    resource,
                    resourceAccount: opsAccount,
                    identityPolicies: role.identityPolicies,
                    context: { "aws:RequestedRegion": region, ...context },
                });
                checks.push({ principal: role.arn, principalLabel: tenant.id, target: what, request: `${action} in ${region}`, decision, expected });
            }
        };
        const home = tenant.region;
        for (const model of tenant.allowedModels) {
            const arn = modelArn(model, home, opsAccount);
            // With an application profile (cost attribution on) that profile is the only way in: metering cannot be skipped.
            const profile = tenant.inferenceProfileArns?.[model];
            const via: Record<string, string> = profile ? { "bedrock:InferenceProfileArn": profile } : {};
            await run(arn, home, { ...guard, ...via }, "allow", profile ? `${model} through its application inference profile` : model);
            if (profile) await run(arn, home, guard, "deny", `${model} called directly, skipping its application inference profile`);
            if (CROSS_REGION_PROFILE_PREFIX.test(model)) {
                // Cross-Region inference lands on the foundation model in a destination Region:
                // allowed through the profile, refused when called directly there.
                const foundation = model.slice(model.indexOf(".") + 1);
                for (const region of entitlement.regions.filter((r) => r !== home)) {
                    const target = modelArn(foundation, region, opsAccount);
                    await run(target, region, { ...guard, "bedrock:InferenceProfileArn": profile ?? arn }, "allow", `${foundation} through ${profile ? "its application profile of " : ""}${model}`);
                    if (profile) await run(target, region, { ...guard, "bedrock:InferenceProfileArn": arn }, "deny", `${foundation} through ${model}, skipping its application inference profile`);
                    if (!tenant.allowedModels.includes(foundation)) {
                        await run(target, region, guard, "deny", `${foundation} called directly`);
                    }
                }
            }
            if (profile) await run(profile, home, guard, "allow", `${model} via its application inference profile`);
            for (const region of PROBE_REGIONS.filter((r) => !entitlement.regions.includes(r))) {
                await run(modelArn(model, region, opsAccount), region, guard, "deny", `${model} outside allowed Regions`);
            }
            if (entitlement.guardrailIdentifier) {
                await run(arn, home, via, "deny", `${model} without the guardrail`);
            }
        }
        for (const model of refusedProbes) {
            if (!tenant.allowedModels.includes(model)) {
                await run(modelArn(model, home, opsAccount), home, guard, "deny", `${model} (not allowed)`);
            }
        }
    }
    return checks;
}

function modelArn(model: string, region: string, account: string): string {
    return CROSS_REGION_PROFILE_PREFIX.test(model)
        ? `arn:aws:bedrock:${region}:${account}:inference-profile/${model}`
        : `arn:aws:bedrock:${region}::foundation-model/${model}`;
}
