/**
 * A fleet spread over shards: `bedrock-tenancy:directory` names the tenant
 * directory file (docs/scale.md). An ops stack also sets
 * `bedrock-tenancy:shard` and plans only that shard's tenants; a customer
 * stack finds its ops stack there instead of setting `bedrock-tenancy:opsStack`.
 * Every stack that reads the directory checks all of it, so a rule broken
 * between two shards fails the preview of any stack of the fleet.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ArgumentError, show } from "../contract";
import type { OpsConfigKey } from "./ops-config";
import { parseConfigJson } from "./config-json";
import { checkedTenantDirectory, checkTenantDirectory, headroomLines, shardOfTenant, tenantsOfShard, type DirectoryCheck, type TenantDirectory } from "../contract/tenant-directory";

export const DIRECTORY_KEY = "bedrock-tenancy:directory";
export const SHARD_KEY = "bedrock-tenancy:shard";

/** Reads and checks the directory file (`.json`, `.yaml` or `.yml`), relative to the project folder. */
export function loadTenantDirectory(file: string, projectDir = process.cwd()): TenantDirectory {
    const full = path.resolve(projectDir, file);
    let text: string;
    try {
        text = fs.readFileSync(full, "utf8");
    } catch (e) {
        throw new ArgumentError(`${DIRECTORY_KEY} names ${show(file)}, which cannot be read: ${(e as Error).message}`);
    }
    let value: unknown;
    try {
        value = full.endsWith(".json") ? parseConfigJson(`${DIRECTORY_KEY} ${show(file)}`, text) : parse(text);
    } catch (e) {
        // A JSON file is read as a config value is (a key written twice refused): its error says so already.
        if (e instanceof ArgumentError) throw e;
        throw new ArgumentError(`${DIRECTORY_KEY} ${show(file)} is not valid ${full.endsWith(".json") ? "JSON" : "YAML"}: ${(e as Error).message}`);
    }
    const { directory, check } = checkedTenantDirectory(value, file);
    // Each shard's program reads the whole fleet's directory; checking it once is a fifth of a 10,000-tenant shard plan's setup.
    checks.set(directory, check);
    return directory;
}

/** The check of each directory this module loaded, read again for its headroom. */
const checks = new WeakMap<TenantDirectory, DirectoryCheck>();

/** What an ops stack reads from its config for the directory. */
export interface ShardConfigReader {
    get(key: OpsConfigKey): string | undefined;
    getObject<T>(key: OpsConfigKey): T | undefined;
}

export interface ShardPlan {
    shard: string;
    /** The directory file, as `bedrock-tenancy:directory` names it. */
    file: string;
    /** The shard's entries, in the shape of `bedrock-tenancy:tenants`. */
    tenants: Record<string, unknown>[];
    /** One line per ops account of the fleet: quota use and headroom. */
    headroom: string[];
}

/**
 * The ops stack's tenants when it is one shard of a directory, undefined when
 * the stack lists its own `bedrock-tenancy:tenants`. `allowedAccountIds` is
 * the stack's `aws:allowedAccountIds`: a shard deploys only to its own ops
 * account.
 */
export function shardTenantsFromConfig(config: ShardConfigReader, allowedAccountIds: readonly string[] | undefined, load = loadTenantDirectory): ShardPlan | undefined {
    const file = config.get("directory");
    const shard = config.get("shard");
    if (file === undefined && shard === undefined) return undefined;
    if (file === undefined || shard === undefined) {
        throw new ArgumentError(`${file === undefined ? SHARD_KEY : DIRECTORY_KEY} is set without ${file === undefined ? DIRECTORY_KEY : SHARD_KEY}: a shard's ops stack sets both`);
    }
    if (config.getObject<unknown>("tenants") !== undefined) {
        throw new ArgumentError(`bedrock-tenancy:tenants is set in a shard's ops stack: its tenants come from ${DIRECTORY_KEY} ${show(file)}; remove the key`);
    }
    const directory = load(file);
    const tenants = tenantsOfShard(directory, shard, file);
    const own = directory.shards.find((s) => s.name === shard)!;
    // Unset, the guard is missing: the shard would deploy into whatever account the credentials reach.
    if (allowedAccountIds === undefined || allowedAccountIds.length !== 1 || allowedAccountIds[0] !== own.opsAccount) {
        throw new ArgumentError(`shard ${show(shard)} of ${show(file)} is in ops account ${own.opsAccount}, but this stack's aws:allowedAccountIds is ${allowedAccountIds === undefined ? "not set" : show(allowedAccountIds)}: set it to ["${own.opsAccount}"], so the shard deploys there and nowhere else`);
    }
    if (tenants.length === 0) throw new ArgumentError(`shard ${show(shard)} of ${show(file)} holds no tenants: assign some there, or remove the stack`);
    return { shard, file, tenants, headroom: headroomLines((checks.get(directory) ?? checkTenantDirectory(directory, file)).headroom) };
}

/** The ops stack a customer stack reads its tenant from, through the directory. */
export function opsStackFromDirectory(file: string, tenantId: string, load = loadTenantDirectory): string {
    return shardOfTenant(load(file), tenantId, file).opsStack;
}
