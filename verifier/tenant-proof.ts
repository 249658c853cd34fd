/**
 * One tenant's proof: its role's trust, identity policies (however they are
 * attached) and permissions boundary reduced to normal forms, each compared
 * with the tenant's intent. Linear in the size of the tenant's own policies.
 */
import { meteringProblems, parseArn, PARTITION } from "../contract";
import { entitlementsOf, intendedCallers } from "./entitlements";
import { violation, type Code, type Violation } from "./findings";
import type { AccountIam, IamPrincipal } from "./iam-graph";
import type { TenantIntent } from "./intent";
import { INVOKE_ACTIONS, reducePermissions, type Grant, type PermissionsNormalForm } from "./permissions-reducer";
import { reduceTrustPolicy, type TrustNormalForm } from "./trust-reducer";

import { jsonValue, UNKNOWN_VALUE } from "./pulumi-formats";
export { prop } from "./pulumi-formats";
export type { Violation } from "./findings";

export interface TenantProof {
    intent: TenantIntent;
    trust: TrustNormalForm;
    permissions: PermissionsNormalForm;
    /** The boundary's normal form, when the role has one in the files. */
    boundary?: PermissionsNormalForm;
    /** The documents as found, for an independent evaluator to decide the same requests. */
    documents: { trust: unknown; permissions: unknown[]; boundary?: unknown };
    violations: Violation[];
}

/** Every tenant role must carry a permissions boundary capping it at its entitlement. */
export const BOUNDARY_REQUIRED = true;

type Flag = (code: Code, resource: string, statement: string, why: string) => void;

export function proveTenant(intent: TenantIntent, found: IamPrincipal | undefined, iam: AccountIam | undefined): TenantProof {
    const violations: Violation[] = [];
    const flag: Flag = (code, resource, statement, why) => violations.push(violation(code, { tenant: intent.tenantId, stack: intent.stack, resource, urn: found?.resource.urn }, statement, why));
    if (!found) {
        flag("BT-TENANT-ROLE-MISSING", intent.roleName, "-", `the stack has no role named ${intent.roleName}`);
        return { intent, trust: { pairs: [], findings: [], narrowing: [] }, permissions: { grants: [], requiredGuardrails: [], meteringProfiles: [], narrowing: [], findings: [] }, documents: { trust: undefined, permissions: [] }, violations };
    }
    const roleLabel = found.resource.name;
    for (const why of roleIdentityProblems(intent, found)) flag("BT-TENANT-ROLE-MISSING", roleLabel, "-", why);
    const inFiles = found.policies.filter((p) => p.document !== undefined);
    for (const p of found.policies.filter((x) => x.document === undefined)) {
        flag("BT-TENANT-POLICY-NOT-IN-FILES", p.resource.name, "-", `attaches ${p.name} to the tenant role; its document is not in the files, so what it grants cannot be proved`);
    }
    const documents: TenantProof["documents"] = { trust: found.trust, permissions: inFiles.map((p) => p.document) };

    const trust = reduceTrustPolicy(found.trust, { tenantId: intent.tenantId });
    for (const f of trust.findings) flag("BT-TENANT-TRUST", roleLabel, f.statement, f.why);
    const callers = intendedCallers(intent);
    for (const pair of trust.pairs) {
        if (!callers.includes(pair.principal)) flag("BT-TENANT-TRUST", roleLabel, pair.statement, `admits ${pair.principal}, which is not the tenant's runtime role in one of its accounts (${intent.accounts.join(", ")})`);
        else if (pair.externalId !== intent.externalId) flag("BT-TENANT-TRUST", roleLabel, pair.statement, `admits ${pair.principal} with an ExternalId other than the tenant's`);
    }
    for (const caller of callers) {
        if (!trust.pairs.some((p) => p.principal === caller && p.externalId === intent.externalId)) flag("BT-TENANT-TRUST-MISSING", roleLabel, "-", `does not admit the tenant's own runtime role ${caller} with its ExternalId`);
    }

    const permissions = reducePermissions(inFiles.map((p) => ({ name: p.resource.name, document: p.document })));
    for (const f of permissions.findings) flag(f.surface ? "BT-TENANT-SURFACE" : "BT-TENANT-PERMISSIONS", roleLabel, f.statement, f.why);
    comparePermissions(intent, permissions, flag);
    const own = Object.values(intent.inferenceProfileArns);
    if (own.length > 0) {
        for (const p of inFiles) {
            const parsed = jsonValue(p.document) ?? p.document;
            for (const why of meteringProblems(parsed, own)) flag("BT-TENANT-METERING", p.resource.name, "-", why);
        }
    }

    let boundary: PermissionsNormalForm | undefined;
    if (found.boundaryArn === undefined) {
        if (BOUNDARY_REQUIRED) flag("BT-TENANT-BOUNDARY", roleLabel, "permissionsBoundary", "has no permissions boundary: a policy put on the role at run time could widen it");
    } else {
        const policy = iam?.policies.get(found.boundaryArn.toLowerCase());
        if (!policy) flag("BT-TENANT-BOUNDARY", roleLabel, "permissionsBoundary", `has the boundary ${found.boundaryArn}, which is not in the files: what it caps cannot be proved`);
        else {
            documents.boundary = policy.inputs.policy ?? policy.outputs.policy;
            boundary = reducePermissions([{ name: policy.name, document: documents.boundary }]);
            for (const f of boundary.findings) flag("BT-TENANT-BOUNDARY", policy.name, f.statement, `the boundary ${f.why.replace(/^the permissions policy /, "")}`);
            comparePermissions(intent, boundary, (code, resource, statement, why) => flag(code === "BT-TENANT-PATH-CLOSED" ? code : "BT-TENANT-BOUNDARY", resource, statement, `the boundary ${why}`));
        }
    }
    return { intent, trust, permissions, boundary, documents, violations };
}

