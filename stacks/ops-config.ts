import { ArgumentError, assertTenantId, externalIdProblem, optionNames, raise, show, unknownOptionProblem, type Problem } from "../contract";
import { COST_CAP_OPTIONS, QUOTA_OPTIONS } from "../components/bedrock-tenant-access/quota-args";
import { unknownConfigKeyProblem } from "./config-keys";
import { STACK_KIND_KEY } from "./stack-outputs";
import {
    type BedrockTenantAccessArgs,
    type GuardrailArgs,
    type TenantBudgetArgs,
    type TenantCostCapArgs,
    type TenantQuotaArgs,
} from "../components/bedrock-tenant-access/args";
import type { BedrockTenantFleetArgs } from "../components/bedrock-tenant-fleet/args";
import { checkModelsOffline, distinctModels } from "../components/bedrock-tenant-fleet/model-catalogue";
import { validateBedrockTenantFleetArgs } from "../components/bedrock-tenant-fleet/validation";
import { accountSettingsProblem } from "../components/bedrock-tenant-access/validation";

/** Config namespace of every key below (`bedrock-tenancy:tenants`, …). */
export const CONFIG_NAMESPACE = "bedrock-tenancy";

/**
 * Key (in {@link CONFIG_NAMESPACE}) of the stack secret every tenant's
 * ExternalId is derived from: `pulumi config set --secret
 * bedrock-tenancy:externalIdSecret "$(openssl rand -base64 48)"`.
 */
export const EXTERNAL_ID_SECRET_KEY = "externalIdSecret";

/**
 * Key of the ExternalIds pinned per tenant id (a secret object): the
 * migration path for tenants whose ExternalId is already deployed. A pinned
 * id wins over the derived one.
 */
export const PINNED_EXTERNAL_IDS_KEY = "externalIds";

/**
 * Every key an ops stack reads in {@link CONFIG_NAMESPACE}: the program reads
 * only through this table (its readers take no other key), and any other key
 * set in the namespace fails the preview.
 */
export const OPS_CONFIG_KEYS = Object.freeze({
    kind: STACK_KIND_KEY,
    tenants: "tenants",
    directory: "directory",
    shard: "shard",
    // Distinguishes this stack's QuotaEnforcer names from another stack's in the same ops account.
    shardName: "shardName",
    allowedRegions: "allowedRegions",
    allowUnlistedModels: "allowUnlistedModels",
    costAttribution: "costAttribution",
    costTagKey: "costTagKey",
    applicationProfileQuota: "applicationProfileQuota",
    trustPolicySizeQuota: "trustPolicySizeQuota",
    externalIds: PINNED_EXTERNAL_IDS_KEY,
    externalIdSecret: EXTERNAL_ID_SECRET_KEY,
    // Read only to refuse it with its reason.
    permissionsBoundary: "permissionsBoundary",
} as const);
export type OpsConfigKey = (typeof OPS_CONFIG_KEYS)[keyof typeof OPS_CONFIG_KEYS];

/** The first key set in the namespace (`keys`) that an ops stack does not read. */
export function unknownOpsConfigKeyProblem(keys: readonly string[]): Problem {
    return unknownConfigKeyProblem(CONFIG_NAMESPACE, keys, Object.values(OPS_CONFIG_KEYS), "an ops stack");
}

/** One entry of `bedrock-tenancy:tenants`. */
export interface TenantConfig {
    id: string;
    accounts: string[];
    models: string[];
    regions?: string[];
    crossRegionDestinations?: Record<string, string[]>;
    guardrail?: GuardrailArgs;
    budget?: TenantBudgetArgs;
    costAttribution?: boolean;
    /** The token quota; the stack supplies the enforcer. */
    quota?: Omit<TenantQuotaArgs, "enforcerFunctionArn">;
    /** The cost cap; the stack supplies the shared policy and Budgets role. */
    costCap?: Omit<TenantCostCapArgs, "policyArn" | "executionRoleArn">;
}

/** Every key of a `bedrock-tenancy:tenants` entry; any other is refused. */
export const TENANT_CONFIG_OPTIONS = optionNames<TenantConfig>({
    id: true, accounts: true, models: true, regions: true, crossRegionDestinations: true, guardrail: true, budget: true,
    costAttribution: true, quota: true, costCap: true,
});
/** A tenant's quota and cost cap in the config: the stack supplies the enforcer's ARNs, so they are not keys there. */
const QUOTA_CONFIG_OPTIONS = QUOTA_OPTIONS.filter((k) => k !== "enforcerFunctionArn");
const COST_CAP_CONFIG_OPTIONS = COST_CAP_OPTIONS.filter((k) => k !== "policyArn" && k !== "executionRoleArn");

