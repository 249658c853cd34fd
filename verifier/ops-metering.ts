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
import { BEDROCK_TENANT_ACCESS_TYPE, isRecord, QUOTA_ENFORCER_TYPE } from "../contract";
import { costCapWiring } from "./cost-cap-wiring";
import { violation, type Code, type Violation } from "./findings";
import type { TenantIntent } from "./intent";
import { profileWiring } from "./profile-wiring";
import { jsonValue, prop, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";
import { quotaWiring } from "./quota-wiring";

export interface MeteringContext {
    state: StackState;
    account: string;
    tenants: TenantIntent[];
    /** The tenant whose component owns the resource, by its parent chain. */
    tenantOf(r: StackResource): TenantIntent | undefined;
    /** Whether a `QuotaEnforcer` component owns the resource. */
    underEnforcer(r: StackResource): boolean;
    ofType(type: string): StackResource[];
    flag(code: Code, r: StackResource | TenantIntent, tenant: string, statement: string, why: string): void;
}

export function meteringViolations(state: StackState, account: string, tenants: TenantIntent[]): Violation[] {
    const out: Violation[] = [];
    const byUrn = new Map(state.resources.map((r) => [r.urn, r]));
    const tenantByUrn = new Map(tenants.map((t) => [t.urn, t]));
    // Each check asks for the owner of the same resources: the parent chain is walked once per resource.
    const owners = new Map<StackResource, StackResource | null>();
    const ownerOf = (r: StackResource): StackResource | undefined => {
        const known = owners.get(r);
        if (known !== undefined) return known ?? undefined;
        let owner: StackResource | null = null;
        for (let at = r.parent ? byUrn.get(r.parent) : undefined, hops = 0; at && hops < 64; at = at.parent ? byUrn.get(at.parent) : undefined, hops++) {
            if (at.type === BEDROCK_TENANT_ACCESS_TYPE || at.type === QUOTA_ENFORCER_TYPE) {
                owner = at;
                break;
            }
        }
        owners.set(r, owner);
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
    profileWiring(ctx);
    return out;
}

/** A property that must be left unset: absent, null, empty text, an empty list or object. */
export function isUnset(value: unknown): boolean {
    if (value === undefined || value === null || value === "") return true;
    if (Array.isArray(value)) return value.length === 0;
    return isRecord(value) && Object.keys(value).length === 0;
}

/** A value unknown at preview: no comparison can be made, and the unknowns check names it. */
export const isUnknown = (value: unknown): boolean => value === UNKNOWN_VALUE;

/** A property as an object, JSON text opened; undefined when it is neither. */
export function objectProp(r: StackResource, key: string): Record<string, unknown> | undefined {
    const value = prop(r, key);
    const parsed = typeof value === "string" ? jsonValue(value) : value;
    return isRecord(parsed) ? parsed : undefined;
}

/** A property's text, or undefined when it is not text. */
export function textOf(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** The last `/`-separated part of an ARN's resource: a profile's id, a function's or rule's name. */
export function lastPart(arn: string, separator = "/"): string {
    return arn.slice(arn.lastIndexOf(separator) + 1);
}

/** The same JSON value, object keys in any order. */
export function sameJson(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
    if (!isRecord(a) || !isRecord(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k], b[k]));
}

export const show = (value: unknown): string => JSON.stringify(value) ?? "nothing";
