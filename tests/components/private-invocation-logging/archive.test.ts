import * as assert from "assert";
import { PrivateInvocationLogging } from "../../../components/private-invocation-logging/private-invocation-logging";
import { ArgumentError, RuntimeEnv } from "../../../contract";
import { CUSTOMER_A_ACCOUNT, CUSTOMER_B_ACCOUNT, OPS_ACCOUNT, customerAArgs, fixtureBundle, settle } from "../../support/customer-fixtures";
import { type RecordedResource, installMocks, ofType, promiseOf } from "../../../testing/pulumi-mocks";
import { mockResourceId } from "../../../testing/mock-state";
import type { AuditArchiveArgs } from "../../../components/private-invocation-logging/archive-args";
import { parsePolicy } from "../../../testing/tenant-access-fixtures";

const BUCKET = `btn-customer-a-archive-${CUSTOMER_A_ACCOUNT}`;
// The key id the mocks mint for the component's key, as KMS would: a UUID.
const KEY_ARN = `arn:aws:kms:us-east-1:${CUSTOMER_A_ACCOUNT}:key/${mockResourceId("aws:kms/key:Key", "audit-key", {})}`;

function only(recorded: RecordedResource[], type: string): RecordedResource {
    const found = ofType(recorded, type);
    assert.strictEqual(found.length, 1, `expected one ${type}, got ${found.length}`);
    return found[0];
}

async function deploy(archive: AuditArchiveArgs | undefined, extra: Record<string, unknown> = {}) {
    const recorded = await installMocks({ account: CUSTOMER_A_ACCOUNT });
    const component = new PrivateInvocationLogging("audit", customerAArgs({ lambdaBundlePath: fixtureBundle(), archive, ...extra }));
    await settle(component);
    if (component.archive) await promiseOf(component.archive.workgroupName);
    return { recorded, component };
}

