/**
 * One tenant's proof: its role's trust and permissions reduced to normal
 * forms, each compared with the tenant's intent. Linear in the size of the
 * tenant's own policies.
 */
import { meteringProblems } from "../contract";
import { entitlementsOf, intendedCallers } from "./entitlements";
import type { TenantIntent } from "./intent";
import { reducePermissions, type PermissionsNormalForm } from "./permissions-reducer";
import type { StackResource } from "./pulumi-formats";
import { reduceTrustPolicy, type TrustNormalForm } from "./trust-reducer";

export interface Violation {
    tenant: string;
    stack: string;
    resource: string;
    statement: string;
    why: string;
}

export interface TenantRole {
    role: StackResource;
    /** Inline policies attached to the role, by resource name. */
    policies: StackResource[];
    /** Anything else attached to the role that the verifier cannot read. */
    attachments: StackResource[];
}

export interface TenantProof {
    intent: TenantIntent;
    trust: TrustNormalForm;
    permissions: PermissionsNormalForm;
    /** The documents as found, for an independent evaluator to decide the same requests. */
    documents: { trust: unknown; permissions: unknown[] };
    violations: Violation[];
}

export const ROLE_TYPE = "aws:iam/role:Role";
export const ROLE_POLICY_TYPE = "aws:iam/rolePolicy:RolePolicy";
export const ATTACHMENT_TYPES = ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment", "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive"];

/** An input as recorded, falling back to the output (a preview may hold only one of them). */
export function prop(r: StackResource, name: string): unknown {
    return r.inputs[name] ?? r.outputs[name];
}

export function proveTenant(intent: TenantIntent, found: TenantRole | undefined): TenantProof {
    const violations: Violation[] = [];
    const flag = (resource: string, statement: string, why: string) => violations.push({ tenant: intent.tenantId, stack: intent.stack, resource, statement, why });
    if (!found) {
        flag(intent.roleName, "-", `the stack has no role named ${intent.roleName}`);
        return { intent, trust: { pairs: [], findings: [] }, permissions: { grants: [], requiredGuardrails: [], meteringProfiles: [], findings: [] }, documents: { trust: undefined, permissions: [] }, violations };
    }
    const roleLabel = found.role.name;
    // Inputs only: a deployed role's outputs also list the policies attached by RolePolicy resources.
    for (const key of ["managedPolicyArns", "inlinePolicies"]) {
        const v = found.role.inputs[key];
        if (Array.isArray(v) && v.length > 0) flag(roleLabel, key, `the role carries ${key}, whose permissions the verifier cannot reduce`);
    }
    for (const a of found.attachments) flag(a.name, "-", `${a.type} attaches a policy to the tenant role; the verifier cannot reduce it`);

    const documents = { trust: prop(found.role, "assumeRolePolicy"), permissions: found.policies.map((p) => prop(p, "policy")) };
    const trust = reduceTrustPolicy(documents.trust);
    for (const f of trust.findings) flag(roleLabel, f.statement, f.why);
    const callers = intendedCallers(intent);
    for (const pair of trust.pairs) {
        if (!callers.includes(pair.principal)) flag(roleLabel, pair.statement, `admits ${pair.principal}, which is not the tenant's runtime role in one of its accounts (${intent.accounts.join(", ")})`);
        else if (pair.externalId !== intent.externalId) flag(roleLabel, pair.statement, `admits ${pair.principal} with an ExternalId other than the tenant's`);
    }
    for (const caller of callers) {
        if (!trust.pairs.some((p) => p.principal === caller && p.externalId === intent.externalId)) flag(roleLabel, "-", `does not admit the tenant's own runtime role ${caller} with its ExternalId`);
    }

    const permissions = reducePermissions(found.policies.map((p) => ({ name: p.name, document: prop(p, "policy") })));
    for (const f of permissions.findings) flag(roleLabel, f.statement, f.why);
    comparePermissions(intent, permissions, flag);
    const own = Object.values(intent.inferenceProfileArns);
    if (own.length > 0) {
        for (const [i, document] of documents.permissions.entries()) {
            const parsed = typeof document === "string" ? safeParse(document) : document;
            for (const why of meteringProblems(parsed, own)) flag(found.policies[i].name, "-", why);
        }
    }
    return { intent, trust, permissions, documents, violations };
}

function comparePermissions(intent: TenantIntent, form: PermissionsNormalForm, flag: (resource: string, statement: string, why: string) => void): void {
    const entitled = entitlementsOf(intent);
    const regions = new Set(intent.regions);
    for (const g of form.grants) {
        const where = `${g.policy} ${g.statement}`;
        const e = entitled.get(g.resource);
        const outside = g.regions.filter((r) => !regions.has(r));
        if (!e) flag(intent.roleName, where, `allows ${g.action} on ${g.resource}, which the tenant is not entitled to`);
        else if (e.via && (g.via === undefined || g.via.some((v) => !e.via!.has(v)))) {
            flag(intent.roleName, where, `allows ${g.action} on ${g.resource} ${g.via ? `through ${g.via.filter((v) => !e.via!.has(v)).join(", ")}` : "directly"}; the tenant is entitled to it only through its own profiles`);
        }
        if (outside.length > 0) flag(intent.roleName, where, `allows ${g.action} in ${outside.join(", ")}, Regions the tenant is not entitled to (${intent.regions.join(", ")})`);
        if (intent.guardrailIdentifier && g.guardrail !== intent.guardrailIdentifier) flag(intent.roleName, where, `allows ${g.action} on ${g.resource} without the tenant's guardrail`);
    }
    // With cost attribution on, every call must go through the tenant's own profiles (metering that cannot be skipped).
    const own = Object.values(intent.inferenceProfileArns);
    if (own.length > 0) {
        const sameSet = (list: string[]) => list.length === own.length && own.every((p) => list.includes(p));
        if (!form.meteringProfiles.some(sameSet)) {
            flag(intent.roleName, "-", `has no Deny of model calls outside the tenant's own application profiles (${own.join(", ")})`);
        }
    }
    if (intent.guardrailIdentifier && !form.requiredGuardrails.includes(intent.guardrailIdentifier)) {
        flag(intent.roleName, "-", "has no Deny of calls without the tenant's guardrail");
    }
    for (const e of entitled.values()) {
        if (!e.required) continue;
        for (const action of ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]) {
            // Called in the resource's own Region (the destination Region under cross-Region inference).
            const region = e.resource.split(":")[3];
            const ok = form.grants.some((g) => g.action === action && g.resource === e.resource && g.regions.includes(region));
            if (!ok) flag(intent.roleName, "-", `does not allow ${action} on ${e.what} (${e.resource}), which the tenant is entitled to`);
        }
    }
}

function safeParse(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
