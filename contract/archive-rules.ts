/**
 * The archive's isolation proof as a pure function over the policies the
 * deploy side produced: the operations account can neither read, list nor
 * delete archive objects, and only the delivery path can write. The
 * documents are read with the one IAM model (`./iam`), which fails closed on
 * anything IAM's grammar does not hold; a statement the proof was never
 * taught (NotPrincipal, NotAction, NotResource, a principal form it does not
 * know) is reported rather than trusted, so it fails the proof instead of
 * passing it.
 */
import { isLogsServicePrincipal, s3BucketArn } from "./arns";

/** Storage classes the archive's lifecycle may move objects to, with the minimum age S3 accepts for each. */
export const ARCHIVE_STORAGE_CLASS_MIN_DAYS: Readonly<Record<string, number>> = Object.freeze({
    STANDARD_IA: 30,
    ONEZONE_IA: 30,
    INTELLIGENT_TIERING: 0,
    GLACIER_IR: 0,
    GLACIER: 0,
    DEEP_ARCHIVE: 0,
});
/** The archive's lifecycle steps when none are asked for: both classes stay readable by Athena without a restore. */
export const ARCHIVE_DEFAULT_TRANSITIONS: readonly Readonly<{ days: number; storageClass: string }>[] = Object.freeze([
    Object.freeze({ days: 30, storageClass: "STANDARD_IA" }),
    Object.freeze({ days: 90, storageClass: "GLACIER_IR" }),
]);
import { accountOfPrincipal, coversAction, coversEveryValueWith, parsePolicy, principalsOf, wildcardMatch, type PolicyStatement } from "./iam";
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
    /**
     * Whether an Allow's conditions hold its `*` to principals of the
     * customer account (`aws:PrincipalAccount`, and `kms:CallerAccount` in the
     * key policy): the verifier's one reading of such conditions. Without it,
     * `*` is always outside.
     */
    heldToAccount?: (s: PolicyStatement, policy: "bucket" | "key") => boolean;
}

/** One way the archive policies fail the proof, and which of the two documents holds it. */
export interface ArchiveFinding {
    policy: "bucket" | "key";
    why: string;
}

/** A statement with the label these messages have always used: its Sid, or its 0-based index. */
interface Labelled {
    s: PolicyStatement;
    name: string;
}

function statementsOf(policy: ArchiveFinding["policy"], doc: unknown, findings: ArchiveFinding[]): Labelled[] {
    const what = POLICY_NAMES[policy];
    const note = (why: string) => findings.push({ policy, why });
    if (!isPlainObject(doc) || doc.Statement === undefined) {
        note(`${what} is not a policy document with a Statement, got ${show(doc)}`);
        return [];
    }
    const parsed = parsePolicy(doc);
    if ("problem" in parsed) {
        note(`${what} ${parsed.problem}`);
        return [];
    }
    const usable: Labelled[] = [];
    for (const [i, s] of parsed.statements.entries()) {
        const name = `${what} statement ${s.sid ?? i}`;
        const negated = ([["NotPrincipal", s.notPrincipals], ["NotAction", s.notActions], ["NotResource", s.notResources]] as const).filter(([, v]) => v !== undefined).map(([k]) => k);
        if (negated.length > 0) note(`${name} uses ${negated.join(", ")}, which this proof does not recognise`);
        else usable.push({ s, name });
    }
    return usable;
}

/** AWS principals of a statement (`"*"` for everyone); undefined when the principal has another form. */
function awsPrincipals(s: PolicyStatement): string[] | undefined {
    const kinds = Object.keys(s.principals ?? {});
    return kinds.length === 1 && kinds[0] === "AWS" ? principalsOf(s, "AWS") : undefined;
}

const isEveryone = (s: PolicyStatement) => {
    const principals = awsPrincipals(s);
    return principals?.length === 1 && principals[0] === "*";
};
/** Whether the statement's resources take in the bucket itself and every one of its objects. */
const coversBucketAndObjects = (s: PolicyStatement, bucket: string) =>
    (s.resources ?? []).some((r) => wildcardMatch(r, s3BucketArn(bucket))) && coversAllObjects(s, bucket);
const coversAllObjects = (s: PolicyStatement, bucket: string) => (s.resources ?? []).some((r) => coversEveryValueWith(r, `${s3BucketArn(bucket)}/`));
const coversEveryS3Action = (s: PolicyStatement) => (s.actions ?? []).some((a) => coversEveryValueWith(a, "s3:", true));

