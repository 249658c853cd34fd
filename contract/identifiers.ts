/**
 * AWS identifier rules shared by the components, the runtime and the
 * verifier. Free of Pulumi and LangChain: the runtime bundle loads this file.
 */
import { isPlainObject, missingProblem, patternProblem, plainValueProblem, show, type Problem } from "./validation";

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
    // YAML and JSON read an unquoted id as a number: "got 222222222222" would read as the right value refused.
    if (typeof value === "number") return `${argName} must be a 12-digit AWS account id written as a string (quote it: as a number it loses its leading zeros), got the number ${show(value)}`;
    return patternProblem(argName, value, ACCOUNT_ID_PATTERN, "a 12-digit AWS account id");
}

/**
 * `value` must follow STS's ExternalId rules. The value is never echoed: it
 * travels as a secret, so only its length is shown.
 */
export function externalIdProblem(argName: string, value: unknown): Problem {
    if (typeof value === "string" && EXTERNAL_ID_PATTERN.test(value)) return undefined;
    const rule = "2 to 1224 letters, digits and the characters _+=,.@:/-";
    const missing = missingProblem(argName, value, rule);
    if (missing !== undefined) return missing;
    const what = typeof value === "string" ? `a string of ${value.length} character${value.length === 1 ? "" : "s"} (not shown: it is secret)` : `${typeof value === "object" ? "an" : "a"} ${typeof value}`;
    return `${argName} must be ${rule}, got ${what}`;
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
        return plainValueProblem(argName, value) ?? `${argName} must be an AWS Region name such as "us-east-1", got ${show(value)}`;
    }
    if (OTHER_PARTITION_REGION_PATTERN.test(value)) {
        return `${argName} ${show(value)} is outside the aws partition; the ARNs this package builds (arn:aws:...) would not match there`;
    }
    return undefined;
}

/**
 * A tag key's characters and length: 1–128 letters, digits, spaces and
 * `_.:/=+-@`. IAM's rule, the strictest of the services the components tag
 * (IAM, KMS, CloudWatch, Lambda, S3, Bedrock), so one set of tags fits them all.
 */
export const TAG_KEY_CHARACTERS_PATTERN = /^[\p{L}\p{N}\p{Z}_.:/=+\-@]{1,128}$/u;
/** A tag value: 0–256 of the characters a key may hold. */
export const TAG_VALUE_PATTERN = /^[\p{L}\p{N}\p{Z}_.:/=+\-@]{0,256}$/u;
/** User tags per resource (AWS tagging quota). */
export const MAX_TAGS_PER_RESOURCE = 50;

/**
 * Why `value` cannot be the `tags` of a component, or `undefined`: every
 * rule AWS applies when the resources are created, so that a bad tag fails
 * the preview instead of the deployment. `ownKeys` are the tags the component
 * adds itself; they count against the quota unless `value` sets them too.
 */
export function tagsProblem(argName: string, value: unknown, ownKeys: readonly string[] = []): Problem {
    if (value === undefined) return undefined;
    const notPlain = plainValueProblem(argName, value);
    if (notPlain !== undefined) return notPlain;
    if (!isPlainObject(value)) return `${argName} must be an object of tag key to string value, got ${show(value)}`;
    for (const [key, tagValue] of Object.entries(value)) {
        // AWS reserves the prefix in any case ("AWS:", "Aws:").
        if (key.slice(0, 4).toLowerCase() === "aws:") return `${argName} key ${show(key)} starts with "aws:", which AWS reserves for its own tags`;
        if (!TAG_KEY_CHARACTERS_PATTERN.test(key)) return `${argName} key ${show(key)} must be 1 to 128 letters, digits, spaces or _.:/=+-@, got ${key.length} characters`;
        const where = `${argName}[${show(key)}]`;
        const notPlainValue = plainValueProblem(where, tagValue);
        if (notPlainValue !== undefined) return notPlainValue;
        if (typeof tagValue !== "string") return `${where} must be a string, got ${show(tagValue)}`;
        if (!TAG_VALUE_PATTERN.test(tagValue)) {
            return `${where} must be at most 256 letters, digits, spaces or _.:/=+-@, got ${tagValue.length > 256 ? `${tagValue.length} characters` : show(tagValue)}`;
        }
    }
    const count = new Set([...Object.keys(value), ...ownKeys]).size;
    if (count > MAX_TAGS_PER_RESOURCE) {
        return `${argName} would put ${count} tags on each resource (with the component's own ${show(ownKeys)}), over AWS's ${MAX_TAGS_PER_RESOURCE}; got ${Object.keys(value).length} tags`;
    }
    return undefined;
}

/** S3 general purpose bucket names: 3–63 of lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit. */
const S3_BUCKET_NAME_CHARACTERS = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Bucket names S3 forbids although their characters pass: formatted as an IPv4 address. */
const S3_BUCKET_NAME_IP = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
/** Prefixes and suffixes S3 reserves (access point aliases, Object Lambda, Multi-Region Access Points, directory and table buckets). */
const S3_BUCKET_NAME_RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"] as const;
const S3_BUCKET_NAME_RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] as const;

/**
 * Why `value` cannot name a general purpose S3 bucket, or `undefined`: every
 * naming rule of S3 (bucket naming rules, Amazon S3 User Guide), each
 * reported by name.
 */
export function s3BucketNameProblem(argName: string, value: unknown): Problem {
    const notPlain = plainValueProblem(argName, value);
    if (notPlain !== undefined) return notPlain;
    if (typeof value !== "string" || !S3_BUCKET_NAME_CHARACTERS.test(value)) {
        return `${argName} must be an S3 bucket name (3-63 of a-z, 0-9, '.', '-', starting and ending with a letter or digit), got ${show(value)}`;
    }
    if (value.includes("..")) return `${argName} must not hold two adjacent periods (S3 bucket naming rules), got ${show(value)}`;
    if (S3_BUCKET_NAME_IP.test(value)) return `${argName} must not be formatted as an IP address (S3 bucket naming rules), got ${show(value)}`;
    const prefix = S3_BUCKET_NAME_RESERVED_PREFIXES.find((p) => value.startsWith(p));
    if (prefix !== undefined) return `${argName} must not start with ${show(prefix)}, which S3 reserves, got ${show(value)}`;
    const suffix = S3_BUCKET_NAME_RESERVED_SUFFIXES.find((x) => value.endsWith(x));
    if (suffix !== undefined) return `${argName} must not end with ${show(suffix)}, which S3 reserves, got ${show(value)}`;
    return undefined;
}
