/**
 * The tenant directory: which shard (ops account + ops stack) holds each
 * tenant of a fleet too large for one stack or one account. Each ops stack
 * plans the directory's tenants of its own shard; customer stacks find their
 * ops stack through it. The rules that span the fleet are checked here over
 * the whole directory, so a breach between two shards is refused at the
 * preview of either. Linear in tenants. Format: docs/scale.md.
 */
import { fleetProblems } from "./fleet-rules";
import { DEFAULT_REGION, accountIdProblem, regionProblem } from "./identifiers";
import { tenantIdProblem } from "./naming";
import {
    DEFAULT_ALARM_BUDGET,
    DEFAULT_APPLICATION_PROFILES_QUOTA,
    DEFAULT_MANAGED_POLICIES_QUOTA,
    DEFAULT_ROLES_PER_ACCOUNT_QUOTA,
    MAX_MANAGED_POLICIES_QUOTA,
    MAX_ROLES_PER_ACCOUNT_QUOTA,
    fleetOwnManagedPolicies,
    fleetOwnRoles,
    tenantFootprint,
    type QuotaRelevantTenant,
} from "./shard-quotas";
import { ArgumentError, integerProblem, isPlainObject, listProblem, show, type Problem } from "./validation";

/** Fully qualified stack name, `<organization>/<project>/<stack>`. */
const STACK_NAME = /^[\w.-]+\/[\w.-]+\/[\w.-]+$/;
const SHARD_NAME = /^[A-Za-z0-9][\w.-]{0,62}$/;

export interface ShardQuotas {
    /** IAM roles per account. @default 1000 */
    roles?: number;
    /** Application inference profiles per account in the shard's Region. @default 1000 */
    applicationProfiles?: number;
    /** Quota alarms per account in the shard's Region (a deploy-time budget). @default 10000 */
    alarms?: number;
    /** Roles the account already holds that no shard creates (SSO, pipelines). @default 0 */
    otherRoles?: number;
    /** IAM customer managed policies per account. @default 1500 */
    managedPolicies?: number;
    /** Customer managed policies the account already holds that no shard creates. @default 0 */
    otherManagedPolicies?: number;
}

export interface DirectoryShard {
    name: string;
    opsAccount: string;
    /** The shard's ops stack, `org/project/stack`. */
    opsStack: string;
    /** The ops stack's `aws:region`, where its profiles and alarms live. @default us-east-1 */
    region?: string;
    quotas?: ShardQuotas;
}

/** One tenant: an entry of `bedrock-tenancy:tenants` plus the shard that holds it. */
export interface DirectoryTenant extends QuotaRelevantTenant {
    id: string;
    shard: string;
    accounts: string[];
    [key: string]: unknown;
}

export interface TenantDirectory {
    shards: DirectoryShard[];
    tenants: DirectoryTenant[];
}

export interface Headroom {
    used: number;
    quota: number;
    left: number;
}

/** One ops account's use of its quotas, by every shard it holds. */
export interface AccountHeadroom {
    opsAccount: string;
    shards: string[];
    tenants: number;
    roles: Headroom;
    managedPolicies: Headroom;
    /** Per Region. */
    applicationProfiles: Record<string, Headroom>;
    alarms: Record<string, Headroom>;
}

export interface DirectoryCheck {
    problems: string[];
    headroom: AccountHeadroom[];
}

