/**
 * The audit archive's layout, shared by the component that creates the bucket,
 * the Glue table and the runtime role's grant, and by the runtime that writes
 * the objects: one object per call under `tenant=<id>/dt=<yyyy-mm-dd>/`, the
 * Hive-style partition names Athena's partition projection reads.
 */
import { patternProblem, type Problem } from "./validation";

/** Partition column of the tenant, and the first level of every key. */
export const ARCHIVE_TENANT_PARTITION = "tenant";
/** Partition column of the UTC day the call started, and the second level of every key. */
export const ARCHIVE_DATE_PARTITION = "dt";
/** The date partition's format, as Athena's `projection.dt.format` spells it. */
export const ARCHIVE_DATE_FORMAT = "yyyy-MM-dd";

/** S3 bucket names: 3-63 of lowercase letters, digits, dots and hyphens, starting and ending alphanumeric. */
export const S3_BUCKET_NAME_PATTERN = /^(?!xn--)(?!.*\.\.)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Days in seven years as S3 Object Lock counts them (365 days a year). */
export const SEVEN_YEARS_DAYS = 7 * 365;

/** The prefix holding every object of `tenantId`, trailing slash included. */
export function archiveTenantPrefix(tenantId: string): string {
    return `${ARCHIVE_TENANT_PARTITION}=${tenantId}/`;
}

/**
 * Key of one call's archive object. The time comes first within the day so
 * a listing reads in call order; `callId` keeps two calls in the same
 * millisecond apart.
 */
export function archiveObjectKey(tenantId: string, timestamp: Date, callId: string): string {
    const iso = timestamp.toISOString();
    const day = iso.slice(0, 10);
    const time = iso.slice(11, 23).replace(/[:.]/g, "");
    return `${archiveTenantPrefix(tenantId)}${ARCHIVE_DATE_PARTITION}=${day}/${time}-${callId}.json`;
}

/** The default archive bucket name: `btn-<tenantId>-archive-<account>` (at most 57 characters). */
export function defaultArchiveBucketName(tenantId: string, accountId: string): string {
    return `btn-${tenantId}-archive-${accountId}`;
}

export function bucketNameProblem(argName: string, value: unknown): Problem {
    return patternProblem(argName, value, S3_BUCKET_NAME_PATTERN, "an S3 bucket name (3-63 of a-z, 0-9, '.', '-')");
}
