import { strict as assert } from "assert";
import { loadRuntimeConfig } from "../../../runtime/wiring/config";
import { RuntimeEnv } from "../../../contract/runtime-environment";
import { EXTERNAL_ID, HAIKU, NOVA_LITE, NOVA_PROFILE_ARN, TENANT_ENV } from "../../../testing/runtime-fixtures";

const env = (overrides: Record<string, string | undefined> = {}) => ({ ...TENANT_ENV, ...overrides });

describe("runtime configuration", () => {
    it("reads every variable the component sets and applies the defaults", () => {
        const config = loadRuntimeConfig({}, env({ [RuntimeEnv.contentMode]: undefined, [RuntimeEnv.auditMode]: undefined }));
        assert.deepEqual({ ...config, allowedModels: [...config.allowedModels], modelRoutes: { ...config.modelRoutes }, safeMetadataKeys: [...config.safeMetadataKeys] }, {
            opsRoleArn: "arn:aws:iam::999999999999:role/BedrockTenantAccess-customer-a",
            externalId: EXTERNAL_ID,
            tenantId: "customer-a",
            defaultModel: HAIKU,
            allowedModels: [HAIKU, NOVA_LITE, "cohere.command-r-v1:0"],
            modelRoutes: { [NOVA_LITE]: NOVA_PROFILE_ARN },
            bedrockRegion: "us-east-1",
            contentMode: "none",
            auditMode: "best-effort",
            bedrockMaxAttempts: 3,
            bedrockRequestTimeoutMs: 60_000,
            sessionUserTag: false,
            safeMetadataKeys: [],
            sessionDurationSeconds: 3600,
            deadlineMarginMs: 1000,
        });
    });

    it("reads the safe metadata keys as a comma-separated list and rejects a malformed one", () => {
        assert.deepEqual(loadRuntimeConfig({}, env({ [RuntimeEnv.safeMetadataKeys]: "ticket, channel" })).safeMetadataKeys, ["ticket", "channel"]);
        assert.throws(() => loadRuntimeConfig({}, env({ [RuntimeEnv.safeMetadataKeys]: "ticket,a b" })), /safeMetadataKeys \(BEDROCK_TENANCY_SAFE_METADATA_KEYS\) must be a list of metadata keys matching .*, got \["ticket","a b"\]/);
    });

    it("prefers explicit options over the environment", () => {
        const config = loadRuntimeConfig({ contentMode: "hash", bedrockMaxAttempts: 5 }, env({ [RuntimeEnv.contentMode]: "full", [RuntimeEnv.bedrockMaxAttempts]: "2" }));
        assert.equal(config.contentMode, "hash");
        assert.equal(config.bedrockMaxAttempts, 5);
    });

    it("takes the first allowed model as the default model when none is given, as PrivateInvocationLogging does", () => {
        const config = loadRuntimeConfig({}, env({ [RuntimeEnv.defaultModel]: undefined, [RuntimeEnv.allowedModels]: `${NOVA_LITE},amazon.nova-pro-v1:0` }));
        assert.equal(config.defaultModel, NOVA_LITE);
        // Without any allowed model, the list is what is missing.
        assert.throws(() => loadRuntimeConfig({}, env({ [RuntimeEnv.defaultModel]: undefined, [RuntimeEnv.allowedModels]: undefined })), /allowedModels \(BEDROCK_TENANCY_ALLOWED_MODELS\) must list at least one model id/);
    });

    it("falls back to AWS_REGION for the Bedrock Region", () => {
        assert.equal(loadRuntimeConfig({}, env({ [RuntimeEnv.bedrockRegion]: undefined, AWS_REGION: "eu-west-1" })).bedrockRegion, "eu-west-1");
    });

    const bad: [string, Record<string, string | undefined>, RegExp][] = [
        ["a missing ops role ARN", { [RuntimeEnv.opsRoleArn]: undefined }, /opsRoleArn \(BEDROCK_TENANCY_OPS_ROLE_ARN\) is required \(an IAM role ARN\), got undefined/],
        ["a missing ExternalId", { [RuntimeEnv.externalId]: undefined }, /externalId \(BEDROCK_TENANCY_EXTERNAL_ID\) is required \(2 to 1224 letters, digits and the characters _\+=,\.@:\/-\), got undefined$/],
        ["a missing tenant id", { [RuntimeEnv.tenantId]: undefined }, /tenantId \(BEDROCK_TENANCY_TENANT_ID\) is required \(1 to 32 lowercase letters, digits and hyphens, starting and ending with a letter or digit\), got undefined$/],
        ["a user ARN as the ops role", { [RuntimeEnv.opsRoleArn]: "arn:aws:iam::999999999999:user/bob" }, /BEDROCK_TENANCY_OPS_ROLE_ARN.*got "arn:aws:iam::999999999999:user\/bob"/],
        [
            "another tenant's ops role (a copied environment, which STS would refuse on every call)",
            { [RuntimeEnv.opsRoleArn]: "arn:aws:iam::999999999999:role/BedrockTenantAccess-customer-b" },
            /opsRoleArn \(BEDROCK_TENANCY_OPS_ROLE_ARN\) must be the ARN of the ops role "BedrockTenantAccess-customer-a" .*got "arn:aws:iam::999999999999:role\/BedrockTenantAccess-customer-b"/,
        ],
        ["a role of the tenant's name under a path, which is another role", { [RuntimeEnv.opsRoleArn]: "arn:aws:iam::999999999999:role/x/BedrockTenantAccess-customer-a" }, /with no path\), got "arn:aws:iam::999999999999:role\/x\/BedrockTenantAccess-customer-a"/],
        ["a one-character ExternalId", { [RuntimeEnv.externalId]: "x" }, /externalId \(BEDROCK_TENANCY_EXTERNAL_ID\) must be 2 to 1224 letters, digits .*got a string of 1 character \(not shown: it is secret\)/],
        ["a bad tenant id", { [RuntimeEnv.tenantId]: "Acme Corp" }, /tenantId \(BEDROCK_TENANCY_TENANT_ID\) must be 1 to 32 lowercase letters, digits and hyphens.*got "Acme Corp"/],
        ["an empty model list", { [RuntimeEnv.allowedModels]: " , " }, /allowedModels \(BEDROCK_TENANCY_ALLOWED_MODELS\) must list at least one model id/],
        ["a default model outside the list", { [RuntimeEnv.defaultModel]: "amazon.nova-pro-v1:0" }, /defaultModel \(BEDROCK_TENANCY_DEFAULT_MODEL\) must be one of allowedModels \(BEDROCK_TENANCY_ALLOWED_MODELS\) .*got "amazon.nova-pro-v1:0"/],
        ["routes that are not JSON", { [RuntimeEnv.modelRoutes]: "{nope" }, /modelRoutes \(BEDROCK_TENANCY_MODEL_ROUTES\) must be an object of model id to inference profile ARN, got "\{nope"/],
        ["a route for a model not allowed", { [RuntimeEnv.modelRoutes]: JSON.stringify({ "amazon.nova-pro-v1:0": NOVA_PROFILE_ARN }) }, /routes "amazon.nova-pro-v1:0", which is not one of allowedModels/],
        ["a route to a non-profile ARN", { [RuntimeEnv.modelRoutes]: JSON.stringify({ [NOVA_LITE]: "arn:aws:s3:::bucket" }) }, /BEDROCK_TENANCY_MODEL_ROUTES\)\["amazon.nova-lite-v1:0"\] must be an inference profile ARN/],
        ["a bad Region", { [RuntimeEnv.bedrockRegion]: "useast1" }, /bedrockRegion \(BEDROCK_TENANCY_BEDROCK_REGION\) must be an AWS Region name .*got "useast1"/],
        ["a GovCloud Region, which the components refuse too", { [RuntimeEnv.bedrockRegion]: "us-gov-west-1" }, /bedrockRegion \(BEDROCK_TENANCY_BEDROCK_REGION\) "us-gov-west-1" is outside the aws partition/],
        ["an unknown content mode", { [RuntimeEnv.contentMode]: "all" }, /contentMode \(BEDROCK_TENANCY_CONTENT_MODE\) must be one of none, hash, full, got "all"/],
        ["an unknown audit mode", { [RuntimeEnv.auditMode]: "strict" }, /auditMode \(BEDROCK_TENANCY_AUDIT_MODE\) must be one of best-effort, fail-closed, got "strict"/],
        ["eleven attempts", { [RuntimeEnv.bedrockMaxAttempts]: "11" }, /bedrockMaxAttempts \(BEDROCK_TENANCY_BEDROCK_MAX_ATTEMPTS\) must be an integer from 1 to 10, got 11/],
        ["a fractional timeout", { [RuntimeEnv.bedrockRequestTimeoutMs]: "1.5" }, /bedrockRequestTimeoutMs .* must be an integer from 1000 to 900000, got "1.5"/],
        ["a non-boolean user tag switch", { [RuntimeEnv.sessionUserTag]: "yes" }, /sessionUserTag \(BEDROCK_TENANCY_SESSION_USER_TAG\) must be true or false, got "yes"/],
    ];
    for (const [description, overrides, message] of bad) {
        it(`rejects ${description} at cold start`, () => {
            assert.throws(() => loadRuntimeConfig({}, env(overrides)), message);
        });
    }

    it("rejects a session longer than role chaining allows", () => {
        assert.throws(() => loadRuntimeConfig({ sessionDurationSeconds: 7200 }, env()), /sessionDurationSeconds must be an integer from 900 to 3600, got 7200/);
    });

    it("never quotes the ExternalId in an error", () => {
        const secretish = "ext id with spaces";
        assert.throws(() => loadRuntimeConfig({}, env({ [RuntimeEnv.externalId]: secretish })), (err: Error) => !err.message.includes(secretish));
    });
});
