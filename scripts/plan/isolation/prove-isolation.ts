import type { StackPlan } from "../run-plan";
import type { AccessCheck, Tenant } from "./access-matrix";
import { keyChecks, structuralFindings } from "./account-checks";
import { readEntitlements } from "./entitlements";
import { plannedRoles, type PlannedRole } from "./planned-iam";
import { runTenantChecksInParallel } from "./tenant-checks";
import { OPS_ROLE_PREFIX, RUNTIME_ROLE_PREFIX } from "../../../contract/naming";

export interface IsolationResult {
    tenants: Tenant[];
    checks: AccessCheck[];
    /** Each refused-but-expected or allowed-but-forbidden request, and each structural finding. */
    violations: string[];
    facts: string[];
    durationMs: number;
}

export interface ProofOptions {
    /** Other tenants each tenant is tried against; all when undefined. */
    sample?: number;
}

/** Proves, on the planned policies, that no tenant can reach another's role, models or key. */
export async function proveIsolation(plans: StackPlan[], options: ProofOptions): Promise<IsolationResult> {
    const started = performance.now();
    const ops = plans.filter((p) => p.kind === "ops");
    if (ops.length !== 1) throw new Error(`the isolation proof needs exactly one ops stack in the plan, got ${ops.length}`);
    const customers = plans.filter((p) => p.kind === "customer");
    const tenantsOutput = (ops[0].outputs.tenants ?? {}) as Record<string, Omit<Tenant, "id">>;
    const tenants: Tenant[] = Object.entries(tenantsOutput).map(([id, t]) => ({ id, ...t }));

    const roles = plans.flatMap((p) => plannedRoles(p.stack, p.account, p.resources));
    const opsRoles = new Map(roles.filter((r) => r.stack === ops[0].stack && r.name.startsWith(OPS_ROLE_PREFIX)).map((r) => [r.arn, r]));
    const runtimeRoles = new Map<string, PlannedRole>();
    for (const r of roles.filter((x) => x.name.startsWith(RUNTIME_ROLE_PREFIX))) {
        runtimeRoles.set(r.name.slice(RUNTIME_ROLE_PREFIX.length), r);
    }

    const checks = [
        ...(await runTenantChecksInParallel({
            tenants,
            targets: tenants.map((t) => t.id),
            opsRoles: [...opsRoles],
            runtimeRoles: [...runtimeRoles],
            entitlements: [...readEntitlements(ops[0], tenants)],
            opsAccount: ops[0].account,
            sample: options.sample,
        })),
        ...(await keyChecks(customers, ops[0].account)),
    ];
    const structural = structuralFindings(plans, roles);
    const violations = [
        ...sharedAccounts(tenants),
        ...checks.filter((c) => (c.decision === "Allowed") !== (c.expected === "allow")).map(describeViolation),
        ...structural.violations,
    ];
    return { tenants, checks, violations, facts: structural.facts, durationMs: performance.now() - started };
}

function describeViolation(c: AccessCheck): string {
    if (c.expected === "allow") {
        return `expected access missing: ${c.principalLabel} (${c.principal}) is refused ${c.request} on ${c.target} (${c.decision})`;
    }
    return c.request.startsWith("bedrock:")
        ? `access beyond the tenant's grant: ${c.principalLabel}'s role is allowed ${c.request} on ${c.target}`
        : `cross-tenant access: ${c.principalLabel} (${c.principal}) is allowed ${c.request} on ${c.target}'s ${c.request.startsWith("kms:") ? "key" : "role"}`;
}

/** An account trusted by two tenants lets either tenant's owner act as the other. */
function sharedAccounts(tenants: Tenant[]): string[] {
    const owners = new Map<string, string[]>();
    for (const t of tenants) for (const a of t.accounts) owners.set(a, [...(owners.get(a) ?? []), t.id]);
    return [...owners].filter(([, ids]) => ids.length > 1).map(([a, ids]) => `account ${a} is trusted by more than one tenant: ${ids.join(", ")}`);
}
