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
 * Budgets actions). Whatever else runs code or a session as either role
 * holds its writes as surely as a grant would, so nothing but those may
 * (foreignRunners).
 */
import { BEDROCK_TENANT_ACCESS_TYPE, isRecord, namesOfEnforcer, QUOTA_ENFORCER_NAME, type QuotaEnforcerNames } from "../contract";
import { trustProblems } from "./acting-role";
import type { AccountIam, IamPrincipal } from "./iam-graph";
import { readEnforcerIntents, type EnforcerIntent } from "./intent";
import { ancestorWhere, jsonValue, prop, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";
import { sameRole } from "./runtime-roles";

const FUNCTION_TYPE = "aws:lambda/function:Function";
const BUDGET_ACTION_TYPE = "aws:budgets/budgetAction:BudgetAction";
const INSTANCE_PROFILE_TYPE = "aws:iam/instanceProfile:InstanceProfile";

/** Which of the two roles: what it writes, and what runs as it by plan. */
type Kind = "enforcer" | "costCap";

/**
 * How one QuotaEnforcer plans one of its roles, undefined when it plans
 * none: of a role, whether the component runs or hands on that one, and
 * which resources it plans to run as it.
 */
type Planned = (intent: EnforcerIntent, names: QuotaEnforcerNames, under: (r: StackResource) => boolean) =>
    { name: string; service: string; use: (role: IamPrincipal) => { used: boolean; runs: (r: StackResource) => boolean } } | undefined;

/** The roles of the stack that are a QuotaEnforcer's own, as it plans them. */
export function quotaEnforcerRoles(state: StackState, iam: AccountIam): Set<IamPrincipal> {
    return new Set(plannedRoles(state, iam, "enforcer").keys());
}

/** The roles of the stack that a QuotaEnforcer made for the tenants' cost caps, as it plans them. */
export function costCapExecutionRoles(state: StackState, iam: AccountIam): Set<IamPrincipal> {
    return new Set(plannedRoles(state, iam, "costCap").keys());
}

/** A resource that runs code or a session as one of the two roles, and is not what its QuotaEnforcer plans to. */
export interface ForeignRunner {
    resource: StackResource;
    /** Where it names the role. */
    property: string;
    role: IamPrincipal;
    kind: Kind;
}

/**
 * Every resource of the stack that names either role as the one it runs as
 * or hands to a service (a function's role, an event target's or a log
 * destination's roleArn, a Budgets action's execution role, an instance
 * profile's role, a provider's assumed role), but the component's own
 * function for the enforcer's and the tenants' Budgets actions for the cost
 * cap's. Whoever may invoke, trigger or configure such a resource acts with
 * the role's writes to tenant roles, which no grant of theirs would be
 * allowed (tenant-role-writes.ts).
 */
export function foreignRunners(state: StackState, iam: AccountIam): ForeignRunner[] {
    const planned = (["enforcer", "costCap"] as const).flatMap((kind) => [...plannedRoles(state, iam, kind)].map(([role, runs]) => ({ kind, role, runs })));
    if (planned.length === 0) return [];
    const roles = new Set(planned.map((p) => p.role.resource));
    const out: ForeignRunner[] = [];
    // One walk of each resource for every planned role: at scale the stack holds tens of thousands of resources.
    for (const r of state.resources) {
        if (!r.custom || roles.has(r)) continue;
        // IAM resources name a role to attach to or describe it, not to run as it; an instance profile hands it to EC2.
        if (r.type.startsWith("aws:iam/") && r.type !== INSTANCE_PROFILE_TYPE) continue;
        for (const p of planned) {
            if (p.runs(r)) continue;
            const property = namingRole(r, p.role);
            if (property !== undefined) out.push({ resource: r, property, role: p.role, kind: p.kind });
        }
    }
    return out;
}

/** The planned role of each kind, with what the component plans to run as it. */
function plannedRoles(state: StackState, iam: AccountIam, kind: Kind): Map<IamPrincipal, (r: StackResource) => boolean> {
    return findRoles(state, iam, kind === "enforcer" ? enforcerPlan(state) : costCapPlan(state));
}

function enforcerPlan(state: StackState): Planned {
    return (_intent, names, under) => ({
        name: names.enforcer,
        service: "lambda.amazonaws.com",
        use: (role) => {
            const functions = state.resources.filter((f) => f.type === FUNCTION_TYPE && under(f) && isRole(prop(f, "role"), role));
            // The component makes one function; should another be put under it as well, only the one of its name is its own.
            const own = new Set(functions.length === 1 ? functions : functions.filter((f) => prop(f, "name") === names.enforcer));
            return { used: functions.length > 0, runs: (r) => own.has(r) };
        },
    });
}

function costCapPlan(state: StackState): Planned {
    // Each tenant's cost cap is its own Budgets action, under its BedrockTenantAccess (cost-cap-wiring.ts checks which role each names).
    const actions = (r: StackResource) => r.type === BUDGET_ACTION_TYPE && ancestorWhere(state, r, (at) => at.type === BEDROCK_TENANT_ACCESS_TYPE) !== undefined;
    return (intent, names) => {
        // A component without cost caps records no such role, and makes none.
        const recorded = intent.costCapExecutionRoleArn;
        if (recorded === undefined) return undefined;
        return { name: names.costCapRole, service: "budgets.amazonaws.com", use: (role) => ({ used: isRole(recorded, role), runs: actions }) };
    };
}

function findRoles(state: StackState, iam: AccountIam, planned: Planned): Map<IamPrincipal, (r: StackResource) => boolean> {
    const under = (r: StackResource, urn: string) => ancestorWhere(state, r, (at) => at.urn === urn) !== undefined;
    const out = new Map<IamPrincipal, (r: StackResource) => boolean>();
    for (const intent of readEnforcerIntents(state)) {
        const names = namesOfEnforcer(intent.roleName ?? QUOTA_ENFORCER_NAME);
        const plan = names && planned(intent, names, (r) => under(r, intent.urn));
        if (!plan) continue;
        // One role of the name: a second is a duplicate the plan checks refuse, and neither is taken for the component's.
        const found = iam.byName.role.get(plan.name.toLowerCase()) ?? [];
        if (found.length !== 1) continue;
        const role = found[0];
        if (!under(role.resource, intent.urn) || trustProblems(role.trust, plan.name, plan.service).length > 0) continue;
        const { used, runs } = plan.use(role);
        if (used) out.set(role, runs);
    }
    return out;
}

/**
 * The property of `r` that names `role` as one to run as: any key ending in
 * `role` or `roleArn`, at any depth, JSON text opened (a provider records
 * its assumeRole so); undefined when none does.
 */
function namingRole(r: StackResource, role: IamPrincipal): string | undefined {
    // Returns the path below `value` ("" for the value itself), built only on a hit: most resources name no role.
    const walk = (value: unknown, roleKey: boolean, depth: number): string | undefined => {
        if (depth > 16) return undefined;
        if (typeof value === "string") {
            if (roleKey && namesThisRole(value, role)) return "";
            const opened = value.startsWith("{") || value.startsWith("[") ? jsonValue(value) : undefined;
            return opened !== undefined && typeof opened === "object" ? walk(opened, false, depth + 1) : undefined;
        }
        if (Array.isArray(value)) {
            for (let i = 0; i < value.length; i++) {
                const hit = walk(value[i], roleKey, depth + 1);
                if (hit !== undefined) return `[${i}]${hit}`;
            }
            return undefined;
        }
        if (!isRecord(value)) return undefined;
        for (const k of Object.keys(value)) {
            const hit = walk(value[k], isRoleKey(k), depth + 1);
            if (hit !== undefined) return `.${k}${hit}`;
        }
        return undefined;
    };
    const hit = walk(r.inputs, false, 0) ?? walk(r.outputs, false, 0);
    return hit?.startsWith(".") ? hit.slice(1) : hit;
}

/** A key that names a role to run as: ending in `role`, `roleArn`, `roles` or `roleArns`, in any case. */
function isRoleKey(key: string): boolean {
    // Most keys end otherwise: the last letter decides before any lower-casing.
    const last = key.charCodeAt(key.length - 1) | 0x20;
    if (last !== 0x65 && last !== 0x6e && last !== 0x73) return false;
    const lower = key.toLowerCase();
    return lower.endsWith("role") || lower.endsWith("rolearn") || lower.endsWith("roles") || lower.endsWith("rolearns");
}

/** Whether a value names the role: by an ARN of it, or by its name where a resource takes one (an instance profile's role). */
function namesThisRole(value: string, role: IamPrincipal): boolean {
    if (value.startsWith("arn:")) return role.arn !== UNKNOWN_VALUE && sameRole(value, role.arn);
    return value.toLowerCase() === role.name.toLowerCase();
}

/** Whether an ARN names the role: its own, or, for a role the update creates, one not known yet. */
function isRole(arn: unknown, role: IamPrincipal): boolean {
    if (arn === UNKNOWN_VALUE) return role.resource.id === undefined;
    return typeof arn === "string" && sameRole(arn, role.arn);
}
