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
    // A fleet's plan holds thousands of documents: plain loops, and lists built only for a problem.
    let unknown: string[] | undefined;
    for (const k of Object.keys(doc)) if (!DOCUMENT_KEYS.has(k)) (unknown ??= []).push(k);
    if (unknown !== undefined) return { problem: `has elements ${unknown.join(", ")}, which IAM policy documents do not have` };
    const raw: unknown[] = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
    const statements: PolicyStatement[] = [];
    for (let i = 0; i < raw.length; i++) {
        const parsed = parseStatement(raw[i], i);
        if (typeof parsed === "string") return { problem: parsed };
        statements.push(parsed);
    }
    return { statements };
}

/** Statement elements read as lists of strings, and the field each goes to. */
const LIST_ELEMENTS = [["Action", "actions"], ["NotAction", "notActions"], ["Resource", "resources"], ["NotResource", "notResources"]] as const;
const PRINCIPAL_ELEMENTS = [["Principal", "principals"], ["NotPrincipal", "notPrincipals"]] as const;

function parseStatement(s: unknown, index: number): PolicyStatement | string {
    if (!isRecord(s)) return `Statement ${index + 1} is not an object`;
    const label = `Statement ${index + 1}${typeof s.Sid === "string" && s.Sid !== "" ? ` (Sid ${JSON.stringify(s.Sid)})` : ""}`;
    // An object built in code may carry an element set to undefined: JSON would drop it, and so does IAM.
    let unknown: string[] | undefined;
    for (const k of Object.keys(s)) if (s[k] !== undefined && !STATEMENT_KEYS.has(k)) (unknown ??= []).push(k);
    if (unknown !== undefined) return `${label} has elements ${unknown.join(", ")}, which this proof does not read`;
    if (s.Effect !== "Allow" && s.Effect !== "Deny") return `${label} has Effect ${preview(s.Effect)}`;
    if (s.Action !== undefined && s.NotAction !== undefined) return `${label} has both Action and NotAction`;
    if (s.Resource !== undefined && s.NotResource !== undefined) return `${label} has both Resource and NotResource`;
    if (s.Principal !== undefined && s.NotPrincipal !== undefined) return `${label} has both Principal and NotPrincipal`;
    const out: PolicyStatement = { label, effect: s.Effect, conditions: [] };
    if (typeof s.Sid === "string") out.sid = s.Sid;
    for (let i = 0; i < LIST_ELEMENTS.length; i++) {
        const key = LIST_ELEMENTS[i][0];
        const field = LIST_ELEMENTS[i][1];
        if (s[key] === undefined) continue;
        const list = stringList(s[key]);
        if (list === undefined) return `${label} has a ${key} that is not a string or a list of strings`;
        out[field] = list;
    }
    for (let i = 0; i < PRINCIPAL_ELEMENTS.length; i++) {
        const key = PRINCIPAL_ELEMENTS[i][0];
        const field = PRINCIPAL_ELEMENTS[i][1];
        if (s[key] === undefined) continue;
        const principals = parsePrincipals(s[key]);
        if (principals === undefined) return `${label} has a ${key} this proof cannot read: ${preview(s[key])}`;
        out[field] = principals;
    }
    if (s.Condition !== undefined) {
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
    for (const kind of Object.keys(value)) {
        const list = stringList(value[kind]);
        if (list === undefined) return undefined;
        out[kind] = list;
    }
    return out;
}

function parseConditions(raw: unknown): Condition[] | string {
    if (!isRecord(raw)) return "Condition is not an object";
    const out: Condition[] = [];
    for (const operator of Object.keys(raw)) {
        const block = raw[operator];
        if (!isRecord(block)) return `Condition ${operator} is not an object`;
        for (const key of Object.keys(block)) {
            const list = conditionValues(block[key]);
            if (list === undefined) return `Condition ${operator} ${key} has values that are not strings`;
            out.push({ operator, key: key.toLowerCase(), values: list });
        }
    }
    return out;
}

/** IAM accepts booleans and numbers as condition values and compares their text. */
const asConditionText = (v: unknown): unknown => (typeof v === "boolean" || typeof v === "number" ? String(v) : v);

/** A condition's values, each as IAM compares it; undefined when any is not text. */
function conditionValues(values: unknown): string[] | undefined {
    if (!Array.isArray(values)) {
        const text = asConditionText(values);
        return typeof text === "string" ? [text] : undefined;
    }
    const list: string[] = [];
    for (let i = 0; i < values.length; i++) {
        const v: unknown = values[i];
        // A list with holes (built in code; JSON has none) keeps them, as map does.
        if (v === undefined && !(i in values)) return sparseConditionValues(values);
        const text = asConditionText(v);
        if (typeof text !== "string") return undefined;
        list.push(text);
    }
    return list;
}

function sparseConditionValues(values: unknown[]): string[] | undefined {
    const list = values.map(asConditionText);
    return list.every((v): v is string => typeof v === "string") ? list : undefined;
}

/** `string | string[]` as an array; undefined when any item is not a string. */
export function stringList(value: unknown): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) return typeof value === "string" ? [value] : undefined;
    for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        // A hole is skipped, as every skips it.
        if (typeof v !== "string" && (v !== undefined || i in value)) return undefined;
    }
    return value as string[];
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
