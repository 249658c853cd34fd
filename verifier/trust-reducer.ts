/**
 * Reduces a role's trust policy to the exact set of (caller principal ARN,
 * ExternalId) pairs it admits for `sts:AssumeRole`. Only shapes whose
 * meaning is certain widen the set; a condition on another key and a Deny
 * can only narrow it, so they are recorded as narrowing. Every other shape
 * is a finding, so an unfamiliar policy can never pass as a narrow one.
 */
import { coversAction, hasWildcard, isAccountId, parseArn, parsePolicy, PARTITION, SESSION_TAG_KEYS, type Condition, type PolicyStatement } from "../contract";

export const ASSUME_ROLE = "sts:AssumeRole";
const TAG_SESSION = "sts:TagSession";
/** The session tags the runtime sets: a tag key or tenant id the tenant chooses could book its spend to another tenant. */
const SESSION_TAGS: readonly string[] = Object.values(SESSION_TAG_KEYS);
const TENANT_TAG = "aws:requesttag/tenantid";
const TAG_KEYS = "aws:tagkeys";
/** Condition keys as the reducer compares them (lowercased). */
const EXTERNAL_ID = "sts:externalid";
const PRINCIPAL_ARN = "aws:principalarn";
/** An ExternalId the pair does not need: the statement had no ExternalId test. */
export const ANY_EXTERNAL_ID = "*";

export interface TrustPair {
    /** Caller role ARN, or `arn:aws:iam::ACCOUNT:*` when any principal of the account is admitted. */
    principal: string;
    externalId: string;
    statement: string;
    /** Conditions on other keys that may narrow the pair further (never widen it). */
    narrowedBy?: string[];
}

export interface Finding {
    statement: string;
    why: string;
}

export interface TrustNormalForm {
    pairs: TrustPair[];
    findings: Finding[];
    /** Statements that can only take access away (Deny, or conditions on keys the reducer does not interpret). */
    narrowing: string[];
}

/** What the tenant's trust may admit beyond its callers: its sessions tagged with its own id. */
export interface TrustExpectation {
    tenantId: string;
}

export function reduceTrustPolicy(document: unknown, expected?: TrustExpectation): TrustNormalForm {
    const parsed = parsePolicy(document);
    if ("problem" in parsed) return { pairs: [], findings: [{ statement: "(document)", why: `the trust policy ${parsed.problem}` }], narrowing: [] };
    const form: TrustNormalForm = { pairs: [], findings: [], narrowing: [] };
    for (const s of parsed.statements) {
        reduceStatement(s, form);
        if (s.effect === "Allow") for (const why of sessionTagProblems(s, expected)) form.findings.push({ statement: s.label, why });
    }
    return form;
}

/**
 * An Allow of `sts:TagSession` must hold the tags to exactly what the
 * runtime sets: `StringEquals aws:RequestTag/TenantId` with the tenant's id
 * alone, and `ForAllValues:StringEquals aws:TagKeys` naming only the
 * runtime's keys. Any other operator (`…IfExists`, `ForAnyValue:`, a
 * negation) lets a tag through unchecked. Without `expected`, the id is
 * required to be one value, whichever.
 */
