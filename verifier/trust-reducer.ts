/**
 * Reduces a role's trust policy to the exact set of (caller principal ARN,
 * ExternalId) pairs it admits for `sts:AssumeRole`. Only the shapes whose
 * meaning is certain are reduced; every other shape is a finding, so an
 * unfamiliar policy can never pass as a narrow one.
 */
import { PARTITION } from "../contract";
import { hasWildcard, iamMatch, parseDocument, type Statement } from "./policy-statements";

export const ASSUME_ROLE = "sts:AssumeRole";
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
}

export interface Finding {
    statement: string;
    why: string;
}

export interface TrustNormalForm {
    pairs: TrustPair[];
    findings: Finding[];
}

const ROOT_ARN = new RegExp(`^arn:${PARTITION}:iam::(\\d{12}):root$`);
const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::(\\d{12}):role/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}$`);

export function reduceTrustPolicy(document: unknown): TrustNormalForm {
    const parsed = parseDocument(document);
    if ("problem" in parsed) return { pairs: [], findings: [{ statement: "(document)", why: `the trust policy ${parsed.problem}` }] };
    const pairs: TrustPair[] = [];
    const findings: Finding[] = [];
    for (const s of parsed.statements) {
        const before = findings.length;
        const add = (why: string) => findings.push({ statement: s.label, why });
        for (const n of s.negated) add(`uses ${n}, which the verifier does not reduce`);
        if (s.effect === "Deny") {
            add("is a Deny statement; trust policies are reduced from Allow statements only");
            continue;
        }
        const assumes = s.actions.some((a) => iamMatch(a, ASSUME_ROLE, true));
        const callers = principalsOf(s, add);
        const { externalIds, principalArns } = trustConditions(s, add);
        if (findings.length > before || !assumes) continue;
        for (const caller of callers) {
            for (const principal of narrow(caller, principalArns, add)) {
                for (const externalId of externalIds ?? [ANY_EXTERNAL_ID]) pairs.push({ principal, externalId, statement: s.label });
            }
        }
        if (externalIds === undefined) add("admits sts:AssumeRole without an ExternalId condition");
    }
    return { pairs, findings };
}

/** Account roots and role ARNs named by `Principal.AWS`; anything else is a finding. */
function principalsOf(s: Statement, add: (why: string) => void): { account: string; role?: string }[] {
    const p = s.principal;
    if (p === undefined) {
        add("has no Principal");
        return [];
    }
    if (typeof p !== "object" || p === null || Array.isArray(p)) {
        add(`has Principal ${JSON.stringify(p)}: any principal`);
        return [];
    }
    const out: { account: string; role?: string }[] = [];
    for (const [kind, value] of Object.entries(p)) {
        if (kind !== "AWS") {
            add(`names a ${kind} principal (${JSON.stringify(value)}); only AWS account and role principals are reduced`);
            continue;
        }
        for (const v of Array.isArray(value) ? value : [value]) {
            const text = String(v);
            const root = ROOT_ARN.exec(text) ?? (/^\d{12}$/.test(text) ? [text, text] : null);
            const role = ROLE_ARN.exec(text);
            if (hasWildcard(text)) add(`has a wildcard principal ${JSON.stringify(text)}`);
            else if (root) out.push({ account: root[1] });
            else if (role) out.push({ account: role[1], role: text });
            else add(`names a principal ${JSON.stringify(text)} that is neither an account root nor a role ARN`);
        }
    }
    return out;
}

/** The ExternalId values (one exact StringEquals) and the exact `aws:PrincipalArn` values. */
function trustConditions(s: Statement, add: (why: string) => void): { externalIds?: string[]; principalArns?: string[] } {
    let externalIds: string[] | undefined;
    let principalArns: string[] | undefined;
    for (const [operator, keys] of s.conditions) {
        for (const [key, values] of keys) {
            if (key === EXTERNAL_ID) {
                if (operator !== "StringEquals") add(`tests sts:ExternalId with ${operator}; only one exact StringEquals is accepted`);
                else if (values.length !== 1) add(`accepts ${values.length} ExternalIds; exactly one is accepted`);
                else if (externalIds !== undefined) add("tests sts:ExternalId twice");
                else externalIds = values;
            } else if (key === PRINCIPAL_ARN) {
                if (operator !== "ArnEquals" && operator !== "StringEquals" && operator !== "ArnLike") add(`tests aws:PrincipalArn with ${operator}`);
                else if (values.some(hasWildcard)) add(`tests aws:PrincipalArn against a wildcard (${values.filter(hasWildcard).join(", ")})`);
                else if (principalArns !== undefined) add("tests aws:PrincipalArn twice");
                else principalArns = values;
            } else {
                add(`has a condition the verifier does not reduce: ${operator} ${key}`);
            }
        }
    }
    return { externalIds, principalArns };
}

/** The callers one principal admits once `aws:PrincipalArn` narrows it. */
function narrow(caller: { account: string; role?: string }, principalArns: string[] | undefined, add: (why: string) => void): string[] {
    if (caller.role) return principalArns === undefined || principalArns.includes(caller.role) ? [caller.role] : [];
    if (principalArns === undefined) {
        add(`trusts account ${caller.account} without naming a role in aws:PrincipalArn: any principal of the account`);
        return [];
    }
    const inAccount = principalArns.filter((a) => a.split(":")[4] === caller.account);
    for (const a of inAccount) if (!ROLE_ARN.test(a)) add(`narrows account ${caller.account} to ${JSON.stringify(a)}, which is not a role ARN`);
    return inAccount.filter((a) => ROLE_ARN.test(a));
}

/** Whether the reduced trust admits `principal` presenting `externalId` (undefined: none). */
export function trustAdmits(form: TrustNormalForm, principal: string, externalId: string | undefined): boolean {
    return form.pairs.some((p) => p.principal === principal && (p.externalId === ANY_EXTERNAL_ID || p.externalId === externalId));
}
