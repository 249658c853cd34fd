import { strict as assert } from "assert";
import { ArgumentError, RuntimeEnv } from "../../../contract";
import { loadRuntimeConfig } from "../../../runtime/wiring/config";
import { TENANT_ENV } from "../../../testing/runtime-fixtures";

const KEY = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const load = (vars: Record<string, string>) => loadRuntimeConfig({}, { ...TENANT_ENV, ...vars });
const refuses = (vars: Record<string, string>, message: RegExp) =>
    assert.throws(() => load(vars), (e: Error) => e instanceof ArgumentError && message.test(e.message));

describe("runtime configuration of the audit archive", () => {
    it("reads the bucket and the key", () => {
        const config = load({ [RuntimeEnv.archiveBucket]: "btn-customer-a-archive-111111111111", [RuntimeEnv.archiveKmsKeyArn]: KEY });
        assert.equal(config.archiveBucket, "btn-customer-a-archive-111111111111");
        assert.equal(config.archiveKmsKeyArn, KEY);
    });

    it("leaves both absent when unset", () => {
        const config = load({});
        assert.equal("archiveBucket" in config, false);
        assert.equal("archiveKmsKeyArn" in config, false);
    });

    it("refuses a bucket without its key", () => refuses({ [RuntimeEnv.archiveBucket]: "btn-a-archive" }, /^archiveKmsKeyArn \(BEDROCK_TENANCY_ARCHIVE_KMS_KEY_ARN\) is required \(a KMS key ARN when archiveBucket .*\), got undefined$/));
    it("refuses a key without its bucket", () => refuses({ [RuntimeEnv.archiveKmsKeyArn]: KEY }, /^archiveBucket \(BEDROCK_TENANCY_ARCHIVE_BUCKET\) is required with archiveKmsKeyArn/));
    it("refuses a bucket name S3 does not accept", () =>
        refuses({ [RuntimeEnv.archiveBucket]: "Bad_Bucket", [RuntimeEnv.archiveKmsKeyArn]: KEY }, /^archiveBucket \(BEDROCK_TENANCY_ARCHIVE_BUCKET\) must be an S3 bucket name .* got "Bad_Bucket"$/));
    it("refuses an alias in place of the key ARN", () =>
        refuses({ [RuntimeEnv.archiveBucket]: "btn-a-archive", [RuntimeEnv.archiveKmsKeyArn]: "alias/audit" }, /archiveKmsKeyArn .* got "alias\/audit"$/));
});
