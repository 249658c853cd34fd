/**
 * The token-quota path, from the profiles' metrics to the tenant role's
 * inline deny: each tenant's block and warning alarms over its own profiles
 * only, its one composite alarm named for it (the enforcer reads the tenant
 * from that name, and the alarm's current state from CloudWatch), and the enforcer's enabled
 * rule, unrewritten target and runnable function. A break anywhere blocks
 * another tenant, or never blocks this one.
 */
import { isQuotaEnforcerName, parseArn, QUOTA_ALARM_PREFIX, QUOTA_ENFORCER_ENV, QUOTA_ENFORCER_NAME, QUOTA_ENFORCER_TIMEOUT_SECONDS, QUOTA_MAX_EVENT_AGE_BOUNDS, QUOTA_PART_ALARM_PREFIX, quotaAlarmEventPattern, quotaAlarmName, QUOTA_RULE_NAME, tenantOfQuotaAlarm, isRecord, digitsValue } from "../contract";
import { actingRoleProblems, type Need } from "./acting-role";
import { enforcerSettingsProblems } from "./enforcer-settings";
import { warningDelivery } from "./quota-warnings";
import { expressionReachesBedrock, ownerByIdOrArn, wordsOf } from "./usage-outside-tenants";
import { buildAccountIam } from "./iam-graph";
import { readEnforcerIntents, type EnforcerIntent, type PlannedQuotaAlarm, type TenantIntent } from "./intent";
import { isUnknown, isUnset, lastPart, listUnder, objectProp, sameJson, show, textOf, type MeteringContext } from "./metering-values";
import { ancestorWhere, asText, isRecordedUnset, jsonValue, prop, settingsOutside, type StackResource } from "./pulumi-formats";
import { regionReading, resourceRegion, setsOwnRegion } from "./resource-region";

const CODE = "BT-OPS-QUOTA-WIRING";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";
const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const FUNCTION = "aws:lambda/function:Function";
const PERMISSION = "aws:lambda/permission:Permission";
const PROFILE = "aws:bedrock/inferenceProfile:InferenceProfile";
const DEFAULT_BUS = "default";
const TOKEN_METRICS = ["InputTokenCount", "OutputTokenCount"];
/** What the enforcer reads from each event; any of these on its target replaces the event CloudWatch sent. */
const INPUT_REWRITES = ["input", "inputPath", "inputTransformer"];
/**
 * How the component builds every quota alarm beyond its limit and window:
 * one breaching period trips it, and a period without tokens is no use.
 * More periods let a tenant run over for that long before it is blocked.
 */
const ALARM_SETTINGS: [string, unknown][] = [["evaluationPeriods", 1], ["datapointsToAlarm", 1], ["treatMissingData", "notBreaching"]];
/** The periods of the component's limits: a day, and the 7-day pace of a month. */
const LIMIT_PERIODS = [86_400, 604_800];

const hasQuota = (t: TenantIntent) => t.enforcerFunctionArn !== undefined;

/** EventBridge's retry policy for a target that sets none, which the component's enforcer target keeps. */
const EVENTBRIDGE_DEFAULT_RETRY = { attempts: 185, ageSeconds: 86_400 };

/** Why a target's retry policy gives up on an event sooner than EventBridge's default; undefined when it does not (or is unknown). */
function retryPolicyProblem(retry: unknown): string | undefined {
    if (isUnset(retry) || isUnknown(retry)) return undefined;
    if (!isRecord(retry)) return `sets a retry policy the proof cannot read (${show(retry).slice(0, 100)})`;
    const out: string[] = [];
    for (const [key, least] of [["maximumRetryAttempts", EVENTBRIDGE_DEFAULT_RETRY.attempts], ["maximumEventAgeInSeconds", EVENTBRIDGE_DEFAULT_RETRY.ageSeconds]] as const) {
        const value = retry[key];
        if (isUnset(value) || isUnknown(value)) continue;
        if (!((typeof value === "number" ? value : digitsValue(value)) >= least)) out.push(`sets retryPolicy.${key} to ${show(value)}`);
    }
    return out.length > 0 ? out.join(" and ") : undefined;
}

