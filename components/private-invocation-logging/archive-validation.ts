import { KMS_KEY_ARN_PATTERN, s3BucketNameProblem, parseArn, booleanProblem, integerProblem, isPlainObject, oneOfProblem, raise, show, type Problem } from "../../contract";
import { ARCHIVE_DEFAULTS, ARCHIVE_STORAGE_CLASS_MIN_DAYS, type ArchiveRetentionMode, type ArchiveTransitionArgs, type AuditArchiveArgs } from "./archive-args";

/** Object Lock accepts up to 100 years. */
export const ARCHIVE_MAX_RETENTION_DAYS = 36_500;
const RETENTION_MODES: readonly ArchiveRetentionMode[] = ["COMPLIANCE", "GOVERNANCE"];

/** The archive's settings, checked, with defaults applied. */
export interface ResolvedArchive {
    bucketName?: string;
    retentionDays: number;
    retentionMode: ArchiveRetentionMode;
    transitions: readonly ArchiveTransitionArgs[];
    expireAfterDays?: number;
    abortIncompleteUploadDays: number;
}

function transitionsProblem(value: unknown): Problem {
    if (!Array.isArray(value)) return `archive.transitions must be a list of { days, storageClass }, got ${show(value)}`;
    let previous = -1;
    for (const [i, t] of value.entries()) {
        const name = `archive.transitions[${i}]`;
        if (!isPlainObject(t)) return `${name} must be an object { days, storageClass }, got ${show(t)}`;
        const classProblem = oneOfProblem(`${name}.storageClass`, t.storageClass, Object.keys(ARCHIVE_STORAGE_CLASS_MIN_DAYS));
        if (classProblem !== undefined) return classProblem;
        const min = ARCHIVE_STORAGE_CLASS_MIN_DAYS[t.storageClass as string];
        const daysProblem = integerProblem(`${name}.days`, t.days, min, ARCHIVE_MAX_RETENTION_DAYS);
        if (daysProblem !== undefined) {
            return min > 0 ? `${daysProblem} (S3 moves objects to ${String(t.storageClass)} no earlier than ${min} days)` : daysProblem;
        }
        if ((t.days as number) <= previous) return `${name}.days must be greater than the step before (${previous}), got ${show(t.days)}`;
        previous = t.days as number;
    }
    return undefined;
}

/**
 * Checks the archive's plain arguments and applies the defaults; undefined
 * when there is no archive. Throws an `ArgumentError` naming the argument.
 */
export function resolveArchiveArgs(archive: AuditArchiveArgs | undefined): ResolvedArchive | undefined {
    if (archive === undefined) return undefined;
    raise(isPlainObject(archive) ? undefined : `archive must be an object, got ${show(archive)}`);
    const d = ARCHIVE_DEFAULTS;
    const retentionDays = archive.retentionDays ?? d.retentionDays;
    const retentionMode = archive.retentionMode ?? d.retentionMode;
    raise(
        archive.bucketName === undefined ? undefined : s3BucketNameProblem("archive.bucketName", archive.bucketName),
        integerProblem("archive.retentionDays", retentionDays, 1, ARCHIVE_MAX_RETENTION_DAYS),
        oneOfProblem("archive.retentionMode", retentionMode, RETENTION_MODES),
        archive.allowGovernanceMode === undefined ? undefined : booleanProblem("archive.allowGovernanceMode", archive.allowGovernanceMode),
        retentionMode === "GOVERNANCE" && archive.allowGovernanceMode !== true
            ? `archive.retentionMode "GOVERNANCE" lets privileged principals delete locked records; set archive.allowGovernanceMode to true to choose it, got ${show(archive.allowGovernanceMode)}`
            : undefined,
        archive.transitions === undefined ? undefined : transitionsProblem(archive.transitions),
        archive.expireAfterDays === undefined ? undefined : integerProblem("archive.expireAfterDays", archive.expireAfterDays, retentionDays + 1, 2 * ARCHIVE_MAX_RETENTION_DAYS),
    );
    return {
        bucketName: archive.bucketName,
        retentionDays,
        retentionMode,
        transitions: archive.transitions ?? d.transitions,
        expireAfterDays: archive.expireAfterDays,
        abortIncompleteUploadDays: d.abortIncompleteUploadDays,
    };
}

/** Why the key `keyArn` cannot encrypt an archive in `accountId`: it must belong to that account. */
export function archiveKeyProblem(argName: string, keyArn: unknown, accountId: string): Problem {
    const match = typeof keyArn === "string" ? KMS_KEY_ARN_PATTERN.exec(keyArn) : null;
    if (match === null) return `${argName} must be a KMS key ARN, got ${show(keyArn)}`;
    const owner = parseArn(keyArn as string)?.account;
    return owner === accountId ? undefined : `${argName} must be a key of the customer account ${accountId} to encrypt the archive, got a key of account ${owner}: ${show(keyArn)}`;
}
