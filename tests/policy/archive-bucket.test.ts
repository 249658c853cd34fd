import * as assert from "assert";
import { PRIVATE_INVOCATION_LOGGING_TYPE } from "../../contract/naming";
import { PrivateInvocationLogging } from "../../components/private-invocation-logging/private-invocation-logging";
import { BUCKET_TYPE, LOCK_TYPE, SSE_TYPE, archiveBucketPolicy } from "../../policy/rules/archive-bucket";
import { CUSTOMER_A_ACCOUNT, CUSTOMER_B_ACCOUNT, customerAArgs, fixtureBundle, settle } from "../support/customer-fixtures";
import { stackViolations, type FakeResource } from "../support/policy-harness";
import { installMocks, promiseOf, type RecordedResource } from "../../testing/pulumi-mocks";

const BUCKET = `btn-customer-a-archive-${CUSTOMER_A_ACCOUNT}`;
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("policy: archive-bucket-write-once-customer-key", () => {
    let produced: FakeResource[];
    const edited = (type: string, edit: (props: any) => void): FakeResource[] =>
        produced.map((r) => {
            if (r.type !== type) return r;
            const props = JSON.parse(JSON.stringify(r.props));
            edit(props);
            return { ...r, props };
        });
    const messages = async (resources: FakeResource[]) => (await stackViolations(archiveBucketPolicy, resources)).map((v) => v.message);

    before(async () => {
        const recorded: RecordedResource[] = await installMocks({ account: CUSTOMER_A_ACCOUNT });
        const component = new PrivateInvocationLogging("audit", customerAArgs({ lambdaBundlePath: fixtureBundle(), archive: {} }));
        await settle(component);
        await promiseOf(component.archive!.workgroupName);
        produced = recorded.map((r) => ({ type: r.type, props: r.inputs, name: r.name, ancestors: [PRIVATE_INVOCATION_LOGGING_TYPE] }));
    });

    it("accepts the archive the component produces", async () => {
        assert.ok(produced.some((r) => r.type === BUCKET_TYPE));
        assert.deepStrictEqual(await messages(produced), []);
    });

    it("reports GOVERNANCE mode", async () => {
        assert.deepStrictEqual(await messages(edited(LOCK_TYPE, (p) => (p.rule.defaultRetention.mode = "GOVERNANCE"))), [
            `archive bucket "${BUCKET}" must lock objects in COMPLIANCE mode, got "GOVERNANCE"`,
        ]);
    });

    it("reports a retention shorter than seven years, counting years as 365 days", async () => {
        assert.deepStrictEqual(await messages(edited(LOCK_TYPE, (p) => (p.rule.defaultRetention = { mode: "COMPLIANCE", years: 6 }))), [
            `archive bucket "${BUCKET}" must retain objects at least 2555 days, got 2190`,
        ]);
        assert.deepStrictEqual(await messages(edited(LOCK_TYPE, (p) => (p.rule.defaultRetention = { mode: "COMPLIANCE", years: 7 }))), []);
    });

    it("reports a bucket without Object Lock or without its lock configuration", async () => {
        assert.deepStrictEqual(await messages(edited(BUCKET_TYPE, (p) => delete p.objectLockEnabled)), [`archive bucket "${BUCKET}" must be created with objectLockEnabled: true, got undefined`]);
        assert.deepStrictEqual(await messages(produced.filter((r) => r.type !== LOCK_TYPE)), [`archive bucket "${BUCKET}" has no BucketObjectLockConfiguration`]);
    });

    it("reports S3-managed encryption and a missing encryption configuration", async () => {
        assert.deepStrictEqual(await messages(edited(SSE_TYPE, (p) => (p.rules[0].applyServerSideEncryptionByDefault = { sseAlgorithm: "AES256" }))), [`archive bucket "${BUCKET}" must use SSE-KMS, got "AES256"`]);
        assert.deepStrictEqual(await messages(produced.filter((r) => r.type !== SSE_TYPE)), [`archive bucket "${BUCKET}" must use SSE-KMS, got undefined`]);
    });

    it("reports a key of another account, and a key named by alias", async () => {
        const other = `arn:aws:kms:us-east-1:${CUSTOMER_B_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
        assert.deepStrictEqual(await messages(edited(SSE_TYPE, (p) => (p.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId = other))), [
            `archive bucket "${BUCKET}" must be encrypted with a key of its own account "${CUSTOMER_A_ACCOUNT}", got a key of account ${CUSTOMER_B_ACCOUNT}`,
        ]);
        assert.deepStrictEqual(await messages(edited(SSE_TYPE, (p) => (p.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId = "alias/audit"))), [
            `archive bucket "${BUCKET}" must name its KMS key by ARN, got "alias/audit"`,
        ]);
    });

    it("leaves a key unknown at preview to the update", async () => {
        assert.deepStrictEqual(await messages(edited(SSE_TYPE, (p) => (p.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId = UNKNOWN_STRING))), []);
    });

    it("holds a bucket and its configuration under the provider's older V2 names to the same rule", async () => {
        const renamed = (from: string, to: string) => (r: FakeResource): FakeResource => (r.type === from ? { ...r, type: to } : r);
        const v2 = produced
            .map(renamed(BUCKET_TYPE, "aws:s3/bucketV2:BucketV2"))
            .map(renamed(LOCK_TYPE, "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"))
            .map(renamed(SSE_TYPE, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"));
        assert.deepStrictEqual(await messages(v2), []);
        assert.deepStrictEqual(await messages(v2.filter((r) => !r.type.includes("ObjectLock"))), [`archive bucket "${BUCKET}" has no BucketObjectLockConfiguration`]);
        assert.deepStrictEqual(await messages(v2.map((r) => (r.type === "aws:s3/bucketV2:BucketV2" ? { ...r, props: { ...r.props, objectLockEnabled: false } } : r))), [`archive bucket "${BUCKET}" must be created with objectLockEnabled: true, got false`]);
    });

    it("ignores buckets outside PrivateInvocationLogging", async () => {
        assert.deepStrictEqual(await messages([{ type: BUCKET_TYPE, props: { bucket: "plain" }, ancestors: [] }]), []);
    });
});
