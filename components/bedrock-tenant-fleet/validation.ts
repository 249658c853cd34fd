import { ArgumentError, DEFAULT_REGION, fleetProblems, isRecord, listProblem, modelIdProblem, plainValueProblem, raise, regionProblem, show, tagsProblem, unknownOptionProblem, unreadableProblem, withContext } from "../../contract";
import type { BedrockTenantAccessArgs, TenantEntryArgs } from "../bedrock-tenant-access/args";
import { TENANT_ENTRY_OPTIONS } from "../bedrock-tenant-access/args";
import { MODEL_CATALOGUE_MODES, tenantAccessOptionsProblem, validateBedrockTenantAccessArgs, type ResolvedTenantAccess } from "../bedrock-tenant-access/validation";
import { FLEET_DEFAULTS_OPTIONS, TENANT_FLEET_DEFAULTS, TENANT_FLEET_OPTIONS, type BedrockTenantFleetArgs, type ModelCatalogueMode } from "./args";

/**
 * How entry `i` is named in errors: `tenants[1] (customer-b)`, with the id
 * quoted when bare text would not show it (`tenants[0] ("")`).
 */

/** BedrockTenantAccess arguments a fleet's tenant entry does not take: the fleet's own of the same names apply to all. */
const FLEET_MODEL_CHECK_OPTIONS = ["modelCatalogue", "allowUnlistedModels"] as const;
export function fleetEntryName(i: number, tenantId: unknown): string {
    if (typeof tenantId !== "string") return `tenants[${i}]`;
    return `tenants[${i}] (${tenantId.trim() === tenantId && tenantId !== "" ? tenantId : show(tenantId)})`;
}

/** One tenant of the fleet: its arguments with the fleet defaults applied, and their checked values. */
export interface FleetMemberPlan {
    args: BedrockTenantAccessArgs;
    resolved: ResolvedTenantAccess;
}

export interface ResolvedTenantFleet {
    members: FleetMemberPlan[];
    modelCatalogue: ModelCatalogueMode;
    allowUnlistedModels: string[];
}

/** A tenant's own values win; `undefined` in the entry means "use the fleet default". */
function withDefaults(tenant: TenantEntryArgs, defaults: BedrockTenantFleetArgs["defaults"]): BedrockTenantAccessArgs {
    const merged: Record<string, unknown> = { ...(defaults ?? {}) };
    for (const [key, value] of Object.entries(tenant)) {
        if (value !== undefined) merged[key] = value;
    }
    // Merged only when both are objects: a text or a list spread in would become one tag per character or entry.
    if (isRecord(defaults?.tags) && isRecord(tenant.tags)) merged.tags = { ...defaults.tags, ...tenant.tags };
    // The fleet's table may name every tenant's profiles: each tenant takes the entries of its own models
    // (a key none of the fleet's models names is refused once all tenants are read).
    const table = defaults?.crossRegionDestinations;
    if (tenant.crossRegionDestinations === undefined && isRecord(table) && Array.isArray(tenant.models)) {
        merged.crossRegionDestinations = Object.fromEntries(Object.entries(table).filter(([id]) => (tenant.models as unknown[]).includes(id)));
    }
    return merged as unknown as BedrockTenantAccessArgs;
}

/**
 * Checks the whole fleet before any resource exists: each tenant's arguments
 * (errors start with `tenants[i] (id)`), the Region cap, and the fleet rules
 * of `fleetProblems` (duplicate ids, an account listed by two tenants,
 * colliding profile names, the application inference profile quota per
 * Region), all of them reported at once.
 */
