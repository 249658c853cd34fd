/**
 * The resources of its own account a stack holds, and which resource
 * patterns of that account can name something else. A resource of the
 * account that the stack does not hold is as far out as one of another
 * account: whoever holds it decides where it forwards, and its policies are
 * not in the files.
 */
import { arnPatternFields, hasWildcard, wildcardMatch } from "../contract";
import { managed } from "./account-egress";
import { knownText, type StackState } from "./pulumi-formats";

/** Types whose `arn` names the resource they attach to or send to, not themselves. */
const ARN_NAMES_ANOTHER = new Set(["aws:cloudwatch/eventTarget:EventTarget", "aws:sns/topicPolicy:TopicPolicy"]);

/**
 * Services whose ARNs nest a resource's parts under it with `/` (a table's
 * indexes and streams, a stream's consumers). Elsewhere a `/` after a name
 * is another name (log groups and parameters are paths), and only `:` adds
 * a part of the same resource (a function's version or alias, a log
 * group's streams, a topic's subscriptions).
 */
const NESTED_WITH_SLASH = new Set(["dynamodb", "kinesis"]);

/** The ARNs (`arn` outputs) of the resources the stack manages in `account`. */
export function stackArns(state: StackState, account: string): Set<string> {
    const out = new Set<string>();
    for (const r of managed(state)) {
        if (ARN_NAMES_ANOTHER.has(r.type)) continue;
        const arn = knownText(r.outputs.arn);
        const fields = arn === undefined || hasWildcard(arn) ? undefined : arnPatternFields(arn);
        // A log group's ARN may be recorded with the `:*` that covers its streams.
        if (fields?.account === account) out.add(arn!.endsWith(":*") ? arn!.slice(0, -2) : arn!);
    }
    return out;
}

/**
 * Whether a resource pattern can name a resource of `account` that is not
 * one of `held` nor a part of one: its text up to the first wildcard must be
 * a held ARN followed by the separator that adds a part, or, with no
 * wildcard, the ARN itself. A pattern that differs from a held ARN only in
 * case is reported, never passed.
 */
export function unheldOwnResource(pattern: string, account: string, held: ReadonlySet<string>): boolean {
    const fields = arnPatternFields(pattern);
    if (fields === undefined || fields.account !== account) return false;
    const stops = [pattern.indexOf("*"), pattern.indexOf("?"), pattern.indexOf("${")].filter((i) => i >= 0);
    if (stops.length === 0 && held.has(pattern)) return false;
    const fixed = stops.length === 0 ? pattern : pattern.slice(0, Math.min(...stops));
    for (const arn of held) {
        if (fixed.startsWith(`${arn}:`)) return false;
        const service = arnPatternFields(arn)?.service ?? "";
        if (NESTED_WITH_SLASH.has(service) && fixed.startsWith(`${arn}/`)) return false;
    }
    return true;
}

/**
 * Whether a write granted as `action` (an action pattern) can apply to a
 * resource of `service` (a service field, maybe a pattern): the same
 * service, or `sts` on a role of `iam`.
 */
export function writesTo(action: string, service: string): boolean {
    const colon = action.indexOf(":");
    if (colon < 0) return true;
    const of = action.slice(0, colon).toLowerCase();
    const to = service.toLowerCase();
    if (hasWildcard(to)) return true;
    return wildcardMatch(of, to, true) || (of === "sts" && to === "iam");
}