/**
 * The role the tenant's component names (its `roleArn` and `opsAccount`,
 * which the customer side assumes) must be the role found under its name:
 * a role of another account, or of another name, is one the files do not
 * hold, and what it allows is not proved. A role whose ARN is not known
 * until the update is held to the stack's account where the proof reads it.
 */
function roleIdentityProblems(intent: TenantIntent, found: IamPrincipal): string[] {
    const out: string[] = [];
    const named = parseArn(intent.roleArn);
    if (!named || named.partition !== PARTITION || named.service !== "iam" || named.account !== intent.opsAccount || !named.resource.startsWith("role/") || named.resource.split("/").pop() !== intent.roleName) {
        out.push(`its component says the tenant's role is ${intent.roleArn}, which is not role ${intent.roleName} of its ops account ${intent.opsAccount}: the tenant's runtime would assume a role the files do not hold`);
    }
    if (found.arn !== UNKNOWN_VALUE && found.arn !== intent.roleArn) {
        out.push(`its component says the tenant's role is ${intent.roleArn} (ops account ${intent.opsAccount}), but the role ${intent.roleName} of the files is ${found.arn}: the tenant's runtime would assume a role the files do not hold, whose permissions are not proved`);
    }
    return out;
}

/** Whether every item of `list` is in `set` (a hole in a list built in code is no item, as `some` and `filter` read it). */
function within(list: readonly string[], set: ReadonlySet<string>): boolean {
    for (let i = 0; i < list.length; i++) if (i in list && !set.has(list[i])) return false;
    return true;
}

/** Whether a grant allows `action` on `resource` in `region`. */
function granted(grants: readonly Grant[], action: string, resource: string, region: string): boolean {
    for (const g of grants) if (g.action === action && g.resource === resource && g.regions.includes(region)) return true;
    return false;
}

function comparePermissions(intent: TenantIntent, form: PermissionsNormalForm, flag: Flag): void {
    const entitled = entitlementsOf(intent);
    const regions = new Set(intent.regions);
    // Every grant of every tenant is compared, and nearly all pass: what a finding names is built for a finding only.
    const where = (g: Grant) => `${g.policy} ${g.statement}`;
    for (const g of form.grants) {
        const e = entitled.get(g.resource);
        let outside: string[] | undefined;
        for (let i = 0; i < g.regions.length; i++) if (i in g.regions && !regions.has(g.regions[i])) (outside ??= []).push(g.regions[i]);
        if (!e) flag("BT-TENANT-PERMISSIONS", intent.roleName, where(g), `allows ${g.action} on ${g.resource}, which the tenant is not entitled to`);
        else if (e.via && (g.via === undefined || !within(g.via, e.via))) {
            flag("BT-TENANT-METERING", intent.roleName, where(g), `allows ${g.action} on ${g.resource} ${g.via ? `through ${g.via.filter((v) => !e.via!.has(v)).join(", ")}` : "directly"}; the tenant is entitled to it only through its own profiles`);
        }
        if (outside !== undefined) flag("BT-TENANT-PERMISSIONS", intent.roleName, where(g), `allows ${g.action} in ${outside.join(", ")}, Regions the tenant is not entitled to (${intent.regions.join(", ")})`);
        if (intent.guardrailIdentifier && g.guardrail !== intent.guardrailIdentifier) flag("BT-TENANT-GUARDRAIL", intent.roleName, where(g), `allows ${g.action} on ${g.resource} without the tenant's guardrail`);
    }
    // With cost attribution on, every call must go through the tenant's own profiles (metering that cannot be skipped).
    const own = Object.values(intent.inferenceProfileArns);
    if (own.length > 0) {
        const sameSet = (list: string[]) => list.length === own.length && own.every((p) => list.includes(p));
        if (!form.meteringProfiles.some(sameSet)) {
            flag("BT-TENANT-METERING", intent.roleName, "-", `has no Deny of model calls outside the tenant's own application profiles (${own.join(", ")})`);
        }
    }
    if (intent.guardrailIdentifier && !form.requiredGuardrails.includes(intent.guardrailIdentifier)) {
        flag("BT-TENANT-GUARDRAIL", intent.roleName, "-", "has no Deny of calls without the tenant's guardrail");
    }
    for (const e of entitled.values()) {
        if (!e.required) continue;
        // Called in the resource's own Region (the destination Region under cross-Region inference);
        // a new application profile, its ARN unknown at preview, is created in the tenant's home Region.
        const region = parseArn(e.resource)?.region ?? intent.region;
        for (const action of INVOKE_ACTIONS) {
            if (!granted(form.grants, action, e.resource, region)) flag("BT-TENANT-PATH-CLOSED", intent.roleName, "-", `does not allow ${action} on ${e.what} (${e.resource}), which the tenant is entitled to`);
        }
    }
}
