import type * as aws from "@pulumi/aws";
import { evaluate } from "../../lib/iam-evaluator";
import type { StackPlan } from "../run-plan";
import { unwrapSecrets } from "../secrets";
import type { AccessCheck } from "./access-matrix";
import { INVOCATION_LOGGING, KMS_KEY, LOG_GROUP, parsePolicy, policySize, type PlannedRole } from "./planned-iam";

/** IAM's default quotas (aws-facts.md); the trust-policy quota can be raised to 4,096. */
export const IAM_QUOTAS = { trustPolicy: 2048, inlinePoliciesPerRole: 10240 } as const;

/** An administrator in the ops account, the most a principal there could hold. */
const OPS_ADMIN_POLICY: aws.iam.PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
};

const KEY_USE_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:CreateGrant"];

/** The ops account may use no customer key: its root and an administrator role are both refused. */
export async function keyChecks(customers: StackPlan[], opsAccount: string): Promise<AccessCheck[]> {
    const checks: AccessCheck[] = [];
    for (const plan of customers) {
        for (const key of plan.resources.filter((r) => r.type === KMS_KEY)) {
            const region = String(unwrapSecrets(key.inputs.region) ?? "us-east-1");
            const keyArn = `arn:aws:kms:${region}:${plan.account}:key/${key.name}-id`;
            const policy = parsePolicy(key.inputs.policy, `${plan.stack}: ${key.name}.policy`);
            for (const principal of [`arn:aws:iam::${opsAccount}:root`, `arn:aws:iam::${opsAccount}:role/OpsAdministrator`]) {
                for (const action of KEY_USE_ACTIONS) {
                    const decision = await evaluate({ principal, action, resource: keyArn, resourceAccount: plan.account, identityPolicies: [OPS_ADMIN_POLICY], resourcePolicy: policy });
                    checks.push({ principal, principalLabel: "ops account", target: `${plan.stack} key`, request: action, decision, expected: "deny" });
                }
            }
        }
    }
    return checks;
}

/** Findings that are not requests: encryption, logging configuration, policy sizes. */
export function structuralFindings(plans: StackPlan[], roles: PlannedRole[]): { violations: string[]; facts: string[] } {
    const violations: string[] = [];
    const facts: string[] = [];
    for (const plan of plans) {
        for (const r of plan.resources.filter((x) => x.type === INVOCATION_LOGGING)) {
            violations.push(`stack ${plan.stack} configures Bedrock invocation logging (${r.name}): prompts would rest in account ${plan.account}`);
        }
        const keys = plan.resources.filter((x) => x.type === KMS_KEY).map((k) => `${k.name}-id`);
        for (const group of plan.resources.filter((x) => x.type === LOG_GROUP)) {
            const kmsKeyId = unwrapSecrets(group.inputs.kmsKeyId);
            const own = typeof kmsKeyId === "string" && (keys.some((k) => kmsKeyId.endsWith(`:key/${k}`)) || kmsKeyId.includes(`:${plan.account}:key/`));
            if (!own) violations.push(`log group ${group.name} in stack ${plan.stack} is not encrypted with a key of account ${plan.account} (kmsKeyId ${JSON.stringify(kmsKeyId)})`);
            else facts.push(`log group ${group.name} (${plan.stack}) is encrypted with a customer key`);
        }
    }
    for (const role of roles) {
        const trust = policySize(role.trustPolicy);
        const inline = role.inlinePolicyTexts.reduce((n, t) => n + t.length, 0);
        if (trust > IAM_QUOTAS.trustPolicy) violations.push(`role ${role.name} (${role.stack}): trust policy is ${trust} characters, over IAM's default ${IAM_QUOTAS.trustPolicy}`);
        if (inline > IAM_QUOTAS.inlinePoliciesPerRole) violations.push(`role ${role.name} (${role.stack}): inline policies total ${inline} characters, over IAM's ${IAM_QUOTAS.inlinePoliciesPerRole}`);
    }
    return { violations, facts };
}
