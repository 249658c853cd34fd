/**
 * The archive's isolation proof as a pure function over the policies the
 * deploy side produced: the operations account can neither read, list nor
 * delete archive objects, and only the delivery path can write. Anything the
 * proof does not recognise is reported rather than trusted, so a policy
 * shape it was never taught fails the proof instead of passing it.
 */
import { s3BucketArn, s3ObjectsArn } from "./arns";
import { isPlainObject, show } from "./validation";

export interface ArchivePolicies {
    /** The archive bucket's policy document (parsed JSON). */
    bucketPolicy: unknown;
    /** The policy of the key that encrypts the archive (parsed JSON). */
    keyPolicy: unknown;
    bucketName: string;
    /** The account that owns the bucket and the key. */
    customerAccountId: string;
    /** The account that must have no way in. */
    opsAccountId: string;
    /** The role of the delivery path: the only principal that may write. */
    writerRoleArn: string;
}

const KNOWN_STATEMENT_KEYS = new Set(["Sid", "Effect", "Principal", "Action", "Resource", "Condition"]);
const KEY_POLICY_SERVICES = /^logs\.[a-z0-9-]+\.amazonaws\.com$/;

type Statement = Record<string, unknown>;

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function statementsOf(what: string, doc: unknown, violations: string[]): Statement[] {
    if (!isPlainObject(doc) || doc.Statement === undefined) {
        violations.push(`${what} is not a policy document with a Statement, got ${show(doc)}`);
        return [];
    }
    const statements = asList(doc.Statement);
    const usable: Statement[] = [];
    for (const [i, s] of statements.entries()) {
        const label = `${what} statement ${isPlainObject(s) && typeof s.Sid === "string" ? s.Sid : i}`;
        if (!isPlainObject(s)) {
            violations.push(`${label} is not an object, got ${show(s)}`);
            continue;
        }
        const unknown = Object.keys(s).filter((k) => !KNOWN_STATEMENT_KEYS.has(k));
        if (unknown.length > 0 || (s.Effect !== "Allow" && s.Effect !== "Deny")) {
            violations.push(`${label} uses ${unknown.length ? unknown.join(", ") : `Effect ${show(s.Effect)}`}, which this proof does not recognise`);
            continue;
        }
        usable.push(s);
    }
    return usable;
}

/** AWS principals of a statement; "*" for everyone; undefined when the principal has another form. */
function awsPrincipals(s: Statement): string[] | undefined {
    if (s.Principal === "*") return ["*"];
    if (!isPlainObject(s.Principal)) return undefined;
    const keys = Object.keys(s.Principal);
    if (keys.length !== 1 || keys[0] !== "AWS") return undefined;
    const list = asList(s.Principal.AWS);
    return list.every((p) => typeof p === "string") ? (list as string[]) : undefined;
}

const isEveryone = (s: Statement) => awsPrincipals(s)?.length === 1 && awsPrincipals(s)?.[0] === "*";
const accountOf = (principal: string) => (/^\d{12}$/.test(principal) ? principal : /^arn:aws:iam::(\d{12}):/.exec(principal)?.[1]);
const covers = (s: Statement, field: "Action" | "Resource", wanted: string[]) => wanted.every((w) => asList(s[field]).some((v) => v === "*" || v === w));
const coversAction = (s: Statement, action: string) => asList(s.Action).some((a) => a === "*" || a === "s3:*" || a === action);

/** The single condition of `s` as [operator, key, values], or undefined when it has none or several. */
function onlyCondition(s: Statement): [string, string, unknown[]] | undefined {
    if (!isPlainObject(s.Condition)) return undefined;
    const ops = Object.entries(s.Condition);
    if (ops.length !== 1 || !isPlainObject(ops[0][1])) return undefined;
    const keys = Object.entries(ops[0][1]);
    return keys.length === 1 ? [ops[0][0], keys[0][0], asList(keys[0][1])] : undefined;
}

