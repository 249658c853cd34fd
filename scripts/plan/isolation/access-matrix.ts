import type * as aws from "@pulumi/aws";
import { evaluate, type Decision } from "../../lib/iam-evaluator";
import type { TenantExport } from "../../../stacks/stack-outputs";
import type { PlannedRole } from "./planned-iam";

/** Who asked, for what, what the evaluator decided, and what isolation requires. */
export interface AccessCheck {
    principal: string;
    /** Row label in the report: the tenant the principal belongs to, or a control. */
    principalLabel: string;
    target: string;
    request: string;
    decision: Decision;
    expected: "allow" | "deny";
}

export interface Tenant extends TenantExport {
    id: string;
}

const ASSUME = "sts:AssumeRole";
const WRONG_EXTERNAL_ID = "wrong-external-id";

/**
 * What a customer could attach to any role in its own account: the customer
 * controls its IAM, so isolation must hold on the ops trust policy alone.
 */
const CUSTOMER_CONTROLLED_POLICY: aws.iam.PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "sts:*", Resource: "*" }],
};

interface Caller {
    label: string;
    arn: string;
    identityPolicies: aws.iam.PolicyDocument[];
}

/**
 * Every caller against every tenant role, each with the target's real
 * ExternalId (the strongest attacker). `sample` caps how many other tenants
 * each tenant is tried against (all when undefined); `targets` limits which
 * tenants' roles are tried (all by default).
 */
export async function assumeRoleMatrix(
    tenants: Tenant[],
    opsRoles: Map<string, PlannedRole>,
    plannedRuntimeRoles: Map<string, PlannedRole>,
    sample?: number,
    targets: ReadonlySet<string> = new Set(tenants.map((t) => t.id)),
): Promise<AccessCheck[]> {
    const checks: AccessCheck[] = [];
    for (const [i, target] of tenants.entries()) {
        if (!targets.has(target.id)) continue;
        const role = opsRoles.get(target.roleArn);
        if (!role) throw new Error(`tenant ${target.id}: the plan has no role ${target.roleArn}`);
        for (const owner of [target, ...neighbours(tenants, i, sample)]) {
            const own = owner.id === target.id;
            for (const caller of callersOf(owner, plannedRuntimeRoles.get(owner.id))) {
                checks.push(await assume(caller, role, target, target.externalId, own ? "allow" : "deny"));
            }
            if (!own) {
                // The other tenant names a role in its own account like the target's runtime role.
                const impostor = {
                    label: `${owner.id}, role named like the target's runtime role`,
                    arn: `arn:aws:iam::${owner.accounts[0]}:role/${target.runtimeRoleName}`,
                    identityPolicies: [CUSTOMER_CONTROLLED_POLICY],
                };
                checks.push(await assume(impostor, role, target, target.externalId, "deny"));
            }
        }
        const runtime = callersOf(target, undefined)[0];
        checks.push(await assume({ ...runtime, label: "control: wrong ExternalId" }, role, target, WRONG_EXTERNAL_ID, "deny"));
        checks.push(await assume({ ...runtime, label: "control: no ExternalId" }, role, target, undefined, "deny"));
        const stranger = {
            label: "control: other role in the tenant's account",
            arn: `arn:aws:iam::${target.accounts[0]}:role/SomeOtherRole`,
            identityPolicies: [CUSTOMER_CONTROLLED_POLICY],
        };
        checks.push(await assume(stranger, role, target, target.externalId, "deny"));
    }
    return checks;
}

/** The tenant's runtime role in each of its accounts: as planned where its stack is in the plan. */
function callersOf(tenant: Tenant, planned: PlannedRole | undefined): Caller[] {
    return tenant.accounts.map((account) => {
        const arn = `arn:aws:iam::${account}:role/${tenant.runtimeRoleName}`;
        const identityPolicies = planned && planned.arn === arn ? planned.identityPolicies : [CUSTOMER_CONTROLLED_POLICY];
        return { label: tenant.id, arn, identityPolicies };
    });
}

/** The next `sample` tenants after `i`, wrapping around: deterministic, and every tenant is someone's neighbour. */
function neighbours(tenants: Tenant[], i: number, sample: number | undefined): Tenant[] {
    const count = Math.min(sample ?? tenants.length - 1, tenants.length - 1);
    return Array.from({ length: count }, (_, k) => tenants[(i + 1 + k) % tenants.length]);
}

async function assume(caller: Caller, role: PlannedRole, target: Tenant, externalId: string | undefined, expected: "allow" | "deny"): Promise<AccessCheck> {
    const decision = await evaluate({
        principal: caller.arn,
        action: ASSUME,
        resource: role.arn,
        resourceAccount: role.account,
        identityPolicies: caller.identityPolicies,
        resourcePolicy: role.trustPolicy,
        context: externalId === undefined ? {} : { "sts:ExternalId": externalId },
    });
    const idLabel = externalId === undefined ? "no ExternalId" : externalId === target.externalId ? `${target.id}'s ExternalId` : "a wrong ExternalId";
    return { principal: caller.arn, principalLabel: caller.label, target: target.id, request: `${ASSUME} with ${idLabel}`, decision, expected };
}