export function validateBedrockTenantFleetArgs(args: BedrockTenantFleetArgs, defaultRegion: string = DEFAULT_REGION): ResolvedTenantFleet {
    if (typeof args !== "object" || args === null) {
        throw new ArgumentError(`args must be an object, got ${show(args)}`);
    }
    raise(unknownOptionProblem("", args, TENANT_FLEET_OPTIONS, "BedrockTenantFleet"));
    raise(listProblem("tenants", args.tenants, true, "tenant"));
    const defaults = args.defaults ?? {};
    // An Output is an object too: read as one, its members read as the SDK's, and the message named one of them.
    raise(plainValueProblem("defaults", defaults));
    if (typeof defaults !== "object" || defaults === null || Array.isArray(defaults)) {
        throw new ArgumentError(`defaults must be an object of BedrockTenantAccess arguments, got ${show(defaults)}`);
    }
    raise(tenantAccessOptionsProblem(defaults, "defaults.", FLEET_DEFAULTS_OPTIONS, "the fleet's defaults"));
    // Checked here too: a tenant with tags of its own would not show a bad default.
    raise(tagsProblem("defaults.tags", (defaults as { tags?: unknown }).tags));
    const modelCatalogue: ModelCatalogueMode = args.modelCatalogue ?? TENANT_FLEET_DEFAULTS.modelCatalogue;
    if (!MODEL_CATALOGUE_MODES.includes(modelCatalogue)) {
        throw new ArgumentError(`modelCatalogue must be one of ${MODEL_CATALOGUE_MODES.join(", ")}, got ${show(modelCatalogue)}`);
    }
    const allowUnlistedModels = args.allowUnlistedModels ?? [];
    raise(listProblem("allowUnlistedModels", allowUnlistedModels, false, "model id"));
    raise(...allowUnlistedModels.map((id, i) => modelIdProblem(`allowUnlistedModels[${i}]`, id)));
    if (args.allowedRegions !== undefined) {
        // The list is checked before its entries are read: a value that is no list has no entries to map.
        raise(listProblem("allowedRegions", args.allowedRegions, true, "Region"));
        raise(...args.allowedRegions.map((r, i) => regionProblem(`allowedRegions[${i}]`, r)));
    }
    // Array.from, not map: a hole in the list is an entry too, named as the undefined it is.
    const members = Array.from(args.tenants, (tenant, i): FleetMemberPlan => {
        const unreadable = unreadableProblem(`tenants[${i}]`, tenant);
        if (unreadable !== undefined) throw new ArgumentError(unreadable);
        let id: unknown;
        try {
            id = tenant?.tenantId;
        } catch {
            // Named below, by the entry's own option check.
        }
        const where = fleetEntryName(i, id);
        if (typeof tenant !== "object" || tenant === null) {
            throw new ArgumentError(`${where} must be an object of BedrockTenantAccess arguments, got ${show(tenant)}`);
        }
        // The fleet checks every tenant's models itself: these two are its own arguments, not an entry's.
        const fleetOwned = FLEET_MODEL_CHECK_OPTIONS.find((key) => Object.prototype.hasOwnProperty.call(tenant, key));
        if (fleetOwned !== undefined) {
            throw new ArgumentError(`${where}: tenants[${i}].${fleetOwned} is an argument of the fleet, which checks every tenant's models: set BedrockTenantFleet's ${fleetOwned} instead`);
        }
        const unknown = tenantAccessOptionsProblem(tenant, `tenants[${i}].`, TENANT_ENTRY_OPTIONS, "a fleet's tenant entry");
        if (unknown !== undefined) throw new ArgumentError(`${where}: ${unknown}`);
        const merged = withDefaults(tenant, defaults);
        let resolved: ResolvedTenantAccess;
        try {
            resolved = validateBedrockTenantAccessArgs(merged, defaultRegion);
        } catch (e) {
            throw withContext(where, e);
        }
        const outside = args.allowedRegions && resolved.regions.filter((r) => !args.allowedRegions!.includes(r));
        if (outside && outside.length > 0) {
            throw new ArgumentError(`${where}: regions ${show(outside)} are outside allowedRegions ${show(args.allowedRegions)}: add them there, or correct a misspelt Region in either list`);
        }
        return { args: { ...merged, region: resolved.region }, resolved };
    });
    // Each tenant's ExternalId is its own: one shared by two tenants is a per-tenant secret no longer (an Output is checked by no one here).
    const pinned = new Map<string, number>();
    for (const [i, { args: a }] of members.entries()) {
        if (typeof a.externalId !== "string") continue;
        const first = pinned.get(a.externalId);
        if (first !== undefined) {
            throw new ArgumentError(`${fleetEntryName(i, a.tenantId)}: externalId is the same as ${fleetEntryName(first, members[first].args.tenantId)}'s (not shown: it is secret); each tenant's ExternalId must be its own`);
        }
        pinned.set(a.externalId, i);
    }
    const table = defaults.crossRegionDestinations;
    if (isRecord(table)) {
        const profiles = new Set(members.flatMap(({ resolved: r }) => r.models.filter((m) => m.destinations !== undefined).map((m) => m.ref.id)));
        const stray = Object.keys(table).find((id) => !profiles.has(id));
        if (stray !== undefined) {
            throw new ArgumentError(`defaults.crossRegionDestinations[${show(stray)}] names no cross-Region profile in any tenant's models: a slip in the id would leave the profile's default Regions granted`);
        }
    }
    const problems = fleetProblems(members.map(({ resolved: r }) => ({
        id: r.tenantId,
        accounts: r.accounts,
        models: r.costAttribution ? r.models.map((m) => m.ref.id) : [],
        region: r.region,
        applicationProfileQuota: r.applicationProfileQuota,
    })));
    if (problems.length > 0) {
        throw new ArgumentError(problems.join("; "));
    }
    return { members, modelCatalogue, allowUnlistedModels };
}
