/**
 * S3 replication writes into a bucket with s3:ReplicateObject,
 * s3:ReplicateDelete and s3:ReplicateTags, as the replication role: the
 * archive policy's write Deny (on s3:PutObject) does not reach those writes.
 * Holding them on the archive (or the version forms of object tagging) is
 * taking back what the trail holds, and a replication rule whose destination
 * is the archive is an archive finding.
 */
import * as assert from "assert";
import { addPolicyStatement, addResource, editedPlan, ROLE, ROLE_POLICY, shippedPlan, verify, type StackDoc } from "../support/plan-files";

const ARCHIVE = "btn-customer-a-archive-111111111111";
const ARCHIVE_ARN = `arn:aws:s3:::${ARCHIVE}`;
const STAGING = "btn-customer-a-staging-111111111111";
const RUNTIME = "arn:aws:iam::111111111111:role/BedrockTenancyRuntime-customer-a";
const BUCKET_POLICY = ["aws:s3/bucketPolicy:BucketPolicy", "customer-a-archive-policy"] as const;
const RUNTIME_POLICY = [ROLE_POLICY, "customer-a-runtime-policy"] as const;
const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const S3_TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "s3.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } }] });

/** A role S3 may assume, holding `actions` on the archive's objects. */
function replicator(doc: StackDoc, actions: string[]): void {
    addResource(doc, ROLE, "ArchiveReplicator", { name: "ArchiveReplicator", assumeRolePolicy: S3_TRUST }, { outputs: { name: "ArchiveReplicator", arn: "arn:aws:iam::111111111111:role/ArchiveReplicator", assumeRolePolicy: S3_TRUST } });
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: `${ARCHIVE_ARN}/*` }] });
    addResource(doc, ROLE_POLICY, "ArchiveReplicator-pol", { role: "ArchiveReplicator", name: "ArchiveReplicator-pol", policy });
}

const rule = (destination: string) => ({ id: "copy", status: "Enabled", filter: { prefix: "tenant=customer-a/" }, deleteMarkerReplication: { status: "Enabled" }, destination: { bucket: destination } });

