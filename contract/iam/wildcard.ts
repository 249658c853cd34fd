/**
 * IAM's wildcard matching, by a linear scan: `*` matches any run of
 * characters (across `/` and `:`), `?` exactly one. A regular expression
 * built from a pattern backtracks exponentially on patterns with many `*`,
 * so none is ever built here.
 */

/** Whether `pattern` (with `*` and `?`) matches the whole of `value`. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
    const p = ignoreCase ? pattern.toLowerCase() : pattern;
    const v = ignoreCase ? value.toLowerCase() : value;
    let pi = 0;
    let vi = 0;
    // Position of the last `*` seen and of the value when it was seen: on a mismatch the star takes one more character.
    let star = -1;
    let mark = 0;
    while (vi < v.length) {
        const c = p.charCodeAt(pi);
        if (pi < p.length && (c === 63 /* ? */ || c === v.charCodeAt(vi))) {
            pi++;
            vi++;
        } else if (pi < p.length && c === 42 /* * */) {
            star = pi++;
            mark = vi;
        } else if (star !== -1) {
            pi = star + 1;
            vi = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.length && p.charCodeAt(pi) === 42) pi++;
    return pi === p.length;
}

/** IAM actions compare case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
    return wildcardMatch(pattern, action, true);
}

/**
 * True when a value is a pattern rather than one exact value: an IAM
 * wildcard, or a policy variable (`${aws:username}`), whose value is only
 * known per request.
 */
export function hasWildcard(value: string): boolean {
    return value.includes("*") || value.includes("?") || value.includes("${");
}

/**
 * Whether `pattern` matches every value that starts with `prefix`, as `s3:*`
 * covers every S3 action and `arn:aws:s3:::b/*` every object of `b`. Asking
 * `wildcardMatch(pattern, "s3:*")` instead would let `s3:?` through, since
 * `?` matches the `*` character itself.
 */
export function coversEveryValueWith(pattern: string, prefix: string, ignoreCase = false): boolean {
    return pattern.endsWith("*") && wildcardMatch(pattern, prefix, ignoreCase);
}
