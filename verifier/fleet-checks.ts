/**
 * Checks across the whole fleet, by hashing: the contract's fleet rules (the
 * same function the ops program runs at preview), and that no customer
 * account, principal, application profile or resource name belongs to two
 * tenants. One pass over the tenants; no pairwise comparison.
 */
import { BEDROCK_TENANT_ACCESS_TYPE, fleetProblems, tenantIdProblem } from "../contract";
import { resourcesByUrn, type StackResource, type StackState } from "./pulumi-formats";
import { violation, type Code, type Violation } from "./findings";
import { prop, type TenantProof } from "./tenant-proof";

const PROFILE_TYPE = "aws:bedrock/inferenceProfile:InferenceProfile";
/** Types whose physical names belong to one tenant, each with how a finding names it. */
const NAMED_TYPES: ReadonlyMap<string, string> = new Map(["aws:iam/role:Role", PROFILE_TYPE, "aws:budgets/budget:Budget"].map((t) => [t, t.split(":").pop()!]));

export function fleetViolations(proofs: TenantProof[], states: StackState[]): Violation[] {
    const violations: Violation[] = [];
    const fleet = (statement: string, why: string, tenant = "(fleet)", resource = "-", code: Code = "BT-FLEET-RULE") => violations.push(violation(code, { tenant, stack: "-", resource }, statement, why));

    const members = proofs.map((p) => ({ id: p.intent.tenantId, accounts: p.intent.accounts, models: p.intent.models }));
    const badIds = members.map((m, i) => tenantIdProblem(`tenant ${i + 1}`, m.id)).filter((p): p is string => p !== undefined);
    badIds.forEach((p) => fleet("tenant id", p));
    // Named by where each tenant is planned: two entries of one id differ only there.
    const entry = (i: number) => `the BedrockTenantAccess ${proofs[i].intent.urn.split("::").pop()} of stack ${proofs[i].intent.stack}`;
    if (badIds.length === 0) fleetProblems(members, entry).forEach((p) => fleet("fleet rule", p));

    const owners = {
        account: new Map<string, string>(),
        principal: new Map<string, string>(),
        profile: new Map<string, string>(),
        name: new Map<string, string>(),
    };
    const claim = (kind: keyof typeof owners, key: string, tenant: string, what: string) => {
        const first = owners[kind].get(key);
        if (first === undefined) owners[kind].set(key, tenant);
        else if (first !== tenant) fleet(kind, `${what} ${key} belongs to both ${first} and ${tenant}${inStacks(first, tenant)}`, tenant, "-", "BT-FLEET-SHARED");
    };
    // A fleet spread over shards has one ops stack per shard: a breach between two shards names both.
    const stackOf = new Map(proofs.map((p) => [p.intent.tenantId, p.intent.stack]));
    const inStacks = (a: string, b: string) => (stackOf.get(a) !== stackOf.get(b) ? ` (ops stacks ${stackOf.get(a)} and ${stackOf.get(b)})` : "");
    // A customer account that is an ops account would keep that tenant's records where the fleet's operators work.
    const opsAccounts = new Set(proofs.map((x) => x.intent.opsAccount));
    for (const p of proofs) {
        const t = p.intent.tenantId;
        for (const a of p.intent.accounts) if (opsAccounts.has(a)) fleet("accounts", `tenant ${t} lists account ${a}, an ops account of the fleet, as a customer account: its audit log would rest in the ops account`, t);
        new Set(p.intent.accounts).forEach((a) => claim("account", a, t, "customer account"));
        new Set(p.trust.pairs.map((x) => x.principal)).forEach((x) => claim("principal", x, t, "principal"));
        new Set(Object.values(p.intent.inferenceProfileArns)).forEach((x) => claim("profile", x, t, "application inference profile"));
    }
    // Physical names of what each tenant's component owns: two equal names would be one resource in AWS.
    const ownerOfComponent = new Map(proofs.map((p) => [p.intent.urn, p.intent.tenantId]));
    for (const state of states) {
        const components = new Set(state.resources.filter((r) => r.type === BEDROCK_TENANT_ACCESS_TYPE).map((r) => r.urn));
        for (const r of state.resources) {
            const label = NAMED_TYPES.get(r.type);
            if (label === undefined || !r.parent || !components.has(r.parent)) continue;
            const name = prop(r, "name");
            const tenant = ownerOfComponent.get(r.parent);
            if (typeof name === "string" && tenant) claim("name", `${label} ${name}`, tenant, "resource name");
        }
    }
    // Spend is attributed by the profile's tenant tag: a profile tagged with another tenant's id bills that tenant, and its own cap never fires.
    const tenantIds = new Set(proofs.map((p) => p.intent.tenantId));
    for (const state of states) {
        const byUrn = resourcesByUrn(state);
        const tenantOf = (r: StackResource): string | undefined => {
            for (let at = r.parent, hops = 0; at !== undefined && hops < 64; hops++) {
                const owner = ownerOfComponent.get(at);
                if (owner !== undefined) return owner;
                at = byUrn.get(at)?.parent;
            }
            return undefined;
        };
        for (const r of state.resources) {
            if (r.type !== PROFILE_TYPE) continue;
            const tags = prop(r, "tags");
            if (typeof tags !== "object" || tags === null) continue;
            const arn = prop(r, "arn");
            const owner = (typeof arn === "string" ? owners.profile.get(arn) : undefined) ?? tenantOf(r);
            for (const [key, value] of Object.entries(tags as Record<string, unknown>)) {
                if (typeof value === "string" && tenantIds.has(value) && value !== owner) {
                    violations.push(violation("BT-TENANT-METERING", { tenant: value, stack: state.stack, resource: r.name, urn: r.urn }, `tags.${key}`,
                        `the application inference profile of ${owner ?? "no tenant"} is tagged ${key}=${value}: its spend would count against ${value}'s budget and cost cap`));
                }
            }
        }
    }
    // A grant on another tenant's profile bills that tenant and reaches its configuration.
    for (const p of proofs) {
        for (const g of p.permissions.grants) {
            const owner = owners.profile.get(g.resource);
            if (owner !== undefined && owner !== p.intent.tenantId) {
                violations.push(violation("BT-FLEET-SHARED", { tenant: p.intent.tenantId, stack: p.intent.stack, resource: p.intent.roleName }, `${g.policy} ${g.statement}`, `allows ${g.action} on ${owner}'s application inference profile ${g.resource}`));
            }
        }
    }
    return violations;
}