/** Stack-wide settings read from config (`undefined` means the component default). */
export interface OpsSettings {
    /** Regions any tenant may use; unset allows each tenant's own list. */
    allowedRegions?: string[];
    /** Model ids newer than the shipped table that the offline check accepts. */
    allowUnlistedModels?: string[];
    costAttribution?: boolean;
    costTagKey?: string;
    applicationProfileQuota?: number;
    trustPolicySizeQuota?: number;
    /** ExternalIds pinned per tenant id (`bedrock-tenancy:externalIds`). */
    externalIds?: Record<string, string>;
    /** The stack's quota enforcer, for tenants with a `quota`. */
    enforcerFunctionArn?: TenantQuotaArgs["enforcerFunctionArn"];
    /** The enforcer's shared cost-cap policy and Budgets execution role, for tenants with a `costCap`. */
    costCapPolicyArn?: TenantCostCapArgs["policyArn"];
    costCapExecutionRoleArn?: TenantCostCapArgs["executionRoleArn"];
}

/** Where the settings come from: `pulumi.Config`, or the same keys read from a stack file. */
export interface OpsConfigReader {
    get(key: OpsConfigKey): string | undefined;
    getObject<T>(key: OpsConfigKey): T | undefined;
}

/** The stack-wide settings, by their keys in the `bedrock-tenancy` namespace. */
export function readOpsSettings(config: OpsConfigReader): OpsSettings {
    if (config.get("permissionsBoundary") !== undefined) {
        throw new ArgumentError(
            `${CONFIG_NAMESPACE}:permissionsBoundary is refused: every tenant role carries its own boundary (BedrockTenantBoundary-<id>) ` +
                "capping it at its own models and Regions, and a role has only one; remove the key (narrow tenants further with an SCP)",
        );
    }
    const settings = {
        allowedRegions: config.getObject<string[]>("allowedRegions"),
        allowUnlistedModels: config.getObject<string[]>("allowUnlistedModels"),
        costAttribution: config.getObject<boolean>("costAttribution"),
        costTagKey: config.get("costTagKey"),
        applicationProfileQuota: config.getObject<number>("applicationProfileQuota"),
        trustPolicySizeQuota: config.getObject<number>("trustPolicySizeQuota"),
        externalIds: pinnedExternalIds(config.getObject<unknown>(PINNED_EXTERNAL_IDS_KEY)),
    };
    // Checked once, by their own keys: copied into every tenant, a bad one would be named as the first tenant's.
    raise(accountSettingsProblem(settings, `${CONFIG_NAMESPACE}:`));
    return settings;
}

/** `bedrock-tenancy:externalIds`: tenant id to ExternalId; each value is checked when its tenant is (never shown). */
function pinnedExternalIds(value: unknown): Record<string, string> | undefined {
    if (value === undefined || value === null) return undefined;
    const key = `${CONFIG_NAMESPACE}:${PINNED_EXTERNAL_IDS_KEY}`;
    if (typeof value !== "object" || Array.isArray(value)) {
        throw new ArgumentError(`${key} must be an object of tenant id to ExternalId, got a ${Array.isArray(value) ? "list" : typeof value}`);
    }
    for (const [id, externalId] of Object.entries(value)) {
        assertTenantId(id, `${key} key`);
        if (typeof externalId !== "string") throw new ArgumentError(`${key}.${id} must be a string, got a ${typeof externalId}`);
    }
    return value as Record<string, string>;
}

/** The component arguments for one config entry, with the stack-wide settings applied. */
function tenantArgs(t: TenantConfig, settings: OpsSettings): BedrockTenantAccessArgs {
    return {
        tenantId: t.id,
        accounts: t.accounts,
        models: t.models,
        regions: t.regions,
        crossRegionDestinations: t.crossRegionDestinations,
        guardrail: t.guardrail,
        budget: t.budget,
        quota: t.quota && { ...t.quota, enforcerFunctionArn: settings.enforcerFunctionArn as TenantQuotaArgs["enforcerFunctionArn"] },
        costCap: t.costCap && {
            ...t.costCap,
            policyArn: settings.costCapPolicyArn as TenantCostCapArgs["policyArn"],
            executionRoleArn: settings.costCapExecutionRoleArn as TenantCostCapArgs["executionRoleArn"],
        },
        externalId: settings.externalIds?.[t.id],
        costAttribution: t.costAttribution ?? settings.costAttribution,
        costTagKey: settings.costTagKey,
        applicationProfileQuota: settings.applicationProfileQuota,
        trustPolicySizeQuota: settings.trustPolicySizeQuota,
    };
}

/**
 * `BedrockTenantFleet` arguments for the config's tenant list: a mapping, and
 * the checks only the config has (the entry shape, pinned ExternalIds of
 * tenants the list holds). Every tenant and fleet rule, the application
 * inference profile quota per Region included, is the fleet's
 * (`validateBedrockTenantFleetArgs`), run once when it is built.
 */
