import { ArgumentError, assertTenantId, fleetProblem, raise, show, withContext } from "../contract";
import {
    DEFAULT_APPLICATION_PROFILE_QUOTA,
    type BedrockTenantAccessArgs,
    type GuardrailArgs,
    type TenantBudgetArgs,
    type TenantCostCapArgs,
    type TenantQuotaArgs,
} from "../components/bedrock-tenant-access/args";
import { validateBedrockTenantAccessArgs, type ResolvedTenantAccess } from "../components/bedrock-tenant-access/validation";

/** Config namespace of every key below (`bedrock-tenancy:tenants`, …). */
export const CONFIG_NAMESPACE = "bedrock-tenancy";

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
    };
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
    const members = planned.map(({ resolved: r }) => ({ id: r.tenantId, accounts: r.accounts, models: r.costAttribution ? r.models.map((m) => m.ref.id) : [] }));
    raise(fleetProblem(members, (i) => `${key}[${i}]`));
    const quota = settings.applicationProfileQuota ?? DEFAULT_APPLICATION_PROFILE_QUOTA;
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
