/**
 * The cost-cap path: each tenant's budgets filter on its own cost tag only,
 * and its one Budgets action applies the shared deny, once its cap budget
 * passes 100% of actual cost, to its own role and no other.
 */
import { parseArn } from "../contract";
import { actingRoleProblems } from "./acting-role";
import type { TenantIntent } from "./intent";
import { isUnknown, isUnset, listUnder, objectProp, sameJson, show, textOf, type MeteringContext } from "./metering-values";
import { accountIam, profileOwners } from "./quota-wiring";
import { jsonValue, prop, type StackResource } from "./pulumi-formats";
import { budgetFilterTerms, ownerByIdOrArn, termCountsTag } from "./usage-outside-tenants";

const CODE = "BT-OPS-QUOTA-WIRING";
const BUDGET = "aws:budgets/budget:Budget";
const BUDGET_ACTION = "aws:budgets/budgetAction:BudgetAction";

const budgetName = (t: TenantIntent) => `bedrock-tenant-${t.tenantId}`;
const capBudgetName = (t: TenantIntent) => `${budgetName(t)}-cap`;
/** Budgets name a cost-allocation tag filter `user:<key>$<value>`. */
const tagFilter = (t: TenantIntent) => [{ name: "TagKeyValue", values: [`user:${t.costTagKey}$${t.tenantId}`] }];
/** Where a budget says whose spend it counts. */
const FILTER_KEYS = ["costFilters", "filterExpression", "costFilter"];
const hasCostCap = (t: TenantIntent) => t.costCapPolicyArn !== undefined;
/** What AWS reports as the end of a budget given none: it never ends. */
const OPEN_END = "2087-06-15_00:00";
/** A start as Budgets records it for a month's first day at midnight. */
const MONTH_START = /^(\d{4})-(\d{2})-01_00:00$/;
/**
 * Settings that move a budget's limit away from the cap or stop it being
 * evaluated; the component sets none of them.
 */
const LIMIT_OVERRIDES: [string, string][] = [
    ["plannedLimits", "replaces the cap, month by month, with limits of its own"],
    ["autoAdjustData", "moves the cap with the tenant's past spend"],
];

export function costCapWiring(ctx: MeteringContext): void {
    const capBudgets = new Map<TenantIntent, StackResource[]>();
    for (const r of ctx.ofType(BUDGET)) {
        const t = ctx.tenantOf(r);
        if (!t) {
            unownedBudget(ctx, r);
            continue;
        }
        const name = textOf(prop(r, "name"));
        const flag = (statement: string, why: string) => ctx.flag(CODE, r, t.tenantId, statement, why);
        if (!isUnknown(name) && name !== budgetName(t) && name !== capBudgetName(t)) flag("name", `is a budget of tenant ${t.tenantId} named ${show(name)}; the component names its budgets ${budgetName(t)} and ${capBudgetName(t)}`);
        const filters = prop(r, "costFilters");
        if (!isUnknown(filters) && !sameJson(filters, tagFilter(t))) {
            flag("costFilters", `filters on ${show(filters)}; tenant ${t.tenantId}'s budgets filter only on its own cost tag, ${show(tagFilter(t))}: another filter counts another tenant's spend, or none, against ${t.tenantId}'s budget and cost cap`);
        }
        for (const key of ["filterExpression", "costFilter"]) if (!isUnset(prop(r, key))) flag(key, `sets ${key}; the component's budgets filter only by costFilters on the tenant's cost tag`);
        if (name === capBudgetName(t)) {
            listUnder(capBudgets, t, r);
            capBudget(r, t, flag);
        }
    }
    const actions = new Map<TenantIntent, StackResource[]>();
    for (const r of ctx.ofType(BUDGET_ACTION)) {
        const t = ctx.tenantOf(r);
        const roles = definition(r).roles;
        if (!t) {
            ctx.flag(CODE, r, "(ops account)", "definition", `is a Budgets action no tenant's component owns (applying to ${show(roles)}): the proof cannot tie it to one tenant's cost cap`);
            continue;
        }
        if (!hasCostCap(t)) {
            ctx.flag(CODE, r, t.tenantId, "definition", `is a Budgets action of tenant ${t.tenantId}, which has no cost cap`);
            continue;
        }
        listUnder(actions, t, r);
        budgetAction(ctx, r, t, capBudgets.get(t) ?? []);
    }
    for (const t of ctx.tenants.filter(hasCostCap)) {
        const found = actions.get(t) ?? [];
        if (found.length !== 1) ctx.flag(CODE, t, t.tenantId, "costCap", `tenant ${t.tenantId} has a cost cap and ${found.length} Budgets actions in the files (${found.map((r) => r.name).join(", ") || "none"}); the component builds exactly one`);
        if ((capBudgets.get(t) ?? []).length !== 1) ctx.flag(CODE, t, t.tenantId, "costCap", `tenant ${t.tenantId} has a cost cap and ${(capBudgets.get(t) ?? []).length} budgets named ${capBudgetName(t)} in the files; the component builds exactly one`);
    }
    executionRoles(ctx, actions);
}

