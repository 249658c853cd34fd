import * as assert from "assert";
import { validateBedrockTenantAccessArgs } from "../../../components/bedrock-tenant-access/validation";
import type { BedrockTenantAccessArgs } from "../../../components/bedrock-tenant-access/args";
import { ArgumentError, parseModelId, applicationProfileName } from "../../../contract";
import { HAIKU, US_HAIKU_35, GUARDRAIL_ARN } from "../../../testing/tenant-access-fixtures";

const base: BedrockTenantAccessArgs = { tenantId: "customer-a", accounts: ["111111111111"], models: [HAIKU] };
const check = (over: Partial<BedrockTenantAccessArgs>) => () => validateBedrockTenantAccessArgs({ ...base, ...over });

describe("validateBedrockTenantAccessArgs", () => {
    it("resolves defaults: home Region, Regions including every destination, cost attribution on", () => {
        const r = validateBedrockTenantAccessArgs({ ...base, models: [HAIKU, US_HAIKU_35] }, "us-east-1");
        assert.strictEqual(r.region, "us-east-1");
        assert.deepStrictEqual(r.regions, ["us-east-1", "us-east-2", "us-west-2"]);
        assert.strictEqual(r.costAttribution, true);
        assert.strictEqual(r.costTagKey, "bedrock-tenancy:tenant");
        assert.strictEqual(r.runtimeRoleName, "BedrockTenancyRuntime-customer-a");
    });

    const rejections: Array<[string, Partial<BedrockTenantAccessArgs>, RegExp]> = [
        ["a tenant id outside the pattern", { tenantId: "Acme Corp" }, /^tenantId must be 1 to 32 lowercase letters, digits and hyphens.*, got "Acme Corp"$/],
        ["an account id that is not 12 digits", { accounts: ["11111111111"] }, /^accounts\[0\] must be a 12-digit AWS account id, got "11111111111"$/],
        ["an empty account list", { accounts: [] }, /^accounts must list at least one customer account id, got \[\]$/],
        ["a repeated account", { accounts: ["111111111111", "111111111111"] }, /^accounts\[1\] repeats "111111111111" \(also accounts\[0\]\)$/],
        ["an empty model list", { models: [] }, /^models must list at least one model or inference profile id, got \[\]$/],
        ["a malformed model id", { models: ["Claude 3"] }, /^models\[0\] must be a foundation model id matching .*, got "Claude 3"$/],
        ["a malformed profile id", { models: ["us.Claude"] }, /^models\[0\] must be "<geography>\.<foundation model id>".*, got "us\.Claude"$/],
        ["a repeated model", { models: [HAIKU, HAIKU] }, /^models\[1\] repeats "anthropic\.claude-3-haiku-20240307-v1:0" \(also models\[0\]\)$/],
        ["a malformed Region", { region: "useast1" }, /^region must be an AWS Region name such as "us-east-1", got "useast1"$/],
        ["a home Region outside the allowed Regions", { regions: ["us-west-2"] }, /^region "us-east-1" is outside the allowed regions \["us-west-2"\]$/],
        ["a profile whose destinations are not all allowed", { models: [US_HAIKU_35], regions: ["us-east-1", "us-west-2"] }, /^models\[0\]: "us\.anthropic\.claude-3-5-haiku-20241022-v1:0" routes to \["us-east-2"\], outside the allowed regions/],
        ["a profile not callable from the home Region", { models: [US_HAIKU_35], region: "eu-west-1" }, /^models\[0\]: "us\..*" cannot be called from the home Region "eu-west-1"/],
        ["a profile prefix without known destinations", { models: ["global.anthropic.claude-sonnet-4-20250514-v1:0"] }, /^models\[0\]: the destination Regions of "global\..*" are not known for prefix "global"; list them in crossRegionDestinations/],
        ["a bad guardrail ARN", { guardrail: { arn: "arn:aws:bedrock:us-east-1:999999999999:guardrail", version: "1" } }, /^guardrail\.arn must be a Bedrock guardrail ARN, got "arn:aws:bedrock:us-east-1:999999999999:guardrail"$/],
        ["a bad guardrail version", { guardrail: { arn: GUARDRAIL_ARN, version: "v1" } }, /^guardrail\.version must be a version number or "DRAFT", got "v1"$/],
        ["an ExternalId that is too short", { externalId: "x" }, /^externalId must be 2 to 1224 letters, digits .*, got a string of 1 character \(not shown: it is secret\)$/],
        ["an ExternalId with a space", { externalId: "has space" }, /^externalId must be .*, got a string of 9 characters \(not shown: it is secret\)$/],
        ["a trust policy quota above 4,096", { trustPolicySizeQuota: 5000 }, /^trustPolicySizeQuota must be an integer from 1 to 4096, got 5000$/],
        ["a cost tag key in the aws: namespace", { costTagKey: "aws:tenant" }, /^costTagKey must be a tag key .*, got "aws:tenant"$/],
        ["a cost tag key in the aws: namespace written in capitals", { costTagKey: "AWS:tenant" }, /^costTagKey must be a tag key .* in any case, got "AWS:tenant"$/],
        ["a cost tag key in the aws: namespace in mixed case", { costTagKey: "Aws:tenant" }, /^costTagKey must be a tag key .*, got "Aws:tenant"$/],
        ["more profiles than the quota", { models: [HAIKU, US_HAIKU_35], applicationProfileQuota: 1 }, /^models would need 2 application inference profiles, over applicationProfileQuota 1$/],
        ["a budget without cost attribution", { costAttribution: false, budget: { limitUsd: 10, emails: ["a@example.com"] } }, /^budget filters on the cost-allocation tag .*costAttribution: false$/],
        ["a budget without subscribers", { budget: { limitUsd: 10 } }, /^budget needs at least one of emails or snsTopicArns/],
        ["a budget with a negative limit", { budget: { limitUsd: -1, emails: ["a@example.com"] } }, /^budget\.limitUsd must be a number of USD from 0\.01 to 1,000,000,000,000 \(AWS Budgets takes it to the cent\), got -1$/],
        ["a budget under a cent", { budget: { limitUsd: 0.001, emails: ["a@example.com"] } }, /^budget\.limitUsd must be a number of USD from 0\.01 .*, got 0\.001$/],
        ["a budget too large to write to the cent", { budget: { limitUsd: 1e300, emails: ["a@example.com"] } }, /^budget\.limitUsd must be a number of USD from 0\.01 .*, got 1e\+300$/],
        ["a tenant guardrail version that is a list", { guardrail: { arn: GUARDRAIL_ARN, version: ["1"] as never } }, /^guardrail\.version must be a version number or "DRAFT", got \["1"\]$/],
        ["a tenant guardrail without a version", { guardrail: { arn: GUARDRAIL_ARN } as never }, /^guardrail\.version is required with guardrail\.arn \(a version number or "DRAFT"\), got undefined$/],
        ["a budget email that is not an address", { budget: { limitUsd: 5, emails: ["finops"] } }, /^budget\.emails\[0\] must be an email address, got "finops"$/],
        // A slip in the profile id: its Regions would be ignored and the default three granted.
        [
            "crossRegionDestinations for a profile id not among the models",
            { models: [US_HAIKU_35], crossRegionDestinations: { "us.anthropic.claude-3-5-haiku-20241022-v1": ["us-east-1"] } },
            /^crossRegionDestinations\["us\.anthropic\.claude-3-5-haiku-20241022-v1"\] names no cross-Region profile in models \("us\.anthropic\.claude-3-5-haiku-20241022-v1:0"\); did you mean "us\.anthropic\.claude-3-5-haiku-20241022-v1:0"\?: its Regions would be ignored/,
        ],
        ["crossRegionDestinations with only foundation models", { crossRegionDestinations: { [HAIKU]: ["us-east-1"] } }, /^crossRegionDestinations\["anthropic\.claude-3-haiku-20240307-v1:0"\] names no cross-Region profile in models \(none\)/],
    ];
    for (const [what, over, message] of rejections) {
        it(`rejects ${what}`, () => {
            assert.throws(check(over), (e: Error) => e instanceof ArgumentError && message.test(e.message));
        });
    }

    it("takes a guardrail version given as a whole number, as YAML gives it", () => {
        assert.doesNotThrow(check({ guardrail: { arn: GUARDRAIL_ARN, version: 2 as never } }));
    });

    it("takes crossRegionDestinations for a profile among the models, and grants only its Regions and the home Region", () => {
        const r = validateBedrockTenantAccessArgs({ ...base, models: [US_HAIKU_35], crossRegionDestinations: { [US_HAIKU_35]: ["us-east-1", "us-west-2"] } }, "us-east-1");
        assert.deepStrictEqual(r.regions, ["us-east-1", "us-west-2"]);
    });

    it("rejects a trust policy over the default 2,048-character quota and accepts it under a raised quota", () => {
        const accounts = Array.from({ length: 15 }, (_, i) => String(100000000000 + i));
        assert.throws(check({ accounts }), /^ArgumentError: accounts: the trust policy would be \d{4} characters, over IAM's quota of 2048 with 15 accounts/);
        assert.doesNotThrow(check({ accounts, trustPolicySizeQuota: 4096 }));
    });

    it("rejects a permissions policy over IAM's 10,240-character inline quota", () => {
        const models = Array.from({ length: 40 }, (_, i) => `anthropic.claude-test-model-number-${i}-v1:0`);
        assert.throws(check({ models, regions: ["us-east-1", "us-east-2", "us-west-2"] }), /^ArgumentError: models: the permissions policy would be \d{5} characters, over IAM's quota of 10240; allow fewer models or Regions$/);
    });

    it("rejects a permissions boundary over IAM's 6,144-character managed policy quota, under the inline quota", () => {
        const model = (i: number) => `anthropic.claude-test-model-number-${i}-v1:0`;
        const count = (n: number) => ({ models: Array.from({ length: n }, (_, i) => model(i)) });
        // 8 such models fit; 10 fit the 10,240-character inline quota but not the boundary's 6,144.
        assert.doesNotThrow(check(count(8)));
        assert.throws(check(count(10)), /^ArgumentError: models: the permissions boundary would be \d{4} characters, over IAM's quota of 6144; allow fewer models or Regions$/);
    });

    it("refuses a permissionsBoundary of the caller's", () => {
        assert.throws(check({ permissionsBoundary: "arn:aws:iam::999999999999:policy/Mine" }), /^ArgumentError: permissionsBoundary is refused: every tenant role carries its own boundary, the managed policy "BedrockTenantBoundary-/);
    });
});

describe("Bedrock model ids", () => {
    it("tells foundation models from system cross-Region profiles", () => {
        assert.deepStrictEqual(parseModelId(HAIKU, "m"), { kind: "foundation-model", id: HAIKU, foundationModelId: HAIKU });
        assert.deepStrictEqual(parseModelId(US_HAIKU_35, "m"), { kind: "system-profile", id: US_HAIKU_35, prefix: "us", foundationModelId: "anthropic.claude-3-5-haiku-20241022-v1:0" });
    });

    it("keeps application profile names within 64 characters of Bedrock's alphabet and unique per model", () => {
        const long = "t".repeat(32);
        const a = applicationProfileName(long, "anthropic.claude-3-5-sonnet-20241022-v2:0");
        const b = applicationProfileName(long, "anthropic.claude-3-5-sonnet-20240620-v1:0");
        for (const name of [a, b, applicationProfileName("customer-a", HAIKU)]) {
            assert.ok(name.length <= 64, name);
            assert.match(name, /^([0-9a-zA-Z:.][ _-]?)+$/);
        }
        assert.notStrictEqual(a, b);
        assert.strictEqual(applicationProfileName("customer-a", HAIKU), `customer-a.${HAIKU}`);
    });
});
