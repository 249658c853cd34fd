/**
 * What one statement reaches: whether it can apply to an action, a resource
 * or a principal. `NotAction`/`NotResource`/`NotPrincipal` reach everything
 * they do not list, as IAM reads them.
 */
import type { PolicyStatement } from "./policy-document";
import { actionMatches, wildcardMatch } from "./wildcard";

/** Whether the statement can apply to `action` (patterns compared case-insensitively). */
export function coversAction(s: PolicyStatement, action: string): boolean {
    if (s.notActions !== undefined) return !s.notActions.some((p) => actionMatches(p, action));
    return (s.actions ?? []).some((p) => actionMatches(p, action));
}

/** Whether the statement can apply to some action of `service` (e.g. `iam`), given as a prefix. */
export function coversService(s: PolicyStatement, service: string): boolean {
    if (s.notActions !== undefined) return true;
    const prefix = `${service.toLowerCase()}:`;
    return (s.actions ?? []).some((p) => {
        const lower = p.toLowerCase();
        return lower === "*" || lower.startsWith(prefix) || (lower.includes("*") && wildcardMatch(lower.slice(0, lower.indexOf("*") + 1), prefix));
    });
}

/** Whether the statement can apply to resource `arn`. A statement without Resource (a trust policy) applies to its own resource. */
export function coversResource(s: PolicyStatement, arn: string): boolean {
    if (s.notResources !== undefined) return !s.notResources.some((p) => wildcardMatch(p, arn));
    if (s.resources === undefined) return true;
    return s.resources.some((p) => wildcardMatch(p, arn));
}

/** Every value of the statement's `Principal` of `kind` (`AWS`, `Service`, `Federated`, `CanonicalUser`). */
export function principalsOf(s: PolicyStatement, kind: string): string[] {
    return s.principals?.[kind] ?? [];
}

/**
 * Whether the statement can apply to some resource whose ARN starts with
 * `prefix` (every object of a bucket, every stream of a log group). A probe
 * of one made-up name would miss a grant on part of the space, such as one
 * tenant's prefix of the archive.
 */
export function reachesUnder(s: PolicyStatement, prefix: string): boolean {
    // A NotResource excludes at most some of the space: what it does not list is reached.
    if (s.notResources !== undefined) return true;
    if (s.resources === undefined) return true;
    return s.resources.some((pattern) => {
        const wild = firstWildcard(pattern);
        if (wild < 0) return pattern.startsWith(prefix);
        const literal = pattern.slice(0, wild);
        return literal.startsWith(prefix) || prefix.startsWith(literal);
    });
}

/** Where the pattern stops being literal: a `*`, a `?`, or a policy variable (`${...}`), which can stand for any text. */
function firstWildcard(pattern: string): number {
    const found = [pattern.indexOf("*"), pattern.indexOf("?"), pattern.indexOf("${")].filter((i) => i >= 0);
    return found.length === 0 ? -1 : Math.min(...found);
}
