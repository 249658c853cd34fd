/**
 * The ops account as a whole. Only tenant roles may be assumed from outside
 * the account, each by its own tenant (the tenant proof); every other
 * principal is held to: no trust of a principal outside the account, no
 * trust of a tenant role (no onward path from a tenant session), no way to
 * widen or re-point a tenant role (tenant-role-writes.ts), no IAM write
 * beyond the enforcer's and the cost cap's (ops-escalation.ts), and
 * policies applied to tenant roles at run time (the cost cap, the
 * enforcer's deny) may only deny. No resource policy, Lambda permission or
 * grant of the stack lets a tenant session in either: tenant sessions end
 * at Bedrock.
 */
import { accountOfPrincipal, QUOTA_ENFORCER_TYPE, coversResource, coversService, hasWildcard, isAccountId, isRecord, parseArn, parsePolicy, reachesUnder, wildcardMatch, type PolicyStatement } from "../contract";
import { violation, type Code, type Violation } from "./findings";
import type { AccountIam, IamPrincipal } from "./iam-graph";
import { tiedToAccount } from "./account-egress";
import { untiedServices } from "./identity-reach";
import type { TenantIntent } from "./intent";
import { costCapExecutionRoles, foreignRunners, quotaEnforcerRoles } from "./enforcer-roles";
import { escalations, type EscalationScope } from "./ops-escalation";
import { tenantRoleWrite, type Guarded } from "./tenant-role-writes";
import { listUnder } from "./metering-values";
import { meteringViolations } from "./ops-metering";
import { ancestorWhere, prop, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";
import { resourceRegion } from "./resource-region";
import { invocationLoggingGrants } from "./surfaces";

const BUDGET_ACTION_TYPE = "aws:budgets/budgetAction:BudgetAction";
const LAMBDA_FUNCTION_TYPE = "aws:lambda/function:Function";
const LAMBDA_PERMISSION_TYPE = "aws:lambda/permission:Permission";
const EVENT_RULE_TYPE = "aws:cloudwatch/eventRule:EventRule";

export interface OpsContext {
    state: StackState;
    account: string;
    iam: AccountIam;
    tenants: TenantIntent[];
    /**
     * The tenants of every stack of the account, gathered once (gatherTenants),
     * read here without those of the stack `own`: the other stacks' tenants, of
     * which only who reaches their roles is asked; escalation and metering are
     * their own stack's proof. `tenants` is then not read.
     */
    others?: { tenants: AccountTenants; own: unknown };
}

/** One stack's tenants and their roles as principals, tagged with the stack. */
export interface OwnedTenants {
    owner: unknown;
    tenants: readonly TenantIntent[];
    roles: readonly IamPrincipal[];
}

/** A value of the account's tenants and the stack that declares it. */
interface Owned {
    value: string;
    owner: unknown;
}

/**
 * Every tenant role of an account with the ARNs that guard it, each tagged
 * with its stack: built once per account, read by each stack's check
 * skipping its own, so that proving the stacks of one account together
 * costs what their tenants do, not that times the stacks.
 */
export interface AccountTenants {
    /** Lower-cased role name → the stacks declaring a tenant of it. */
    roleOwners: Map<string, unknown[]>;
    /** Tenant role ARNs, then each tenant role's boundary and managed policies, lower-cased, in the stacks' order. */
    guarded: Owned[];
    /** Lower-cased ARN of `guarded` → where it stands there, so that a statement naming ARNs exactly finds them without reading the rest. */
    guardedAt: Map<string, number[]>;
    /** Lower-cased tenant role ARN → the stacks declaring it. */
    roleArnOwners: Map<string, unknown[]>;
    sessions: SessionIndex;
}

/** Gathers the tenants of `stacks`, in their order. */
export function gatherTenants(stacks: readonly OwnedTenants[]): AccountTenants {
    const roleOwners = new Map<string, unknown[]>();
    const roleArnOwners = new Map<string, unknown[]>();
    const guarded: Owned[] = [];
    for (const { owner, tenants } of stacks) {
        for (const t of tenants) {
            listUnder(roleOwners, t.roleName.toLowerCase(), owner);
            listUnder(roleArnOwners, t.roleArn.toLowerCase(), owner);
            guarded.push({ value: t.roleArn.toLowerCase(), owner });
        }
    }
    for (const { owner, roles } of stacks) {
        for (const p of roles) {
            if (p.boundaryArn) guarded.push({ value: p.boundaryArn.toLowerCase(), owner });
            for (const s of p.policies) if (s.managedArn) guarded.push({ value: s.managedArn.toLowerCase(), owner });
        }
    }
    const guardedAt = new Map<string, number[]>();
    guarded.forEach((g, i) => listUnder(guardedAt, g.value, i));
    return { roleOwners, guarded, guardedAt, roleArnOwners, sessions: sessionIndex(stacks) };
}

/** A stack's own tenants, when it is proved alone: its tenant roles are the principals named as one of them, in the order of its IAM. */
function ownTenants(ctx: OpsContext): AccountTenants {
    const names = new Set(ctx.tenants.map((t) => t.roleName.toLowerCase()));
    return gatherTenants([{ owner: ctx.state, tenants: ctx.tenants, roles: ctx.iam.principals.filter((p) => p.kind === "role" && names.has(p.name.toLowerCase())) }]);
}

export function opsAccountViolations(ctx: OpsContext): Violation[] {
    const out: Violation[] = [];
    const { state, iam } = ctx;
    const flag = (code: Code, r: StackResource, statement: string, why: string, tenant = "(ops account)") =>
        out.push(violation(code, { tenant, stack: state.stack, resource: r.name, urn: r.urn }, statement, why));
    const reachOnly = ctx.others !== undefined;
    const tenants = ctx.others?.tenants ?? ownTenants(ctx);
    const own = ctx.others?.own;
    const mine = (owner: unknown) => own !== undefined && owner === own;
    const another = (owners: unknown[] | undefined) => owners !== undefined && owners.some((o) => !mine(o));
    const isTenantRole = (p: IamPrincipal) => p.kind === "role" && another(tenants.roleOwners.get(p.name.toLowerCase()));

    // Policies that bound or cap tenant roles, or that Budgets applies to them: each may only deny, and none may be rewritten.
    const appliedAtRunTime = new Map<string, StackResource>();
    for (const r of state.resources.filter((x) => x.type === BUDGET_ACTION_TYPE)) budgetAction(r, ctx, flag, appliedAtRunTime);
    const applied = [...appliedAtRunTime.keys()];
    const guarded: Guarded = {
        reached(s) {
            const exact = s.notResources === undefined && s.resources !== undefined && !s.resources.some(hasWildcard);
            if (!exact) {
                // A pattern such as every BedrockTenantAccess-* role reaches the whole account: one pass, no copies.
                const reached: string[] = [];
                for (const g of tenants.guarded) if (!mine(g.owner) && coversResource(s, g.value)) reached.push(g.value);
                for (const arn of applied) if (coversResource(s, arn)) reached.push(arn);
                return reached;
            }
            const named = new Set(s.resources);
            const at = [...named].flatMap((arn) => tenants.guardedAt.get(arn) ?? []).sort((a, b) => a - b);
            return [...at.map((i) => tenants.guarded[i]).filter((g) => !mine(g.owner)).map((g) => g.value), ...applied.filter((arn) => named.has(arn))];
        },
        isTenantRole: (arn) => another(tenants.roleArnOwners.get(arn)),
    };
    const sessions = tenants.sessions.without(mine);
    const scope = (): EscalationScope => {
        const guardedSet = new Set([...tenants.guarded.map((g) => g.value), ...applied]);
        const others = [...iam.principals.filter((p) => !isTenantRole(p)).map((p) => p.arn), ...iam.policies.keys()].map((a) => a.toLowerCase()).filter((a) => !guardedSet.has(a));
        return { account: ctx.account, guarded: guardedSet, others, enforcerFunctions: enforcerFunctions(state, ctx.account) };
    };
    const escalationScope = reachOnly ? undefined : scope();
    const enforcerRoles = quotaEnforcerRoles(state, iam);
    const costCapRoles = costCapExecutionRoles(state, iam);
    if (!reachOnly) {
        for (const { resource, property, role, kind } of foreignRunners(state, iam)) {
            flag("BT-OPS-TENANT-ROLE-WRITE", resource, property, kind === "enforcer"
                ? `runs as role ${role.name}, the quota enforcer's own, but is not its QuotaEnforcer's function: whoever may invoke or trigger it can delete the enforcer's Deny on any tenant role and lift its quota block. Run it as a role of its own`
                : `runs as role ${role.name}, the cost cap's Budgets execution role, but is not a tenant's cost-cap Budgets action: whoever may drive it can detach the cost-cap Deny from any tenant role and lift its cost cap. Run it as a role of its own`);
        }
    }

    for (const p of iam.principals) {
        if (isTenantRole(p)) continue;
        if (p.kind === "role") trustOfOtherRole(p, ctx, sessions, flag);
        // A group acts only through its members, who hold its policies as their own (iam-graph.ts) and are judged with them.
        const holder = { enforcer: p.kind === "group" || enforcerRoles.has(p), costCap: p.kind === "group" || costCapRoles.has(p) };
        for (const source of p.policies) {
            if (source.document === undefined) {
                flag("BT-OPS-TENANT-ROLE-WRITE", source.resource, "-", `${p.kind} ${p.name} has ${source.name}, which is not in the files: the proof cannot show it leaves tenant roles alone`);
                continue;
            }
            const parsed = parsePolicy(source.document);
            if ("problem" in parsed) {
                flag("BT-OPS-TENANT-ROLE-WRITE", source.resource, "(document)", `the policy of ${p.kind} ${p.name} ${parsed.problem}`);
                continue;
            }
            for (const s of parsed.statements) {
                if (s.effect !== "Allow") continue;
                const why = tenantRoleWrite(s, guarded, iam, holder);
                if (why) flag("BT-OPS-TENANT-ROLE-WRITE", source.resource, s.label, `lets ${p.kind} ${p.name} ${why}`);
                for (const more of escalationScope ? escalations(s, escalationScope, why !== undefined) : []) flag("BT-OPS-ESCALATION", source.resource, s.label, `lets ${p.kind} ${p.name} ${more}`);
            }
        }
    }
    // A tenant role's own grant of it is BT-TENANT-SURFACE (the tenant proof).
    for (const { principal, source, statement } of invocationLoggingGrants(iam, isTenantRole)) {
        flag("BT-ACCOUNT-INVOCATION-LOGGING", source.resource, statement.label, `lets ${principal.kind} ${principal.name} turn on Bedrock invocation logging (bedrock:PutModelInvocationLoggingConfiguration): every tenant's prompts and responses would rest in the ops account ${ctx.account}`);
    }
    resourcesReachedFromTenants(state, ctx.account, sessions, flag);
    if (!reachOnly) enforcerInvokers(state, ctx.account, flag);
    // How the stack itself wires each tenant's metering, quota and cost cap (ops-metering.ts).
    if (!reachOnly) out.push(...meteringViolations(state, ctx.account, ctx.tenants));
    // Invocations from outside (Lambda permissions, function URLs) are the egress checks' (ops-egress.ts).
    return out;
}

/**
 * The ARNs of the quota enforcer's functions (those under a QuotaEnforcer
 * component); when the file shows none under one, every function of the
 * stack, so that a component the proof does not recognise leaves nothing
 * unguarded. An ARN the file does not hold, nor lets the proof form from the
 * function's name and Region, is undefined: reached by any statement.
 */
function enforcerFunctions(state: StackState, account: string): (string | undefined)[] {
    const underEnforcer = (r: StackResource) => ancestorWhere(state, r, (at) => at.type === QUOTA_ENFORCER_TYPE) !== undefined;
    const functions = state.resources.filter((r) => r.type === LAMBDA_FUNCTION_TYPE);
    const enforcer = functions.filter(underEnforcer);
    return (enforcer.length > 0 ? enforcer : functions).map((r) => {
        const arn = prop(r, "arn");
        if (typeof arn === "string" && arn.startsWith("arn:")) return arn;
        const name = prop(r, "name");
        // Read as every check reads a Region (its own, its AWS provider's, the stack's); one the file does not know leaves the ARN unknown, reached by any statement.
        const region = resourceRegion(state, r);
        return typeof name === "string" && name !== "" && name !== UNKNOWN_VALUE && region !== undefined ? `arn:aws:lambda:${region}:${account}:function:${name}` : undefined;
    });
}

/**
 * Lambda permissions on a quota enforcer's function. Its resource policy
 * lets whoever it names invoke it with no identity grant, so a principal or
 * a trigger other than the component's own (EventBridge, from the rule the
 * component makes under itself) is the same escalation as an identity
 * policy allowing lambda:InvokeFunction on it: a forged alarm event, or
 * taking the enforcer's one reserved execution so that no tenant is
 * blocked. An SNS topic, a function URL or another rule reaches it only
 * through such a permission.
 */
function enforcerInvokers(state: StackState, account: string, flag: (code: Code, r: StackResource, statement: string, why: string) => void): void {
    const componentOf = (r: StackResource) => ancestorWhere(state, r, (at) => at.type === QUOTA_ENFORCER_TYPE)?.urn;
    const functions = new Map<string, string>();
    const rules = new Map<string, Set<string>>();
    for (const r of state.resources) {
        const component = componentOf(r);
        if (component === undefined) continue;
        const name = prop(r, "name");
        if (typeof name !== "string" || name === UNKNOWN_VALUE) continue;
        if (r.type === LAMBDA_FUNCTION_TYPE) functions.set(name.toLowerCase(), component);
        if (r.type === EVENT_RULE_TYPE) {
            const arns = rules.get(component) ?? new Set<string>();
            rules.set(component, arns);
            const arn = prop(r, "arn");
            if (typeof arn === "string" && arn !== UNKNOWN_VALUE) arns.add(arn);
            const region = resourceRegion(state, r);
            if (region !== undefined) arns.add(`arn:aws:events:${region}:${account}:rule/${name}`);
        }
    }
    if (functions.size === 0) return;
    for (const p of state.resources) {
        if (p.type !== LAMBDA_PERMISSION_TYPE) continue;
        const named = functionNamed(prop(p, "function"));
        const component = named === undefined ? undefined : functions.get(named.toLowerCase());
        if (component === undefined) continue;
        const source = prop(p, "sourceArn");
        // The rule's ARN is minted as the update creates it: unknown at preview, and then the component's own only where the permission is too.
        const ownSource = source === UNKNOWN_VALUE ? componentOf(p) === component : typeof source === "string" && rules.get(component)?.has(source) === true;
        const qualifier = prop(p, "qualifier");
        const unqualified = (qualifier === undefined || qualifier === null || qualifier === "") && named === functionNamed(prop(p, "function"), true);
        if (prop(p, "principal") === "events.amazonaws.com" && prop(p, "action") === "lambda:InvokeFunction" && ownSource && unqualified) continue;
        const from = typeof source === "string" ? ` from ${source}` : "";
        flag("BT-OPS-ESCALATION", p, "principal", `lets ${JSON.stringify(prop(p, "principal"))}${from} ${JSON.stringify(prop(p, "action"))} the quota enforcer's function ${named} by its resource policy, as an identity policy allowing lambda:InvokeFunction on it would: invoked with a forged alarm event it unblocks a tenant over quota, and invoked at will it takes the one execution every tenant's block waits for. Remove the permission; the enforcer is invoked by its QuotaEnforcer's rule alone`);
    }
}

/**
 * The function name a permission's `function` names (a name, a partial or
 * full ARN, any of them with a version or alias); with `whole`, the text
 * after the name too, so that a qualified reference reads as another.
 */
function functionNamed(value: unknown, whole = false): string | undefined {
    if (typeof value !== "string" || value === "" || value === UNKNOWN_VALUE) return undefined;
    const marker = ":function:";
    const at = value.indexOf(marker);
    const rest = at < 0 ? value : value.slice(at + marker.length);
    return whole ? rest : rest.split(":")[0];
}

/** A role that is not a tenant role may be assumed only from inside the account, and never from a tenant role. */
function trustOfOtherRole(p: IamPrincipal, ctx: OpsContext, sessions: TenantSessions, flag: (code: Code, r: StackResource, statement: string, why: string) => void): void {
    const parsed = parsePolicy(p.trust);
    if ("problem" in parsed) {
        flag("BT-OPS-FOREIGN-TRUST", p.resource, "assumeRolePolicy", `the trust policy of role ${p.name} ${parsed.problem}`);
        return;
    }
    const matchesTenantRole = (pattern: string) => sessions.reached(pattern) !== undefined;
    for (const s of parsed.statements) {
        if (s.effect !== "Allow" || !coversService(s, "sts")) continue;
        if (s.notPrincipals) {
            flag("BT-OPS-FOREIGN-TRUST", p.resource, s.label, `role ${p.name} admits every principal but ${JSON.stringify(s.notPrincipals)} (NotPrincipal)`);
            continue;
        }
        for (const [kind, values] of Object.entries(s.principals ?? {})) {
            if (kind === "Service") {
                // A service acts for whoever configures it unless the trust holds it to this account (identity-reach.ts).
                for (const why of untiedServices(s, ctx.account)) flag("BT-OPS-FOREIGN-TRUST", p.resource, s.label, `role ${p.name} admits ${why}`);
                continue;
            }
            if (kind !== "AWS") {
                flag("BT-OPS-FOREIGN-TRUST", p.resource, s.label, `role ${p.name} admits ${kind} principals ${JSON.stringify(values)}, from outside the account`);
                continue;
            }
            for (const v of values) {
                if (hasWildcard(v)) {
                    flag(matchesTenantRole(v) ? "BT-OPS-ROLE-CHAIN" : "BT-OPS-FOREIGN-TRUST", p.resource, s.label, `role ${p.name} admits the principal pattern ${JSON.stringify(v)}`);
                } else if (accountOfPrincipal(v) !== ctx.account) {
                    flag("BT-OPS-FOREIGN-TRUST", p.resource, s.label, `role ${p.name} admits ${v}, outside the ops account ${ctx.account}; only tenant roles are assumed from outside, each by its own tenant`);
                } else if (matchesTenantRole(v)) {
                    flag("BT-OPS-ROLE-CHAIN", p.resource, s.label, `role ${p.name} admits the tenant role ${v}: a tenant session could continue into it`);
                } else {
                    const named = s.conditions.filter((c) => c.key === "aws:principalarn").flatMap((c) => c.values).filter(matchesTenantRole);
                    if (named.length > 0) flag("BT-OPS-ROLE-CHAIN", p.resource, s.label, `role ${p.name} admits tenant roles through aws:PrincipalArn ${JSON.stringify(named)}`);
                }
            }
        }
    }
}

/**
 * Type → the properties that hold its resource policy, for every type of
 * the proof that carries one, and those other stacks commonly add. A policy
 * here that cannot be read cannot be shown to leave tenant sessions out.
 */
const RESOURCE_POLICY_KEYS: Readonly<Record<string, readonly string[]>> = {
    "aws:s3/bucket:Bucket": ["policy"],
    "aws:s3/bucketV2:BucketV2": ["policy"],
    "aws:s3/bucketPolicy:BucketPolicy": ["policy"],
    "aws:sns/topic:Topic": ["policy"],
    "aws:sns/topicPolicy:TopicPolicy": ["policy"],
    "aws:sqs/queue:Queue": ["policy"],
    "aws:sqs/queuePolicy:QueuePolicy": ["policy"],
    "aws:kms/key:Key": ["policy"],
    "aws:kms/keyPolicy:KeyPolicy": ["policy"],
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ["policyDocument"],
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": ["accessPolicy"],
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": ["policy"],
    "aws:oam/sinkPolicy:SinkPolicy": ["policy"],
    "aws:secretsmanager/secret:Secret": ["policy"],
    "aws:secretsmanager/secretPolicy:SecretPolicy": ["policy"],
    "aws:ecr/repositoryPolicy:RepositoryPolicy": ["policy"],
    "aws:dynamodb/resourcePolicy:ResourcePolicy": ["policy"],
};

/** A principal property: a Lambda permission's `principal`, a KMS grant's `granteePrincipal` and `retiringPrincipal`, and their like. */
const PRINCIPAL_KEY = /principals?$/i;
const OPEN_BRACE = 123;

/**
 * No resource of the ops stack lets a tenant session past Bedrock
 * (`BT-OPS-ROLE-CHAIN`): no resource policy, Lambda permission or grant may
 * name a tenant role, one of its sessions, or a principal that can stand for
 * them. A grant to a session is not held by the role's permissions boundary,
 * and the quota enforcer trusts the events it is invoked with, so a tenant
 * that could invoke it could block another tenant or unblock itself; a
 * tenant that could subscribe to another's topic would read its quota
 * states. Besides the types listed above, every document of any other
 * resource that reads as a policy with principals, and every property named
 * like a principal, is read the same way, so a type added later is held to
 * it too. IAM principals' own policies are the tenant and escalation
 * checks'; other roles' trust is read above.
 */
function resourcesReachedFromTenants(state: StackState, account: string, sessions: TenantSessions, flag: (code: Code, r: StackResource, statement: string, why: string) => void): void {
    for (const r of state.resources) {
        if (!r.custom || !r.type.startsWith("aws:") || r.type.startsWith("aws:iam/")) continue;
        const policyKeys = RESOURCE_POLICY_KEYS[r.type];
        for (const key in r.inputs) resourcePropertyReach(r, key, policyKeys, account, sessions, flag);
        for (const key in r.outputs) if (!(key in r.inputs)) resourcePropertyReach(r, key, policyKeys, account, sessions, flag);
    }
}

/** One property of a resource: a principal it names, or a policy it holds. A fleet's ops stack holds tens of thousands of resources, nearly all with neither. */
function resourcePropertyReach(r: StackResource, key: string, policyKeys: readonly string[] | undefined, account: string, sessions: TenantSessions, flag: (code: Code, r: StackResource, statement: string, why: string) => void): void {
    const known = policyKeys?.includes(key) === true;
    const principal = PRINCIPAL_KEY.test(key);
    if (!known && !principal && !policyShaped(r.inputs[key] ?? r.outputs[key])) return;
    const value = prop(r, key);
    if (principal) {
        for (const v of (Array.isArray(value) ? value : [value]) as unknown[]) {
            if (typeof v !== "string") continue;
            const role = sessions.reached(v);
            if (role) flag("BT-OPS-ROLE-CHAIN", r, key, `lets ${v} in (${describe(v, role)}): a tenant session could continue past Bedrock to ${r.type.split(":").pop()} ${r.name}`);
        }
        return;
    }
    if (value === undefined || value === null || value === "") return;
    const parsed = parsePolicy(value);
    if ("problem" in parsed) {
        if (known) flag("BT-OPS-ROLE-CHAIN", r, key, `the resource policy ${parsed.problem}: the proof cannot show it lets no tenant session in`);
        return;
    }
    for (const s of parsed.statements) {
        const who = s.effect === "Allow" ? tenantAdmitted(s, sessions, account) : undefined;
        if (who) flag("BT-OPS-ROLE-CHAIN", r, `${key} ${s.label}`, `lets ${who} ${s.notActions ? `do every action but ${JSON.stringify(s.notActions)}` : JSON.stringify(s.actions ?? [])} on ${r.type.split(":").pop()} ${r.name}: a tenant session could continue past Bedrock`);
    }
}

/** Whether a value reads as a policy document: an object with a `Statement`, or JSON text that may hold one. */
function policyShaped(value: unknown): boolean {
    if (typeof value === "string") return value.charCodeAt(0) === OPEN_BRACE && value.includes("\"Statement\"");
    return isRecord(value) && "Statement" in value;
}

/**
 * Whom an Allow statement of a resource policy admits from among tenant
 * roles and their sessions, or undefined. A principal that is or can stand
 * for one (`*` and patterns included) is one, unless an `aws:PrincipalArn`
 * condition that must hold names no tenant role; a statement whose
 * `aws:PrincipalArn` names one admits it through the account or any
 * pattern. Other conditions never keep a tenant session out: its tags
 * (`aws:PrincipalTag`) are the tenant runtime's to choose, and its account
 * is the ops account. `NotPrincipal` admits every principal it does not list.
 */
function tenantAdmitted(s: PolicyStatement, sessions: TenantSessions, account: string): string | undefined {
    // Held to requests a service makes for the account (AWS's default topic policy): a session's own request carries no such key.
    if (tiedToAccount(s, account, new Set())) return undefined;
    if (s.notPrincipals) return `every principal but ${JSON.stringify(s.notPrincipals)} (NotPrincipal), tenant sessions among them`;
    const arnConditions = s.conditions.filter((c) => c.key === "aws:principalarn" && POSITIVE_ARN_OPERATOR.test(c.operator));
    const named = arnConditions.map((c) => c.values.map((v) => sessions.reached(v)).find((x) => x !== undefined));
    if (named.some((x) => x === undefined)) return undefined;
    for (const v of s.principals?.AWS ?? []) {
        const role = sessions.reached(v);
        if (role) return `${v} (${describe(v, role)})`;
        // Only a principal that stands for many (the account, `*`, a pattern) is narrowed to a tenant role by aws:PrincipalArn.
        if (named.length > 0 && (hasWildcard(v) || isAccountId(v) || v.endsWith(":root"))) return `${v}, narrowed by aws:PrincipalArn to ${named[0]}`;
    }
    return undefined;
}

/** Condition operators under which `aws:PrincipalArn` must match a value for the statement to apply. */
const POSITIVE_ARN_OPERATOR = /^(ForAnyValue:|ForAllValues:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)(IfExists)?$/;

const describe = (principal: string, role: string) => (hasWildcard(principal) ? `a pattern matching the tenant role ${role} or its sessions` : principal.toLowerCase() === role.toLowerCase() ? "a tenant role" : `a session of the tenant role ${role}`);

/** A Budgets action may only apply the cost cap: a Deny of everything, to tenant roles. */
function budgetAction(r: StackResource, ctx: OpsContext, flag: (code: Code, r: StackResource, statement: string, why: string, tenant?: string) => void, applied: Map<string, StackResource>): void {
    const type = prop(r, "actionType");
    const definition = prop(r, "definition") as Record<string, unknown> | undefined;
    const iam = definition?.iamActionDefinition as Record<string, unknown> | undefined;
    if (type !== "APPLY_IAM_POLICY" || !iam || definition?.scpActionDefinition || definition?.ssmActionDefinition) {
        flag("BT-OPS-SHARED-POLICY", r, "actionType", `is a Budgets action of type ${JSON.stringify(type)}; only APPLY_IAM_POLICY of the cost cap is proved`);
        return;
    }
    const arn = iam.policyArn;
    const policy = typeof arn === "string" ? ctx.iam.policies.get(arn.toLowerCase()) : undefined;
    if (typeof arn !== "string" || !policy) {
        flag("BT-OPS-SHARED-POLICY", r, "definition", `applies ${JSON.stringify(arn)}, which is not in the files`);
        return;
    }
    applied.set(arn.toLowerCase(), policy);
    const parsed = parsePolicy(prop(policy, "policy"));
    const denyAll = !("problem" in parsed) && parsed.statements.length > 0 && parsed.statements.every((s) =>
        s.effect === "Deny" && s.conditions.length === 0 && s.actions?.includes("*") === true && s.resources?.includes("*") === true);
    if (!denyAll) flag("BT-OPS-SHARED-POLICY", policy, "policy", `the cost cap ${arn}, which Budgets attaches to tenant roles, is not a Deny of every action on every resource`);
}

/**
 * Tenant roles and their sessions as a principal of a policy can name them:
 * a tenant role's ARN, any of its sessions
 * (`arn:aws:sts::<ops>:assumed-role/<role>/<session>`, the session name being
 * the caller's to choose), or a pattern or policy variable that can stand for
 * either. A session's `aws:PrincipalArn` is its role's ARN, so the same test
 * reads that key's values. Built once per account: an exact value is looked
 * up, and only a pattern is matched against each tenant role.
 */
interface TenantSessions {
    /** The ARN of a tenant role that `principal` can stand for, itself or one of its sessions; undefined when none. */
    reached(principal: string): string | undefined;
}

/** Tenant roles and their sessions of every stack of an account, each tagged with its stack; `without` leaves out those a check skips. */
interface SessionIndex {
    without(mine: (owner: unknown) => boolean): TenantSessions;
}

function sessionIndex(stacks: readonly OwnedTenants[]): SessionIndex {
    const byArn = new Map<string, { arn: string; owner: unknown }[]>();
    const bySession = new Map<string, { arn: string; owner: unknown }[]>();
    const patterns: { role: string; sessionPrefix: string; arn: string; owner: unknown }[] = [];
    for (const { owner, tenants } of stacks) {
        for (const t of tenants) {
            const role = t.roleArn.toLowerCase();
            listUnder(byArn, role, { arn: t.roleArn, owner });
            const arn = parseArn(role);
            const name = arn?.resource.slice(arn.resource.lastIndexOf("/") + 1);
            if (!arn || !name) continue;
            listUnder(bySession, `${arn.account}/${name}`, { arn: t.roleArn, owner });
            patterns.push({ role, sessionPrefix: `arn:${arn.partition}:sts::${arn.account}:assumed-role/${name}/`, arn: t.roleArn, owner });
        }
    }
    return {
        without(mine) {
            // The last tenant to name an ARN answers for it, as a map built of the others' tenants alone would.
            const last = (entries: { arn: string; owner: unknown }[] | undefined) => {
                for (let i = (entries?.length ?? 0) - 1; i >= 0; i--) if (!mine(entries![i].owner)) return entries![i].arn;
                return undefined;
            };
            return {
                reached(principal) {
                    const p = principal.toLowerCase();
                    if (!hasWildcard(p)) {
                        const session = parseArn(p);
                        if (session?.service !== "sts" || !session.resource.startsWith("assumed-role/")) return last(byArn.get(p));
                        return last(bySession.get(`${session.account}/${session.resource.split("/")[1]}`));
                    }
                    const pattern = variablesAsWildcards(p);
                    // reachesUnder asks whether a resource pattern can match something under a prefix; here the pattern is a principal's, the prefix every session of a role.
                    const probe: PolicyStatement = { label: "principal", effect: "Allow", conditions: [], resources: [p] };
                    return patterns.find((x) => !mine(x.owner) && (wildcardMatch(pattern, x.role) || reachesUnder(probe, x.sessionPrefix)))?.arn;
                },
            };
        },
    };
}

/** A policy variable (`${aws:PrincipalTag/x}`) can stand for any text: read as `*`, by a linear scan. */
function variablesAsWildcards(pattern: string): string {
    let out = "";
    let i = 0;
    for (let start = pattern.indexOf("${"); start >= 0; start = pattern.indexOf("${", i)) {
        const end = pattern.indexOf("}", start);
        out += `${pattern.slice(i, start)}*`;
        i = end < 0 ? pattern.length : end + 1;
    }
    return out + pattern.slice(i);
}
