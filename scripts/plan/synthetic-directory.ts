/**
 * A synthetic fleet spread over ops accounts: one tenant directory, and in
 * each account as many shards (one ops stack each) as keep every stack to at
 * most `shardTenants` tenants, with the same tenant copies as the single-stack
 * synthetic project. Each shard is planned as its own stack (in chunks joined
 * into its plan, as a large single stack is) and written as its own file.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { checkTenantDirectory, type TenantDirectory } from "../../contract/tenant-directory";
import * as quota from "../../contract/shard-quotas";
import { counted } from "../../verifier/report";
import { syntheticTenants } from "./synthetic-tenants";

/**
 * Tenants per shard stack, a size a fleet might keep: Pulumi keeps a stack's
 * whole Output graph until its plan ends, so a stack's `pulumi preview` needs
 * memory in proportion to it (docs/scale.md advises up to about 1,000 tenants
 * a stack). The planner plans each shard in chunks of `SHARD_TENANTS`
 * (ops-shards.ts), so this size does not bound a plan worker's memory.
 */
export const SHARD_STACK_TENANTS = 100;

const PROFILE_QUOTA_KEY = "bedrock-tenancy:applicationProfileQuota";
const SHARD_NAME_KEY = "bedrock-tenancy:shardName";
const FIRST_OPS_ACCOUNT = 900_000_000_001;

export function syntheticOpsAccount(k: number): string {
    return String(FIRST_OPS_ACCOUNT + k);
}

/** Writes the directory and `Pulumi.<shard>.yaml` per shard; returns the folder, the stacks and notes on quotas raised. */
export function writeShardedProject(projectDir: string, count: number, opsAccounts: number, dir: string, shardTenants = SHARD_STACK_TENANTS): { dir: string; stacks: string[]; notes: string[] } {
    if (!Number.isInteger(opsAccounts) || opsAccounts < 1 || opsAccounts > count) {
        throw new RangeError(`--ops-accounts must be a whole number from 1 to the number of tenants (${count}), got ${opsAccounts}`);
    }
    if (!Number.isInteger(shardTenants) || shardTenants < 1) throw new RangeError(`--shard-tenants must be a whole number of at least 1, got ${shardTenants}`);
    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const project = String(parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")).name);
    const ops = parse(fs.readFileSync(path.join(projectDir, "Pulumi.ops.yaml"), "utf8"));
    const region: string = ops.config["aws:region"];
    const tenants = syntheticTenants(ops.config["bedrock-tenancy:tenants"], count);
    const perAccount = Math.ceil(count / opsAccounts);
    const shardsPerAccount = Math.ceil(perAccount / shardTenants);
    const directory: TenantDirectory = { shards: [], tenants: [] };
    const notes: string[] = [];
    const stacks: string[] = [];
    for (let k = 0; k < opsAccounts; k++) {
        const inAccount = tenants.slice(k * perAccount, (k + 1) * perAccount) as (quota.QuotaRelevantTenant & { id: string; accounts: string[] })[];
        const perShard = Math.ceil(inAccount.length / shardsPerAccount);
        const shards = Array.from({ length: Math.ceil(inAccount.length / perShard) }, (_, j) => inAccount.slice(j * perShard, (j + 1) * perShard));
        // A real account this size would have asked Service Quotas for the increases first. Shards of one
        // account share its quotas (the directory check adds them up), so each states the account's.
        const used = inAccount.map(quota.tenantFootprint).reduce(
            (a, f) => ({ roles: a.roles + f.roles, policies: a.policies + f.managedPolicies, profiles: a.profiles + f.applicationProfiles, alarms: a.alarms + f.alarms }),
            { roles: 0, policies: 0, profiles: 0, alarms: 0 },
        );
        const ownRoles = shards.reduce((n, own) => n + quota.fleetOwnRoles(own), 0);
        const ownPolicies = shards.reduce((n, own) => n + quota.fleetOwnManagedPolicies(own), 0);
        const quotas = {
            roles: Math.min(quota.MAX_ROLES_PER_ACCOUNT_QUOTA, Math.max(quota.DEFAULT_ROLES_PER_ACCOUNT_QUOTA, used.roles + ownRoles)),
            managedPolicies: Math.min(quota.MAX_MANAGED_POLICIES_QUOTA, Math.max(quota.DEFAULT_MANAGED_POLICIES_QUOTA, used.policies + ownPolicies)),
            applicationProfiles: Math.max(quota.DEFAULT_APPLICATION_PROFILES_QUOTA, used.profiles),
            alarms: Math.max(quota.DEFAULT_ALARM_BUDGET, used.alarms),
        };
        shards.forEach((own, j) => {
            const name = shardsPerAccount === 1 ? `ops-${k + 1}` : `ops-${k + 1}-${j + 1}`;
            directory.shards.push({ name, opsAccount: syntheticOpsAccount(k), opsStack: `acme/${project}/${name}`, region, quotas });
            directory.tenants.push(...own.map((t) => ({ ...t, shard: name })));
            const config: Record<string, unknown> = { ...ops.config, "aws:allowedAccountIds": [syntheticOpsAccount(k)], "bedrock-tenancy:directory": path.join(dir, "tenant-directory.json"), "bedrock-tenancy:shard": name, [PROFILE_QUOTA_KEY]: quotas.applicationProfiles };
            // Shards of one account would otherwise each create the quota enforcer under the same account-scoped names.
            if (shards.length > 1) config[SHARD_NAME_KEY] = name;
            delete config["bedrock-tenancy:tenants"];
            fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify({ ...ops, config }, { aliasDuplicateObjects: false }));
            stacks.push(name);
        });
    }
    // JSON, not YAML: every shard's program reads and checks the whole directory, and JSON parses in a fraction of the time.
    fs.writeFileSync(path.join(dir, "tenant-directory.json"), JSON.stringify(directory));
    const { problems } = checkTenantDirectory(directory);
    if (problems.length > 0) throw new Error(`the synthetic directory breaks the fleet rules:\n${problems.join("\n")}`);
    notes.push(`synthetic fleet: ${counted(count, "tenant")} over ${counted(opsAccounts, "ops account")}, ${counted(stacks.length, "shard stack")} of at most ${counted(shardTenants, "tenant")} (quotas raised where an account needs it)`);
    return { dir, stacks, notes };
}