describe("replication into the audit archive", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const run = (edit: (doc: StackDoc) => void) => verify(editedPlan(plan, "customer-a", edit));
    const found = (result: ReturnType<typeof verify>, code: string, resource: string, why: RegExp) =>
        result.report.violations.some((v: any) => v.code === code && v.resource === resource && why.test(v.why));
    const shown = (result: ReturnType<typeof verify>) => JSON.stringify(result.report?.violations?.map((v: any) => [v.code, v.resource, v.why]));

    const removals: [string, (doc: StackDoc) => void, string, RegExp][] = [
        ["a role S3 replicates as, allowed s3:ReplicateObject and s3:ReplicateDelete on the archive", (d) => replicator(d, ["s3:ReplicateObject", "s3:ReplicateDelete"]), "ArchiveReplicator-pol", /s3:ReplicateObject, s3:ReplicateDelete/],
        ["a role allowed s3:ReplicateTags on the archive", (d) => replicator(d, ["s3:ReplicateTags"]), "ArchiveReplicator-pol", /s3:ReplicateTags/],
        ["the runtime allowed to tag object versions in the archive", (d) => addPolicyStatement(d, RUNTIME_POLICY, { Effect: "Allow", Action: ["s3:PutObjectVersionTagging", "s3:DeleteObjectVersionTagging"], Resource: `${ARCHIVE_ARN}/*` }), "customer-a-runtime-policy", /s3:PutObjectVersionTagging, s3:DeleteObjectVersionTagging/],
        ["the archive's own policy allowing the runtime s3:ReplicateObject and s3:ReplicateDelete", (d) => addPolicyStatement(d, BUCKET_POLICY, { Effect: "Allow", Principal: { AWS: RUNTIME }, Action: ["s3:ReplicateObject", "s3:ReplicateDelete"], Resource: `${ARCHIVE_ARN}/*` }), "customer-a-archive-policy", /s3:ReplicateObject, s3:ReplicateDelete by the bucket's own policy/],
    ];
    for (const [name, edit, resource, why] of removals) {
        it(`finds ${name}`, () => {
            const result = run(edit);
            assert.strictEqual(result.code, 1, result.stderr);
            assert.ok(found(result, "BT-CUSTOMER-AUDIT-REMOVAL", resource, why), shown(result));
        });
    }

    const replications: [string, (doc: StackDoc) => void, string, RegExp][] = [
        ["a replication configuration into the archive, by its ARN", (d) => {
            addResource(d, "aws:s3/bucket:Bucket", STAGING, { bucket: STAGING });
            addResource(d, REPLICATION, "staging-replication", { bucket: STAGING, role: "arn:aws:iam::111111111111:role/ArchiveReplicator", rules: [rule(ARCHIVE_ARN)] });
        }, "staging-replication", /^rules\[0\]\.destination\.bucket replicates into the archive btn-customer-a-archive-111111111111 \(rule copy\)/],
        ["a bucket's own replicationConfiguration into the archive", (d) => {
            addResource(d, "aws:s3/bucketV2:BucketV2", STAGING, { bucket: STAGING, replicationConfiguration: { role: "arn:aws:iam::111111111111:role/ArchiveReplicator", rules: [{ id: "r", status: "Enabled", prefix: "tenant=customer-a/", deleteMarkerReplicationStatus: "Enabled", destination: { bucket: ARCHIVE_ARN } }] } });
        }, STAGING, /^replicationConfiguration\[0\]\.rules\[0\]\.destination\.bucket replicates into the archive/],
        ["the older BucketV2's replicationConfigurations into the archive", (d) => {
            addResource(d, "aws:s3/bucketV2:BucketV2", STAGING, { bucket: STAGING, replicationConfigurations: [{ role: "arn:aws:iam::111111111111:role/ArchiveReplicator", rules: [{ id: "r", status: "Enabled", destinations: [{ bucket: ARCHIVE_ARN }] }] }] });
        }, STAGING, /^replicationConfigurations\[0\]\.rules\[0\]\.destinations\.bucket replicates into the archive/],
        ["a replication rule whose destination cannot be read", (d) => {
            addResource(d, "aws:s3/bucket:Bucket", STAGING, { bucket: STAGING });
            addResource(d, REPLICATION, "staging-replication", { bucket: STAGING, role: "arn:aws:iam::111111111111:role/ArchiveReplicator", rules: [rule("04da6b54-80e4-46f7-96ec-b56ff0331ba9")] });
        }, "staging-replication", /whether it is the archive btn-customer-a-archive-111111111111, into which nothing may be replicated, cannot be proved/],
        ...["arn:aws:s3:::btn-customer-a-archive-111111111111/", "arn:aws:s3:::btn-customer-a-archive-111111111111/tenant=customer-a", "ARN:AWS:S3:::BTN-CUSTOMER-A-ARCHIVE-111111111111"].map((spelling): [string, (doc: StackDoc) => void, string, RegExp] => [`a replication configuration into the archive spelled ${spelling}`, (d) => {
            addResource(d, "aws:s3/bucket:Bucket", STAGING, { bucket: STAGING });
            addResource(d, REPLICATION, "staging-replication", { bucket: STAGING, role: "arn:aws:iam::111111111111:role/ArchiveReplicator", rules: [rule(spelling)] });
        }, "staging-replication", /^rules\[0\]\.destination\.bucket replicates into the archive btn-customer-a-archive-111111111111 \(rule copy\)/]),
        ...["arn:aws:s3:::btn-customer-a-copy-111111111111/", "arn:aws-cn:s3:::btn-customer-a-copy-111111111111", "arn:aws:s3:us-east-1:111111111111:btn-customer-a-copy-111111111111", "arn:aws:s3:::Btn-Customer-A-Copy"].map((spelling): [string, (doc: StackDoc) => void, string, RegExp] => [`a replication destination spelled ${spelling}, no bucket ARN`, (d) => {
            addResource(d, "aws:s3/bucket:Bucket", STAGING, { bucket: STAGING });
            addResource(d, "aws:s3/bucket:Bucket", "btn-customer-a-copy-111111111111", { bucket: "btn-customer-a-copy-111111111111" });
            addResource(d, REPLICATION, "staging-replication", { bucket: STAGING, role: "arn:aws:iam::111111111111:role/Replicator", rules: [rule(spelling)] });
        }, "staging-replication", /which is no bucket ARN the proof can read .*cannot be proved/]),
    ];
    for (const [name, edit, resource, why] of replications) {
        it(`finds ${name}`, () => {
            const result = run(edit);
            assert.strictEqual(result.code, 1, result.stderr);
            assert.ok(found(result, "BT-CUSTOMER-ARCHIVE", resource, why), shown(result));
        });
    }

    it("finds a replication to a bucket of the stack spelled with a trailing slash as one leaving the stack", () => {
        const result = run((d) => {
            addResource(d, "aws:s3/bucket:Bucket", STAGING, { bucket: STAGING });
            addResource(d, "aws:s3/bucket:Bucket", "btn-customer-a-copy-111111111111", { bucket: "btn-customer-a-copy-111111111111" });
            addResource(d, REPLICATION, "staging-replication", { bucket: STAGING, role: "arn:aws:iam::111111111111:role/Replicator", rules: [rule("arn:aws:s3:::btn-customer-a-copy-111111111111/")] });
        });
        assert.strictEqual(result.code, 1, result.stderr);
        assert.ok(found(result, "BT-CUSTOMER-EGRESS", "staging-replication", /copies the bucket's objects to "arn:aws:s3:::btn-customer-a-copy-111111111111\/", which is not a bucket of this stack/), shown(result));
    });

    it("leaves alone a replication between two other buckets of the stack, and a disabled rule into the archive", () => {
        const result = run((d) => {
            addResource(d, "aws:s3/bucket:Bucket", STAGING, { bucket: STAGING });
            addResource(d, "aws:s3/bucket:Bucket", "btn-customer-a-copy-111111111111", { bucket: "btn-customer-a-copy-111111111111" });
            addResource(d, REPLICATION, "staging-replication", { bucket: STAGING, role: "arn:aws:iam::111111111111:role/Replicator", rules: [rule("arn:aws:s3:::btn-customer-a-copy-111111111111"), { ...rule(ARCHIVE_ARN), id: "off", status: "Disabled" }] });
        });
        assert.ok(!result.report.violations.some((v: any) => v.code === "BT-CUSTOMER-ARCHIVE"), shown(result));
    });
});