/** Shape problems of the directory, first one per entry; the rules need a well-formed directory. */
function shapeProblems(value: unknown, where: string): string[] {
    if (!isPlainObject(value)) return [`${where} must be an object with shards and tenants, got ${show(value)}`];
    const problems: string[] = [];
    const add = (p: Problem) => p !== undefined && problems.push(p);
    add(listProblem(`${where}.shards`, value.shards, true, "shard"));
    add(listProblem(`${where}.tenants`, value.tenants, false, "tenant"));
    if (problems.length > 0) return problems;
    (value.shards as unknown[]).forEach((s, i) => {
        const at = `${where}.shards[${i}]`;
        if (!isPlainObject(s)) {
            add(`${at} must be an object with name, opsAccount and opsStack, got ${show(s)}`);
            return;
        }
        if (typeof s.name !== "string" || !SHARD_NAME.test(s.name)) add(`${at}.name must be 1-63 letters, digits, '.', '_' or '-', got ${show(s.name)}`);
        add(accountIdProblem(`${at}.opsAccount`, s.opsAccount));
        if (typeof s.opsStack !== "string" || !STACK_NAME.test(s.opsStack)) add(`${at}.opsStack must be a fully qualified stack name like "acme/bedrock-tenancy/ops-1", got ${show(s.opsStack)}`);
        if (s.region !== undefined) add(regionProblem(`${at}.region`, s.region));
        if (s.quotas !== undefined) {
            const q = s.quotas;
            if (!isPlainObject(q)) {
                add(`${at}.quotas must be an object, got ${show(q)}`);
                return;
            }
            if (q.roles !== undefined) add(integerProblem(`${at}.quotas.roles`, q.roles, 1, MAX_ROLES_PER_ACCOUNT_QUOTA));
            if (q.managedPolicies !== undefined) add(integerProblem(`${at}.quotas.managedPolicies`, q.managedPolicies, 1, MAX_MANAGED_POLICIES_QUOTA));
            for (const k of ["applicationProfiles", "alarms"] as const) if (q[k] !== undefined) add(integerProblem(`${at}.quotas.${k}`, q[k], 1));
            if (q.otherRoles !== undefined) add(integerProblem(`${at}.quotas.otherRoles`, q.otherRoles, 0, MAX_ROLES_PER_ACCOUNT_QUOTA));
            if (q.otherManagedPolicies !== undefined) add(integerProblem(`${at}.quotas.otherManagedPolicies`, q.otherManagedPolicies, 0, MAX_MANAGED_POLICIES_QUOTA));
        }
    });
    (value.tenants as unknown[]).forEach((t, i) => {
        const at = `${where}.tenants[${i}]`;
        if (!isPlainObject(t)) {
            add(`${at} must be an object with id, shard, accounts and models, got ${show(t)}`);
            return;
        }
        add(tenantIdProblem(`${at}.id`, t.id));
        // A directory is JSON anyone may write: an id of the wrong type is shown, never converted (`{"toString": 1}` throws).
        const id = typeof t.id === "string" ? t.id : show(t.id);
        if (typeof t.shard !== "string") add(`${at} (${id}).shard must name a shard, got ${show(t.shard)}`);
        const accounts = listProblem(`${at} (${id}).accounts`, t.accounts, true, "account");
        add(accounts ?? (t.accounts as unknown[]).map((a, j) => accountIdProblem(`${at} (${id}).accounts[${j}]`, a)).find((p) => p !== undefined));
        // What the fleet rules and the quota headroom read of an entry here; the shard's program checks the rest of it.
        if (t.models !== undefined) {
            const models = listProblem(`${at} (${id}).models`, t.models, false, "model id");
            add(models ?? (t.models as unknown[]).map((m, j) => (typeof m === "string" ? undefined : `${at} (${id}).models[${j}] must be a model id, got ${show(m)}`)).find((p) => p !== undefined));
        }
        if (t.quota !== undefined && !isPlainObject(t.quota)) add(`${at} (${id}).quota must be an object of token limits, got ${show(t.quota)}`);
        else if (isPlainObject(t.quota) && t.quota.perModel !== undefined && !isPlainObject(t.quota.perModel)) add(`${at} (${id}).quota.perModel must be an object of model id to token limits, got ${show(t.quota.perModel)}`);
    });
    return problems;
}

/**
 * Checks the whole directory: its shape, unique shard names and ops stacks,
 * every tenant in a known shard, tenant ids, customer accounts and
 * application profile names unique across the fleet (messages name the
 * tenant and both shards), and each ops account's roles, customer managed
 * policies, profiles and alarms against its quotas, with the headroom left. `where` names the directory in
 * messages (a config key or a file).
 */
