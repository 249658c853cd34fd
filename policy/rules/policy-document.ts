/**
 * Reading IAM policy documents as the engine hands them to a policy pack:
 * resource inputs may hold a JSON string (`pulumi.jsonStringify`, raw JSON)
 * or a plain object, `Statement` may be one object or an array, and
 * `Action`/`Resource`/`Principal` values may be a string or an array. The
 * helpers here never throw on odd shapes; they return what can be read.
 */

/** One statement, with the list-valued elements normalized to arrays. */
export interface NormalizedStatement {
    /** `"Statement 2"` or `"Statement 2 (Sid \"Invoke\")"`, 1-based, for messages. */
    label: string;
    /** Anything but an explicit `"Deny"` is treated as granting. */
    allows: boolean;
    action?: string[];
    notAction?: string[];
    resource?: string[];
    notResource?: string[];
    principal?: unknown;
    notPrincipal?: unknown;
    condition?: Record<string, unknown>;
}

export type ParsedPolicy =
    | { ok: true; statements: NormalizedStatement[] }
    | { ok: false; reason: string };

/** Strings in a `string | string[]` element; anything else is dropped. */
export function stringList(value: unknown): string[] | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    const items = Array.isArray(value) ? value : [value];
    return items.filter((item): item is string => typeof item === "string");
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function statementLabel(raw: Record<string, unknown>, index: number): string {
    const sid = typeof raw.Sid === "string" && raw.Sid !== "" ? ` (Sid ${JSON.stringify(raw.Sid)})` : "";
    return `Statement ${index + 1}${sid}`;
}

function normalizeStatement(raw: Record<string, unknown>, index: number): NormalizedStatement {
    return {
        label: statementLabel(raw, index),
        allows: raw.Effect !== "Deny",
        action: stringList(raw.Action),
        notAction: stringList(raw.NotAction),
        resource: stringList(raw.Resource),
        notResource: stringList(raw.NotResource),
        principal: raw.Principal,
        notPrincipal: raw.NotPrincipal,
        condition: isRecord(raw.Condition) ? raw.Condition : undefined,
    };
}

/** Parses a policy document given as a JSON string or as an object. */
export function parsePolicyDocument(document: unknown): ParsedPolicy {
    let value = document;
    if (typeof value === "string") {
        try {
            value = JSON.parse(value);
        } catch (err) {
            return { ok: false, reason: `it is not valid JSON (${(err as Error).message})` };
        }
    }
    if (!isRecord(value)) {
        return { ok: false, reason: `it is not a JSON object, got ${JSON.stringify(value)}` };
    }
    const raw = value.Statement;
    const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    const statements: NormalizedStatement[] = [];
    for (const [index, item] of list.entries()) {
        if (!isRecord(item)) {
            return { ok: false, reason: `Statement ${index + 1} is not an object, got ${JSON.stringify(item)}` };
        }
        statements.push(normalizeStatement(item, index));
    }
    return { ok: true, statements };
}

export { actionMatches, hasWildcard } from "../../contract/iam/wildcard";
import { actionMatches } from "../../contract/iam/wildcard";

/**
 * Whether a statement can grant `action`: through `Action` when a pattern
 * matches it, or through `NotAction` when no listed pattern excludes it.
 */
export function statementCovers(statement: NormalizedStatement, action: string): boolean {
    if (statement.notAction !== undefined) {
        return !statement.notAction.some((pattern) => actionMatches(pattern, action));
    }
    return (statement.action ?? []).some((pattern) => actionMatches(pattern, action));
}

/**
 * Values of condition key `key` under operator `operator` (condition keys
 * are case-insensitive in IAM; operators are not).
 */
export function conditionValues(statement: NormalizedStatement, operator: string, key: string): string[] | undefined {
    const block = statement.condition?.[operator];
    if (!isRecord(block)) {
        return undefined;
    }
    const match = Object.keys(block).find((name) => name.toLowerCase() === key.toLowerCase());
    return match === undefined ? undefined : stringList(block[match]);
}
