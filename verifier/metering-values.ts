/**
 * What the ops metering checks share: the context that ties each resource
 * to its tenant, and small readers of the values they compare.
 */
import { isRecord } from "../contract";
import type { Code } from "./findings";
import type { TenantIntent } from "./intent";
import { jsonValue, prop, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";

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

/** Adds `value` to the list of `key`. */
export function listUnder<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
    const list = lists.get(key);
    if (list) list.push(value);
    else lists.set(key, [value]);
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