export function quotaWiring(ctx: MeteringContext): void {
    const profileIds = profileIdsOf(ctx);
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
            const criteria = prop(r, "evaluationCriteria");
            if (!isRecordedUnset(criteria) && !isUnknown(criteria)) {
                const named = profileTenantsNamedIn(profileIds, asText(criteria));
                ctx.flag(CODE, r, named[0] ?? "(ops account)", "evaluationCriteria", `is an alarm no tenant's component owns, evaluated by criteria the proof does not read (${show(criteria).slice(0, 200)}): a query of its own (PromQL) can select AWS/Bedrock token counts of any tenant's profiles, so any tenant's usage may reach whoever its actions notify`);
            }
            for (const expression of expressionsOf(r)) {
                const named = profileTenantsNamedIn(profileIds, expression);
                // One that names a tenant's profile selects by it, whatever namespace the proof can read in it.
                if (named.length === 0 && !expressionReachesBedrock(expression)) continue;
                ctx.flag(CODE, r, named[0] ?? "(ops account)", "metricQueries", `is an alarm no tenant's component owns whose expression ${show(expression.slice(0, 300))} selects metrics itself and can select AWS/Bedrock token counts${named.length > 0 ? ` of ${named.join(", ")}` : ""}: the proof cannot read which profiles it counts, so any tenant's usage may reach whoever its actions notify`);
            }
            continue;
        }
        if (!hasQuota(t)) {
            if (name?.startsWith(QUOTA_PART_ALARM_PREFIX) || modelIds(r).length > 0 || bedrockExpressions(r).length > 0) ctx.flag(CODE, r, t.tenantId, "name", `is a quota alarm of tenant ${t.tenantId}, which has no quota`);
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
        const region = resourceRegion(ctx.state, r);
        if (region !== undefined && region !== t.region) ctx.flag(CODE, r, t.tenantId, "region", `is tenant ${t.tenantId}'s composite quota alarm in ${region}; its block alarms and the quota enforcer's rule are in ${t.region}, so its state changes never reach the enforcer`);
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

const profilesOfState = new WeakMap<object, ProfileIds>();

/** Profile id → its tenant, read once per stack for every check that asks. */
export function profileOwners(ctx: MeteringContext): ReadonlyMap<string, TenantIntent> {
    return profileIdsOf(ctx).owner;
}

function profileIdsOf(ctx: MeteringContext): ProfileIds {
    let ids = profilesOfState.get(ctx.state);
    if (!ids) {
        ids = ownProfileIds(ctx);
        profilesOfState.set(ctx.state, ids);
    }
    return ids;
}

const ownerOfProfileId = (ids: ProfileIds, id: string) => ownerByIdOrArn(ids.owner, id);

interface Query {
    id?: string;
    metric?: Record<string, unknown>;
    expression?: string;
    returnData?: unknown;
    /** The query as recorded, every field. */
    raw: Record<string, unknown>;
}

function queries(r: StackResource): Query[] | undefined {
    const value = jsonValue(prop(r, "metricQueries"));
    if (!Array.isArray(value)) return undefined;
    return value.map((q) => (isRecord(q) ? { id: textOf(q.id), metric: isRecord(q.metric) ? q.metric : undefined, expression: textOf(q.expression), returnData: q.returnData, raw: q } : { raw: {} }));
}

/** The `ModelId` dimensions an alarm counts: of its single metric, and of each metric query. */
function modelIds(r: StackResource): string[] {
    return [objectProp(r, "dimensions"), ...(queries(r) ?? []).map((q) => q.metric?.dimensions)].flatMap((d) => (isRecord(d) && typeof d.ModelId === "string" ? [d.ModelId] : []));
}

/** The alarm's metric math expressions. */
function expressionsOf(r: StackResource): string[] {
    return (queries(r) ?? []).map((q) => q.expression).filter((e): e is string => e !== undefined);
}

/** The alarm's expressions that can select AWS/Bedrock metrics by themselves. */
function bedrockExpressions(r: StackResource): string[] {
    return expressionsOf(r).filter(expressionReachesBedrock);
}

/** The tenants whose profiles a text names, by id or ARN, each once. */
function profileTenantsNamedIn(ids: ProfileIds, text: string): string[] {
    return [...new Set(wordsOf(text).map((w) => ownerOfProfileId(ids, w)?.tenantId).filter((x) => x !== undefined))];
}

/**
 * The fields of a query the component writes (tokenQueries): a metric's
 * query, its MetricStat, and the one expression. Any other changes what
 * CloudWatch returns (a unit, another account, a period of its own), so
 * none is taken as harmless.
 */
const QUERY_FIELDS = new Set(["id", "returnData", "metric", "expression", "label"]);
const METRIC_FIELDS = new Set(["namespace", "metricName", "dimensions", "period", "stat"]);


/** `[query id, fields]` for each query setting fields the component's quota alarms never set. */
function unwrittenQueryFields(qs: Query[]): [string, string[]][] {
    const out: [string, string[]][] = [];
    for (const q of qs) {
        const extra = Object.entries(q.raw).filter(([k, v]) => !QUERY_FIELDS.has(k) && !isRecordedUnset(v)).map(([k]) => k);
        extra.push(...Object.entries(q.metric ?? {}).filter(([k, v]) => !METRIC_FIELDS.has(k) && !isRecordedUnset(v)).map(([k]) => `metric.${k}`));
        if (extra.length > 0) out.push([show(q.id), extra]);
    }
    return out;
}

/**
 * The alarm settings a quota alarm may hold: those read here (the metric
 * fields of the single-metric form, refused above; the queries, comparison,
 * evaluation and threshold), what AWS reports beside them, and its
 * description, actions and tags. Any other can change when it changes state.
 */
const PART_ALARM_FIELDS: ReadonlySet<string> = new Set([
    "name", "namePrefix", "alarmDescription", "metricName", "namespace", "dimensions", "extendedStatistic", "statistic", "unit", "period",
    "metricQueries", "comparisonOperator", "evaluationPeriods", "datapointsToAlarm", "treatMissingData", "threshold", "region",
    "alarmActions", "okActions", "insufficientDataActions", "actionsEnabled", "tags", "tagsAll", "arn", "id", "urn", "evaluateLowSampleCountPercentiles",
]);

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
    for (const key of ["metricName", "namespace", "dimensions", "extendedStatistic", "statistic", "unit", "period"]) {
        if (!isRecordedUnset(prop(r, key))) flag(key, `sets ${key}: the component's quota alarms count only through metricQueries over the tenant's own profiles`);
    }
    for (const [key, value] of settingsOutside(r, PART_ALARM_FIELDS)) {
        if (key.startsWith("__") || isUnknown(value)) continue;
        flag(key, `sets ${key} (${show(value).slice(0, 200)}), which the component's quota alarms never set: what it does to when the alarm changes state is not read by the proof (a warm-up, say, holds the alarm in INSUFFICIENT_DATA, so the quota never blocks)`);
    }
    const qs = queries(r);
    if (!qs) {
        flag("metricQueries", `has no metric queries the proof can read (${show(prop(r, "metricQueries"))})`);
        return;
    }
    const unwritten = unwrittenQueryFields(qs).map(([at, fields]) => `${at} sets ${fields.join(", ")}`);
    if (unwritten.length > 0) flag("metricQueries", `has queries setting fields the component's quota alarms never set (${unwritten.join("; ")}): what CloudWatch returns for them is no longer the tenant's token count (a unit other than the one Bedrock reports in gives no data, as CloudWatch converts no units, so the sum stays 0 and the quota never trips)`);
    const metrics = qs.filter((q) => q.metric !== undefined);
    const counted = new Set<string>();
    for (const q of metrics) {
        const m = q.metric!;
        const d = isRecord(m.dimensions) ? m.dimensions : {};
        const id = d.ModelId;
        const shapeOk = m.namespace === "AWS/Bedrock" && TOKEN_METRICS.includes(asText(m.metricName)) && m.stat === "Sum" && Object.keys(d).length === 1 && typeof id === "string" && q.returnData === false;
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
    for (const [key, value] of ALARM_SETTINGS) {
        const v = prop(r, key);
        // Unset, CloudWatch takes datapointsToAlarm to be evaluationPeriods.
        if (isUnknown(v) || v === value || (key === "datapointsToAlarm" && v === undefined)) continue;
        flag(key, `has ${key} ${show(v)}; the component's quota alarm has ${show(value)}, so that one period over the limit blocks the tenant`);
    }
    const threshold = prop(r, "threshold");
    if (planned && !isUnknown(threshold) && threshold !== planned.threshold) flag("threshold", `has the threshold ${show(threshold)}; tenant ${t.tenantId}'s quota sets ${planned.threshold} tokens per ${planned.period} s for this alarm, so use past its limit never trips it`);
    const periods = [...new Set(metrics.map((q) => q.metric!.period))];
    const period = planned?.period;
    const periodOk = periods.every((p) => isUnknown(p) || (period !== undefined ? p === period : LIMIT_PERIODS.includes(p as number))) && (period === undefined || periods.length <= 1);
    if (!periodOk || periods.length > 1) flag("metricQueries", `sums its token counts over periods of ${show(periods)} s; the component's alarm sums every count over ${period !== undefined ? `${period} s, the window of this limit` : `one period of ${LIMIT_PERIODS.join(" or ")} s`}, so the limit holds over the window the tenant was given`);
    const region = resourceRegion(ctx.state, r);
    if (region !== undefined && region !== t.region) flag("region", `is in ${region}; tenant ${t.tenantId}'s profiles, whose token counts it sums, and its composite alarm are in ${t.region}, so it never sees a token`);
    if (planned ? !planned.block : name?.endsWith("-warning")) warningDelivery(ctx, r, t);
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

/** The enforcer's function, the targets that invoke it, the rules behind them, the permission that lets them, and its role. */
function enforcer(ctx: MeteringContext): void {
    const quotaTenants = ctx.tenants.filter(hasQuota);
    const functions = ctx.ofType(FUNCTION);
    const rules = ctx.ofType(EVENT_RULE);
    const fnArn = (f: StackResource) => textOf(prop(f, "arn"));
    const isFunction = (f: StackResource, arn: string) => {
        if (fnArn(f) === arn) return true;
        const parsed = parseArn(arn);
        const region = resourceRegion(ctx.state, f);
        // An own Region the file does not know could be any: the ARN is not taken to name it. Where only the provider or configuration leaves it unsaid, it is not compared, like every Region of this check.
        const inRegion = region !== undefined ? region === parsed?.region : !setsOwnRegion(f);
        return parsed?.service === "lambda" && parsed.account === ctx.account && lastPart(parsed.resource, ":") === textOf(prop(f, "name")) && inRegion;
    };
    const fnRegion = (f: StackResource) => resourceRegion(ctx.state, f) ?? parseArn(fnArn(f) ?? "")?.region;
    const enforcers = new Set(functions.filter((f) => ctx.underEnforcer(f)));
    const servedBy = new Map<StackResource, TenantIntent[]>();
    for (const t of quotaTenants) {
        const arn = t.enforcerFunctionArn!;
        if (isUnknown(arn)) {
            for (const f of enforcers) listUnder(servedBy, f, t);
            continue;
        }
        const matched = functions.filter((f) => isFunction(f, arn));
        if (matched.length === 0) ctx.flag(CODE, t, t.tenantId, "enforcerFunctionArn", `tenant ${t.tenantId}'s quota names the enforcer ${arn}, which is not in the files: no function of the stack blocks the tenant when its quota alarm fires`);
        matched.forEach((f) => {
            enforcers.add(f);
            listUnder(servedBy, f, t);
        });
    }
    const intents = enforcerIntents(ctx);
    for (const f of enforcers) {
        const reserved = prop(f, "reservedConcurrentExecutions");
        if (reserved !== 1 && !isUnknown(reserved)) ctx.flag(CODE, f, "(ops account)", "reservedConcurrentExecutions", `the quota enforcer reserves ${show(reserved)} concurrent executions; the component reserves exactly 1: 0 throttles every alarm change (no tenant is ever blocked or unblocked), more lets two writers race on one tenant's role`);
        const timeout = prop(f, "timeout");
        if (timeout !== QUOTA_ENFORCER_TIMEOUT_SECONDS && !isUnknown(timeout)) ctx.flag(CODE, f, "(ops account)", "timeout", `the quota enforcer's timeout is ${show(timeout)} s; the component's is ${QUOTA_ENFORCER_TIMEOUT_SECONDS} s, which a cold start, the alarm read and the role write fit in: shorter, the enforcer is cut off before it blocks`);
        for (const [key, why] of enforcerSettingsProblems(f)) ctx.flag(CODE, f, "(ops account)", key, why);
        const intent = intents(f);
        const env = objectProp(f, "environment")?.variables;
        const age = isRecord(env) ? env[QUOTA_ENFORCER_ENV.maxEventAgeSeconds] : undefined;
        const seconds = digitsValue(age);
        const { min, max } = QUOTA_MAX_EVENT_AGE_BOUNDS;
        if (!isUnknown(age) && (intent?.maxEventAgeSeconds !== undefined ? seconds !== intent.maxEventAgeSeconds : !(seconds >= min && seconds <= max))) {
            const asked = intent?.maxEventAgeSeconds !== undefined ? `its QuotaEnforcer sets ${intent.maxEventAgeSeconds}` : `the component sets whole seconds from ${min} to ${max}`;
            ctx.flag(CODE, f, "(ops account)", "environment", `the quota enforcer's ${QUOTA_ENFORCER_ENV.maxEventAgeSeconds} is ${show(age)}; ${asked}: one that is not a whole number of seconds above 0 stops the enforcer from starting (every alarm change then fails, and no tenant is blocked), any other changes which events it reports as late`);
        }
        const region = fnRegion(f);
        if (intent?.region !== undefined && region !== undefined && region !== intent.region) ctx.flag(CODE, f, "(ops account)", "region", `the quota enforcer's function is in ${region}; its QuotaEnforcer builds it in ${intent.region}, with its rule and the tenants' alarms`);
        for (const t of servedBy.get(f) ?? []) {
            if (region !== undefined && region !== t.region) ctx.flag(CODE, f, t.tenantId, "region", `the quota enforcer of tenant ${t.tenantId} is in ${region}; the tenant's composite quota alarm is in ${t.region}, whose state changes reach only rules and functions of that Region`);
        }
        // A recorded role name is the component's only as one of the names it gives (no shard name, or a valid one).
        const ownRole = intent?.roleName ?? QUOTA_ENFORCER_NAME;
        if (!isQuotaEnforcerName(ownRole)) {
            ctx.flag(CODE, f, "(ops account)", "role", `its QuotaEnforcer records the role ${show(ownRole)}, which is none of the names the component gives its enforcer (${QUOTA_ENFORCER_NAME}, or ${QUOTA_ENFORCER_NAME}-<shardName>)`);
        } else {
            enforcerRole(ctx, f, servedBy.get(f) ?? [], ownRole);
        }
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
        const retryWhy = retryPolicyProblem(prop(target, "retryPolicy"));
        if (retryWhy !== undefined) ctx.flag(CODE, target, "(ops account)", "retryPolicy", `the quota enforcer's event target ${retryWhy}; the component leaves EventBridge's default (${EVENTBRIDGE_DEFAULT_RETRY.attempts} retries over ${EVENTBRIDGE_DEFAULT_RETRY.ageSeconds} s): a delivery throttled or failed past it drops the alarm's state change, and the tenant it should block goes on calling past its quota`);
        const bus = prop(target, "eventBusName");
        if (!isDefaultBus(bus, ctx.account)) {
            ctx.flag(CODE, target, "(ops account)", "eventBusName", `the quota enforcer's event target is on the event bus ${show(bus)}: a target belongs to the rule of its name on its own bus, and CloudWatch sends alarm changes only to the default bus, whose rule then hands them to no one, so no quota ever blocks`);
            continue;
        }
        const ruleName = textOf(prop(target, "rule"));
        const rule = rules.find((r) => ruleName !== undefined && (textOf(prop(r, "name")) === ruleName || r.id === ruleName));
        if (!rule) {
            if (!isUnknown(ruleName)) ctx.flag(CODE, target, "(ops account)", "rule", `the quota enforcer's event target hangs on the rule ${show(ruleName)}, which is not in the files: what it hands the enforcer cannot be proved`);
            continue;
        }
        enforcerRules.add(rule);
        const region = fnRegion(fn);
        let apart = false;
        for (const [r, what] of [[target, "event target"], [rule, "rule"]] as const) {
            const at = resourceRegion(ctx.state, r);
            if (at === undefined || region === undefined || at === region) continue;
            apart = true;
            ctx.flag(CODE, r, "(ops account)", "region", `the quota enforcer's ${what} is in ${at} and its function in ${region}: EventBridge invokes a function of its own Region only, and alarm state changes reach rules of the alarms' Region only`);
        }
        const invokable = invokePermission(ctx, fn, rule, region);
        if (!invokable) ctx.flag(CODE, target, "(ops account)", "-", `no Lambda permission lets events.amazonaws.com invoke the quota enforcer (lambda:InvokeFunction) from the rule ${show(textOf(prop(rule, "name")))}: every alarm change the rule hands over is refused, so no quota ever blocks`);
        if (!rewritten && !apart && invokable && ruleProblems(rule, ctx.account).length === 0) fed.add(fn);
    }
    for (const r of rules) if (textOf(prop(r, "name")) === QUOTA_RULE_NAME) enforcerRules.add(r);
    for (const r of enforcerRules) for (const [key, why] of ruleProblems(r, ctx.account)) ctx.flag(CODE, r, "(ops account)", key, why);
    if (quotaTenants.length === 0) return;
    for (const f of enforcers) {
        if (!fed.has(f)) ctx.flag(CODE, f, "(ops account)", "-", `no enabled rule of the component's pattern, in the function's Region and allowed to invoke it, hands composite quota alarm changes to the quota enforcer unchanged: the quotas of ${quotaTenants.map((t) => t.tenantId).join(", ")} never block`);
    }
}

/** The `QuotaEnforcer` that owns a function, as its outputs ask; undefined for another function or an older component. */
function enforcerIntents(ctx: MeteringContext): (f: StackResource) => EnforcerIntent | undefined {
    const intents = new Map(readEnforcerIntents(ctx.state).map((i) => [i.urn, i]));
    return (f) => {
        const owner = ancestorWhere(ctx.state, f, (at) => intents.has(at.urn));
        return owner && intents.get(owner.urn);
    };
}

/**
 * Whether a permission is in the function's Region, as Lambda keeps a
 * function's resource policy: a function of one name in another Region is
 * another function. Both Regions known and equal, or neither set by the
 * file (both then go where the deployer's environment says); a Region set
 * but not known, or set on one side only, cannot be shown the same.
 */
function inFunctionRegion(ctx: MeteringContext, p: StackResource, fn: StackResource, region: string | undefined): boolean {
    const at = regionReading(ctx.state, p);
    if (at.region !== undefined) return at.region === region;
    return !at.said && !regionReading(ctx.state, fn).said;
}

/** A permission on the function for EventBridge, from exactly this rule: without one, every invocation the rule makes is refused. */
function invokePermission(ctx: MeteringContext, fn: StackResource, rule: StackResource, region: string | undefined): boolean {
    const ruleName = textOf(prop(rule, "name"));
    const ruleRegion = resourceRegion(ctx.state, rule) ?? region;
    const ruleArns = [textOf(prop(rule, "arn")), ruleName !== undefined && ruleRegion !== undefined ? `arn:aws:events:${ruleRegion}:${ctx.account}:rule/${ruleName}` : undefined].filter((x) => x !== undefined);
    const fnRefs = [textOf(prop(fn, "name")), textOf(prop(fn, "arn"))].filter((x) => x !== undefined);
    const known = (v: unknown, ok: (x: unknown) => boolean) => isUnknown(v) || ok(v);
    return ctx.ofType(PERMISSION).some((p) => {
        return known(prop(p, "function"), (v) => fnRefs.includes(v as string))
            && known(prop(p, "action"), (v) => v === "lambda:InvokeFunction")
            && known(prop(p, "principal"), (v) => v === "events.amazonaws.com")
            && known(prop(p, "sourceArn"), (v) => ruleArns.includes(v as string))
            && isUnset(prop(p, "qualifier"))
            // Each of these narrows who may invoke: an organization or an event source token EventBridge never
            // carries, a function URL's auth type, another account as the source. Any refuses the rule's invocations.
            && isUnset(prop(p, "principalOrgId"))
            && isUnset(prop(p, "eventSourceToken"))
            && isUnset(prop(p, "functionUrlAuthType"))
            && known(prop(p, "sourceAccount"), (v) => isUnset(v) || v === ctx.account)
            && inFunctionRegion(ctx, p, fn, region);
    });
}

/**
 * The role the enforcer runs as is its QuotaEnforcer's, assumable by Lambda
 * only, and may still write the block on each tenant role it serves and read
 * each tenant's composite alarm.
 */
function enforcerRole(ctx: MeteringContext, f: StackResource, tenants: TenantIntent[], ownRole: string): void {
    const role = prop(f, "role");
    if (isUnknown(role)) return;
    const parsed = typeof role === "string" ? parseArn(role) : undefined;
    const name = parsed?.service === "iam" && parsed.resource.startsWith("role/") ? parsed.resource.slice("role/".length) : undefined;
    if (name !== ownRole || parsed?.account !== ctx.account) {
        ctx.flag(CODE, f, "(ops account)", "role", `the quota enforcer runs as ${show(role)}; the component runs it as its own role ${ownRole}, the one that may block and unblock tenant roles`);
        return;
    }
    const needs: Need[] = tenants.flatMap((t) => [
        ...["iam:PutRolePolicy", "iam:DeleteRolePolicy"].map((action) => ({ action, resource: t.roleArn })),
        { action: "cloudwatch:DescribeAlarms", resource: `arn:aws:cloudwatch:${t.region}:${ctx.account}:alarm:${quotaAlarmName(t.tenantId)}` },
    ]);
    for (const why of actingRoleProblems(accountIam(ctx), name, "lambda.amazonaws.com", needs)) {
        const blocked = tenants.filter((t) => why.includes(t.roleArn) || why.includes(`:alarm:${quotaAlarmName(t.tenantId)}`));
        ctx.flag(CODE, f, blocked[0]?.tenantId ?? "(ops account)", "role", `the quota enforcer cannot act: ${why}; ${blocked.length > 0 ? `the quotas of ${blocked.map((t) => t.tenantId).join(", ")}` : "no quota"} ${blocked.length > 0 ? "never block" : "ever blocks"}`);
    }
}

const iamOfState = new WeakMap<object, ReturnType<typeof buildAccountIam>>();

/** The stack's IAM, built once for both enforcement paths. */
export function accountIam(ctx: MeteringContext): ReturnType<typeof buildAccountIam> {
    let iam = iamOfState.get(ctx.state);
    if (!iam) {
        iam = buildAccountIam(ctx.state, ctx.account);
        iamOfState.set(ctx.state, iam);
    }
    return iam;
}

/** The default event bus, by its name or its ARN in the stack's account; unset means it too, and an unknown value is the unknowns check's. */
function isDefaultBus(bus: unknown, account: string): boolean {
    if (isUnset(bus) || isUnknown(bus) || bus === DEFAULT_BUS) return true;
    const arn = typeof bus === "string" ? parseArn(bus) : undefined;
    return arn?.service === "events" && arn.account === account && arn.resource === `event-bus/${DEFAULT_BUS}`;
}

/** Why the rule is not the enforcer's: disabled, on another bus, or matching other events than the composite alarms' state changes. */
function ruleProblems(r: StackResource, account: string): [string, string][] {
    const out: [string, string][] = [];
    const state = prop(r, "state");
    if (!isUnset(state) && state !== "ENABLED" && !isUnknown(state)) out.push(["state", `the quota enforcer's rule is ${show(state)}: no alarm change reaches the enforcer, so no quota ever blocks`]);
    const enabled = prop(r, "isEnabled");
    if (enabled !== undefined && enabled !== null && enabled !== true && !isUnknown(enabled)) out.push(["isEnabled", `the quota enforcer's rule has isEnabled ${show(enabled)}: no alarm change reaches the enforcer, so no quota ever blocks`]);
    const bus = prop(r, "eventBusName");
    if (!isDefaultBus(bus, account)) out.push(["eventBusName", `the quota enforcer's rule is on the event bus ${show(bus)}; CloudWatch sends alarm changes only to the default bus`]);
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
