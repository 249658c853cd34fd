/**
 * Rules over a whole fleet of tenants, not one tenant at a time: what the ops
 * program refuses at preview and what the isolation verifier rejects in a plan.
 * Both sides call these functions, so a fleet that previews is a fleet that
 * verifies. Linear in tenants (hash maps, no pairwise comparison).
 */
import { IAM_ROLE_NAME_MAX, applicationProfileName, opsRoleName, runtimeRoleName } from "./naming";
import { show } from "./validation";

/** What the fleet rules need to know of one tenant. */
export interface FleetMember {
    id: string;
    accounts: readonly string[];
    /** Model and profile ids; each gets an application inference profile named by `applicationProfileName`. */
    models?: readonly string[];
    /** The Region the tenant's application inference profiles are created in; without it the quota rule skips the member. */
    region?: string;
    /**
     * Application inference profiles the account may hold per Region (Service
     * Quotas L-40EC9882). Members of one Region may give different values: the
     * smallest applies, since they share the one account quota.
     */
    applicationProfileQuota?: number;
}

/**
 * One problem per broken rule; `where(i)` names entry i in messages (a config
 * key, an argument path) and `list` the whole list.
 */
export function fleetProblems(members: readonly FleetMember[], where: (index: number) => string = (i) => `tenants[${i}]`, list = "tenants"): string[] {
    const problems: string[] = [];
    const firstOwner = <K>(map: Map<K, number>, key: K, index: number): number | undefined => {
        const first = map.get(key);
        if (first === undefined) map.set(key, index);
        return first;
    };
    const ids = new Map<string, number>();
    const accounts = new Map<string, number>();
    const profileNames = new Map<string, number>();
    members.forEach((m, i) => {
        const first = firstOwner(ids, m.id, i);
        if (first !== undefined) {
            problems.push(`${where(i)} (${m.id}): the tenant id is already ${where(first)}'s; each tenant needs an id of its own`);
            return;
        }
        for (const role of [opsRoleName(m.id), runtimeRoleName(m.id)]) {
            if (role.length > IAM_ROLE_NAME_MAX) problems.push(`${where(i)}.id ${show(m.id)} makes the role name ${show(role)}, over IAM's ${IAM_ROLE_NAME_MAX} characters`);
        }
        for (const account of new Set(m.accounts)) {
            const owner = firstOwner(accounts, account, i);
            if (owner !== undefined) {
                problems.push(`${where(i)} (${m.id}) lists account ${account}, which ${where(owner)} (${members[owner].id}) already lists: an account belongs to one tenant, or its owner could act as either`);
            }
        }
        for (const model of new Set(m.models ?? [])) {
            const name = applicationProfileName(m.id, model);
            const owner = firstOwner(profileNames, name, i);
            if (owner !== undefined && owner !== i) {
                problems.push(`${where(i)} (${m.id}) and ${where(owner)} (${members[owner].id}) would both name an application inference profile ${show(name)}`);
            }
        }
    });
    problems.push(...profileQuotaProblems(members, list));
    return problems;
}

/**
 * Every tenant's application inference profiles live in the one ops account,
 * so their count per Region is capped by one account quota, whatever each
 * tenant's own count.
 */
function profileQuotaProblems(members: readonly FleetMember[], list: string): string[] {
    const perRegion = new Map<string, { count: number; quota: number }>();
    for (const m of members) {
        if (m.region === undefined || m.applicationProfileQuota === undefined) continue;
        const entry = perRegion.get(m.region) ?? { count: 0, quota: m.applicationProfileQuota };
        entry.count += new Set(m.models ?? []).size;
        entry.quota = Math.min(entry.quota, m.applicationProfileQuota);
        perRegion.set(m.region, entry);
    }
    return [...perRegion].filter(([, e]) => e.count > e.quota).map(([region, e]) =>
        `${list} would create ${e.count} application inference profiles in ${region}, over applicationProfileQuota ${e.quota} ` +
        `(Service Quotas "Application inference profiles per account", L-40EC9882): raise the quota and the setting, or set costAttribution: false for some tenants`);
}
