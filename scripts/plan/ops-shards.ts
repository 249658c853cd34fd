/**
 * Splits a large ops stack that lists its own tenants (`bedrock-tenancy:tenants`,
 * such as the single synthetic stack of `npm start -- --tenants N`) into
 * chunks, each planned by the same program, one chunk at a time per worker, and
 * joined into the stack's one file (`join-shards.ts`); so is each shard stack
 * of a tenant directory, into its own file. Pulumi keeps every resource's Output graph
 * alive while it plans (about 100 KB a resource at its peak, measured), so one
 * process for 5,000 tenants needs over 6 GiB; small shards, planned one after
 * another by one reused worker per core, keep each worker well under 1 GiB.
 *
 * A shard's program sees only its own tenants, so the rules that span the
 * whole list (duplicate ids, an account listed twice, colliding profile names,
 * the profile quota per Region) are checked here first, by the program's own
 * `checkOpsTenants` on the whole list (the fleet's own check), with the program's own settings.
 *
 * A shard stack of a tenant directory is chunked the same way: its tenants are
 * read, and the whole directory checked, here, once per file, by the
 * program's own `shardTenantsFromConfig`, and each chunk is planned from the
 * shard's own tenants as an ops stack that lists them. Planned whole, a shard
 * of 100 tenants spent 43 % of its worker's time collecting garbage, and every
 * shard read and checked the whole directory again.
 */
import { PARTITION, raise, roleArn } from "../../contract";
import { DEFAULT_REGION } from "../../contract/identifiers";
import { CONFIG_NAMESPACE, PINNED_EXTERNAL_IDS_KEY, anyTenantHasCostCap, anyTenantHasQuota, checkOpsTenants, readOpsSettings, type OpsConfigReader } from "../../stacks/ops-config";
import { quotaEnforcerNames, shardNameProblem } from "../../contract";
import type { TenantDirectory } from "../../contract/tenant-directory";
import { DIRECTORY_KEY, SHARD_KEY, loadTenantDirectory, shardTenantsFromConfig } from "../../stacks/directory-config";
import type { StackFile } from "./stack-files";

/**
 * Tenants per shard. Workers are reused, so a shard costs no process start-up,
 * and a small shard's short-lived objects die young: 5,000 tenants planned in
 * 32.4 s in shards of 10, 30.8 s of 25, 31.5 s of 50 and 36.5 s of 100 (one
 * run each, 2 workers), against 56.3 s in fresh workers of 500, when a full
 * collection was forced between plans. Without it, and with a young
 * generation of 128 MiB, 1,000 tenants took 13.4 to 15.2 s of worker time in
 * shards of 10, 15.0 to 18.4 s in shards of 5 and 16.1 to 17.7 s in shards of
 * 25 (two runs each, 2026-12-06; see planWorkers in run-plan.ts).
 */
export const SHARD_TENANTS = 10;

const TENANTS_KEY = `${CONFIG_NAMESPACE}:tenants`;
const PINNED_KEY = `${CONFIG_NAMESPACE}:${PINNED_EXTERNAL_IDS_KEY}`;
const SHARD_NAME_KEY = `${CONFIG_NAMESPACE}:shardName`;

export interface Shard {
    config: Record<string, string>;
    /** Index of the shard's first tenant in the whole list. */
    firstTenant: number;
    /** Lines the program logs (pulumi.log.info) that its chunks cannot: a directory shard's headroom, as the program writes them. */
    logged?: string[];
}

/**
 * How `pulumi.log.info` writes a line without an engine (the mock engine's
 * case): a chunk of a directory shard does not read the directory, so the
 * planner writes its headroom lines as the program would have.
 */
const PULUMI_INFO_PREFIX = "info: [runtime] ";

/** Reads a tenant directory file once however many shard stacks name it. */
export type DirectoryLoader = (file: string) => TenantDirectory;

/** A {@link DirectoryLoader} over the program's own reader and check, remembering each file it read. */
export function directoryLoader(projectDir?: string): DirectoryLoader {
    const read = new Map<string, TenantDirectory>();
    return (file) => {
        let directory = read.get(file);
        if (directory === undefined) read.set(file, (directory = loadTenantDirectory(file, projectDir)));
        return directory;
    };
}

/**
 * The shards, in order, when `file` is an ops stack of more than `size`
 * tenants; undefined otherwise (the stack is planned whole). Throws the
 * program's own error when the whole list breaks a fleet rule.
 */
