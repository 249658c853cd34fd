/**
 * The one IAM policy document model of the package. A document arrives as a
 * stack records it (a JSON string or an object); it is parsed once into
 * statements whose list-valued elements are arrays. Parsing fails closed:
 * an element, a statement key or a value shape this model does not know is
 * a problem, never skipped, so a document can never read narrower than IAM
 * would read it.
 */

export type Effect = "Allow" | "Deny";

/** `Principal` / `NotPrincipal`: kind (`AWS`, `Service`, `Federated`, `CanonicalUser`) → values; `"*"` is `{ AWS: ["*"] }`. */
export type Principals = Record<string, string[]>;

export interface Condition {
    /** As written (`StringEquals`, `ForAnyValue:StringLike`, `ArnLikeIfExists`, …). */
    operator: string;
    /** Lowercased: condition keys are case-insensitive in IAM. */
    key: string;
    values: string[];
}

export interface PolicyStatement {
    /** `Statement 2 (Sid "Invoke")`, 1-based, for messages. */
    label: string;
    sid?: string;
    effect: Effect;
    actions?: string[];
    notActions?: string[];
    resources?: string[];
    notResources?: string[];
    principals?: Principals;
    notPrincipals?: Principals;
    conditions: Condition[];
}

export type ParsedPolicy = { statements: PolicyStatement[] } | { problem: string };

const DOCUMENT_KEYS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_KEYS = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]);

/** What `pulumi preview` writes for a value not known until deployment. */
export const PREVIEW_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Parsed documents by the object they were read from: a plan holds each document once, and
 * several checks read it. A parsed policy is never changed by its readers.
 */
const parsedObjects = new WeakMap<object, ParsedPolicy>();

export function parsePolicy(value: unknown): ParsedPolicy {
    if (typeof value === "object" && value !== null) {
        const known = parsedObjects.get(value);
        if (known) return known;
        const parsed = parseDocument(value);
        parsedObjects.set(value, parsed);
        return parsed;
    }
    return parseDocument(value);
}

function parseDocument(value: unknown): ParsedPolicy {
    if (value === PREVIEW_UNKNOWN) return { problem: "is not known at preview (the whole document is unknown until the update)" };
    let doc = value;
    if (typeof doc === "string") {
        try {
            doc = JSON.parse(doc);
        } catch {
            return { problem: "is not valid JSON" };
        }
    }
    if (!isRecord(doc)) return { problem: `is not a policy document (got ${preview(doc)})` };
    const unknown = Object.keys(doc).filter((k) => !DOCUMENT_KEYS.has(k));
    if (unknown.length > 0) return { problem: `has elements ${unknown.join(", ")}, which IAM policy documents do not have` };
    const raw = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
    const statements: PolicyStatement[] = [];
    for (const [i, s] of raw.entries()) {
        const parsed = parseStatement(s, i);
        if (typeof parsed === "string") return { problem: parsed };
        statements.push(parsed);
    }
    return { statements };
}

function parseStatement(s: unknown, index: number): PolicyStatement | string {
    if (!isRecord(s)) return `Statement ${index + 1} is not an object`;
    const label = `Statement ${index + 1}${typeof s.Sid === "string" && s.Sid !== "" ? ` (Sid ${JSON.stringify(s.Sid)})` : ""}`;
    // An object built in code may carry an element set to undefined: JSON would drop it, and so does IAM.
    const present = (k: string) => s[k] !== undefined;
    const unknown = Object.keys(s).filter((k) => present(k) && !STATEMENT_KEYS.has(k));
    if (unknown.length > 0) return `${label} has elements ${unknown.join(", ")}, which this proof does not read`;
    if (s.Effect !== "Allow" && s.Effect !== "Deny") return `${label} has Effect ${preview(s.Effect)}`;
    if (present("Action") && present("NotAction")) return `${label} has both Action and NotAction`;
    if (present("Resource") && present("NotResource")) return `${label} has both Resource and NotResource`;
    if (present("Principal") && present("NotPrincipal")) return `${label} has both Principal and NotPrincipal`;
    const out: PolicyStatement = { label, effect: s.Effect, conditions: [] };
    if (typeof s.Sid === "string") out.sid = s.Sid;
    for (const [key, field] of [["Action", "actions"], ["NotAction", "notActions"], ["Resource", "resources"], ["NotResource", "notResources"]] as const) {
        if (!present(key)) continue;
        const list = stringList(s[key]);
        if (list === undefined) return `${label} has a ${key} that is not a string or a list of strings`;
        out[field] = list;
    }
    for (const [key, field] of [["Principal", "principals"], ["NotPrincipal", "notPrincipals"]] as const) {
        if (!present(key)) continue;
        const principals = parsePrincipals(s[key]);
        if (principals === undefined) return `${label} has a ${key} this proof cannot read: ${preview(s[key])}`;
        out[field] = principals;
    }
    if (present("Condition")) {
        const conditions = parseConditions(s.Condition);
        if (typeof conditions === "string") return `${label}: ${conditions}`;
        out.conditions = conditions;
    }
    return out;
}

function parsePrincipals(value: unknown): Principals | undefined {
    if (value === "*") return { AWS: ["*"] };
    if (!isRecord(value)) return undefined;
    const out: Principals = {};
    for (const [kind, v] of Object.entries(value)) {
        const list = stringList(v);
        if (list === undefined) return undefined;
        out[kind] = list;
    }
    return out;
}

function parseConditions(raw: unknown): Condition[] | string {
    if (!isRecord(raw)) return "Condition is not an object";
    const out: Condition[] = [];
    for (const [operator, block] of Object.entries(raw)) {
        if (!isRecord(block)) return `Condition ${operator} is not an object`;
        for (const [key, values] of Object.entries(block)) {
            // IAM accepts booleans and numbers as condition values and compares their text.
            const list = (Array.isArray(values) ? (values as unknown[]) : [values]).map((v) => (typeof v === "boolean" || typeof v === "number" ? String(v) : v));
            if (!list.every((v): v is string => typeof v === "string")) return `Condition ${operator} ${key} has values that are not strings`;
            out.push({ operator, key: key.toLowerCase(), values: list });
        }
    }
    return out;
}

/** `string | string[]` as an array; undefined when any item is not a string. */
export function stringList(value: unknown): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    const list = Array.isArray(value) ? value : [value];
    return list.every((v) => typeof v === "string") ? (list) : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function preview(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The conditions of `s` on `key` (lowercased). */
export function conditionsOn(s: PolicyStatement, key: string): Condition[] {
    return s.conditions.filter((c) => c.key === key);
}
