/**
 * The token-quota path, from the profiles' metrics to the tenant role's
 * inline deny: each tenant's block and warning alarms over its own profiles
 * only, its one composite alarm named for it (the enforcer reads the tenant
 * from that name, and the alarm's current state from CloudWatch), and the enforcer's enabled
 * rule, unrewritten target and runnable function. A break anywhere blocks
 * another tenant, or never blocks this one.
 */
import { parseArn, QUOTA_ALARM_PREFIX, QUOTA_ENFORCER_ENV, QUOTA_PART_ALARM_PREFIX, quotaAlarmEventPattern, quotaAlarmName, QUOTA_RULE_NAME, tenantOfQuotaAlarm, isRecord } from "../contract";
import type { PlannedQuotaAlarm, TenantIntent } from "./intent";
import { isUnknown, isUnset, lastPart, listUnder, objectProp, sameJson, show, textOf, type MeteringContext } from "./metering-values";
import { jsonValue, prop, type StackResource } from "./pulumi-formats";

const CODE = "BT-OPS-QUOTA-WIRING";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";
const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const FUNCTION = "aws:lambda/function:Function";
const PROFILE = "aws:bedrock/inferenceProfile:InferenceProfile";
const TOKEN_METRICS = ["InputTokenCount", "OutputTokenCount"];
/** What the enforcer reads from each event; any of these on its target replaces the event CloudWatch sent. */
const INPUT_REWRITES = ["input", "inputPath", "inputTransformer"];
const MAX_EVENT_AGE_LIMIT = 86_400;

const hasQuota = (t: TenantIntent) => t.enforcerFunctionArn !== undefined;

export function quotaWiring(ctx: MeteringContext): void {
    const profileIds = ownProfileIds(ctx);
    const partsOf = new Map<TenantIntent, StackResource[]>();
    for (const r of ctx.ofType(METRIC_ALARM)) {
        const name = textOf(prop(r, "name"));
        const t = ctx.tenantOf(r);
        if (name?.startsWith(QUOTA_ALARM_PREFIX)) {
            ctx.flag(CODE, r, tenantOfQuotaAlarm(name) ?? t?.tenantId ?? "(ops account)", "name", `is a metric alarm named ${name}: the quota enforcer's rule hands its state changes over as the composite quota alarm of ${tenantOfQuotaAlarm(name) ?? "no tenant"}, and blocks or unblocks that tenant's role on them`);
        }
        if (!t) {
            const counted = modelIds(r).filter((id) => ownerOfProfileId(profileIds, id) !== undefined);
            if (name?.startsWith(QUOTA_PART_ALARM_PREFIX) || counted.length > 0) {
                ctx.flag(CODE, r, counted.map((id) => ownerOfProfileId(profileIds, id)!.tenantId)[0] ?? "(ops account)", "name", `is a quota alarm (${name ?? "unnamed"}${counted.length > 0 ? `, counting ${counted.join(", ")}` : ""}) that no tenant's component owns: the proof cannot tie it to one tenant's quota`);
            }
            continue;
        }
        if (!hasQuota(t)) {
            if (name?.startsWith(QUOTA_PART_ALARM_PREFIX) || modelIds(r).length > 0) ctx.flag(CODE, r, t.tenantId, "name", `is a quota alarm of tenant ${t.tenantId}, which has no quota`);
            continue;
        }
        listUnder(partsOf, t, r);
        partAlarm(ctx, r, t, profileIds);
    }
    const composites = new Map<TenantIntent, StackResource[]>();
    for (const r of ctx.ofType(COMPOSITE_ALARM)) {
        const name = textOf(prop(r, "alarmName"));
        const t = ctx.tenantOf(r);
        const named = tenantOfQuotaAlarm(name);
        if (!t) {
            if (name?.startsWith(QUOTA_ALARM_PREFIX)) ctx.flag(CODE, r, named ?? "(ops account)", "alarmName", `is a composite alarm named ${name} that no tenant's component owns: the quota enforcer would block or unblock ${named ?? "a role"} on a state it did not build`);
            continue;
        }
        if (!hasQuota(t)) {
            ctx.flag(CODE, r, t.tenantId, "alarmName", `is a composite quota alarm of tenant ${t.tenantId}, which has no quota`);
            continue;
        }
        if (isUnknown(name)) continue;
        if (name !== quotaAlarmName(t.tenantId)) {
            const why = named !== undefined
                ? `is tenant ${t.tenantId}'s composite quota alarm, named ${name}: the quota enforcer reads the tenant from that name, so ${t.tenantId}'s quota would block ${named}, and never ${t.tenantId}`
                : `is tenant ${t.tenantId}'s composite quota alarm, named ${show(name)} instead of ${quotaAlarmName(t.tenantId)}: the quota enforcer's rule never sees it, so the quota never blocks`;
            ctx.flag(CODE, r, t.tenantId, "alarmName", why);
            if (named !== undefined && named !== t.tenantId) ctx.flag(CODE, r, named, "alarmName", `is tenant ${t.tenantId}'s composite quota alarm, named for ${named}: ${t.tenantId}'s use would block ${named}'s role`);
        }
        listUnder(composites, t, r);
        compositeRule(ctx, r, t, partsOf.get(t) ?? []);
    }
    for (const t of ctx.tenants.filter(hasQuota)) {
        const found = composites.get(t) ?? [];
        if (found.length !== 1) ctx.flag(CODE, t, t.tenantId, "quota", `tenant ${t.tenantId} has a quota and ${found.length} composite quota alarms in the files (${found.map((r) => r.name).join(", ") || "none"}); the component builds exactly one, ${quotaAlarmName(t.tenantId)}`);
        if (t.quotaAlarms) {
            const names = new Set((partsOf.get(t) ?? []).map((r) => textOf(prop(r, "name"))));
            const missing = Object.keys(t.quotaAlarms).filter((n) => !names.has(n));
            if (missing.length > 0) ctx.flag(CODE, t, t.tenantId, "quota", `tenant ${t.tenantId}'s quota alarms ${missing.join(", ")} are not in the files: the limits they hold are not enforced`);
        }
    }
    enforcer(ctx);
}

