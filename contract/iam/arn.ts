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
    const parts: string[] = [];
    let start = 0;
    for (let i = 0; i < 5; i++) {
        const end = text.indexOf(":", start);
        if (end === -1) return undefined;
        parts.push(text.slice(start, end));
        start = end + 1;
    }
    const [, partition, service, region, account] = parts;
    if (partition === "" || service === "") return undefined;
    return { partition, service, region, account, resource: text.slice(start) };
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
