/**
 * The audit archive of a customer stack, held to what its component was
 * asked for: the bucket with Object Lock on, its lock configuration,
 * versioning, SSE-KMS with the stack's key, the public access block,
 * bucket-owner-enforced ownership, and the bucket policy of the contract's
 * archive rules (the operations account can neither read, list nor delete
 * archive objects, and only the runtime role, the delivery path, can write).
 * Each must be in the file: a protection the file leaves out is one AWS need
 * not hold.
 */
import { ARCHIVE_DEFAULT_TRANSITIONS, archiveIsolationFindings, isAccountId, isRecord, parseArn } from "../contract";
import { replicationIntoArchive } from "./archive-replication";
import { blocksOf, KEY_POLICY_TIES, PRINCIPAL_TIES, tiedToAccount } from "./account-egress";
import type { CustomerIntent } from "./intent";
import { asText, jsonValue, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";
import { resourceRegion } from "./resource-region";
import { violation, type Violation } from "./findings";
import { prop } from "./tenant-proof";

export const BUCKET_POLICY_TYPE = "aws:s3/bucketPolicy:BucketPolicy";
const KMS_KEY_TYPE = "aws:kms/key:Key";
const NO_BUCKETS: ReadonlySet<string> = new Set();

/** What the component creates on its archive bucket, by the types that can hold each. */
const PROTECTIONS = {
    bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    lock: ["aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"],
    versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
    encryption: ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"],
    publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
    ownership: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
    policy: [BUCKET_POLICY_TYPE],
} as const;
type Protection = keyof typeof PROTECTIONS;
const PROTECTION_OF = new Map<string, Protection>(Object.entries(PROTECTIONS).flatMap(([kind, types]) => types.map((t) => [t, kind as Protection])));
/** Lifecycle rules: not a protection the archive needs, but one that expires records before their lock ends hides them. */
const LIFECYCLE_TYPES = new Set(["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"]);

/** Why the protection must be there, for the finding that it is not. */
const MISSING: Record<Protection, string> = {
    bucket: "the archive bucket itself is not in the stack: its Object Lock cannot be proved",
    lock: "has no Object Lock configuration: records could be deleted as soon as they are written",
    versioning: "has no versioning configuration: an overwrite would replace a record",
    encryption: "has no server-side encryption configuration: records would not be encrypted with the stack's key, whose policy keeps other accounts out",
    publicAccessBlock: "has no public access block: a policy or ACL could open it to anyone",
    ownership: "has no ownership controls enforcing the bucket owner: ACLs would still apply to its objects",
    policy: "has no bucket policy: nothing denies the ops account its objects or limits writes to the runtime role",
};

/** Encryption algorithms that use the KMS key named beside them. */
const KMS_ALGORITHMS = new Set(["aws:kms", "aws:kms:dsse"]);

/** The ops account of an ops role ARN, or undefined. */
function accountOf(arn: string): string | undefined {
    const account = parseArn(arn)?.account;
    return account !== undefined && isAccountId(account) ? account : undefined;
}

/** Whether the resource is the stack's own and outlasts the update: a copy being deleted, or read with `.get()`, protects nothing for long. */
const stays = (r: StackResource) => !r.external && !r.pendingDelete && !r.pendingReplacement;

const isTrue = (v: unknown) => v === true || v === "true";

/** `runtimeRoleArn`: the archive's one writer, the role the tenant's ops role trusts (see runtime-roles.ts). */
export function archiveViolations(c: CustomerIntent, state: StackState, runtimeRoleArn = c.runtimeRoleArn): { violations: Violation[]; facts: string[] } {
    const violations: Violation[] = [];
    const facts: string[] = [];
    const componentName = c.urn.split("::").pop()!;
    const flag = (resource: string, why: string, urn?: string) => violations.push(violation("BT-CUSTOMER-ARCHIVE", { tenant: c.tenantId, stack: c.stack, resource, ...(urn ? { urn } : {}) }, "-", why));

    const component = state.resources.find((r) => r.urn === c.urn);
    const named = component?.outputs.archiveBucketName;
    const asked = (named !== undefined && named !== null) || c.archiveRetentionMode !== undefined || c.archiveRetentionDays !== undefined;
    const bucketName = typeof named === "string" && named !== "" && named !== UNKNOWN_VALUE ? named : undefined;
    if (asked && bucketName === undefined) {
        flag(componentName, `the component asks for an archive, but its archiveBucketName is ${named === UNKNOWN_VALUE ? "not known at preview" : asText(named)}: which bucket must hold its protections cannot be proved`, c.urn);
    }

    // One pass: the archive bucket's resources by protection, and every bucket policy that may govern the archive.
    const found = new Map<Protection, StackResource[]>();
    const policies: { resource: StackResource; document: unknown; bucket: unknown }[] = [];
    for (const r of state.resources) {
        if (LIFECYCLE_TYPES.has(r.type) && !r.external && bucketName !== undefined && prop(r, "bucket") === bucketName) {
            lifecycleProblems(prop(r, "rules"), c).forEach((why) => flag(r.name, `archive bucket ${bucketName}: ${why}`, r.urn));
        }
        if (bucketName !== undefined && !r.external) for (const [path, why] of replicationIntoArchive(r, bucketName)) flag(r.name, `${path} ${why}`, r.urn);
        const kind = PROTECTION_OF.get(r.type);
        if (kind === undefined || r.external) continue;
        const bucket = prop(r, "bucket");
        const onArchive = bucketName !== undefined && bucket === bucketName;
        if (kind === "policy" && (onArchive || r.parent === c.urn)) policies.push({ resource: r, document: prop(r, "policy"), bucket });
        if (!onArchive) continue;
        const list = found.get(kind);
        if (list) list.push(r);
        else found.set(kind, [r]);
        // A policy set on the bucket itself is a bucket policy AWS may hold as well.
        if (kind === "bucket" && isSetText(prop(r, "policy"))) policies.push({ resource: r, document: prop(r, "policy"), bucket });
    }

    if (bucketName !== undefined) {
        const before = violations.length;
        const bucketResource = found.get("bucket")?.find(stays);
        const at = bucketResource ?? component;
        for (const kind of Object.keys(PROTECTIONS) as Protection[]) {
            const present = (found.get(kind) ?? []).filter(stays);
            const hasInlinePolicy = kind === "policy" && policies.some((p) => p.resource.type !== BUCKET_POLICY_TYPE && stays(p.resource));
            if (present.length === 0 && !hasInlinePolicy) flag(at?.name ?? componentName, `archive bucket ${bucketName} ${MISSING[kind]}`, at?.urn ?? c.urn);
        }
        // A setting is made in the Region it names: one made from another Region than the bucket's is not the bucket's.
        const bucketRegion = bucketResource && resourceRegion(state, bucketResource);
        for (const [kind, rs] of found) {
            for (const r of rs) for (const why of protectionProblems(kind, r, c)) flag(r.name, `archive bucket ${bucketName}: ${why}`, r.urn);
            for (const r of rs) {
                const at = resourceRegion(state, r);
                if (kind !== "bucket" && at !== undefined && bucketRegion !== undefined && at !== bucketRegion) flag(r.name, `archive bucket ${bucketName}: its ${kind} is set from Region ${at}, but the bucket is in ${bucketRegion}: S3 does not apply it to the bucket`, r.urn);
            }
        }
        if (violations.length === before) facts.push(`archive ${bucketName} (${c.stack}): Object Lock, versioning, SSE-KMS with ${c.kmsKeyArn}, the public access block, bucket-owner-enforced ownership and the bucket policy are all in the stack`);
    }

    const key = state.resources.find((r) => r.type === KMS_KEY_TYPE && prop(r, "arn") === c.kmsKeyArn);
    const opsAccountId = accountOf(c.opsRoleArn);
    // A finding of the key policy is the key's, once, however many bucket policies it is read beside.
    const keyFindings = new Set<string>();
    for (const { resource, document, bucket } of policies) {
        if (!key) flag(resource.name, `the archive's key ${c.kmsKeyArn} is not in the stack, so its key policy cannot be checked`, resource.urn);
        else if (typeof bucket !== "string" || !opsAccountId) flag(resource.name, "the archive bucket's name or the ops account is not known in this file", resource.urn);
        else {
            const problems = archiveIsolationFindings({
                bucketPolicy: jsonValue(document) ?? document,
                keyPolicy: jsonValue(prop(key, "policy")) ?? prop(key, "policy"),
                bucketName: bucket,
                customerAccountId: c.accountId,
                opsAccountId,
                writerRoleArn: runtimeRoleArn,
                heldToAccount: (s, policy) => tiedToAccount(s, c.accountId, NO_BUCKETS, policy === "key" ? KEY_POLICY_TIES : PRINCIPAL_TIES),
            });
            for (const { policy, why } of problems) {
                if (policy === "bucket") flag(resource.name, why, resource.urn);
                else if (!keyFindings.has(why)) {
                    keyFindings.add(why);
                    violations.push(violation("BT-CUSTOMER-KEY", { tenant: c.tenantId, stack: c.stack, resource: key.name, urn: key.urn }, "policy", `${why}: the archive ${bucket} is encrypted with this key, whose policy must keep every other account out`));
                }
            }
            if (problems.length === 0) facts.push(`archive ${bucket} (${c.stack}): the ops account ${opsAccountId} cannot read, list or delete it; only ${runtimeRoleArn} may write`);
        }
    }
    return { violations, facts };
}

/**
 * What one protection holds against what the component creates. The lock
 * configuration's own mode and retention are held to the intent with every
 * lock of the stack (customer-account.ts); a lock set on the bucket itself is
 * held here.
 */
function protectionProblems(kind: Protection, r: StackResource, c: CustomerIntent): string[] {
    switch (kind) {
        case "bucket": {
            const out: string[] = [];
            const inlineLock = prop(r, "objectLockConfiguration");
            if (!isTrue(prop(r, "objectLockEnabled")) && !(isRecord(inlineLock) && inlineLock.objectLockEnabled === "Enabled")) {
                out.push("Object Lock is not enabled on the bucket (objectLockEnabled): no retention can hold its records");
            }
            if (isRecord(inlineLock) && inlineLock.rule !== undefined && inlineLock.rule !== null) {
                out.push(...retentionProblems(isRecord(inlineLock.rule) ? inlineLock.rule.defaultRetention : undefined, c).map((why) => `the bucket's own objectLockConfiguration ${why}`));
            }
            // The provider empties a force-destroyed bucket, bypassing GOVERNANCE retention: a destroy or replacement deletes the records.
            if (isTrue(prop(r, "forceDestroy"))) out.push("forceDestroy is on: destroying or replacing the bucket deletes every record its lock does not hold in COMPLIANCE mode (the component sets it off)");
            const versioning = prop(r, "versioning");
            if (isRecord(versioning) && (versioning.enabled === false || versioning.enabled === "false")) out.push("the bucket's own versioning setting turns versioning off");
            const sse = prop(r, "serverSideEncryptionConfiguration");
            if (isRecord(sse)) out.push(...encryptionProblems(sse.rule ?? sse.rules, c).map((why) => `the bucket's own serverSideEncryptionConfiguration ${why}`));
            out.push(...lifecycleProblems(prop(r, "lifecycleRules"), c).map((why) => `the bucket's own ${why}`));
            return out;
        }
        case "versioning": {
            const config = prop(r, "versioningConfiguration");
            const status = isRecord(config) ? config.status : undefined;
            return status === "Enabled" ? [] : [`versioning is ${asText(status ?? "not set")}, not Enabled: an overwrite would replace a record`];
        }
        case "encryption":
            return encryptionProblems(prop(r, "rules") ?? prop(r, "rule"), c);
        case "publicAccessBlock": {
            const off = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter((k) => !isTrue(prop(r, k)));
            return off.length === 0 ? [] : [`the public access block leaves ${off.join(", ")} off: a policy or ACL could open the bucket to anyone`];
        }
        case "ownership": {
            const rule = prop(r, "rule");
            const rules = Array.isArray(rule) ? rule : [rule];
            const ownership = rules.map((x) => (isRecord(x) ? x.objectOwnership : undefined));
            return ownership.length > 0 && ownership.every((o) => o === "BucketOwnerEnforced") ? [] : [`object ownership is ${asText(ownership.length === 1 ? ownership[0] ?? "not set" : ownership)}, not BucketOwnerEnforced: ACLs would still apply to its objects`];
        }
        case "lock":
        case "policy":
            return [];
    }
}

/** Every default-encryption rule must use KMS with the archive's key. */
function encryptionProblems(value: unknown, c: CustomerIntent): string[] {
    const rules = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
    if (rules.length === 0) return ["has no default encryption rule: records would not be encrypted with the stack's key"];
    const out: string[] = [];
    for (const rule of rules) {
        const by = isRecord(rule) && isRecord(rule.applyServerSideEncryptionByDefault) ? rule.applyServerSideEncryptionByDefault : undefined;
        const algorithm = by?.sseAlgorithm;
        if (typeof algorithm !== "string" || !KMS_ALGORITHMS.has(algorithm)) out.push(`encrypts with ${asText(algorithm ?? "no algorithm")}, not aws:kms: the key policy that keeps other accounts out would not apply`);
        else if (by?.kmsMasterKeyId !== c.kmsKeyArn) out.push(`encrypts with key ${asText(by?.kmsMasterKeyId ?? "(the AWS managed key)")}, not the archive's key ${c.kmsKeyArn}`);
    }
    return out;
}

/** A default retention against the mode and days the component was asked for (COMPLIANCE unless it chose otherwise). */
function retentionProblems(retention: unknown, c: CustomerIntent): string[] {
    if (!isRecord(retention)) return ["has no default retention: records could be deleted as soon as they are written"];
    // AWS reports the unit not chosen as 0 (`{ days: 2555, years: 0 }`): the longer of the two is the retention.
    const count = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
    const days = Math.max(count(retention.days), count(retention.years) * 365);
    const out: string[] = [];
    const mode = c.archiveRetentionMode ?? "COMPLIANCE";
    if (retention.mode !== mode) out.push(`locks in ${asText(retention.mode ?? "no")} mode, not ${mode}: privileged principals could delete locked records`);
    if (c.archiveRetentionDays !== undefined && days < c.archiveRetentionDays) out.push(`keeps records ${days} days, less than the ${c.archiveRetentionDays} days asked for`);
    return out;
}

/**
 * Lifecycle rules on the archive, held to what the component creates:
 * transitions only to the storage classes it was asked to use, an expiration of current
 * versions only once their lock has ended, and noncurrent versions deleted
 * only after such an expiration. An expiration puts a delete marker over a
 * locked record, which then no longer shows in the bucket or to Athena,
 * while its lock still keeps it; one at a date cannot be held to the lock.
 * The inline `lifecycleRules` of a bucket (`enabled`, `days`) are read alike.
 */
export function lifecycleProblems(value: unknown, c: CustomerIntent): string[] {
    const rules = blocksOf(value);
    if ("problem" in rules) return [`its lifecycle rules ${rules.problem}: whether they expire records before their lock ends cannot be proved`];
    const lock = c.archiveRetentionDays;
    const before = (days: unknown) => typeof days !== "number" || lock === undefined || days < lock;
    const lockText = lock === undefined ? "the lock's retention (not known)" : `the ${lock}-day lock`;
    // A component from an older bedrock-tenancy records no classes: its lifecycle is held to the default steps'.
    const classes = c.archiveStorageClasses ?? ARCHIVE_DEFAULT_TRANSITIONS.map((t) => t.storageClass);
    const out: string[] = [];
    for (const [i, rule] of rules.blocks.entries()) {
        if (rule.status === "Disabled" || isFalse(rule.enabled)) continue;
        const name = `lifecycle rule ${asText(rule.id ?? i)}`;
        const part = (key: string) => {
            const read = blocksOf(rule[key]);
            if ("problem" in read) out.push(`${name} ${key} ${read.problem}: what it expires cannot be proved`);
            return "blocks" in read ? read.blocks : [];
        };
        let expiresAfterLock = false;
        for (const e of part("expiration")) {
            if (isSetValue(e.date)) out.push(`${name} expires current versions on ${asText(e.date)}: a delete marker would hide records whose lock has not ended`);
            if (isSetValue(e.days) && e.days !== 0) {
                if (before(e.days)) out.push(`${name} expires current versions after ${asText(e.days)} days, before ${lockText} ends: a delete marker would hide each record from the bucket's listings and Athena while its lock still holds it`);
                else expiresAfterLock = true;
            }
        }
        for (const n of part("noncurrentVersionExpiration")) {
            const days = n.noncurrentDays ?? n.days;
            if (isSetValue(days) && !expiresAfterLock && before(days)) out.push(`${name} deletes noncurrent versions after ${asText(days)} days, before ${lockText} ends: a record hidden by a delete marker is then deleted as soon as its lock lets it, not after the retention asked for`);
        }
        for (const key of ["transitions", "noncurrentVersionTransitions"]) {
            for (const t of part(key)) {
                if (!(typeof t.storageClass === "string" && classes.includes(t.storageClass))) out.push(`${name} ${key} moves records to ${asText(t.storageClass ?? "no storage class")}, not one of the classes the component was asked to move them to (${classes.join(", ")}): a record in a class the archive was not asked for may need a restore before Athena can read it, and costs what was not chosen`);
            }
        }
    }
    return out;
}

const isFalse = (v: unknown) => v === false || v === "false";
const isSetValue = (v: unknown) => v !== undefined && v !== null && v !== "";

/** Whether a policy property holds a policy: Pulumi records none as empty text. */
function isSetText(value: unknown): boolean {
    return value !== undefined && value !== null && value !== "" && value !== "{}";
}
