/**
 * Who in a customer account can take back what its audit trail holds. The
 * runtime role sees every prompt and writes the records: if it could also
 * delete or shorten the log, disable or delete its key, or delete, overwrite
 * or unlock the archive, the trail would say only what the runtime chose to
 * keep. No principal the stack creates needs any of that at run time (an
 * auditor reads, the deployer is not in the files), so every principal of
 * the account is held to it, the runtime role first among them. A grant in
 * the key's or the archive bucket's own policy to a principal of the account
 * works without any identity policy, so those policies are held to it too.
 */
import { AUDIT_TRAIL_REMOVERS, PREVIEW_UNKNOWN, coversAction, parsePolicy, wildcardMatch, type ControlActions, type PolicyStatement } from "../contract";
import { BUCKET_TYPES, ownBuckets } from "./account-egress";
import { KEY_POLICY_TYPES, KMS_KEY_TYPE } from "./account-checks";
import { prop, textProp, type StackResource } from "./pulumi-formats";
import { grantees } from "./resource-grantees";
import type { CustomerContext } from "./customer-account";
import { listSome, violation, type Violation } from "./findings";
import type { IamPrincipal } from "./iam-graph";
import { runtimeRoleArns, sameRole } from "./runtime-roles";

/** The ARNs a request on each part of the trail is authorized against: the resource itself and what lies inside it. */
function trailResources(ctx: CustomerContext, buckets: ReadonlySet<string>): Map<ControlActions, string[]> {
    const { customer } = ctx;
    const logGroup = customer.logGroupArn.endsWith(":*") ? customer.logGroupArn.slice(0, -2) : customer.logGroupArn;
    const [logs, key, archive] = AUDIT_TRAIL_REMOVERS;
    return new Map([
        [logs, [logGroup, `${logGroup}:*`, `${logGroup}:log-stream:x`]],
        [key, customer.kmsKeyArn ? [customer.kmsKeyArn] : []],
        [archive, [...buckets].flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/x`])],
    ]);
}

/**
 * Whether the statement can apply to one of `arns`. A policy variable can
 * stand for any text: it is read as `*` in Resource, and as excluding
 * nothing for certain in NotResource.
 */
function reachesAny(s: PolicyStatement, arns: readonly string[]): boolean {
    if (s.notResources !== undefined) return arns.some((a) => !s.notResources!.some((p) => !p.includes("${") && wildcardMatch(p, a)));
    if (s.resources === undefined) return arns.length > 0;
    const patterns = s.resources.map(variablesAsWildcards);
    return arns.some((a) => patterns.some((p) => wildcardMatch(p, a)));
}

function variablesAsWildcards(pattern: string): string {
    let out = "";
    let at = 0;
    for (let open = pattern.indexOf("${", at); open >= 0; open = pattern.indexOf("${", at)) {
        const close = pattern.indexOf("}", open);
        out += `${pattern.slice(at, open)}*`;
        at = close < 0 ? pattern.length : close + 1;
    }
    return out + pattern.slice(at);
}


/**
 * Every Allow of a principal of the account that lets it remove, shorten,
 * hide or make unreadable the audit trail's records; but those `skip` leaves
 * out, when the account's principals are gathered once for all its stacks.
 */
export function auditTrailRemovalViolations(ctx: CustomerContext, skip?: (p: IamPrincipal) => boolean): Violation[] {
    const out: Violation[] = [];
    const buckets = ownBuckets(ctx.state);
    const parts = trailResources(ctx, buckets);
    const runtimeRoles = runtimeRoleArns(ctx);
    for (const p of ctx.iam.principals) {
        if (skip?.(p)) continue;
        for (const source of p.policies) {
            // A policy not in the files, or one the proof cannot read, is the egress check's finding already.
            if (source.document === undefined) continue;
            const parsed = parsePolicy(source.document);
            if ("problem" in parsed) continue;
            for (const s of parsed.statements) {
                if (s.effect !== "Allow") continue;
                const reached = [...parts].filter(([, arns]) => reachesAny(s, arns))
                    .map(([c, ]) => [c.actions.filter((a) => coversAction(s, a)), c.what] as const).filter(([actions]) => actions.length > 0);
                if (reached.length === 0) continue;
                const who = runtimeRoles.some((r) => sameRole(r, p.arn)) ? `the runtime role ${p.name}, which sees every prompt and writes the records,` : `${p.kind} ${p.name}`;
                out.push(violation("BT-CUSTOMER-AUDIT-REMOVAL", { tenant: ctx.customer.tenantId, stack: ctx.state.stack, resource: source.resource.name, urn: source.resource.urn }, s.label,
                    `lets ${who} ${listSome(reached.flatMap(([actions]) => actions))}: it could remove, shorten or hide what the audit trail holds (${reached.map(([, what]) => what).join("; ")}); principals of the account may write records and read them, never take them back`));
            }
        }
    }
    for (const found of resourcePolicyRemovals(ctx, parts, buckets)) out.push(found);
    return out;
}

const BUCKET_POLICY_TYPE = "aws:s3/bucketPolicy:BucketPolicy";

/**
 * The part of the trail a resource's own policy governs: the audit key's
 * policy (unless it is known to be another key's), the policy of a bucket
 * of the stack's (the archive), or none.
 */
function governedPart(r: StackResource, ctx: CustomerContext, buckets: ReadonlySet<string>): { part: ControlActions; what: string } | undefined {
    const [, key, archive] = AUDIT_TRAIL_REMOVERS;
    if (KEY_POLICY_TYPES.includes(r.type)) {
        const named = prop(r, r.type === KMS_KEY_TYPE ? "arn" : "keyId");
        const trailKey = ctx.customer.kmsKeyArn;
        const known = typeof named === "string" && named !== "" && named !== PREVIEW_UNKNOWN;
        const isTrailKey = known && (named === trailKey || trailKey.endsWith(`:key/${named}`));
        // In the component's own stack, a key whose ARN is not known yet may be the audit key; elsewhere only the audit key itself counts.
        return isTrailKey || (!known && ctx.customer.stack === ctx.state.stack) ? { part: key, what: "key" } : undefined;
    }
    // The archive is a bucket of the component's own stack.
    if ((r.type !== BUCKET_POLICY_TYPE && !BUCKET_TYPES.includes(r.type)) || ctx.customer.stack !== ctx.state.stack) return undefined;
    const bucket = textProp(r, "bucket") ?? (r.type === BUCKET_POLICY_TYPE ? undefined : r.id);
    return bucket === undefined || buckets.has(bucket) ? { part: archive, what: "bucket" } : undefined;
}

/** Every Allow of the audit key's policy or the archive bucket's that lets a principal of the account take back what the trail holds. */
function resourcePolicyRemovals(ctx: CustomerContext, parts: Map<ControlActions, string[]>, buckets: ReadonlySet<string>): Violation[] {
    const out: Violation[] = [];
    for (const r of ctx.state.resources) {
        const governed = governedPart(r, ctx, buckets);
        if (governed === undefined) continue;
        const parsed = parsePolicy(prop(r, "policy"));
        // A policy the proof cannot read is the key and archive checks' finding already.
        if ("problem" in parsed) continue;
        const arns = parts.get(governed.part) ?? [];
        for (const s of parsed.statements) {
            if (s.effect !== "Allow" || !reachesAny(s, arns)) continue;
            const actions = governed.part.actions.filter((a) => coversAction(s, a));
            const who = grantees(s, ctx.account);
            if (actions.length === 0 || who.length === 0) continue;
            out.push(violation("BT-CUSTOMER-AUDIT-REMOVAL", { tenant: ctx.customer.tenantId, stack: ctx.state.stack, resource: r.name, urn: r.urn }, s.label,
                `lets ${listSome(who)} ${listSome(actions)} by the ${governed.what}'s own policy, which needs no identity policy beside it: it could remove, shorten or hide what the audit trail holds (${governed.part.what}); principals of the account may write records and read them, never take them back`));
        }
    }
    return out;
}
