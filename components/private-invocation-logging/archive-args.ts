import { ARCHIVE_DEFAULT_TRANSITIONS, SEVEN_YEARS_DAYS, optionNames } from "../../contract";

export { ARCHIVE_STORAGE_CLASS_MIN_DAYS } from "../../contract";

/** Object Lock modes: COMPLIANCE (no one can shorten or delete) or GOVERNANCE (bypassable with a permission). */
export type ArchiveRetentionMode = "COMPLIANCE" | "GOVERNANCE";


/** One lifecycle step: objects move to `storageClass` once they are `days` old. */
export interface ArchiveTransitionArgs {
    /**
     * Age in days at which objects move; at least 30 for STANDARD_IA and ONEZONE_IA (an S3 rule).
     */
    days: number;
    /**
     * Target class: STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER or DEEP_ARCHIVE.
     * Athena cannot read GLACIER or DEEP_ARCHIVE objects without a restore.
     */
    storageClass: string;
}

/**
 * Defaults of {@link AuditArchiveArgs}. The `@default` tags and docs/customer.md
 * state the same values; tests/components/defaults.test.ts holds them together.
 */
export const ARCHIVE_DEFAULTS = Object.freeze({
    /** Seven years, the audit requirement the archive exists for. */
    retentionDays: SEVEN_YEARS_DAYS,
    retentionMode: "COMPLIANCE",
    allowGovernanceMode: false,
    transitions: ARCHIVE_DEFAULT_TRANSITIONS,
    /** Parts of a failed upload are billed until aborted. */
    abortIncompleteUploadDays: 1,
});

/**
 * The optional write-once audit archive: an S3 bucket in the customer
 * account with Object Lock, encrypted with the customer's key, one object per
 * call, and a Glue table plus an Athena workgroup to query it.
 */
export interface AuditArchiveArgs {
    /**
     * Name of the archive bucket (3-63 of a-z, 0-9, `.`, `-`; globally unique).
     * @default "btn-<tenantId>-archive-<accountId>"
     */
    bucketName?: string;
    /**
     * Days each object is locked after it is written, 1 to 36500.
     * @default 2555
     */
    retentionDays?: number;
    /**
     * Object Lock mode. `GOVERNANCE` lets principals with `s3:BypassGovernanceRetention`
     * shorten retention or delete, and needs `allowGovernanceMode: true`.
     * @default "COMPLIANCE"
     */
    retentionMode?: ArchiveRetentionMode;
    /**
     * Explicit opt-in to `retentionMode: "GOVERNANCE"`.
     * @default false
     */
    allowGovernanceMode?: boolean;
    /**
     * Lifecycle steps to colder storage classes, in increasing `days`.
     * @default [{"days":30,"storageClass":"STANDARD_IA"},{"days":90,"storageClass":"GLACIER_IR"}]
     */
    transitions?: ArchiveTransitionArgs[];
    /**
     * Age in days at which objects expire; must exceed `retentionDays` (a locked version is never removed earlier).
     * @default - never: objects stay after their retention ends until someone deletes them
     */
    expireAfterDays?: number;
}

/** Every option of {@link AuditArchiveArgs}; any other key is refused at preview. */
export const ARCHIVE_OPTIONS = optionNames<AuditArchiveArgs>({
    bucketName: true, retentionDays: true, retentionMode: true, allowGovernanceMode: true, transitions: true, expireAfterDays: true,
});
export const ARCHIVE_TRANSITION_OPTIONS = optionNames<ArchiveTransitionArgs>({ days: true, storageClass: true });
