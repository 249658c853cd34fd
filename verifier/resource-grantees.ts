import { accountOfPrincipal, type PolicyStatement } from "../contract";

/**
 * Who a resource policy's Allow names directly: principals of the account
 * (its root only hands the decision to IAM, whose policies the proof reads),
 * everyone (`*`, however held to the account), and services. Another
 * account's principals are the egress checks' findings. `*` held to the
 * requests a service makes for a resource (`aws:SourceAccount`, SNS's
 * `aws:SourceOwner`, `aws:SourceArn`, as AWS's default topic policy is)
 * names no principal: no principal's own request carries those keys.
 */
export function grantees(s: PolicyStatement, account: string): string[] {
    const out: string[] = [];
    for (const [kind, values] of Object.entries(s.principals ?? {})) {
        for (const v of values) {
            if (kind !== "AWS") out.push(`the ${kind} principal ${v}`);
            else if (v === "*") {
                if (!forServicesOnly(s)) out.push("every principal (Principal \"*\")");
            }
            else if (v === account || v === `arn:aws:iam::${account}:root`) continue;
            else {
                const owner = accountOfPrincipal(v);
                if (owner === undefined || owner === account) out.push(v);
            }
        }
    }
    return out;
}

/** Keys only a service's request for a resource carries. */
const SERVICE_REQUEST_KEYS: ReadonlySet<string> = new Set(["aws:sourceaccount", "aws:sourceowner", "aws:sourcearn"]);
/** Operators a request without the key fails (not `…IfExists`, not a negation, not a set operator). */
const PRESENCE_OPERATORS: ReadonlySet<string> = new Set(["StringEquals", "StringLike", "StringEqualsIgnoreCase", "ArnEquals", "ArnLike"]);

function forServicesOnly(s: PolicyStatement): boolean {
    return s.conditions.some((c) => SERVICE_REQUEST_KEYS.has(c.key) && PRESENCE_OPERATORS.has(c.operator) && c.values.length > 0);
}
