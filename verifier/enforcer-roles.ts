/**
 * The quota enforcer's own role: the one identity of an ops stack that may
 * put and delete inline policies on tenant roles. Its block is an inline
 * Deny, so whoever may delete inline policies lifts it (and may delete the
 * tenant's invoke policy too); the permission's shape alone cannot tell the
 * enforcer from any other holder, so the role is found as its QuotaEnforcer
 * plans it: the role of the name the component records, created under that
 * component, assumable by Lambda alone, and run by the component's function.
 */
import { isQuotaEnforcerName, QUOTA_ENFORCER_NAME } from "../contract";
import { trustProblems } from "./acting-role";
import type { AccountIam, IamPrincipal } from "./iam-graph";
import { readEnforcerIntents } from "./intent";
import { prop, resourcesByUrn, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";
import { sameRole } from "./runtime-roles";

const FUNCTION_TYPE = "aws:lambda/function:Function";
const LAMBDA = "lambda.amazonaws.com";

/** The roles of the stack that are a QuotaEnforcer's own, as it plans them. */
export function quotaEnforcerRoles(state: StackState, iam: AccountIam): Set<IamPrincipal> {
    const byUrn = resourcesByUrn(state);
    const under = (r: StackResource, urn: string) => {
        for (let at = r.parent, hops = 0; at !== undefined && hops < 64; at = byUrn.get(at)?.parent, hops++) if (at === urn) return true;
        return false;
    };
    const out = new Set<IamPrincipal>();
    for (const intent of readEnforcerIntents(state)) {
        const name = intent.roleName ?? QUOTA_ENFORCER_NAME;
        if (!isQuotaEnforcerName(name)) continue;
        // One role of the name: a second is a duplicate the plan checks refuse, and neither is taken for the enforcer's.
        const found = iam.byName.role.get(name.toLowerCase()) ?? [];
        if (found.length !== 1) continue;
        const role = found[0];
        if (!under(role.resource, intent.urn) || trustProblems(role.trust, name, LAMBDA).length > 0) continue;
        const runs = state.resources.some((f) => f.type === FUNCTION_TYPE && under(f, intent.urn) && runsAs(f, role));
        if (runs) out.add(role);
    }
    return out;
}

/** Whether the function runs as the role: its ARN, or, for a role the update creates, an ARN not known yet. */
function runsAs(f: StackResource, role: IamPrincipal): boolean {
    const arn = prop(f, "role");
    if (arn === UNKNOWN_VALUE) return role.resource.id === undefined;
    return typeof arn === "string" && sameRole(arn, role.arn);
}
