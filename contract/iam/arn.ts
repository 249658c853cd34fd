import { hasWildcard } from "./wildcard";

/**
 * The one ARN parser: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, the
 * resource keeping any further `:` and `/`.
 */
export interface ParsedArn {
    partition: string;
    service: string;
    region: string;
    /** Twelve digits, `aws` for AWS-managed policies, or empty (S3 buckets, foundation models). */
    account: string;
    resource: string;
}

export function parseArn(text: string): ParsedArn | undefined {
    if (!text.startsWith("arn:")) return undefined;
    // The ends of the partition, service, Region and account fields (`arn:` ends at 3); a plan holds many ARNs, so no list of parts is built.
    const partitionEnd = text.indexOf(":", 4);
    if (partitionEnd === -1) return undefined;
    const serviceEnd = text.indexOf(":", partitionEnd + 1);
    if (serviceEnd === -1) return undefined;
    const regionEnd = text.indexOf(":", serviceEnd + 1);
    if (regionEnd === -1) return undefined;
    const accountEnd = text.indexOf(":", regionEnd + 1);
    if (accountEnd === -1) return undefined;
    const partition = text.slice(4, partitionEnd);
    const service = text.slice(partitionEnd + 1, serviceEnd);
    if (partition === "" || service === "") return undefined;
    return { partition, service, region: text.slice(serviceEnd + 1, regionEnd), account: text.slice(regionEnd + 1, accountEnd), resource: text.slice(accountEnd + 1) };
}

/** The account of an ARN, or of a bare twelve-digit account id; undefined for anything else. */
export function accountOfPrincipal(text: string): string | undefined {
    if (isAccountId(text)) return text;
    const arn = parseArn(text);
    return arn && isAccountId(arn.account) ? arn.account : undefined;
}

export function isAccountId(text: string): boolean {
    if (text.length !== 12) return false;
    for (let i = 0; i < 12; i++) {
        const c = text.charCodeAt(i);
        if (c < 48 || c > 57) return false;
    }
    return true;
}

/** `role/path/NAME` → `NAME` (the last path segment), for IAM resource ARNs. */
export function iamResourceName(arn: ParsedArn, kind: "role" | "user" | "group" | "policy"): string | undefined {
    if (arn.service !== "iam" || !arn.resource.startsWith(`${kind}/`)) return undefined;
    return arn.resource.slice(arn.resource.lastIndexOf("/") + 1);
}

/**
 * The fields of a resource pattern of a policy, as IAM matches it field by
 * field: an ARN cut short after a wildcard has its missing fields padded
 * with `*`, as IAM pads them. Undefined for text that is not an ARN, and for
 * a short ARN without a wildcard, which matches no resource.
 */
export function arnPatternFields(pattern: string): ParsedArn | undefined {
    if (pattern.slice(0, 4).toLowerCase() !== "arn:") return undefined;
    const fields = pattern.split(":");
    if (fields.length < 6) {
        if (!hasWildcard(pattern)) return undefined;
        while (fields.length < 6) fields.push("*");
    }
    return { partition: fields[1], service: fields[2], region: fields[3], account: fields[4], resource: fields.slice(5).join(":") };
}

/**
 * The account a resource pattern of a policy is held to: the literal account
 * field (`""` when the ARN has none, as S3 buckets and foundation models;
 * `aws` for AWS-managed policies), or undefined when the pattern can match
 * resources of any account: `*`, a wildcard or policy variable in the
 * account field, or an ARN cut short after a wildcard. Text that is neither
 * an ARN nor a pattern matches no resource, and holds no account.
 */
export function accountOfPattern(pattern: string): string | undefined {
    const fields = arnPatternFields(pattern);
    if (fields === undefined) return hasWildcard(pattern) && pattern.slice(0, 4).toLowerCase() !== "arn:" ? undefined : "";
    return hasWildcard(fields.account) ? undefined : fields.account;
}