export function checkTenantDirectory(value: unknown, where = "directory"): DirectoryCheck {
    const shape = shapeProblems(value, where);
    if (shape.length > 0) return { problems: shape, headroom: [] };
    const directory = value as TenantDirectory;
    const problems: string[] = [];
    const shards = new Map<string, DirectoryShard>();
    const stacks = new Map<string, string>();
    for (const s of directory.shards) {
        if (shards.has(s.name)) problems.push(`${where}.shards: shard ${show(s.name)} is listed twice`);
        shards.set(s.name, s);
        const other = stacks.get(s.opsStack);
        if (other !== undefined && other !== s.name) problems.push(`${where}.shards: shards ${show(other)} and ${show(s.name)} both name ops stack ${show(s.opsStack)}: a stack holds one shard`);
        stacks.set(s.opsStack, s.name);
    }
    const tenantAt = (i: number) => {
        const t = directory.tenants[i];
        return `${where}.tenants[${i}] in shard ${show(t.shard)}`;
    };
    directory.tenants.forEach((t, i) => {
        if (!shards.has(t.shard)) problems.push(`${tenantAt(i)} (${t.id}): no shard of that name among ${show([...shards.keys()])}`);
    });
    // The same rules one ops stack runs, over every shard's tenants at once; the profile quota is per account, below.
    problems.push(...fleetProblems(directory.tenants.map((t) => ({ id: t.id, accounts: t.accounts, models: t.costAttribution === false ? [] : t.models })), tenantAt, `${where}.tenants`));
    const headroom = accountHeadroom(directory, shards);
    for (const h of headroom) {
        const named = `ops account ${h.opsAccount} (shards ${h.shards.map((s) => show(s)).join(", ")})`;
        if (h.roles.left < 0) problems.push(`${named} would hold ${h.roles.used} roles, over its quota of ${h.roles.quota}: move tenants to another shard or raise the IAM roles quota (at most ${MAX_ROLES_PER_ACCOUNT_QUOTA})`);
        if (h.managedPolicies.left < 0) {
            problems.push(`${named} would hold ${h.managedPolicies.used} customer managed policies (a permissions boundary per tenant), over its quota of ${h.managedPolicies.quota}: move tenants to another shard or raise the IAM customer managed policies quota (at most ${MAX_MANAGED_POLICIES_QUOTA})`);
        }
        for (const [region, p] of Object.entries(h.applicationProfiles)) {
            if (p.left < 0) problems.push(`${named} would hold ${p.used} application inference profiles in ${region}, over its quota of ${p.quota} (L-40EC9882): move tenants, raise the quota, or set costAttribution: false and attribute cost by IAM principal`);
        }
        for (const [region, a] of Object.entries(h.alarms)) {
            if (a.left < 0) problems.push(`${named} would hold ${a.used} quota alarms in ${region}, over its budget of ${a.quota}: move tenants or raise quotas.alarms`);
        }
    }
    return { problems, headroom };
}

/** What one ops account's shards state of a quota: the smallest stated, the default when none states it. */
class StatedQuota {
    private stated = Infinity;
    constructor(private readonly fallback: number) {}
    state(value: number | undefined): void {
        if (value !== undefined) this.stated = Math.min(this.stated, value);
    }
    get value(): number {
        return this.stated === Infinity ? this.fallback : this.stated;
    }
}

/** One ops account's use, by every shard it holds. */
interface AccountUse {
    shards: string[];
    tenants: number;
    roles: number;
    managedPolicies: number;
    roleQuota: StatedQuota;
    policyQuota: StatedQuota;
    /** The account's own, which every shard of it may state: the largest stated counts, once. */
    otherRoles: number;
    otherManagedPolicies: number;
    profiles: Map<string, { used: number; quota: StatedQuota }>;
    alarms: Map<string, { used: number; quota: StatedQuota }>;
}

/**
 * Quotas are the account's, whichever shard states them: the smallest value
 * any of its shards states applies (the default when none does), and roles
 * and policies no shard creates count once, the largest stated.
 */
