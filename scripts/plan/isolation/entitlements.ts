import { CROSS_REGION_PREFIXES, DEFAULT_CROSS_REGION_DESTINATIONS } from "../../../contract";
import type { StackPlan } from "../run-plan";
import type { Tenant } from "./access-matrix";
import type { TenantEntitlement } from "./model-checks";

interface TenantConfigEntry {
    id: string;
    regions?: string[];
    crossRegionDestinations?: Record<string, string[]>;
    guardrail?: { arn: string; version: string };
}

/**
 * What the ops config grants each tenant, read from the config file rather
 * than from the policies built from it. Omitted `regions` follow the documented
 * default: the home Region plus each cross-Region profile's destinations.
 */
export function readEntitlements(ops: StackPlan, tenants: Tenant[]): Map<string, TenantEntitlement> {
    const raw = ops.file.config["bedrock-tenancy:tenants"];
    const entries: TenantConfigEntry[] = raw ? JSON.parse(raw) : [];
    const byId = new Map(entries.map((e) => [e.id, e]));
    return new Map(
        tenants.map((t) => {
            const entry = byId.get(t.id);
            if (!entry) throw new Error(`tenant ${t.id} is exported by the ops stack but not in its config`);
            return [t.id, { regions: entry.regions ?? defaultRegions(t, entry), guardrailIdentifier: entry.guardrail ? `${entry.guardrail.arn}:${entry.guardrail.version}` : undefined }];
        }),
    );
}

function defaultRegions(tenant: Tenant, entry: TenantConfigEntry): string[] {
    const regions = new Set([tenant.region]);
    for (const model of tenant.allowedModels) {
        const prefix = model.split(".")[0];
        if (!CROSS_REGION_PREFIXES.includes(prefix)) continue;
        for (const r of entry.crossRegionDestinations?.[model] ?? DEFAULT_CROSS_REGION_DESTINATIONS[prefix] ?? []) regions.add(r);
    }
    return [...regions];
}
