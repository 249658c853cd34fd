/**
 * How the ops stack itself wires what meters and holds each tenant: the
 * application profiles and their cost tag, the quota alarms and the
 * composite alarm the enforcer reads the tenant from, the enforcer's rule,
 * target and function, the cost-cap budgets and actions, and the guardrails
 * tenant roles require. Who may change them is the escalation checks'; here
 * each one must belong to exactly one tenant (its component, by the URN's
 * parent chain) and be what the component builds for that tenant, read from
 * the tenant's intent, never from the policies under test.
 */
import { BEDROCK_TENANT_ACCESS_TYPE, QUOTA_ENFORCER_TYPE } from "../contract";
import { costCapWiring } from "./cost-cap-wiring";
import { violation, type Violation } from "./findings";
import type { TenantIntent } from "./intent";
import type { MeteringContext } from "./metering-values";
import { profileWiring } from "./profile-wiring";
import { resourcesByUrn, type StackResource, type StackState } from "./pulumi-formats";
import { quotaWiring } from "./quota-wiring";
import { enforcementUndone } from "./enforcement-undone";


export function meteringViolations(state: StackState, account: string, tenants: TenantIntent[]): Violation[] {
    const out: Violation[] = [];
    const byUrn = resourcesByUrn(state);
    const tenantByUrn = new Map(tenants.map((t) => [t.urn, t]));
    // Each check asks for the owner of the same resources, and a component's resources share their parent:
    // the owner depends on the parent alone, so the chain above each parent is walked once.
    const owners = new Map<string, StackResource | null>();
    const ownerOf = (r: StackResource): StackResource | undefined => {
        if (!r.parent) return undefined;
        const known = owners.get(r.parent);
        if (known !== undefined) return known ?? undefined;
        let owner: StackResource | null = null;
        for (let at = byUrn.get(r.parent), hops = 0; at && hops < 64; at = at.parent ? byUrn.get(at.parent) : undefined, hops++) {
            if (at.type === BEDROCK_TENANT_ACCESS_TYPE || at.type === QUOTA_ENFORCER_TYPE) {
                owner = at;
                break;
            }
        }
        owners.set(r.parent, owner);
        return owner ?? undefined;
    };
    const byType = new Map<string, StackResource[]>();
    for (const r of state.resources) {
        if (!r.custom) continue;
        const list = byType.get(r.type);
        if (list) list.push(r);
        else byType.set(r.type, [r]);
    }
    const ctx: MeteringContext = {
        state, account, tenants,
        tenantOf: (r) => {
            const owner = ownerOf(r);
            return owner ? tenantByUrn.get(owner.urn) : undefined;
        },
        underEnforcer: (r) => ownerOf(r)?.type === QUOTA_ENFORCER_TYPE,
        ofType: (type) => byType.get(type) ?? [],
        flag: (code, r, tenant, statement, why) => {
            const place = "tenantId" in r ? { resource: r.urn.split("::").pop()!, urn: r.urn } : { resource: r.name, urn: r.urn };
            out.push(violation(code, { tenant, stack: state.stack, ...place }, statement, why));
        },
    };
    quotaWiring(ctx);
    costCapWiring(ctx);
    enforcementUndone(ctx);
    profileWiring(ctx);
    return out;
}
