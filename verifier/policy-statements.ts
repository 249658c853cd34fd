/**
 * IAM policy documents as a stack records them (a JSON string or an object),
 * split into statements with list-valued elements as arrays. Anything the
 * reducers cannot read is reported, never skipped: the proof fails closed.
 */

export interface Statement {
    /** `Statement 2 (Sid "Invoke")`, 1-based, for messages. */
    label: string;
    effect: "Allow" | "Deny";
    actions: string[];
    resources?: string[];
    principal?: unknown;
    /** Operator → condition key (lowercased) → values. */
    conditions: Map<string, Map<string, string[]>>;
    /** Elements the reducers never accept (`NotPrincipal`, `NotAction`, `NotResource`). */
    negated: string[];
}

export type ParsedDocument = { statements: Statement[] } | { problem: string };

export function parseDocument(value: unknown): ParsedDocument {
    let doc = value;
    if (typeof doc === "string") {
        try {
            doc = JSON.parse(doc);
        } catch {
            return { problem: "is not valid JSON" };
        }
    }
    if (!isRecord(doc)) return { problem: `is not a policy document (got ${JSON.stringify(doc)?.slice(0, 80)})` };
    const raw = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
    const statements: Statement[] = [];
    for (const [i, s] of raw.entries()) {
        if (!isRecord(s)) return { problem: `Statement ${i + 1} is not an object` };
        const label = `Statement ${i + 1}${typeof s.Sid === "string" && s.Sid ? ` (Sid ${JSON.stringify(s.Sid)})` : ""}`;
        if (s.Effect !== "Allow" && s.Effect !== "Deny") return { problem: `${label} has Effect ${JSON.stringify(s.Effect)}` };
        const conditions = readConditions(s.Condition);
        if (typeof conditions === "string") return { problem: `${label}: ${conditions}` };
        statements.push({
            label,
            effect: s.Effect,
            actions: strings(s.Action) ?? [],
            resources: strings(s.Resource),
            principal: s.Principal,
            conditions,
            negated: ["NotPrincipal", "NotAction", "NotResource"].filter((k) => k in s),
        });
    }
    return { statements };
}

function readConditions(raw: unknown): Map<string, Map<string, string[]>> | string {
    const out = new Map<string, Map<string, string[]>>();
    if (raw === undefined) return out;
    if (!isRecord(raw)) return "Condition is not an object";
    for (const [operator, block] of Object.entries(raw)) {
        if (!isRecord(block)) return `Condition ${operator} is not an object`;
        const keys = new Map<string, string[]>();
        for (const [key, values] of Object.entries(block)) {
            const list = strings(values);
            if (list === undefined || list.length !== (Array.isArray(values) ? values.length : 1)) {
                return `Condition ${operator} ${key} has values that are not strings`;
            }
            // Condition keys are case-insensitive in IAM.
            keys.set(key.toLowerCase(), list);
        }
        out.set(operator, keys);
    }
    return out;
}

/** `string | string[]` as an array; undefined when absent or not all strings. */
export function strings(value: unknown): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    const list = Array.isArray(value) ? value : [value];
    return list.every((v) => typeof v === "string") ? list : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when an IAM pattern (`*`, `?`) matches `value`; IAM actions compare case-insensitively. */
export function iamMatch(pattern: string, value: string, ignoreCase = false): boolean {
    const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${escaped}$`, ignoreCase ? "i" : "").test(value);
}

export function hasWildcard(value: string): boolean {
    return value.includes("*") || value.includes("?");
}