export function shardConfigs(file: StackFile, kind: string | undefined, size: number = SHARD_TENANTS, load: DirectoryLoader = directoryLoader()): Shard[] | undefined {
    if (kind !== "ops" || !(size >= 1)) return undefined;
    const fromDirectory = directoryShard(file, load);
    const tenants = fromDirectory?.tenants ?? parseValue(file.config, TENANTS_KEY);
    if (!Array.isArray(tenants) || tenants.length <= size) return undefined;
    // A chunk lists its tenants as an ops stack does, and no longer names the directory (the program refuses both at once).
    const base = fromDirectory ? withoutKeys(file.config, [DIRECTORY_KEY, SHARD_KEY]) : file.config;
    const settings = readOpsSettings(configReader(file));
    // The program passes its QuotaEnforcer's ARNs as Outputs; the rules check the shape and Region of plain ones, so these stand-ins are in the stack's Region.
    const region = file.config["aws:region"] ?? DEFAULT_REGION;
    const account = "000000000000";
    // Read as the program reads it, as text.
    const shardName = file.config[SHARD_NAME_KEY];
    raise(shardName === undefined ? undefined : shardNameProblem(SHARD_NAME_KEY, shardName));
    const names = quotaEnforcerNames(shardName);
    if (anyTenantHasQuota(tenants)) settings.enforcerFunctionArn = `arn:${PARTITION}:lambda:${region}:${account}:function:${names.enforcer}`;
    if (anyTenantHasCostCap(tenants)) {
        settings.costCapPolicyArn = `arn:${PARTITION}:iam::${account}:policy/${names.costCapPolicy}`;
        settings.costCapExecutionRoleArn = roleArn(account, names.costCapRole);
    }
    // Shards plan under Pulumi mocks, where the fleet checks model ids against the shipped table: so does the whole list.
    checkOpsTenants(tenants, settings, region, true);
    const shards: Shard[] = [];
    for (let start = 0; start < tenants.length; start += size) {
        const slice = tenants.slice(start, start + size);
        const config: Record<string, string> = { ...base, [TENANTS_KEY]: JSON.stringify(slice) };
        // Each shard pins only its own tenants' ExternalIds (the whole list was checked above).
        if (settings.externalIds) {
            const ids = new Set(slice.map((t: { id?: unknown }) => t?.id));
            config[PINNED_KEY] = JSON.stringify(Object.fromEntries(Object.entries(settings.externalIds).filter(([id]) => ids.has(id))));
        }
        shards.push({ config, firstTenant: start, ...(start === 0 && fromDirectory ? { logged: fromDirectory.headroom.map((line) => `${PULUMI_INFO_PREFIX}${line}`) } : {}) });
    }
    return shards;
}

/** A directory shard's tenants and headroom, read and checked as its program does; undefined for a stack that names no directory. */
function directoryShard(file: StackFile, load: DirectoryLoader): { tenants: Record<string, unknown>[]; headroom: string[] } | undefined {
    return shardTenantsFromConfig(configReader(file), parseValue(file.config, "aws:allowedAccountIds") as string[] | undefined, load);
}

/** The stack's `bedrock-tenancy:` settings, read as the program reads them: text, or JSON with `getObject`. */
function configReader(file: StackFile): OpsConfigReader {
    return {
        get: (key) => file.config[`${CONFIG_NAMESPACE}:${key}`],
        getObject: <T>(key: string) => parseValue(file.config, `${CONFIG_NAMESPACE}:${key}`) as T | undefined,
    };
}

function withoutKeys(config: Record<string, string>, keys: readonly string[]): Record<string, string> {
    return Object.fromEntries(Object.entries(config).filter(([key]) => !keys.includes(key)));
}

/**
 * A shard's warnings as the whole stack gives them: the program names a tenant
 * by its index in the list it was given (`tenants[3]`), which in a shard is
 * counted from the shard's first tenant.
 */
export function shardWarnings(text: string, firstTenant: number): string[] {
    return text
        .split("\n")
        .filter((line) => line.trim())
        .map((line) => line.replace(/\btenants\[(\d+)\]/g, (_, i) => `tenants[${Number(i) + firstTenant}]`));
}

/** A config value as the program reads it with `getObject`: JSON, or undefined when unset. */
function parseValue(config: Record<string, string>, key: string): unknown {
    const raw = config[key];
    if (raw === undefined) return undefined;
    try {
        return JSON.parse(raw);
    } catch {
        throw new Error(`${key} must be JSON (the program reads it as an object), got ${JSON.stringify(raw.slice(0, 80))}`);
    }
}
