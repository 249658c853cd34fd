/**
 * Who in a customer account can take back what its audit trail holds. The
 * runtime role sees every prompt and writes the records: if it could also
 * delete or shorten the log, disable or delete its key, or delete, overwrite
 * or unlock the archive, the trail would say only what the runtime chose to
 * keep. No principal the stack creates needs any of that at run time (an
 * auditor reads, the deployer is not in the files), so every principal of
 * the account is held to it, the runtime role first among them.
 */
import { AUDIT_TRAIL_REMOVERS, coversAction, parsePolicy, wildcardMatch, type ControlActions, type PolicyStatement } from "../contract";
import { ownBuckets } from "./account-egress";
import type { CustomerContext } from "./customer-account";
import { violation, type Violation } from "./findings";
import type { IamPrincipal } from "./iam-graph";
import { runtimeRoleArns, sameRole } from "./runtime-roles";

/** The ARNs a request on each part of the trail is authorized against: the resource itself and what lies inside it. */
function trailResources(ctx: CustomerContext): Map<ControlActions, string[]> {
    const { customer } = ctx;
    const logGroup = customer.logGroupArn.endsWith(":*") ? customer.logGroupArn.slice(0, -2) : customer.logGroupArn;
    const buckets = [...ownBuckets(ctx.state)];
    const [logs, key, archive] = AUDIT_TRAIL_REMOVERS;
    return new Map([
        [logs, [logGroup, `${logGroup}:*`, `${logGroup}:log-stream:x`]],
        [key, customer.kmsKeyArn ? [customer.kmsKeyArn] : []],
        [archive, buckets.flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/x`])],
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

const list = (items: string[]) => `${items.slice(0, 3).join(", ")}${items.length > 3 ? ` and ${items.length - 3} more` : ""}`;

/**
 * Every Allow of a principal of the account that lets it remove, shorten,
 * hide or make unreadable the audit trail's records; but those `skip` leaves
 * out, when the account's principals are gathered once for all its stacks.
 */
export function auditTrailRemovalViolations(ctx: CustomerContext, skip?: (p: IamPrincipal) => boolean): Violation[] {
    const out: Violation[] = [];
    const parts = trailResources(ctx);
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
                    `lets ${who} ${list(reached.flatMap(([actions]) => actions))}: it could remove, shorten or hide what the audit trail holds (${reached.map(([, what]) => what).join("; ")}); principals of the account may write records and read them, never take them back`));
            }
        }
    }
    return out;
}