function accountHeadroom(directory: TenantDirectory, shards: ReadonlyMap<string, DirectoryShard>): AccountHeadroom[] {
    const byShard = new Map<string, DirectoryTenant[]>();
    for (const t of directory.tenants) {
        const list = byShard.get(t.shard);
        if (list) list.push(t);
        else byShard.set(t.shard, [t]);
    }
    const accounts = new Map<string, AccountUse>();
    const regional = (m: AccountUse["profiles"], region: string, fallback: number) => {
        const found = m.get(region) ?? { used: 0, quota: new StatedQuota(fallback) };
        m.set(region, found);
        return found;
    };
    for (const s of shards.values()) {
        const tenants = byShard.get(s.name) ?? [];
        const region = s.region ?? DEFAULT_REGION;
        const q = s.quotas ?? {};
        const a: AccountUse = accounts.get(s.opsAccount) ?? {
            shards: [], tenants: 0, roles: 0, managedPolicies: 0, otherRoles: 0, otherManagedPolicies: 0,
            roleQuota: new StatedQuota(DEFAULT_ROLES_PER_ACCOUNT_QUOTA), policyQuota: new StatedQuota(DEFAULT_MANAGED_POLICIES_QUOTA), profiles: new Map(), alarms: new Map(),
        };
        accounts.set(s.opsAccount, a);
        a.shards.push(s.name);
        a.tenants += tenants.length;
        a.roleQuota.state(q.roles);
        a.policyQuota.state(q.managedPolicies);
        a.otherRoles = Math.max(a.otherRoles, q.otherRoles ?? 0);
        a.otherManagedPolicies = Math.max(a.otherManagedPolicies, q.otherManagedPolicies ?? 0);
        a.roles += fleetOwnRoles(tenants);
        a.managedPolicies += fleetOwnManagedPolicies(tenants);
        const profiles = regional(a.profiles, region, DEFAULT_APPLICATION_PROFILES_QUOTA);
        const alarms = regional(a.alarms, region, DEFAULT_ALARM_BUDGET);
        profiles.quota.state(q.applicationProfiles);
        alarms.quota.state(q.alarms);
        for (const t of tenants) {
            const f = tenantFootprint(t);
            a.roles += f.roles;
            a.managedPolicies += f.managedPolicies;
            profiles.used += f.applicationProfiles;
            alarms.used += f.alarms;
        }
    }
    const headroom = (used: number, quota: number): Headroom => ({ used, quota, left: quota - used });
    const settle = (m: AccountUse["profiles"]) => Object.fromEntries([...m].map(([r, x]) => [r, headroom(x.used, x.quota.value)]));
    return [...accounts].map(([opsAccount, a]) => ({
        opsAccount,
        shards: a.shards,
        tenants: a.tenants,
        roles: headroom(a.roles + a.otherRoles, a.roleQuota.value),
        managedPolicies: headroom(a.managedPolicies + a.otherManagedPolicies, a.policyQuota.value),
        applicationProfiles: settle(a.profiles),
        alarms: settle(a.alarms),
    }));
}

/** Throws every problem of the directory at once, or returns it typed. */
export function assertTenantDirectory(value: unknown, where = "directory"): TenantDirectory {
    return checkedTenantDirectory(value, where).directory;
}

/** {@link assertTenantDirectory}, also giving the check's headroom, so a caller that reports it checks once. */
export function checkedTenantDirectory(value: unknown, where = "directory"): { directory: TenantDirectory; check: DirectoryCheck } {
    const check = checkTenantDirectory(value, where);
    const { problems } = check;
    if (problems.length > 0) throw new ArgumentError(problems.length === 1 ? problems[0] : `${problems.length} problems:\n- ${problems.join("\n- ")}`);
    return { directory: value as TenantDirectory, check };
}

/** The shard holding `tenantId`, or an error naming the tenant and the directory. */
export function shardOfTenant(directory: TenantDirectory, tenantId: string, where = "directory"): DirectoryShard {
    const tenant = directory.tenants.find((t) => t.id === tenantId);
    if (tenant === undefined) throw new ArgumentError(`tenant ${show(tenantId)} is not in ${where}: add it to a shard there and run \`pulumi up\` on that shard's ops stack first`);
    const shard = directory.shards.find((s) => s.name === tenant.shard);
    if (shard === undefined) throw new ArgumentError(`${where}: tenant ${show(tenantId)} names shard ${show(tenant.shard)}, which is not listed`);
    return shard;
}

/** The shard's tenants as `bedrock-tenancy:tenants` entries (without `shard`), in directory order. */
export function tenantsOfShard(directory: TenantDirectory, shard: string, where = "directory"): Record<string, unknown>[] {
    if (!directory.shards.some((s) => s.name === shard)) throw new ArgumentError(`${where} has no shard ${show(shard)} (it has ${show(directory.shards.map((s) => s.name))})`);
    return directory.tenants.filter((t) => t.shard === shard).map(({ shard: _shard, ...entry }) => entry);
}

/** One line per ops account: what its shards use of each quota and what is left. */
export function headroomLines(headroom: readonly AccountHeadroom[]): string[] {
    const h = (x: Headroom) => `${x.used}/${x.quota} (${x.left} left)`;
    return headroom.map((a) => {
        const regional = (m: Record<string, Headroom>) => Object.entries(m).map(([r, x]) => `${r} ${h(x)}`).join(", ");
        return `ops account ${a.opsAccount} (${a.shards.join(", ")}): ${a.tenants} tenant${a.tenants === 1 ? "" : "s"}; roles ${h(a.roles)}; managed policies ${h(a.managedPolicies)}; application profiles ${regional(a.applicationProfiles)}; quota alarms ${regional(a.alarms)}`;
    });
}
