/**
 * AWS identifier rules shared by the components, the runtime and the
 * verifier. Free of Pulumi and LangChain: the runtime bundle loads this file.
 */
import { patternProblem, show, type Problem } from "./validation";

/** Region used when neither an explicit `region` nor the provider's `aws:region` is set. */
export const DEFAULT_REGION = "us-east-1";

// Every pattern below is a literal, so none is ever built from text. They
// share three fragments, written out in each:
// - partition `aws(?:-[a-z]+)*`: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`, …;
// - Region `[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}`: commercial, China and GovCloud
//   Region names (`us-east-1`, `cn-northwest-1`, `us-gov-west-1`), two digits
//   allowed for Regions yet to come; the isolated partitions (`us-iso-east-1`)
//   are not accepted, as the policies here are built for the `aws` partition;
// - account `\d{12}`: exactly 12 digits, leading zeros included.
// tests/contract/identifiers.test.ts holds each pattern to those fragments.

/** A 12-digit AWS account id. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** An AWS Region name; see the Region fragment above for which partitions. */
export const REGION_PATTERN = /^[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}$/;

/** STS `ExternalId`: 2–1224 characters of `[\w+=,.@:/-]` (AssumeRole API reference). */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;

/**
 * IAM role ARN with an optional path: `arn:aws:iam::ACCOUNT:role/PATH/NAME`.
 * Role names are 1–64 of `[\w+=,.@-]` (IAM quotas); IAM has no Region.
 * Groups: 1 account, 2 path (with its trailing `/`, possibly empty), 3 role name.
 */
export const IAM_ROLE_ARN_PATTERN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;

/**
 * Customer managed IAM policy ARN with an optional path:
 * `arn:aws:iam::ACCOUNT:policy/PATH/NAME`, the name 1–128 of `[\w+=,.@-]`.
 * AWS managed policies (`arn:aws:iam::aws:policy/…`) do not match.
 * Groups: 1 account, 2 path, 3 policy name.
 */
export const IAM_POLICY_ARN_PATTERN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):policy\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,128})$/;

/**
 * Lambda function ARN in the `aws` partition, unqualified:
 * `arn:aws:lambda:REGION:ACCOUNT:function:NAME`, the name 1–64 letters,
 * digits, `-` and `_` (Lambda CreateFunction).
 * Groups: 1 Region, 2 account, 3 function name.
 */
export const LAMBDA_FUNCTION_ARN_PATTERN = /^arn:aws:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}):(\d{12}):function:([\w-]{1,64})$/;

/** SNS standard topic: name 1–256 of letters, digits, `_` and `-` (SNS CreateTopic). */
export const SNS_TOPIC_ARN_PATTERN = /^arn:aws(?:-[a-z]+)*:sns:[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}:\d{12}:[\w-]{1,256}$/;

/**
 * KMS key ARN (not an alias): the key id is a UUID, or `mrk-` and 32 hex
 * digits for a multi-Region key (KMS key identifiers).
 */
export const KMS_KEY_ARN_PATTERN = /^arn:aws(?:-[a-z]+)*:kms:[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}:\d{12}:key\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/**
 * Bedrock inference profile ARN, system (`inference-profile/us.MODEL_ID`) or
 * application (`application-inference-profile/ID`, an opaque id).
 */
export const INFERENCE_PROFILE_ARN_PATTERN = /^arn:aws(?:-[a-z]+)*:bedrock:[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}:\d{12}:(?:application-)?inference-profile\/[\w.:-]{1,200}$/;

/** Bedrock guardrail ARN: `guardrail/ID`, the id being 1–64 lowercase letters or digits (ApplyGuardrail). */
export const GUARDRAIL_ARN_PATTERN = /^arn:aws(?:-[a-z]+)*:bedrock:[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}:\d{12}:guardrail\/[a-z0-9]{1,64}$/;

/** Guardrail version a call names: a published version number or `DRAFT`. */
export const GUARDRAIL_VERSION_PATTERN = /^(?:DRAFT|[1-9]\d{0,7})$/;

/**
 * A Bedrock model or system inference-profile id as tenants name them
 * (`anthropic.claude-3-haiku-20240307-v1:0`, `us.amazon.nova-lite-v1:0`):
 * lowercase letters, digits, `.`, `_`, `:` and `-`, at most 128 characters.
 */
export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._:-]{0,127}$/;

/** Regions of the GovCloud (`us-gov-*`) and China (`cn-*`) partitions. */
export const OTHER_PARTITION_REGION_PATTERN = /^(?:us-gov|cn)-/;

/** `value` must be a 12-digit account id. */
export function accountIdProblem(argName: string, value: unknown): Problem {
    return patternProblem(argName, value, ACCOUNT_ID_PATTERN, "a 12-digit AWS account id");
}

/**
 * `value` must follow STS's ExternalId rules. The value is never echoed: it
 * travels as a secret, so only its length is shown.
 */
export function externalIdProblem(argName: string, value: unknown): Problem {
    if (typeof value === "string" && EXTERNAL_ID_PATTERN.test(value)) return undefined;
    const what = typeof value === "string" ? `a string of ${value.length} characters (not shown: it is secret)` : `a ${value === null ? "null" : typeof value}`;
    return `${argName} must be 2 to 1224 characters of [\\w+=,.@:/-], got ${what}`;
}

/** `value` must be a model or system inference-profile id. */
export function modelIdProblem(argName: string, value: unknown): Problem {
    return patternProblem(argName, value, MODEL_ID_PATTERN, "a Bedrock model or inference profile id");
}

/**
 * Why `value` cannot serve as a Region for the components, or `undefined`.
 * The components build `arn:aws:` ARNs, so a Region of another partition is
 * refused rather than given policies that would silently match nothing.
 */
export function regionProblem(argName: string, value: unknown): Problem {
    if (typeof value !== "string" || !REGION_PATTERN.test(value)) {
        return `${argName} must be an AWS Region name such as "us-east-1", got ${show(value)}`;
    }
    if (OTHER_PARTITION_REGION_PATTERN.test(value)) {
        return `${argName} ${show(value)} is outside the aws partition; the ARNs this package builds (arn:aws:...) would not match there`;
    }
    return undefined;
}
