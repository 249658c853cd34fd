import { ArgumentError, assertTenantId, fleetProblem, raise, show, withContext } from "../contract";
import {
    TENANT_ACCESS_DEFAULTS,
    type BedrockTenantAccessArgs,
    type GuardrailArgs,
    type TenantBudgetArgs,
    type TenantCostCapArgs,
    type TenantQuotaArgs,
} from "../components/bedrock-tenant-access/args";
import { validateBedrockTenantAccessArgs, type ResolvedTenantAccess } from "../components/bedrock-tenant-access/validation";

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

/** Stack-wide settings read from config (`undefined` means the component default). */
export interface OpsSettings {
    /** Regions any tenant may use; unset allows each tenant's own list. */
    allowedRegions?: string[];
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
    get(key: string): string | undefined;
    getObject<T>(key: string): T | undefined;
}

/** The stack-wide settings, by their keys in the `bedrock-tenancy` namespace. */
export function readOpsSettings(config: OpsConfigReader): OpsSettings {
    if (config.get("permissionsBoundary") !== undefined) {
        throw new ArgumentError(
            `${CONFIG_NAMESPACE}:permissionsBoundary is refused: every tenant role carries its own boundary (BedrockTenantBoundary-<id>) ` +
                "capping it at its own models and Regions, and a role has only one; remove the key (narrow tenants further with an SCP)",
        );
    }
    return {
        allowedRegions: config.getObject<string[]>("allowedRegions"),
        costAttribution: config.getObject<boolean>("costAttribution"),
        costTagKey: config.get("costTagKey"),
        applicationProfileQuota: config.getObject<number>("applicationProfileQuota"),
        trustPolicySizeQuota: config.getObject<number>("trustPolicySizeQuota"),
        externalIds: pinnedExternalIds(config.getObject<unknown>(PINNED_EXTERNAL_IDS_KEY)),
    };
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

export interface PlannedTenant {
    args: BedrockTenantAccessArgs;
    resolved: ResolvedTenantAccess;
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
 * Validates the whole tenant list before any resource exists: every entry's
 * arguments, the fleet rules (duplicate ids, an account listed by two tenants,
 * colliding profile names), the stack-wide Region allow-list and the
 * application inference profile quota per Region. Linear in the number of
 * tenants. Errors start with the config key and the entry.
 */
export function planOpsTenants(tenants: unknown, settings: OpsSettings, defaultRegion: string): PlannedTenant[] {
    const key = `${CONFIG_NAMESPACE}:tenants`;
    if (!Array.isArray(tenants) || tenants.length === 0) {
        throw new ArgumentError(`${key} must be a non-empty list of tenants, got ${show(tenants)}`);
    }
    const profilesPerRegion = new Map<string, number>();
    const planned = tenants.map((entry: TenantConfig, i): PlannedTenant => {
        const where = `${key}[${i}]`;
        if (typeof entry !== "object" || entry === null) {
            throw new ArgumentError(`${where} must be an object with id, accounts and models, got ${show(entry)}`);
        }
        assertTenantId(entry.id, `${where}.id`);
        const args = tenantArgs(entry, settings);
        let resolved: ResolvedTenantAccess;
        try {
            resolved = validateBedrockTenantAccessArgs(args, defaultRegion);
        } catch (e) {
            throw withContext(`${where} (${entry.id})`, e);
        }
        const outside = settings.allowedRegions && resolved.regions.filter((r) => !settings.allowedRegions!.includes(r));
        if (outside && outside.length > 0) {
            throw new ArgumentError(`${where} (${entry.id}): regions ${show(outside)} are outside ${CONFIG_NAMESPACE}:allowedRegions ${show(settings.allowedRegions)}`);
        }
        if (resolved.costAttribution) {
            profilesPerRegion.set(resolved.region, (profilesPerRegion.get(resolved.region) ?? 0) + resolved.models.length);
        }
        return { args, resolved };
    });
    const unknown = Object.keys(settings.externalIds ?? {}).filter((id) => !planned.some(({ resolved }) => resolved.tenantId === id));
    if (unknown.length > 0) {
        throw new ArgumentError(`${CONFIG_NAMESPACE}:${PINNED_EXTERNAL_IDS_KEY} pins ExternalIds of ${show(unknown)}, which are not in ${key}`);
    }
    const members = planned.map(({ resolved: r }) => ({ id: r.tenantId, accounts: r.accounts, models: r.costAttribution ? r.models.map((m) => m.ref.id) : [] }));
    raise(fleetProblem(members, (i) => `${key}[${i}]`));
    const quota = settings.applicationProfileQuota ?? TENANT_ACCESS_DEFAULTS.applicationProfileQuota;
    for (const [region, count] of profilesPerRegion) {
        if (count > quota) {
            throw new ArgumentError(
                `${key} would create ${count} application inference profiles in ${region}, over ${CONFIG_NAMESPACE}:applicationProfileQuota ${quota} ` +
                `(Service Quotas "Application inference profiles per account", L-40EC9882): raise the quota and the setting, or set costAttribution: false for some tenants`,
            );
        }
    }
    return planned;
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