/** Profile id (the `ModelId` dimension) → its tenant, from the profiles each tenant's component owns and the ARNs its intent lists. */
interface ProfileIds {
    owner: Map<string, TenantIntent>;
    /** Tenant → model id → its profile's id. */
    byModel: Map<TenantIntent, Map<string, string>>;
    /** Tenants with a profile still to be created, whose id a preview cannot know. */
    pending: Set<TenantIntent>;
}

function ownProfileIds(ctx: MeteringContext): ProfileIds {
    const ids: ProfileIds = { owner: new Map(), byModel: new Map(), pending: new Set() };
    for (const t of ctx.tenants) {
        const models = new Map<string, string>();
        for (const [model, arn] of Object.entries(t.inferenceProfileArns)) {
            if (isUnknown(arn)) ids.pending.add(t);
            else {
                models.set(model, lastPart(arn));
                ids.owner.set(lastPart(arn), t);
            }
        }
        ids.byModel.set(t, models);
    }
    for (const r of ctx.ofType(PROFILE)) {
        const t = ctx.tenantOf(r);
        if (!t) continue;
        if (r.id !== undefined && r.id !== "" && !isUnknown(r.id) && !ids.owner.has(r.id)) ids.owner.set(r.id, t);
        const arn = textOf(prop(r, "arn"));
        if (arn === undefined || isUnknown(arn)) ids.pending.add(t);
    }
    return ids;
}

const ownerOfProfileId = (ids: ProfileIds, id: string) => ids.owner.get(id);

interface Query {
    id?: string;
    metric?: Record<string, unknown>;
    expression?: string;
    returnData?: unknown;
}

function queries(r: StackResource): Query[] | undefined {
    const value = jsonValue(prop(r, "metricQueries"));
    if (!Array.isArray(value)) return undefined;
    return value.map((q) => (isRecord(q) ? { id: textOf(q.id), metric: isRecord(q.metric) ? q.metric : undefined, expression: textOf(q.expression), returnData: q.returnData } : {}));
}

function modelIds(r: StackResource): string[] {
    return (queries(r) ?? []).flatMap((q) => {
        const d = q.metric?.dimensions;
        return isRecord(d) && typeof d.ModelId === "string" ? [d.ModelId] : [];
    });
}