function sessionTagProblems(s: PolicyStatement, expected: TrustExpectation | undefined): string[] {
    if (!coversAction(s, TAG_SESSION)) return [];
    const out: string[] = [];
    const tenant = s.conditions.filter((c) => c.key === TENANT_TAG && c.operator === "StringEquals");
    const ids = tenant.flatMap((c) => c.values);
    const wanted = expected === undefined ? ids.length === 1 : ids.length >= 1 && tenant.some((c) => c.values.length === 1 && c.values[0] === expected.tenantId);
    if (!wanted) {
        out.push(`admits sts:TagSession without holding the TenantId tag to ${expected ? `the tenant's id ${JSON.stringify(expected.tenantId)}` : "one id"} (StringEquals aws:RequestTag/TenantId${ids.length > 0 ? `, here ${JSON.stringify(ids)}` : ""}): a session tagged as another tenant would book its spend to that tenant wherever cost is allocated by tags`);
    }
    const keys = s.conditions.filter((c) => c.key === TAG_KEYS && c.operator === "ForAllValues:StringEquals");
    if (!keys.some((c) => c.values.length > 0 && c.values.every((v) => SESSION_TAGS.includes(v)))) {
        out.push(`admits sts:TagSession without limiting the tag keys to ${SESSION_TAGS.join(" and ")} (ForAllValues:StringEquals aws:TagKeys): any other session tag, a cost-allocation tag of the tenant's choosing among them, gets through`);
    }
    return out;
}

function reduceStatement(s: PolicyStatement, form: TrustNormalForm): void {
    const before = form.findings.length;
    const add = (why: string) => form.findings.push({ statement: s.label, why });
    if (s.effect === "Deny") {
        form.narrowing.push(`${s.label}: a Deny`);
        return;
    }
    if (s.notPrincipals) add("uses NotPrincipal on an Allow: it admits every principal it does not name");
    if (s.notActions) add("uses NotAction on an Allow: it admits every action it does not name");
    if (s.resources || s.notResources) add("names a Resource, which a trust policy does not have");
    const assumes = coversAction(s, ASSUME_ROLE);
    const callers = principalsOf(s, add);
    const { externalIds, principalArns, others } = trustConditions(s, add);
    if (form.findings.length > before || !assumes) return;
    const narrowedBy = others.length > 0 ? others.map((c) => `${c.operator} ${c.key}`) : undefined;
    if (narrowedBy) form.narrowing.push(`${s.label}: ${narrowedBy.join(", ")}`);
    for (const caller of callers) {
        for (const principal of narrow(caller, principalArns, add)) {
            for (const externalId of externalIds ?? [ANY_EXTERNAL_ID]) {
                const pair: TrustPair = { principal, externalId, statement: s.label };
                if (narrowedBy) pair.narrowedBy = narrowedBy;
                form.pairs.push(pair);
            }
        }
    }
    if (externalIds === undefined) add("admits sts:AssumeRole without an ExternalId condition");
}

/** Account roots and role ARNs named by `Principal.AWS`; anything else is a finding. */
function principalsOf(s: PolicyStatement, add: (why: string) => void): { account: string; role?: string }[] {
    if (s.principals === undefined) {
        if (!s.notPrincipals) add("has no Principal");
        return [];
    }
    const out: { account: string; role?: string }[] = [];
    for (const [kind, values] of Object.entries(s.principals)) {
        if (kind !== "AWS") {
            add(`names a ${kind} principal (${JSON.stringify(values)}); only AWS account and role principals are reduced`);
            continue;
        }
        for (const text of values) {
            const arn = parseArn(text);
            if (text === "*") add("has Principal \"*\": any principal");
            else if (hasWildcard(text)) add(`has a wildcard principal ${JSON.stringify(text)}`);
            else if (isAccountId(text)) out.push({ account: text });
            else if (arn && arn.partition === PARTITION && arn.service === "iam" && isAccountId(arn.account) && arn.resource === "root") out.push({ account: arn.account });
            else if (isRoleArn(text)) out.push({ account: arn!.account, role: text });
            else add(`names a principal ${JSON.stringify(text)} that is neither an account root nor a role ARN`);
        }
    }
    return out;
}

/** `arn:aws:iam::ACCOUNT:role/[path/]NAME` with a valid name. */
function isRoleArn(text: string): boolean {
    const arn = parseArn(text);
    if (!arn || arn.partition !== PARTITION || arn.service !== "iam" || !isAccountId(arn.account) || !arn.resource.startsWith("role/")) return false;
    const segments = arn.resource.slice("role/".length).split("/");
    const name = segments[segments.length - 1];
    return name.length >= 1 && name.length <= 64 && segments.every((seg) => seg.length > 0 && roleNameText(seg));
}

/** Whether every character of the text is one IAM allows in a role's name or path (`[\w+=,.@-]`). */
function roleNameText(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 43 || c === 61 || c === 44 || c === 46 || c === 64 || c === 45;
        if (!ok) return false;
    }
    return true;
}

/** The ExternalId values (one exact StringEquals), the exact `aws:PrincipalArn` values, and conditions that only narrow. */
function trustConditions(s: PolicyStatement, add: (why: string) => void): { externalIds?: string[]; principalArns?: string[]; others: Condition[] } {
    let externalIds: string[] | undefined;
    let principalArns: string[] | undefined;
    const others: Condition[] = [];
    for (const c of s.conditions) {
        if (c.key === EXTERNAL_ID) {
            if (c.operator !== "StringEquals") add(`tests sts:ExternalId with ${c.operator}; only one exact StringEquals is accepted`);
            else if (c.values.length !== 1) add(`accepts ${c.values.length} ExternalIds; exactly one is accepted`);
            else if (externalIds !== undefined) add("tests sts:ExternalId twice");
            else externalIds = c.values;
        } else if (c.key === PRINCIPAL_ARN) {
            if (c.operator !== "ArnEquals" && c.operator !== "StringEquals" && c.operator !== "ArnLike") add(`tests aws:PrincipalArn with ${c.operator}`);
            else if (c.values.some(hasWildcard)) add(`tests aws:PrincipalArn against a wildcard (${c.values.filter(hasWildcard).join(", ")})`);
            else if (principalArns !== undefined) add("tests aws:PrincipalArn twice");
            else principalArns = c.values;
        } else {
            // Every condition of a statement must hold: one on another key can only take requests away.
            others.push(c);
        }
    }
    return { externalIds, principalArns, others };
}

/** The callers one principal admits once `aws:PrincipalArn` narrows it. */
function narrow(caller: { account: string; role?: string }, principalArns: string[] | undefined, add: (why: string) => void): string[] {
    if (caller.role) return principalArns === undefined || principalArns.includes(caller.role) ? [caller.role] : [];
    if (principalArns === undefined) {
        add(`trusts account ${caller.account} without naming a role in aws:PrincipalArn: any principal of the account`);
        return [];
    }
    const inAccount = principalArns.filter((a) => parseArn(a)?.account === caller.account);
    for (const a of inAccount) if (!isRoleArn(a)) add(`narrows account ${caller.account} to ${JSON.stringify(a)}, which is not a role ARN`);
    return inAccount.filter(isRoleArn);
}

/** Whether the reduced trust admits `principal` presenting `externalId` (undefined: none). */
export function trustAdmits(form: TrustNormalForm, principal: string, externalId: string | undefined): boolean {
    return form.pairs.some((p) => p.principal === principal && (p.externalId === ANY_EXTERNAL_ID || p.externalId === externalId));
}
