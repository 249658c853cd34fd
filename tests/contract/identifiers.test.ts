import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    regionProblem,
    ACCOUNT_ID_PATTERN,
    DEFAULT_REGION,
    EXTERNAL_ID_PATTERN,
    GUARDRAIL_ARN_PATTERN,
    IAM_ROLE_ARN_PATTERN,
    INFERENCE_PROFILE_ARN_PATTERN,
    KMS_KEY_ARN_PATTERN,
    REGION_PATTERN,
    SNS_TOPIC_ARN_PATTERN,
} from "../../contract/identifiers";

/** The Region names of the `aws`, `aws-cn` and `aws-us-gov` partitions (AWS SDK partitions file, 2025). */
const REAL_REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2",
    "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1",
    "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1",
    "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1",
];

const accepts = (pattern: RegExp, values: string[]) => assert.deepEqual(values.filter((v) => !pattern.test(v)), [], `${pattern} rejected these`);
const rejects = (pattern: RegExp, values: string[]) => assert.deepEqual(values.filter((v) => pattern.test(v)), [], `${pattern} accepted these`);

describe("AWS identifier rules", () => {
    it("accepts every Region name of the commercial, China and GovCloud partitions, and a two-digit suffix", () => {
        accepts(REGION_PATTERN, [...REAL_REGIONS, "us-east-10"]);
    });

    it("rejects Region names that are misspelt, partial or of the isolated partitions", () => {
        rejects(REGION_PATTERN, ["US-EAST-1", "us-east", "useast1", "us-east-1a", "us-east-123", "us_east_1", " us-east-1", "us-gov-west", "us-foo-bar-1", "us-iso-east-1", "eusc-de-east-1", ""]);
    });

    it("rejects, of the Region names the installed AWS SDK ships, only those of the isolated partitions", () => {
        // Guards the list above against drift: a new Region of another shape shows up here.
        const file = path.join(path.dirname(require.resolve("@aws-sdk/core")), "..", "dist-es/submodules/client/util-endpoints/lib/aws/partitions.js");
        const shipped = [...new Set(fs.readFileSync(file, "utf8").match(/"[a-z]{2,4}(?:-[a-z]+)+-\d+"/g) ?? [])].map((s) => s.slice(1, -1));
        assert.ok(shipped.length >= REAL_REGIONS.length, `found only ${shipped.length} Region names in ${file}`);
        const isolated = (r: string) => /^[a-z]{2}-iso[a-z]?-/.test(r) || r.startsWith("eusc-");
        assert.deepEqual(shipped.filter((r) => !REGION_PATTERN.test(r)), shipped.filter(isolated));
    });

    it("refuses GovCloud and China Regions for the components, whose ARNs are arn:aws:", () => {
        assert.strictEqual(regionProblem("region", "eu-central-2"), undefined);
        assert.match(regionProblem("region", "us-gov-west-1") ?? "", /^region "us-gov-west-1" is outside the aws partition/);
        assert.match(regionProblem("bedrockRegion", "cn-north-1") ?? "", /^bedrockRegion "cn-north-1" is outside the aws partition/);
        assert.strictEqual(regionProblem("region", "useast1"), 'region must be an AWS Region name such as "us-east-1", got "useast1"');
    });

    it("defaults to us-east-1", () => {
        assert.equal(DEFAULT_REGION, "us-east-1");
    });

    it("accepts 12-digit account ids only", () => {
        accepts(ACCOUNT_ID_PATTERN, ["111111111111", "012345678901"]);
        rejects(ACCOUNT_ID_PATTERN, ["11111111111", "1111111111111", "11111111111a", "1111-1111-1111", ""]);
    });

    it("accepts ExternalIds of 2 to 1224 allowed characters", () => {
        accepts(EXTERNAL_ID_PATTERN, ["ab", "x".repeat(1224), "tenant=a,b.c@d:e/f-g_h+i"]);
        rejects(EXTERNAL_ID_PATTERN, ["a", "x".repeat(1225), "has space", "semi;colon", "quote\"", ""]);
    });

    it("accepts role ARNs with and without a path, and captures account, path and name", () => {
        accepts(IAM_ROLE_ARN_PATTERN, ["arn:aws:iam::999999999999:role/a", "arn:aws-us-gov:iam::999999999999:role/x".concat("y".repeat(63)), "arn:aws-cn:iam::999999999999:role/svc/team/r+=,.@-_"]);
        assert.deepEqual([...(IAM_ROLE_ARN_PATTERN.exec("arn:aws:iam::999999999999:role/svc/team/Runner") ?? [])].slice(1), ["999999999999", "svc/team/", "Runner"]);
        rejects(IAM_ROLE_ARN_PATTERN, [
            "arn:aws:iam::999999999999:role/",
            "arn:aws:iam::999999999999:role/a/",
            "arn:aws:iam::999999999999:role//a",
            `arn:aws:iam::999999999999:role/${"r".repeat(65)}`,
            "arn:aws:iam:us-east-1:999999999999:role/a",
            "arn:aws:iam::99999999999:role/a",
            "arn:aws:iam::999999999999:user/a",
            "arn:aws:sts::999999999999:assumed-role/a/session",
            "arn:awsx:iam::999999999999:role/a",
        ]);
    });

    it("accepts SNS standard topic ARNs", () => {
        accepts(SNS_TOPIC_ARN_PATTERN, ["arn:aws:sns:us-east-1:111111111111:ops-alerts", "arn:aws-us-gov:sns:us-gov-west-1:111111111111:A_b-1", `arn:aws:sns:eu-central-2:111111111111:${"t".repeat(256)}`]);
        rejects(SNS_TOPIC_ARN_PATTERN, [
            "arn:aws:sns:us-east-1:111111111111:",
            `arn:aws:sns:us-east-1:111111111111:${"t".repeat(257)}`,
            "arn:aws:sns:us-east-1:111111111111:has.dot",
            "arn:aws:sns:useast1:111111111111:alerts",
            "arn:aws:sqs:us-east-1:111111111111:alerts",
        ]);
    });

    it("accepts KMS key ARNs with a key id, single- or multi-Region, and rejects aliases", () => {
        accepts(KMS_KEY_ARN_PATTERN, ["arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:eu-west-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab"]);
        rejects(KMS_KEY_ARN_PATTERN, [
            "arn:aws:kms:us-east-1:111111111111:alias/audit",
            "arn:aws:kms:us-east-1:111111111111:key/audit-key",
            "arn:aws:kms:us-east-1:111111111111:key/1234ABCD-12AB-34CD-56EF-1234567890AB",
            "arn:aws:kms:us-east-1:111111111111:key/mrk-1234",
            "alias/audit",
        ]);
    });

    it("accepts system and application inference profile ARNs", () => {
        accepts(INFERENCE_PROFILE_ARN_PATTERN, [
            "arn:aws:bedrock:us-east-1:999999999999:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0",
            "arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/a1b2c3d4e5f6",
        ]);
        rejects(INFERENCE_PROFILE_ARN_PATTERN, [
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
            "arn:aws:bedrock:us-east-1:999999999999:inference-profile/",
            "arn:aws:bedrock:us-east-1:999999999999:inference-profile/has space",
            "arn:aws:bedrock:us-east-1:999999999999:custom-inference-profile/x",
            "arn:aws:bedrock:not-a-region:999999999999:inference-profile/x",
        ]);
    });

    it("accepts guardrail ARNs with a lowercase id of 1 to 64 characters", () => {
        accepts(GUARDRAIL_ARN_PATTERN, ["arn:aws:bedrock:us-east-1:999999999999:guardrail/abc123def456", "arn:aws:bedrock:eu-west-3:999999999999:guardrail/a", `arn:aws:bedrock:us-east-1:999999999999:guardrail/${"a".repeat(64)}`]);
        rejects(GUARDRAIL_ARN_PATTERN, [
            `arn:aws:bedrock:us-east-1:999999999999:guardrail/${"a".repeat(65)}`,
        ]);
        rejects(GUARDRAIL_ARN_PATTERN, [
            "arn:aws:bedrock:us-east-1:999999999999:guardrail/ABC123",
            "arn:aws:bedrock:us-east-1:999999999999:guardrail/abc123:1",
            "arn:aws:bedrock:us-east-1:999999999999:guardrail/",
            "arn:aws:bedrock:US-EAST-1:999999999999:guardrail/abc",
        ]);
    });

});