/**
 * A budget no tenant's component owns that filters on a tenant's cost tag
 * or profile: tied to no tenant's cost cap, its notifications tell anyone
 * that tenant's spend.
 */
function unownedBudget(ctx: MeteringContext, r: StackResource): void {
    const filters = FILTER_KEYS.map((key) => {
        const v = prop(r, key);
        return typeof v === "string" ? (jsonValue(v) ?? v) : v;
    });
    const profiles = profileOwners(ctx);
    const terms = budgetFilterTerms(filters);
    const counted = new Set(terms.map((f) => ownerByIdOrArn(profiles, f.text)).filter((t) => t !== undefined));
    // Each tenant's tag against every term: a term may match more than its exact text (a prefix, any case).
    if (terms.length > 0) for (const t of ctx.tenants) if (terms.some((f) => termCountsTag(f, `user:${t.costTagKey}`, t.tenantId))) counted.add(t);
    for (const t of counted) {
        ctx.flag(CODE, r, t.tenantId, "costFilters", `is a budget no tenant's component owns (${show(prop(r, "name"))}) that filters on tenant ${t.tenantId}'s cost tag or profile: the proof cannot tie it to ${t.tenantId}'s budgets, and its notifications tell whoever they reach ${t.tenantId}'s spend`);
    }
}

/** Each execution role the tenants' actions name may still attach and detach the deny on every tenant role it serves. */
function executionRoles(ctx: MeteringContext, actions: Map<TenantIntent, StackResource[]>): void {
    const served = new Map<string, TenantIntent[]>();
    for (const t of actions.keys()) {
        const arn = t.costCapExecutionRoleArn;
        if (arn === undefined || isUnknown(arn)) continue;
        const parsed = parseArn(arn);
        if (parsed?.service !== "iam" || !parsed.resource.startsWith("role/") || parsed.account !== ctx.account) continue;
        listUnder(served, parsed.resource.slice(parsed.resource.lastIndexOf("/") + 1), t);
    }
    for (const [name, tenants] of served) {
        const needs = tenants.flatMap((t) => ["iam:AttachRolePolicy", "iam:DetachRolePolicy"].map((action) => ({ action, resource: t.roleArn })));
        for (const why of actingRoleProblems(accountIam(ctx), name, "budgets.amazonaws.com", needs)) {
            for (const t of tenants) {
                for (const r of actions.get(t) ?? []) ctx.flag(CODE, r, t.tenantId, "executionRoleArn", `tenant ${t.tenantId}'s cost cap cannot be applied: ${why}; the Budgets action fails and the tenant keeps spending past its cap`);
            }
        }
    }
}

function capBudget(r: StackResource, t: TenantIntent, flag: (statement: string, why: string) => void): void {
    const expect: [string, unknown][] = [["budgetType", "COST"], ["timeUnit", "MONTHLY"], ["limitUnit", "USD"]];
    for (const [key, value] of expect) {
        const v = prop(r, key);
        if (v !== value && !isUnknown(v)) flag(key, `the cost-cap budget of tenant ${t.tenantId} has ${key} ${show(v)}; the component's is ${show(value)}`);
    }
    const limit = prop(r, "limitAmount");
    const amount = typeof limit === "string" && limit.trim() !== "" ? Number(limit) : NaN;
    if (t.costCapLimitAmount !== undefined && !isUnknown(limit) && amount !== Number(t.costCapLimitAmount)) {
        flag("limitAmount", `the cost-cap budget of tenant ${t.tenantId} has limitAmount ${show(limit)}; the tenant's cost cap is ${t.costCapLimitAmount} USD, and the Budgets action applies the deny only at 100% of the budget's limit`);
    }
    for (const [key, why] of LIMIT_OVERRIDES) {
        const v = prop(r, key);
        if (!isUnset(v) && !isUnknown(v)) flag(key, `the cost-cap budget of tenant ${t.tenantId} sets ${key} (${show(v).slice(0, 200)}), which ${why}: the deny is no longer applied at the tenant's cap`);
    }
    const start = startProblem(r);
    if (start !== undefined) flag("timePeriodStart", `the cost-cap budget of tenant ${t.tenantId} ${start}; Budgets counts no spend before a budget's start, so until then the cap never applies`);
    const view = prop(r, "billingViewArn");
    if (!isUnset(view) && !isUnknown(view)) flag("billingViewArn", `the cost-cap budget of tenant ${t.tenantId} is computed over the billing view ${show(view)}; the component's counts the account's own billing data: a custom view can leave Bedrock out, and the cap never applies`);
    const end = prop(r, "timePeriodEnd");
    if (!isUnset(end) && !isUnknown(end) && end !== OPEN_END) flag("timePeriodEnd", `the cost-cap budget of tenant ${t.tenantId} ends at ${show(end)}; the component's never ends (AWS reports ${OPEN_END}), and after its end Budgets no longer evaluates it, so the cap never applies`);
}