/** The single condition of `s`, or undefined when it has none or several. */
const onlyCondition = (s: PolicyStatement) => (s.conditions.length === 1 ? s.conditions[0] : undefined);

/** Whether `s` denies every principal of `ops` everything on the bucket and its objects. */
function deniesOpsAccount(s: PolicyStatement, bucket: string, ops: string): boolean {
    if (s.effect !== "Deny" || !coversEveryS3Action(s) || !coversBucketAndObjects(s, bucket)) return false;
    if (s.conditions.length === 0) {
        return (awsPrincipals(s) ?? []).some((p) => p !== "*" && accountOfPrincipal(p) === ops && (p === ops || p.endsWith(":root")));
    }
    const c = onlyCondition(s);
    // IfExists on a Deny also denies a request that carries no account: it denies all StringEquals does, and more.
    return isEveryone(s) && c !== undefined && (c.operator === "StringEquals" || c.operator === "StringEqualsIfExists") && c.key === "aws:principalaccount" && c.values.includes(ops);
}

const POLICY_NAMES: Record<ArchiveFinding["policy"], string> = { bucket: "the bucket policy", key: "the key policy" };

/** The writers `s` lets through its write deny, or undefined when `s` is no such deny. */
function allowedWriters(s: PolicyStatement, bucket: string): string[] | undefined {
    if (s.effect !== "Deny" || !isEveryone(s) || !coversAction(s, "s3:PutObject") || !coversAllObjects(s, bucket)) return undefined;
    const c = onlyCondition(s);
    return c !== undefined && c.operator === "ArnNotEquals" && c.key === "aws:principalarn" ? c.values : undefined;
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
    return archiveIsolationFindings(input).map((f) => f.why);
}

/** {@link archiveIsolationViolations}, each with the policy that holds it: a key policy's finding is the key's to report. */
export function archiveIsolationFindings(input: ArchivePolicies): ArchiveFinding[] {
    const findings: ArchiveFinding[] = [];
    const bucketStatements = statementsOf("bucket", input.bucketPolicy, findings);
    const keyStatements = statementsOf("key", input.keyPolicy, findings);
    const outsider = (p: string) => p === "*" || accountOfPrincipal(p) !== input.customerAccountId;

    for (const [policy, statements] of [["bucket", bucketStatements], ["key", keyStatements]] as const) {
        const what = POLICY_NAMES[policy];
        const note = (why: string) => findings.push({ policy, why });
        for (const { s } of statements.filter(({ s: st }) => st.effect === "Allow")) {
            const label = `${what} statement ${show(s.sid ?? "")}`;
            const principals = awsPrincipals(s);
            if (principals !== undefined) {
                const held = principals.includes("*") && input.heldToAccount?.(s, policy) === true;
                const outside = principals.filter((p) => outsider(p) && !(held && p === "*"));
                if (outside.length > 0) note(`${label} allows ${outside.join(", ")}, outside the customer account ${input.customerAccountId}`);
                continue;
            }
            const kinds = Object.keys(s.principals ?? {});
            const service = kinds.length === 1 ? principalsOf(s, "Service") : [];
            const known = policy === "key" && service.length > 0 && service.every(isLogsServicePrincipal) && s.conditions.length > 0;
            if (!known) note(`${label} allows a principal this proof does not recognise: ${show(s.principals)}`);
        }
    }

    const bucketFinding = (why: string) => findings.push({ policy: "bucket", why });
    if (!bucketStatements.some(({ s }) => deniesOpsAccount(s, input.bucketName, input.opsAccountId))) {
        bucketFinding(`the bucket policy does not deny every principal of the ops account ${input.opsAccountId} all access to ${s3BucketArn(input.bucketName)} and its objects`);
    }
    const writeDenies = bucketStatements.map(({ s }) => allowedWriters(s, input.bucketName)).filter((w): w is string[] => w !== undefined);
    if (writeDenies.length === 0) {
        bucketFinding(`the bucket policy does not deny writes to every principal but the delivery role ${input.writerRoleArn}`);
    } else if (!writeDenies.some((w) => w.length === 1 && w[0] === input.writerRoleArn)) {
        bucketFinding(`the bucket policy lets other principals than the delivery role write: ${writeDenies.map((w) => show(w)).join("; ")}`);
    }
    return findings;
}