describe("identifier patterns as literals", () => {
    const identifiers = require("../../contract/identifiers") as Record<string, unknown>;
    const models = require("../../contract/models") as { CROSS_REGION_PREFIXES: readonly string[]; CROSS_REGION_PROFILE_PREFIX: RegExp };
    const REGION = String.raw`[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}`;
    const PARTITION = "aws(?:-[a-z]+)*";
    const ACCOUNT = String.raw`\d{12}`;

    it("share one Region, partition and account fragment", () => {
        const arnPatterns = Object.entries(identifiers).filter(([name, v]) => v instanceof RegExp && name.endsWith("_ARN_PATTERN")) as [string, RegExp][];
        assert.ok(arnPatterns.length >= 7, `found ${arnPatterns.length} ARN patterns`);
        for (const [name, pattern] of arnPatterns) {
            assert.ok(pattern.source.startsWith("^arn:") && pattern.source.endsWith("$"), `${name} is anchored`);
            assert.ok(pattern.source.includes(ACCOUNT), `${name} has the account fragment`);
            const regionless = name.startsWith("IAM_");
            assert.equal(pattern.source.includes(REGION), !regionless, `${name} and the Region fragment`);
            assert.ok(pattern.source.startsWith(`^arn:${PARTITION}:`) || name === "LAMBDA_FUNCTION_ARN_PATTERN", `${name} has the partition fragment`);
        }
        assert.equal(REGION_PATTERN.source, `^${REGION}$`);
        assert.equal(ACCOUNT_ID_PATTERN.source, `^${ACCOUNT}$`);
    });

    it("match the cross-Region prefixes exactly, no more and no fewer", () => {
        for (const prefix of models.CROSS_REGION_PREFIXES) {
            assert.ok(models.CROSS_REGION_PROFILE_PREFIX.test(`${prefix}.anthropic.claude-3-haiku-20240307-v1:0`), prefix);
            assert.ok(!models.CROSS_REGION_PROFILE_PREFIX.test(`x${prefix}.anthropic.claude-3-haiku-20240307-v1:0`), `x${prefix}`);
        }
        const alternatives = /^\^\(\?:([a-z|-]+)\)\\\.$/.exec(models.CROSS_REGION_PROFILE_PREFIX.source)?.[1].split("|");
        assert.deepEqual([...(alternatives ?? [])].sort(), [...models.CROSS_REGION_PREFIXES].sort());
    });
});