/** One block or warning alarm of a tenant with a quota: its name, the profiles it counts, its math and its limit. */
function partAlarm(ctx: MeteringContext, r: StackResource, t: TenantIntent, ids: ProfileIds): void {
    const name = textOf(prop(r, "name"));
    const flag = (statement: string, why: string, tenant = t.tenantId) => ctx.flag(CODE, r, tenant, statement, why);
    const planned: PlannedQuotaAlarm | undefined = name !== undefined ? t.quotaAlarms?.[name] : undefined;
    if (!isUnknown(name)) {
        if (t.quotaAlarms ? planned === undefined : !name?.startsWith(`${QUOTA_PART_ALARM_PREFIX}${t.tenantId}-`)) {
            flag("name", `is a quota alarm of tenant ${t.tenantId} named ${show(name)}, which is not one the component builds for it${t.quotaAlarms ? ` (${Object.keys(t.quotaAlarms).join(", ")})` : ` (${QUOTA_PART_ALARM_PREFIX}${t.tenantId}-…)`}`);
        }
    }
    for (const key of ["metricName", "namespace", "dimensions", "extendedStatistic", "statistic"]) {
        if (!isUnset(prop(r, key))) flag(key, `sets ${key}: the component's quota alarms count only through metricQueries over the tenant's own profiles`);
    }
    const qs = queries(r);
    if (!qs) {
        flag("metricQueries", `has no metric queries the proof can read (${show(prop(r, "metricQueries"))})`);
        return;
    }
    const metrics = qs.filter((q) => q.metric !== undefined);
    const counted = new Set<string>();
    for (const q of metrics) {
        const m = q.metric!;
        const d = isRecord(m.dimensions) ? m.dimensions : {};
        const id = d.ModelId;
        const shapeOk = m.namespace === "AWS/Bedrock" && TOKEN_METRICS.includes(String(m.metricName)) && m.stat === "Sum" && Object.keys(d).length === 1 && typeof id === "string" && q.returnData === false;
        if (!shapeOk) flag("metricQueries", `query ${show(q.id)} counts ${show(m)}: the component's quota alarms sum only AWS/Bedrock InputTokenCount and OutputTokenCount by ModelId`);
        if (typeof id !== "string") continue;
        if (isUnknown(id)) {
            if (!ids.pending.has(t)) flag("metricQueries", `query ${show(q.id)} counts a profile unknown at preview, and tenant ${t.tenantId} creates no profile`);
            continue;
        }
        const owner = ownerOfProfileId(ids, id);
        if (owner !== t && !counted.has(id)) {
            flag("metricQueries", `counts the application profile ${id}${owner ? `, tenant ${owner.tenantId}'s` : ", which is no profile of tenant " + t.tenantId}: ${t.tenantId}'s own use goes uncounted${owner ? ` and ${owner.tenantId}'s use would block ${t.tenantId}` : ""}`);
            if (owner) flag("metricQueries", `is tenant ${t.tenantId}'s quota alarm counting ${owner.tenantId}'s profile ${id}`, owner.tenantId);
        }
        counted.add(id);
    }
    if (planned) {
        const expected = planned.models.map((model) => ids.byModel.get(t)?.get(model)).filter((x): x is string => x !== undefined);
        const missing = expected.filter((id) => metrics.filter((q) => isRecord(q.metric?.dimensions) && q.metric.dimensions.ModelId === id).length !== TOKEN_METRICS.length);
        if (missing.length > 0) flag("metricQueries", `does not count both token metrics of the tenant's profiles ${missing.join(", ")}, which its quota covers`);
        const extra = [...counted].filter((id) => !expected.includes(id) && ownerOfProfileId(ids, id) === t);
        if (extra.length > 0) flag("metricQueries", `counts the profiles ${extra.join(", ")}, which this limit (${planned.models.join(", ")}) does not cover`);
    }
    const expressions = qs.filter((q) => q.metric === undefined);
    const sum = `SUM([${metrics.map((q) => `FILL(${q.id ?? ""}, 0)`).join(", ")}])`;
    if (expressions.length !== 1 || expressions[0].expression !== sum || expressions[0].returnData !== true) {
        flag("metricQueries", `computes ${show(expressions.map((q) => q.expression))}; the component's alarm returns only ${sum}, the sum of the tenant's token counts`);
    }
    const operator = prop(r, "comparisonOperator");
    if (operator !== "GreaterThanThreshold" && !isUnknown(operator)) flag("comparisonOperator", `compares with ${show(operator)}; the component's quota alarm trips when use is GreaterThanThreshold`);
}

/** The composite alarm's rule: ALARM of exactly the tenant's own block alarms, joined by OR. */
function compositeRule(ctx: MeteringContext, r: StackResource, t: TenantIntent, parts: StackResource[]): void {
    const rule = prop(r, "alarmRule");
    if (isUnknown(rule)) return;
    const expected = t.quotaAlarms
        ? Object.entries(t.quotaAlarms).filter(([, a]) => a.block).map(([n]) => n)
        : parts.map((p) => textOf(prop(p, "name"))).filter((n): n is string => n !== undefined && !n.endsWith("-warning"));
    const terms = typeof rule === "string" ? rule.split(" OR ") : [];
    const open = "ALARM(\"";
    const close = "\")";
    const named = terms.map((x) => (x.startsWith(open) && x.endsWith(close) ? x.slice(open.length, x.length - close.length) : undefined));
    const ok = named.every((n) => n !== undefined && !n.includes("\"")) && named.length === expected.length && expected.every((n) => named.includes(n));
    if (!ok) ctx.flag(CODE, r, t.tenantId, "alarmRule", `combines ${show(rule)}; the component's composite alarm is ALARM of exactly tenant ${t.tenantId}'s block alarms (${expected.join(", ") || "none"}), joined by OR`);
}

/** The enforcer's function, the targets that invoke it and the rules behind them. */
function enforcer(ctx: MeteringContext): void {
    const quotaTenants = ctx.tenants.filter(hasQuota);
    const functions = ctx.ofType(FUNCTION);
    const rules = ctx.ofType(EVENT_RULE);
    const fnArn = (f: StackResource) => textOf(prop(f, "arn"));
    const isFunction = (f: StackResource, arn: string) => {
        if (fnArn(f) === arn) return true;
        const parsed = parseArn(arn);
        const region = textOf(prop(f, "region"));
        return parsed?.service === "lambda" && parsed.account === ctx.account && lastPart(parsed.resource, ":") === textOf(prop(f, "name")) && (region === undefined || region === parsed.region);
    };
    const enforcers = new Set(functions.filter((f) => ctx.underEnforcer(f)));
    for (const t of quotaTenants) {
        const arn = t.enforcerFunctionArn!;
        if (isUnknown(arn)) continue;
        const matched = functions.filter((f) => isFunction(f, arn));
        if (matched.length === 0) ctx.flag(CODE, t, t.tenantId, "enforcerFunctionArn", `tenant ${t.tenantId}'s quota names the enforcer ${arn}, which is not in the files: no function of the stack blocks the tenant when its quota alarm fires`);
        matched.forEach((f) => enforcers.add(f));
    }
    for (const f of enforcers) {
        const reserved = prop(f, "reservedConcurrentExecutions");
        if (reserved !== 1 && !isUnknown(reserved)) ctx.flag(CODE, f, "(ops account)", "reservedConcurrentExecutions", `the quota enforcer reserves ${show(reserved)} concurrent executions; the component reserves exactly 1: 0 throttles every alarm change (no tenant is ever blocked or unblocked), more lets two writers race on one tenant's role`);
        const env = objectProp(f, "environment")?.variables;
        const age = isRecord(env) ? env[QUOTA_ENFORCER_ENV.maxEventAgeSeconds] : undefined;
        const seconds = typeof age === "string" && age !== "" && [...age].every((c) => c >= "0" && c <= "9") ? Number(age) : NaN;
        if (!isUnknown(age) && !(seconds >= 1 && seconds <= MAX_EVENT_AGE_LIMIT)) ctx.flag(CODE, f, "(ops account)", "environment", `the quota enforcer's ${QUOTA_ENFORCER_ENV.maxEventAgeSeconds} is ${show(age)}; the component sets whole seconds from 1 to ${MAX_EVENT_AGE_LIMIT}, without which it refuses or misreads every event`);
    }
    const enforcerRules = new Set(rules.filter((r) => ctx.underEnforcer(r)));
    const fed = new Set<StackResource>();
    for (const target of ctx.ofType(EVENT_TARGET)) {
        const arn = textOf(prop(target, "arn"));
        const fn = arn !== undefined && !isUnknown(arn) ? [...enforcers].find((f) => isFunction(f, arn)) : ctx.underEnforcer(target) ? [...enforcers].find((f) => ctx.underEnforcer(f)) : undefined;
        if (!fn) continue;
        let rewritten = false;
        for (const key of INPUT_REWRITES) {
            const value = prop(target, key);
            if (isUnset(value)) continue;
            rewritten = true;
            const forged = tenantsNamedIn(value, ctx.tenants);
            ctx.flag(CODE, target, forged[0] ?? "(ops account)", key, `the quota enforcer's event target sets ${key} (${show(value).slice(0, 300)}): the enforcer acts on the tenant named in detail.alarmName and the state in detail.state, so rewritten events block or unblock ${forged.length > 0 ? forged.join(", ") : "tenants"} whatever their alarms say`);
        }
        const ruleName = textOf(prop(target, "rule"));
        const rule = rules.find((r) => ruleName !== undefined && (textOf(prop(r, "name")) === ruleName || r.id === ruleName));
        if (!rule) {
            if (!isUnknown(ruleName)) ctx.flag(CODE, target, "(ops account)", "rule", `the quota enforcer's event target hangs on the rule ${show(ruleName)}, which is not in the files: what it hands the enforcer cannot be proved`);
            continue;
        }
        enforcerRules.add(rule);
        if (!rewritten && ruleProblems(rule).length === 0) fed.add(fn);
    }
    for (const r of rules) if (textOf(prop(r, "name")) === QUOTA_RULE_NAME) enforcerRules.add(r);
    for (const r of enforcerRules) for (const [key, why] of ruleProblems(r)) ctx.flag(CODE, r, "(ops account)", key, why);
    if (quotaTenants.length === 0) return;
    for (const f of enforcers) {
        if (!fed.has(f)) ctx.flag(CODE, f, "(ops account)", "-", `no enabled rule of the component's pattern hands composite quota alarm changes to the quota enforcer unchanged: the quotas of ${quotaTenants.map((t) => t.tenantId).join(", ")} never block`);
    }
}

/** Why the rule is not the enforcer's: disabled, on another bus, or matching other events than the composite alarms' state changes. */
function ruleProblems(r: StackResource): [string, string][] {
    const out: [string, string][] = [];
    const state = prop(r, "state");
    if (!isUnset(state) && state !== "ENABLED" && !isUnknown(state)) out.push(["state", `the quota enforcer's rule is ${show(state)}: no alarm change reaches the enforcer, so no quota ever blocks`]);
    const enabled = prop(r, "isEnabled");
    if (enabled !== undefined && enabled !== null && enabled !== true && !isUnknown(enabled)) out.push(["isEnabled", `the quota enforcer's rule has isEnabled ${show(enabled)}: no alarm change reaches the enforcer, so no quota ever blocks`]);
    const bus = prop(r, "eventBusName");
    if (!isUnset(bus) && bus !== "default" && !isUnknown(bus)) out.push(["eventBusName", `the quota enforcer's rule is on the event bus ${show(bus)}; CloudWatch sends alarm changes only to the default bus`]);
    if (!isUnset(prop(r, "scheduleExpression"))) out.push(["scheduleExpression", "the quota enforcer's rule runs on a schedule: the component's rule matches only alarm state changes"]);
    const pattern = jsonValue(prop(r, "eventPattern"));
    if (!isUnknown(prop(r, "eventPattern")) && !sameJson(pattern, quotaAlarmEventPattern())) {
        out.push(["eventPattern", `the quota enforcer's rule matches ${show(prop(r, "eventPattern"))}; the component's pattern is ${JSON.stringify(quotaAlarmEventPattern())}, the state changes of every composite quota alarm and nothing else`]);
    }
    return out;
}

/** Tenant ids a value names as a composite quota alarm (`BedrockTenancyQuota-<id>`), JSON text included. */
function tenantsNamedIn(value: unknown, tenants: TenantIntent[]): string[] {
    const text = typeof value === "string" ? value : JSON.stringify(value) ?? "";
    const idChar = (c: string | undefined) => c !== undefined && ((c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c === "-");
    // A whole name only: customer-a's alarm name is the start of customer-ab's.
    const names = (name: string) => {
        for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) if (!idChar(text[at + name.length])) return true;
        return false;
    };
    return tenants.filter((t) => names(quotaAlarmName(t.tenantId))).map((t) => t.tenantId);
}
