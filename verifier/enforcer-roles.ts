/**
 * The two identities of an ops stack that may write to tenant roles at run
 * time, each as its QuotaEnforcer plans it. The quota enforcer's role puts
 * and deletes the inline Deny that blocks a tenant; the cost cap's Budgets
 * execution role attaches and detaches the cost-cap Deny. Whoever else held
 * either shape could delete or detach that Deny and lift a tenant's quota
 * block or cost cap, and the permission's shape alone cannot tell the
 * planned holder from any other, so each role is found by what the
 * component does with it: the one role of the name the component gives it,
 * created under that component, assumable by its AWS service alone, and
 * the one the component runs (its function) or hands on (to the tenants'
 * Budgets actions).
 */
import { namesOfEnforcer, QUOTA_ENFORCER_NAME, type QuotaEnforcerNames } from "../contract";
import { trustProblems } from "./acting-role";
import type { AccountIam, IamPrincipal } from "./iam-graph";
import { readEnforcerIntents, type EnforcerIntent } from "./intent";
import { prop, resourcesByUrn, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";
import { sameRole } from "./runtime-roles";

const FUNCTION_TYPE = "aws:lambda/function:Function";

/** How one QuotaEnforcer plans one of its roles; undefined when it plans none. */
type Planned = (intent: EnforcerIntent, names: QuotaEnforcerNames, under: (r: StackResource) => boolean) =>
    { name: string; service: string; usedAs: (role: IamPrincipal) => boolean } | undefined;

/** The roles of the stack that are a QuotaEnforcer's own, as it plans them. */
export function quotaEnforcerRoles(state: StackState, iam: AccountIam): Set<IamPrincipal> {
    return plannedRoles(state, iam, (_intent, names, under) => ({
        name: names.enforcer,
        service: "lambda.amazonaws.com",
        usedAs: (role) => state.resources.some((f) => f.type === FUNCTION_TYPE && under(f) && isRole(prop(f, "role"), role)),
    }));
}

/** The roles of the stack that a QuotaEnforcer made for the tenants' cost caps, as it plans them. */
export function costCapExecutionRoles(state: StackState, iam: AccountIam): Set<IamPrincipal> {
    return plannedRoles(state, iam, (intent, names) => {
        // A component without cost caps records no such role, and makes none.
        const recorded = intent.costCapExecutionRoleArn;
        if (recorded === undefined) return undefined;
        return { name: names.costCapRole, service: "budgets.amazonaws.com", usedAs: (role) => isRole(recorded, role) };
    });
}

function plannedRoles(state: StackState, iam: AccountIam, planned: Planned): Set<IamPrincipal> {
    const byUrn = resourcesByUrn(state);
    const under = (r: StackResource, urn: string) => {
        for (let at = r.parent, hops = 0; at !== undefined && hops < 64; at = byUrn.get(at)?.parent, hops++) if (at === urn) return true;
        return false;
    };
    const out = new Set<IamPrincipal>();
    for (const intent of readEnforcerIntents(state)) {
        const names = namesOfEnforcer(intent.roleName ?? QUOTA_ENFORCER_NAME);
        const plan = names && planned(intent, names, (r) => under(r, intent.urn));
        if (!plan) continue;
        // One role of the name: a second is a duplicate the plan checks refuse, and neither is taken for the component's.
        const found = iam.byName.role.get(plan.name.toLowerCase()) ?? [];
        if (found.length !== 1) continue;
        const role = found[0];
        if (under(role.resource, intent.urn) && trustProblems(role.trust, plan.name, plan.service).length === 0 && plan.usedAs(role)) out.add(role);
    }
    return out;
}

/** Whether an ARN names the role: its own, or, for a role the update creates, one not known yet. */
function isRole(arn: unknown, role: IamPrincipal): boolean {
    if (arn === UNKNOWN_VALUE) return role.resource.id === undefined;
    return typeof arn === "string" && sameRole(arn, role.arn);
}
