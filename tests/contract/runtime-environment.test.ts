import * as assert from "assert";
import { ArgumentError, RuntimeEnv, decodeRuntimeEnvironment, encodeRuntimeEnvironment, guardrailConditionValue, type RuntimeEnvironment } from "../../contract";
import { loadRuntimeConfig } from "../../runtime/wiring/config";

const full: RuntimeEnvironment = {
    opsRoleArn: "arn:aws:iam::999999999999:role/BedrockTenantAccess-customer-a",
    externalId: "x".repeat(32),
    tenantId: "customer-a",
    defaultModel: "anthropic.claude-3-haiku-20240307-v1:0",
    allowedModels: ["anthropic.claude-3-haiku-20240307-v1:0", "us.anthropic.claude-3-5-haiku-20241022-v1:0"],
    modelRoutes: { "anthropic.claude-3-haiku-20240307-v1:0": "arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/abc123" },
    bedrockRegion: "us-east-1",
    contentMode: "hash",
    auditMode: "fail-closed",
    bedrockMaxAttempts: 4,
    bedrockRequestTimeoutMs: 30_000,
    sessionUserTag: true,
    safeMetadataKeys: ["ticket", "channel"],
    archiveBucket: "btn-customer-a-archive-111111111111",
    archiveKmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    guardrailArn: "arn:aws:bedrock:us-east-1:999999999999:guardrail/a1b2c3d4e5f6",
    guardrailVersion: "1",
};

describe("runtime environment", () => {
    it("decodes what it encodes, every field", () => {
        assert.deepStrictEqual(decodeRuntimeEnvironment(encodeRuntimeEnvironment(full)), full);
    });

    it("leaves optional fields out of the variables when unset", () => {
        const { bedrockMaxAttempts, bedrockRequestTimeoutMs, sessionUserTag, safeMetadataKeys, archiveBucket, archiveKmsKeyArn, guardrailArn, guardrailVersion, ...required } = full;
        const vars = encodeRuntimeEnvironment(required);
        assert.deepStrictEqual(Object.keys(vars).sort(), [
            RuntimeEnv.allowedModels, RuntimeEnv.auditMode, RuntimeEnv.bedrockRegion, RuntimeEnv.contentMode, RuntimeEnv.defaultModel,
            RuntimeEnv.externalId, RuntimeEnv.modelRoutes, RuntimeEnv.opsRoleArn, RuntimeEnv.tenantId,
        ].sort());
        assert.deepStrictEqual(decodeRuntimeEnvironment(vars), required);
    });

    it("refuses to encode a list item the decoder would split", () => {
        assert.throws(() => encodeRuntimeEnvironment({ ...full, safeMetadataKeys: ["a,b"] }), (e: Error) => e instanceof ArgumentError && /safeMetadataKeys cannot carry "a,b"/.test(e.message));
    });

    it("carries the guardrail as its ARN and version, the two parts of IAM's bedrock:GuardrailIdentifier", () => {
        const vars = encodeRuntimeEnvironment(full);
        assert.equal(vars.BEDROCK_TENANCY_GUARDRAIL_ARN, "arn:aws:bedrock:us-east-1:999999999999:guardrail/a1b2c3d4e5f6");
        assert.equal(vars.BEDROCK_TENANCY_GUARDRAIL_VERSION, "1");
        assert.equal(guardrailConditionValue({ arn: full.guardrailArn!, version: full.guardrailVersion! }), "arn:aws:bedrock:us-east-1:999999999999:guardrail/a1b2c3d4e5f6:1");
    });

    it("refuses to encode half a guardrail or a malformed one, naming the field", () => {
        const { guardrailVersion, ...noVersion } = full;
        assert.throws(() => encodeRuntimeEnvironment(noVersion), (e: Error) => e instanceof ArgumentError && /guardrailVersion is required with guardrailArn/.test(e.message));
        const { guardrailArn, ...noArn } = full;
        assert.throws(() => encodeRuntimeEnvironment(noArn), (e: Error) => e instanceof ArgumentError && /guardrailArn is required with guardrailVersion/.test(e.message));
        // The version belongs in its own variable: an ARN carrying one would be sent as an unknown guardrail.
        assert.throws(() => encodeRuntimeEnvironment({ ...full, guardrailArn: `${full.guardrailArn}:1` }), (e: Error) => e instanceof ArgumentError && /guardrailArn must be a Bedrock guardrail ARN/.test(e.message));
        assert.throws(() => encodeRuntimeEnvironment({ ...full, guardrailVersion: "v1" }), (e: Error) => e instanceof ArgumentError && /guardrailVersion must be a version number or "DRAFT", got "v1"/.test(e.message));
    });

    it("stops the runtime's cold start on half a guardrail, naming the variable", () => {
        const vars = { ...encodeRuntimeEnvironment(full), BEDROCK_TENANCY_GUARDRAIL_VERSION: "" };
        assert.throws(() => loadRuntimeConfig({}, vars), (e: Error) => e.message.includes("guardrailVersion (BEDROCK_TENANCY_GUARDRAIL_VERSION) is required with guardrailArn (BEDROCK_TENANCY_GUARDRAIL_ARN)"));
        const { guardrailArn, guardrailVersion, ...none } = full;
        assert.ok(!("guardrailArn" in loadRuntimeConfig({}, encodeRuntimeEnvironment(none))));
    });

    it("keeps undecodable text for the checks to name", () => {
        assert.deepStrictEqual(decodeRuntimeEnvironment({ [RuntimeEnv.modelRoutes]: "{nope", [RuntimeEnv.bedrockMaxAttempts]: "1.5" }), { modelRoutes: "{nope", bedrockMaxAttempts: "1.5" });
    });

    it("is what the runtime loads: the component's encoding configures the runtime unchanged", () => {
        const config = loadRuntimeConfig({}, encodeRuntimeEnvironment(full));
        for (const key of Object.keys(full) as (keyof RuntimeEnvironment)[]) {
            assert.deepStrictEqual(config[key], full[key], key);
        }
    });
});