/** Whether `s` denies every principal of `ops` everything on the bucket and its objects. */
function deniesOpsAccount(s: Statement, bucket: string, ops: string): boolean {
    if (s.Effect !== "Deny" || !asList(s.Action).some((a) => a === "*" || a === "s3:*")) return false;
    if (!covers(s, "Resource", [s3BucketArn(bucket), s3ObjectsArn(bucket)])) return false;
    const principals = awsPrincipals(s);
    if (s.Condition === undefined) return principals !== undefined && principals.some((p) => p !== "*" && accountOf(p) === ops && (p === ops || p.endsWith(":root")));
    const c = onlyCondition(s);
    return isEveryone(s) && c !== undefined && c[0] === "StringEquals" && c[1] === "aws:PrincipalAccount" && c[2].includes(ops);
}

/** The writers `s` lets through its write deny, or undefined when `s` is no such deny. */
function allowedWriters(s: Statement, bucket: string): unknown[] | undefined {
    if (s.Effect !== "Deny" || !isEveryone(s) || !coversAction(s, "s3:PutObject") || !covers(s, "Resource", [s3ObjectsArn(bucket)])) return undefined;
    const c = onlyCondition(s);
    return c !== undefined && c[0] === "ArnNotEquals" && c[1] === "aws:PrincipalArn" ? c[2] : undefined;
}

/**
 * Every way the archive policies fail the isolation proof; empty when they
 * pass. Checks: no statement the proof cannot read; no Allow in either
 * policy for anyone outside the customer account (nor for a service other
 * than CloudWatch Logs on the key); an explicit deny of everything to every
 * principal of the ops account; and an explicit deny of writes to everyone
 * but the delivery role.
 */
export function archiveIsolationViolations(input: ArchivePolicies): string[] {
    const violations: string[] = [];
    const bucketStatements = statementsOf("the bucket policy", input.bucketPolicy, violations);
    const keyStatements = statementsOf("the key policy", input.keyPolicy, violations);
    const outsider = (p: string) => p === "*" || accountOf(p) !== input.customerAccountId;

    for (const [what, statements] of [["the bucket policy", bucketStatements], ["the key policy", keyStatements]] as const) {
        for (const s of statements.filter((st) => st.Effect === "Allow")) {
            const label = `${what} statement ${show(s.Sid ?? "")}`;
            const principals = awsPrincipals(s);
            if (principals !== undefined) {
                const outside = principals.filter(outsider);
                if (outside.length > 0) violations.push(`${label} allows ${outside.join(", ")}, outside the customer account ${input.customerAccountId}`);
                continue;
            }
            const service = isPlainObject(s.Principal) && Object.keys(s.Principal).length === 1 ? asList(s.Principal.Service) : [];
            const known = what === "the key policy" && service.length > 0 && service.every((v) => typeof v === "string" && KEY_POLICY_SERVICES.test(v)) && s.Condition !== undefined;
            if (!known) violations.push(`${label} allows a principal this proof does not recognise: ${show(s.Principal)}`);
        }
    }

    if (!bucketStatements.some((s) => deniesOpsAccount(s, input.bucketName, input.opsAccountId))) {
        violations.push(`the bucket policy does not deny every principal of the ops account ${input.opsAccountId} all access to ${s3BucketArn(input.bucketName)} and its objects`);
    }
    const writeDenies = bucketStatements.map((s) => allowedWriters(s, input.bucketName)).filter((w): w is unknown[] => w !== undefined);
    if (writeDenies.length === 0) {
        violations.push(`the bucket policy does not deny writes to every principal but the delivery role ${input.writerRoleArn}`);
    } else if (!writeDenies.some((w) => w.length === 1 && w[0] === input.writerRoleArn)) {
        violations.push(`the bucket policy lets other principals than the delivery role write: ${writeDenies.map((w) => show(w)).join("; ")}`);
    }
    return violations;
}