describe("PrivateInvocationLogging with the default archive", () => {
    let recorded: RecordedResource[];
    let component: PrivateInvocationLogging;

    before(async () => {
        ({ recorded, component } = await deploy({}));
    });

    it("creates the bucket with Object Lock on, named for the tenant and account", async () => {
        const bucket = only(recorded, "aws:s3/bucket:Bucket");
        assert.strictEqual(bucket.inputs.bucket, BUCKET);
        assert.strictEqual(bucket.inputs.objectLockEnabled, true);
        assert.strictEqual(bucket.inputs.forceDestroy, false);
        assert.strictEqual(await promiseOf(component.archive!.bucketName), BUCKET);
    });

    it("turns versioning on and locks every object in COMPLIANCE mode for 2,555 days (seven years)", () => {
        assert.deepStrictEqual(only(recorded, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration, { status: "Enabled" });
        const lock = only(recorded, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").inputs;
        assert.strictEqual(lock.objectLockEnabled, "Enabled");
        assert.deepStrictEqual(lock.rule, { defaultRetention: { mode: "COMPLIANCE", days: 2555 } });
        assert.strictEqual(lock.expectedBucketOwner, CUSTOMER_A_ACCOUNT);
    });

    it("blocks all public access and enforces bucket-owner object ownership", () => {
        const block = only(recorded, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
        assert.deepStrictEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
        assert.deepStrictEqual(only(recorded, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
    });

    it("encrypts with the customer's key, bucket keys on", () => {
        const sse = only(recorded, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs;
        assert.deepStrictEqual(sse.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true }]);
        assert.strictEqual(sse.expectedBucketOwner, CUSTOMER_A_ACCOUNT);
    });

    it("moves objects to STANDARD_IA at 30 days and GLACIER_IR at 90, never expires them, and aborts stale uploads", () => {
        const [rule, ...others] = only(recorded, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules;
        assert.deepStrictEqual(others, []);
        assert.deepStrictEqual(rule.transitions, [{ days: 30, storageClass: "STANDARD_IA" }, { days: 90, storageClass: "GLACIER_IR" }]);
        assert.strictEqual(rule.expiration, undefined);
        assert.strictEqual(rule.status, "Enabled");
        assert.deepStrictEqual(rule.abortIncompleteMultipartUpload, { daysAfterInitiation: 1 });
    });

    it("puts a deny-only bucket policy naming the ops account, the key and the runtime role", () => {
        const policy = (parsePolicy(only(recorded, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy) as any);
        assert.deepStrictEqual(policy.Statement.map((s: any) => s.Effect), ["Deny", "Deny", "Deny", "Deny"]);
        assert.match(JSON.stringify(policy), new RegExp(OPS_ACCOUNT));
        assert.match(JSON.stringify(policy), /role\/BedrockTenancyRuntime-customer-a/);
    });

    it("grants the runtime role PutObject under its tenant prefix only, and the key only through S3", () => {
        const policy = (parsePolicy(only(recorded, "aws:iam/rolePolicy:RolePolicy").inputs.policy) as any);
        const write = policy.Statement.find((s: any) => s.Sid === "WriteOwnArchivePrefix");
        assert.deepStrictEqual(write, { Sid: "WriteOwnArchivePrefix", Effect: "Allow", Action: ["s3:PutObject"], Resource: `arn:aws:s3:::${BUCKET}/tenant=customer-a/*` });
        const key = policy.Statement.find((s: any) => s.Sid === "EncryptArchiveObjectsThroughS3");
        assert.deepStrictEqual(key.Condition, { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } });
        assert.deepStrictEqual(key.Action, ["kms:GenerateDataKey"]);
    });

    it("tells the runtime the bucket and the key", async () => {
        const env = await promiseOf(component.environment);
        assert.strictEqual(env[RuntimeEnv.archiveBucket], BUCKET);
        assert.strictEqual(env[RuntimeEnv.archiveKmsKeyArn], KEY_ARN);
    });

    it("catalogs the archive as a Glue table with date partition projection over the tenant prefix", () => {
        const table = only(recorded, "aws:glue/catalogTable:CatalogTable").inputs;
        assert.strictEqual(only(recorded, "aws:glue/catalogDatabase:CatalogDatabase").inputs.name, "bedrock_tenancy_customer_a");
        assert.strictEqual(table.storageDescriptor.location, `s3://${BUCKET}/tenant=customer-a/`);
        assert.strictEqual(table.parameters["projection.enabled"], "true");
        assert.strictEqual(table.parameters["projection.dt.type"], "date");
        assert.strictEqual(table.parameters["projection.dt.format"], "yyyy-MM-dd");
        assert.strictEqual(table.parameters["storage.location.template"], `s3://${BUCKET}/tenant=customer-a/dt=\${dt}/`);
        assert.deepStrictEqual(table.partitionKeys, [{ name: "dt", type: "string" }]);
        assert.strictEqual(table.storageDescriptor.serDeInfo.serializationLibrary, "org.openx.data.jsonserde.JsonSerDe");
    });

    it("creates an Athena workgroup whose results are encrypted with the customer's key and cannot be overridden", () => {
        const config = only(recorded, "aws:athena/workgroup:Workgroup").inputs.configuration;
        assert.strictEqual(config.enforceWorkgroupConfiguration, true);
        assert.deepStrictEqual(config.managedQueryResultsConfiguration, { enabled: true, encryptionConfiguration: { kmsKey: KEY_ARN } });
    });
});

describe("PrivateInvocationLogging archive settings", () => {
    it("creates no archive resources and no archive grant without `archive`", async () => {
        const { recorded, component } = await deploy(undefined);
        assert.strictEqual(component.archive, undefined);
        assert.deepStrictEqual(recorded.filter((r) => /^aws:(s3|glue|athena)\//.test(r.type)), []);
        assert.doesNotMatch(JSON.stringify(parsePolicy(only(recorded, "aws:iam/rolePolicy:RolePolicy").inputs.policy)), /s3:/);
        assert.strictEqual((await promiseOf(component.environment))[RuntimeEnv.archiveBucket], undefined);
    });

    it("applies GOVERNANCE mode, a longer retention, custom steps and an expiry when opted in", async () => {
        const { recorded } = await deploy({
            bucketName: "acme-audit-archive",
            retentionMode: "GOVERNANCE",
            allowGovernanceMode: true,
            retentionDays: 3650,
            transitions: [{ days: 0, storageClass: "GLACIER_IR" }, { days: 365, storageClass: "DEEP_ARCHIVE" }],
            expireAfterDays: 3700,
        });
        assert.strictEqual(only(recorded, "aws:s3/bucket:Bucket").inputs.bucket, "acme-audit-archive");
        assert.deepStrictEqual(only(recorded, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").inputs.rule, { defaultRetention: { mode: "GOVERNANCE", days: 3650 } });
        const [rule] = only(recorded, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules;
        assert.deepStrictEqual(rule.transitions, [{ days: 0, storageClass: "GLACIER_IR" }, { days: 365, storageClass: "DEEP_ARCHIVE" }]);
        assert.deepStrictEqual(rule.expiration, { days: 3700 });
    });

    it("reaches S3 through a fourth interface endpoint under network isolation", async () => {
        const { recorded } = await deploy({}, { networkIsolation: {} });
        const s3 = ofType(recorded, "aws:ec2/vpcEndpoint:VpcEndpoint").find((e) => e.inputs.serviceName === "com.amazonaws.us-east-1.s3");
        assert.ok(s3);
        assert.strictEqual(s3.inputs.privateDnsEnabled, true);
    });
});

describe("PrivateInvocationLogging archive arguments at preview", () => {
    before(() => installMocks({ account: CUSTOMER_A_ACCOUNT }));
    const build = (archive: unknown, extra: Record<string, unknown> = {}) => () =>
        new PrivateInvocationLogging("bad", customerAArgs({ lambdaBundlePath: fixtureBundle(), archive: archive as AuditArchiveArgs, ...extra }));
    const refuses = (archive: unknown, message: RegExp, extra?: Record<string, unknown>) =>
        assert.throws(build(archive, extra), (e: Error) => e instanceof ArgumentError && message.test(e.message));

    it("rejects a retention of 0 days", () => refuses({ retentionDays: 0 }, /^archive.retentionDays must be an integer from 1 to 36500, got 0$/));
    it("rejects GOVERNANCE mode without the explicit opt-in", () => refuses({ retentionMode: "GOVERNANCE" }, /archive.retentionMode "GOVERNANCE" .* set archive.allowGovernanceMode to true .*got undefined/));
    it("rejects an unknown retention mode", () => refuses({ retentionMode: "LEGAL_HOLD" }, /archive.retentionMode must be one of COMPLIANCE, GOVERNANCE, got "LEGAL_HOLD"/));
    it("rejects a key from another account", () =>
        refuses({}, new RegExp(`kmsKeyArn must be a key of the customer account ${CUSTOMER_A_ACCOUNT} .* account ${CUSTOMER_B_ACCOUNT}`), {
            kmsKeyArn: `arn:aws:kms:us-east-1:${CUSTOMER_B_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        }));
    it("rejects a move to STANDARD_IA earlier than S3 allows", () =>
        refuses({ transitions: [{ days: 10, storageClass: "STANDARD_IA" }] }, /archive.transitions\[0\].days must be an integer from 30 .* got 10 \(S3 moves objects to STANDARD_IA no earlier than 30 days\)/));
    it("rejects steps out of order", () =>
        refuses({ transitions: [{ days: 90, storageClass: "GLACIER_IR" }, { days: 60, storageClass: "DEEP_ARCHIVE" }] }, /archive.transitions\[1\].days must be greater than the step before \(90\), got 60/));
    it("rejects an unknown storage class", () => refuses({ transitions: [{ days: 30, storageClass: "COLD" }] }, /archive.transitions\[0\].storageClass must be one of .*got "COLD"/));
    it("rejects an expiry within the retention", () => refuses({ expireAfterDays: 2555 }, /archive.expireAfterDays must be an integer from 2556 .* got 2555/));
    it("rejects a bucket name S3 does not accept", () => refuses({ bucketName: "Audit_Archive" }, /archive.bucketName must be an S3 bucket name .* got "Audit_Archive"/));
    it("rejects an archive that is not an object", () => refuses(true, /^archive must be an object, got true$/));
});