/**
 * The component sets no start: AWS starts a monthly budget at the first day
 * of the month it is created in and records that. So a start the program
 * asks for is never the component's, and one AWS holds is only the first
 * of a month, at midnight, already begun when the proof runs.
 */
function startProblem(r: StackResource): string | undefined {
    const asked = (r.asked ?? r.inputs).timePeriodStart;
    if (!isUnset(asked)) return isUnknown(asked) ? undefined : `starts at ${show(asked)}, which the component never sets`;
    const held = prop(r, "timePeriodStart");
    if (isUnset(held) || isUnknown(held)) return undefined;
    const month = typeof held === "string" ? MONTH_START.exec(held) : null;
    if (!month) return `starts at ${show(held)}, not the first day of a month at midnight, where AWS starts a monthly budget`;
    const now = new Date();
    const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
    if (Number(month[1]) * 12 + Number(month[2]) - 1 > current) return `starts at ${show(held)}, a month not yet begun`;
    return undefined;
}

function definition(r: StackResource): { policyArn?: unknown; roles?: unknown; groups?: unknown; users?: unknown; other: boolean } {
    const d = objectProp(r, "definition") ?? {};
    const iam = d.iamActionDefinition;
    const i = typeof iam === "object" && iam !== null && !Array.isArray(iam) ? (iam as Record<string, unknown>) : {};
    return { policyArn: i.policyArn, roles: i.roles, groups: i.groups, users: i.users, other: !isUnset(d.scpActionDefinition) || !isUnset(d.ssmActionDefinition) };
}

/** The tenant's one action: its own cap budget, its own role, the shared deny and execution role, at 100% of actual cost, without approval. */
function budgetAction(ctx: MeteringContext, r: StackResource, t: TenantIntent, capBudgets: StackResource[]): void {
    const flag = (statement: string, why: string, tenant = t.tenantId) => ctx.flag(CODE, r, tenant, statement, why);
    const name = prop(r, "budgetName");
    if (!isUnknown(name) && (name !== capBudgetName(t) || capBudgets.length === 0)) flag("budgetName", `tenant ${t.tenantId}'s cost-cap action runs on the budget ${show(name)}; the component's runs on ${capBudgetName(t)}, the tenant's own cap budget${capBudgets.length === 0 ? ", which is not in the files" : ""}`);
    const d = definition(r);
    if (!isUnknown(d.roles) && !sameJson(d.roles, [t.roleName])) {
        const others = Array.isArray(d.roles) ? d.roles.filter((x) => x !== t.roleName) : [];
        const owners = ctx.tenants.filter((o) => o !== t && others.some((x) => typeof x === "string" && x.toLowerCase() === o.roleName.toLowerCase()));
        flag("definition", `tenant ${t.tenantId}'s cost-cap action applies its deny to ${show(d.roles)}; the component's applies it to ${t.roleName} only${owners.length > 0 ? `: ${t.tenantId}'s spend would cut off ${owners.map((o) => o.tenantId).join(", ")}` : ""}`);
        for (const o of owners) flag("definition", `tenant ${t.tenantId}'s cost-cap action applies its deny to ${o.roleName}, the role of ${o.tenantId}`, o.tenantId);
    }
    for (const [key, value] of [["groups", d.groups], ["users", d.users]] as const) {
        if (!isUnset(value)) flag("definition", `tenant ${t.tenantId}'s cost-cap action also applies its deny to ${key} ${show(value)}; the component's applies it to the tenant's role only`);
    }
    if (d.other) flag("definition", "sets an SCP or SSM action definition; the component's cost cap only applies an IAM policy");
    if (t.costCapPolicyArn !== undefined && !isUnknown(t.costCapPolicyArn) && !isUnknown(d.policyArn) && d.policyArn !== t.costCapPolicyArn) {
        flag("definition", `tenant ${t.tenantId}'s cost-cap action applies ${show(d.policyArn)}; its cost cap names ${t.costCapPolicyArn}`);
    }
    const execution = prop(r, "executionRoleArn");
    if (t.costCapExecutionRoleArn !== undefined && !isUnknown(t.costCapExecutionRoleArn) && !isUnknown(execution) && execution !== t.costCapExecutionRoleArn) {
        flag("executionRoleArn", `tenant ${t.tenantId}'s cost-cap action runs as ${show(execution)}; its cost cap names ${t.costCapExecutionRoleArn}`);
    }
    const expect: [string, unknown][] = [["actionType", "APPLY_IAM_POLICY"], ["approvalModel", "AUTOMATIC"], ["notificationType", "ACTUAL"], ["actionThreshold", { actionThresholdType: "PERCENTAGE", actionThresholdValue: 100 }]];
    for (const [key, value] of expect) {
        const v = prop(r, key);
        if (!isUnknown(v) && !sameJson(v, value)) flag(key, `tenant ${t.tenantId}'s cost-cap action has ${key} ${show(v)}; the component's is ${show(value)}, so that the cap applies by itself once actual cost passes it`);
    }
}
