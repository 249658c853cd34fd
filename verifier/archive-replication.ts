/**
 * Replication into the archive. S3 writes each replica with
 * s3:ReplicateObject and each replicated delete marker with
 * s3:ReplicateDelete, as the replication role and never as the runtime, so
 * the archive policy's Deny of writes by anyone but the runtime (on
 * s3:PutObject) does not reach them: whoever may write to the source bucket
 * adds records of its own under a tenant's prefix, and, with delete markers
 * replicated, hides the runtime's records from the archive's listings and
 * from Athena while their lock still holds them. The component replicates
 * nothing into the archive, so any rule whose destination is, or may be, the
 * archive is a finding.
 */
import { bucketOfBucketArn } from "../contract";
import { blocksOf } from "./account-egress";
import { asText, prop, type StackResource } from "./pulumi-formats";

export const REPLICATION_CONFIG_TYPE = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
/** The replication a bucket resource can hold itself: pulumi-aws 7 names it in the singular, the older BucketV2 in the plural. */
const INLINE_REPLICATION_KEYS = ["replicationConfiguration", "replicationConfigurations"];
const BUCKET_TYPES = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);

/** `[property path, why]` for each replication rule of `r` that writes, or may write, into the archive `archive`. */
export function replicationIntoArchive(r: StackResource, archive: string): [string, string][] {
    const configs: [string, unknown][] = r.type === REPLICATION_CONFIG_TYPE ? [["", { rules: prop(r, "rules") }]] : BUCKET_TYPES.has(r.type) ? INLINE_REPLICATION_KEYS.map((k) => [k, prop(r, k)]) : [];
    const out: [string, string][] = [];
    const unreadable = (path: string, problem: string) => out.push([path, `its replication ${problem}: whether it writes into the archive ${archive} cannot be proved`]);
    for (const [key, value] of configs) {
        const read = blocksOf(value);
        if ("problem" in read) {
            unreadable(key, read.problem);
            continue;
        }
        for (const [c, config] of read.blocks.entries()) {
            const rules = blocksOf(config.rules);
            const at = key === "" ? "rules" : `${key}[${c}].rules`;
            if ("problem" in rules) {
                unreadable(at, rules.problem);
                continue;
            }
            for (const [i, rule] of rules.blocks.entries()) {
                if (rule.status === "Disabled") continue;
                for (const destKey of ["destination", "destinations"]) {
                    const dests = blocksOf(rule[destKey]);
                    if ("problem" in dests) {
                        unreadable(`${at}[${i}].${destKey}`, dests.problem);
                        continue;
                    }
                    for (const d of dests.blocks) {
                        const bucket = d.bucket;
                        const path = `${at}[${i}].${destKey}.bucket`;
                        const named = typeof bucket === "string" ? bucketOfBucketArn(bucket) : undefined;
                        if (named !== undefined ? named === archive : namesArchive(bucket, archive)) {
                            out.push([path, `replicates into the archive ${archive} (rule ${asText(rule.id ?? i)}): S3 writes the replicas and replicated delete markers with s3:ReplicateObject and s3:ReplicateDelete as the replication role, which the archive policy's write Deny does not reach, so whatever reaches the source bucket is added to the tenant's records, and delete markers hide the runtime's records from listings and Athena while their lock still holds them`]);
                        } else if (named === undefined) {
                            out.push([path, `replicates into ${asText(bucket ?? "no bucket")}, which is no bucket ARN the proof can read (arn:aws:s3:::NAME): whether it is the archive ${archive}, into which nothing may be replicated, cannot be proved`]);
                        }
                    }
                }
            }
        }
    }
    return out;
}

/**
 * Whether a destination that is no well-formed bucket ARN still spells the
 * archive: its bare name, or text holding the name in any case (a trailing
 * `/`, a prefix, an upper-case ARN), which S3 may resolve to the archive.
 */
function namesArchive(bucket: unknown, archive: string): boolean {
    return typeof bucket === "string" && bucket.toLowerCase().includes(archive);
}
