/**
 * What a tenant's intent entitles it to, as sets of exact ARNs: the access
 * paths the permissions must open, and the only ones they may open.
 */
import { CROSS_REGION_PROFILE_PREFIX, foundationModelArn, roleArn, systemProfileArn } from "../contract";
import type { TenantIntent } from "./intent";

/** One resource the tenant may invoke, and what a grant on it must be limited to. */
export interface Entitlement {
    resource: string;
    /** Regions a grant on the resource may name in `aws:RequestedRegion`. */
    regions: ReadonlySet<string>;
    /** When set, the resource is reachable only through one of these profiles. */
    via?: ReadonlySet<string>;
    /** What the entitlement is, for messages. */
    what: string;
    /** Whether the tenant must be able to reach it (a path it was promised). */
    required: boolean;
}

/** Each intent's entitlements, built once: the identity policies, the boundary and the cross-check all compare with them. */
const built = new WeakMap<TenantIntent, Map<string, Entitlement>>();

export function entitlementsOf(t: TenantIntent): Map<string, Entitlement> {
    let out = built.get(t);
    if (!out) built.set(t, (out = buildEntitlements(t)));
    return out;
}

function buildEntitlements(t: TenantIntent): Map<string, Entitlement> {
    const out = new Map<string, Entitlement>();
    const regions = new Set(t.regions);
    const add = (e: Entitlement) => {
        const existing = out.get(e.resource);
        // A model entitled directly needs no profile, whatever else also reaches it.
        if (existing && (existing.via === undefined || e.via === undefined)) {
            out.set(e.resource, { ...existing, via: undefined, required: existing.required || e.required });
        } else if (existing) {
            out.set(e.resource, { ...existing, via: new Set([...existing.via!, ...e.via!]) });
        } else out.set(e.resource, e);
    };
    for (const model of t.models) {
        const application = t.inferenceProfileArns[model];
        // With an application profile (cost attribution), the model is reached only through it: metering cannot be skipped.
        const metered = application ? new Set([application]) : undefined;
        if (application) add({ resource: application, regions, what: `${model} through the tenant's application inference profile`, required: true });
        if (!CROSS_REGION_PROFILE_PREFIX.test(model)) {
            for (const r of t.regions) add({ resource: foundationModelArn(r, model), regions, via: metered, what: `${model} in ${r}`, required: r === t.region });
            continue;
        }
        const destinations = t.modelDestinations[model] ?? [];
        const profiles = destinations.map((r) => systemProfileArn(r, t.opsAccount, model));
        const via = metered ?? new Set(profiles);
        const foundation = model.slice(model.indexOf(".") + 1);
        for (const [i, r] of destinations.entries()) {
            add({ resource: profiles[i], regions, via: metered, what: `${model} in ${r}`, required: r === t.region });
            add({ resource: foundationModelArn(r, foundation), regions, via, what: `${foundation} in ${r} through ${model}`, required: true });
        }
    }
    return out;
}

/** The principals the tenant's role must admit, each with the tenant's ExternalId. */
export function intendedCallers(t: TenantIntent): string[] {
    return t.accounts.map((a) => roleArn(a, t.runtimeRoleName));
}
