/**
 * A synthetic fleet spread over ops accounts: one tenant directory and one
 * ops stack per shard (`ops-1` … `ops-K`, each in its own ops account), with
 * the same tenant copies as the single-stack synthetic project. Each shard is
 * planned as its own stack and written as its own file.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { checkTenantDirectory, headroomLines, type TenantDirectory } from "../../contract/tenant-directory";
import { DEFAULT_ALARM_BUDGET, DEFAULT_APPLICATION_PROFILES_QUOTA, DEFAULT_ROLES_PER_ACCOUNT_QUOTA, MAX_ROLES_PER_ACCOUNT_QUOTA, fleetOwnRoles, tenantFootprint, type QuotaRelevantTenant } from "../../contract/shard-quotas";
import { syntheticTenants } from "./synthetic-tenants";

const PROFILE_QUOTA_KEY = "bedrock-tenancy:applicationProfileQuota";
const FIRST_OPS_ACCOUNT = 900_000_000_001;

export function syntheticOpsAccount(k: number): string {
    return String(FIRST_OPS_ACCOUNT + k);
}

/** Writes the directory and `Pulumi.ops-<k>.yaml` per shard; returns the folder, the stacks and notes on quotas raised. */
export function writeShardedProject(projectDir: string, count: number, opsAccounts: number, dir: string): { dir: string; stacks: string[]; notes: string[] } {
    if (!Number.isInteger(opsAccounts) || opsAccounts < 1 || opsAccounts > count) {
        throw new RangeError(`--ops-accounts must be a whole number from 1 to the number of tenants (${count}), got ${opsAccounts}`);
    }
    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const project = String(parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")).name);
    const ops = parse(fs.readFileSync(path.join(projectDir, "Pulumi.ops.yaml"), "utf8"));
    const region: string = ops.config["aws:region"];
    const tenants = syntheticTenants(ops.config["bedrock-tenancy:tenants"], count);
    const perShard = Math.ceil(count / opsAccounts);
    const directory: TenantDirectory = { shards: [], tenants: [] };
    const notes: string[] = [];
    const stacks: string[] = [];
    for (let k = 0; k < opsAccounts; k++) {
        const own = tenants.slice(k * perShard, (k + 1) * perShard) as (QuotaRelevantTenant & { id: string; accounts: string[] })[];
        const name = `ops-${k + 1}`;
        // A real account this size would have asked Service Quotas for the increases first.
        const used = own.map(tenantFootprint).reduce((a, f) => ({ roles: a.roles + f.roles, profiles: a.profiles + f.applicationProfiles, alarms: a.alarms + f.alarms }), { roles: fleetOwnRoles(own), profiles: 0, alarms: 0 });
        const quotas = {
            roles: Math.min(MAX_ROLES_PER_ACCOUNT_QUOTA, Math.max(DEFAULT_ROLES_PER_ACCOUNT_QUOTA, used.roles)),
            applicationProfiles: Math.max(DEFAULT_APPLICATION_PROFILES_QUOTA, used.profiles),
            alarms: Math.max(DEFAULT_ALARM_BUDGET, used.alarms),
        };
        directory.shards.push({ name, opsAccount: syntheticOpsAccount(k), opsStack: `acme/${project}/${name}`, region, quotas });
        directory.tenants.push(...own.map((t) => ({ ...t, shard: name })));
        const config = { ...ops.config, "aws:allowedAccountIds": [syntheticOpsAccount(k)], "bedrock-tenancy:directory": path.join(dir, "tenant-directory.yaml"), "bedrock-tenancy:shard": name, [PROFILE_QUOTA_KEY]: quotas.applicationProfiles };
        delete config["bedrock-tenancy:tenants"];
        fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify({ ...ops, config }, { aliasDuplicateObjects: false }));
        stacks.push(name);
    }
    fs.writeFileSync(path.join(dir, "tenant-directory.yaml"), stringify(directory, { aliasDuplicateObjects: false }));
    const { problems, headroom } = checkTenantDirectory(directory);
    if (problems.length > 0) throw new Error(`the synthetic directory breaks the fleet rules:\n${problems.join("\n")}`);
    notes.push(`synthetic fleet: ${count} tenants over ${opsAccounts} ops accounts, one ops stack each (quotas raised where the shard needs it)`, ...headroomLines(headroom));
    return { dir, stacks, notes };
}