export function opsFleetArgs(tenants: unknown, settings: OpsSettings, defaultRegion: string, shard?: ShardSource): BedrockTenantFleetArgs {
    const key = `${tenantsSource(shard)}tenants`;
    if (!Array.isArray(tenants) || tenants.length === 0) {
        throw new ArgumentError(`${key} must be a non-empty list of tenants, got ${show(tenants)}`);
    }
    const ids = new Set<unknown>();
    const args = tenants.map((entry: TenantConfig, i) => {
        if (typeof entry !== "object" || entry === null) {
            throw new ArgumentError(`${key}[${i}] must be an object with id, accounts and models, got ${show(entry)}`);
        }
        raise(
            unknownOptionProblem(`${key}[${i}].`, entry, TENANT_CONFIG_OPTIONS, "a tenant entry"),
            unknownOptionProblem(`${key}[${i}].quota.`, entry.quota, QUOTA_CONFIG_OPTIONS, "a tenant's quota in the stack config"),
            unknownOptionProblem(`${key}[${i}].costCap.`, entry.costCap, COST_CAP_CONFIG_OPTIONS, "a tenant's cost cap in the stack config"),
        );
        ids.add(entry.id);
        return tenantArgs(entry, settings);
    });
    const pinnedBy = new Map<string, string>();
    for (const [id, externalId] of Object.entries(settings.externalIds ?? {})) {
        if (!ids.has(id)) throw new ArgumentError(`${CONFIG_NAMESPACE}:${PINNED_EXTERNAL_IDS_KEY} pins the ExternalId of ${show(id)}, which is not in ${key}`);
        // Passed on as secrets, the fleet cannot compare them: a shared one is no per-tenant ExternalId.
        if (typeof externalId === "string") {
            const other = pinnedBy.get(externalId);
            if (other !== undefined) throw new ArgumentError(`${CONFIG_NAMESPACE}:${PINNED_EXTERNAL_IDS_KEY} pins one ExternalId for both ${show(other)} and ${show(id)} (not shown: it is secret); each tenant's ExternalId must be its own`);
            pinnedBy.set(externalId, id);
        }
        // Checked here while plain: the program passes it on as a secret, which the fleet checks only once known.
        raise(externalIdProblem(`${CONFIG_NAMESPACE}:${PINNED_EXTERNAL_IDS_KEY}.${id}`, externalId));
    }
    return { tenants: args, allowedRegions: settings.allowedRegions, allowUnlistedModels: settings.allowUnlistedModels, defaults: { region: defaultRegion } };
}

/**
 * A fleet error named by the config key it comes from: the fleet names its
 * arguments (`tenants[1]`, `allowedRegions`) as the config does, without the
 * namespace. A shard's tenants come from the directory file instead, so its
 * errors name the file and the shard, whose own list the index counts in.
 */
export function inTenantsConfig(error: unknown, shard?: ShardSource): unknown {
    return error instanceof ArgumentError ? new ArgumentError(`${tenantsSource(shard)}${error.message}`, { cause: error }) : error;
}

/** Where a shard's ops stack reads its tenants: the directory file, as `bedrock-tenancy:directory` names it, and the shard's name. */
export interface ShardSource {
    file: string;
    name: string;
}

/** What a tenant entry's name (`tenants[1]`) is prefixed with: the config key's namespace, or the directory file and shard it comes from. */
function tenantsSource(shard: ShardSource | undefined): string {
    return shard === undefined ? `${CONFIG_NAMESPACE}:` : `${CONFIG_NAMESPACE}:directory ${show(shard.file)}, shard ${show(shard.name)} (its tenants in their order there): `;
}

/**
 * Checks the config's whole tenant list as the program's fleet would, without
 * building it (for tools that plan it in parts); `offlineCatalogue` adds the
 * model-id check the fleet makes under Pulumi mocks.
 */
export function checkOpsTenants(tenants: unknown, settings: OpsSettings, defaultRegion: string, offlineCatalogue = false): void {
    const args = opsFleetArgs(tenants, settings, defaultRegion);
    try {
        const plan = validateBedrockTenantFleetArgs(args, defaultRegion);
        if (offlineCatalogue && plan.modelCatalogue !== "off") checkModelsOffline(distinctModels(plan.members), new Set(plan.allowUnlistedModels));
    } catch (e) {
        throw inTenantsConfig(e);
    }
}

/** Whether any entry of the raw tenant list asks for a token quota (the stack then deploys the enforcer). */
export function anyTenantHasQuota(tenants: unknown): boolean {
    return anyTenantSets(tenants, "quota");
}

/** Whether any entry of the raw tenant list asks for a cost cap (the stack then deploys the enforcer with `costCaps`). */
export function anyTenantHasCostCap(tenants: unknown): boolean {
    return anyTenantSets(tenants, "costCap");
}

function anyTenantSets(tenants: unknown, key: "quota" | "costCap"): boolean {
    return Array.isArray(tenants) && tenants.some((t) => typeof t === "object" && t !== null && (t as TenantConfig)[key] !== undefined);
}
