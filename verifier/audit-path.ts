/**
 * Whether the audit path the component builds can work at all. The runtime
 * calls Bedrock whether or not its records land (in best-effort mode it does
 * not wait for them, and in Lambda its records are its log output, which
 * Lambda writes with the runtime role's own rights), so a trail that cannot
 * be written is as silent as one that was deleted: the runtime must be able
 * to write the audit log group and its archive prefix, CloudWatch Logs must
 * be able to use the key for the audit log group, nothing may rewrite or
 * mask the records (see audit-rewriters.ts), and the component's metrics must be fed by its
 * own filters and watched by its own alarm.
 *
 * Deny statements are read structurally: one whose action, principal and
 * resource could reach a write of the path is a finding unless one of its
 * conditions can be shown false for that write, from what the write is known
 * to carry (the runtime's role, its account and Region, the archive's key,
 * TLS).
 */
import { archiveTenantPrefix, AuditMetric, auditMetricFilters, isLogsServicePrincipal, logsServicePrincipal, parseArn, parsePolicy, s3ServiceHost, type PolicyStatement } from "../contract";
import { endpointPolicies } from "./audit-endpoints";
import { auditRewriters } from "./audit-rewriters";
import { allows, denies, mayAllowOnKey, type Actor, type Write } from "./audit-statements";
import { blocksOf, LOGS_KEY_TIES, managed, mapOf, tiedToAccount } from "./account-egress";
import type { CustomerContext } from "./customer-account";
import { auditLogGroupName, componentRegion } from "./customer-audit";
import { violation, type Code, type Violation } from "./findings";
import { roleOfStack, runtimeRoleArns, sameRole } from "./runtime-roles";
import { throttleAlarmSilencers } from "./throttle-alarm";
import { asNumber, asText, prop, textProp, UNKNOWN_VALUE, staysInStack, type StackResource, type StackState } from "./pulumi-formats";
import { resourceRegion } from "./resource-region";

type Flag = (code: Code, r: StackResource, statement: string, why: string) => void;

const KEY_TYPE = "aws:kms/key:Key";
const KEY_POLICY_TYPE = "aws:kms/keyPolicy:KeyPolicy";
const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";
const BUCKET_POLICY_TYPES = ["aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const METRIC_FILTER_TYPE = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
const ALARM_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm";
const CODE: Code = "BT-CUSTOMER-AUDIT-REMOVAL";

/** What CloudWatch Logs does with the key to store and serve the audit log group's records. */
const LOGS_KEY_USE = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"];
/** Every key action CloudWatch Logs' use of the key could need: a Deny of any of them can break storing or reading. */
const LOGS_KEY_ACTIONS = [...LOGS_KEY_USE, "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"];

const known = (v: unknown): v is string => typeof v === "string" && v !== "" && v !== UNKNOWN_VALUE;

export function auditPathViolations(ctx: CustomerContext): Violation[] {
    const out: Violation[] = [];
    const { state, customer } = ctx;
    const flag: Flag = (code, r, statement, why) => out.push(violation(code, { tenant: customer.tenantId, stack: state.stack, resource: r.name, urn: r.urn }, statement, why));
    const region = componentRegion(ctx);
    const groupName = auditLogGroupName(ctx);
    const component = state.resources.find((r) => r.urn === customer.urn);
    if (!component || groupName === undefined || region === undefined) return out;
    const account = parseArn(customer.logGroupArn)?.account ?? ctx.account;
    const groupArn = customer.logGroupArn.endsWith(":*") ? customer.logGroupArn.slice(0, -2) : customer.logGroupArn;
    const bucket = component.outputs.archiveBucketName;
    const archive = known(bucket) ? bucket : undefined;

    // The role the tenant's ops role trusts is the one that calls Bedrock, whichever role the component names; its ARN as the stack holds it, path and all.
    const trusted = runtimeRoleArns(ctx)[0];
    const held = roleOfStack(ctx.iam, trusted)?.arn;
    const runtimeRole = held !== undefined && sameRole(held, trusted) ? held : trusted;
    const runtime: Actor = {
        aws: runtimeRole,
        account,
        context: new Map([
            ["aws:principalarn", [runtimeRole]],
            ["aws:principalaccount", [account]],
            ["aws:principaltype", ["AssumedRole"]],
            ["aws:securetransport", ["true"]],
            ["aws:requestedregion", [region]],
            ["kms:calleraccount", [account]],
            ["kms:viaservice", [s3ServiceHost(region)]],
            ["s3:x-amz-server-side-encryption", ["aws:kms"]],
            ["s3:x-amz-server-side-encryption-aws-kms-key-id", [customer.kmsKeyArn]],
        ]),
    };
    const logsService: Actor = {
        service: logsServicePrincipal(region),
        account,
        context: new Map([
            ["kms:encryptioncontext:aws:logs:arn", [groupArn]],
            ["kms:calleraccount", [account]],
            ["aws:securetransport", ["true"]],
        ]),
    };
    const streams = `${groupArn}:log-stream:`;
    const writes: Write[] = [{ what: `write its records to the audit log group ${groupName}`, actions: ["logs:CreateLogStream", "logs:PutLogEvents"], sample: `${streams}2025/01/01/[$LATEST]0123456789abcdef`, under: streams, actor: runtime }];
    const objects = archive && `arn:aws:s3:::${archive}/${archiveTenantPrefix(customer.tenantId)}`;
    if (objects) {
        writes.push({ what: `archive its records under ${objects}`, actions: ["s3:PutObject"], sample: `${objects}date=2025-01-01/x.json`, under: objects, actor: runtime });
        if (known(customer.kmsKeyArn)) writes.push({ what: `encrypt its archive objects with the audit key ${customer.kmsKeyArn}`, actions: ["kms:GenerateDataKey"], sample: customer.kmsKeyArn, under: customer.kmsKeyArn, actor: runtime });
    }

    runtimeIdentity(ctx, writes, flag);
    const puts = writes.filter((w) => w.actions.includes("s3:PutObject"));
    if (objects) archivePolicies(ctx, archive, puts, flag);
    endpointPolicies(ctx, { logs: writes.filter((w) => w.actions.includes("logs:PutLogEvents")), s3: puts }, flag);
    keyPolicies(ctx, groupName, logsService, writes.filter((w) => w.actions.includes("kms:GenerateDataKey")), flag);
    auditRewriters(ctx, groupName, region, flag);
    metrics(ctx, component, groupName, region, flag);
    return out;
}

/** The runtime role's identity policies and boundary must allow every write, and deny none. */
function runtimeIdentity(ctx: CustomerContext, writes: Write[], flag: Flag): void {
    const p = roleOfStack(ctx.iam, runtimeRoleArns(ctx)[0]);
    // With an existing role the role is not in the files: only its policies of the stack are.
    if (!p) return;
    const docs = p.policies.filter((s) => s.document !== undefined).map((s) => ({ source: s, parsed: parsePolicy(s.document) }));
    for (const { source, parsed } of docs) {
        if ("problem" in parsed) continue;
        for (const s of parsed.statements) for (const w of writes) denies(s, w, "identity", (why) => flag(CODE, source.resource, s.label, `denies the runtime role ${p.name} ${why}`));
    }
    // A policy not in the files is the egress check's finding already; what it allows cannot be counted on.
    if (p.policies.some((s) => s.document === undefined)) return;
    for (const w of writes) {
        if (!docs.some(({ parsed }) => !("problem" in parsed) && parsed.statements.some((s) => allows(s, w, "identity")))) {
            flag(CODE, p.resource, "policies", `no policy of the runtime role ${p.name} allows it to ${w.what} (${w.actions.join(", ")}): the runtime goes on calling Bedrock while its records are refused`);
        }
    }
    if (p.boundaryArn === undefined) return;
    const boundary = ctx.iam.policies.get(p.boundaryArn.toLowerCase());
    const parsed = boundary ? parsePolicy(prop(boundary, "policy")) : undefined;
    if (!boundary || !parsed || "problem" in parsed) {
        flag(CODE, p.resource, "permissionsBoundary", `has the permissions boundary ${p.boundaryArn}, ${boundary ? "whose document the proof cannot read" : "which is not in the files"}: whether the runtime may still write its records cannot be proved`);
        return;
    }
    for (const s of parsed.statements) for (const w of writes) denies(s, w, "identity", (why) => flag(CODE, boundary, s.label, `denies the runtime role ${p.name}, as its permissions boundary, ${why}`));
    for (const w of writes) {
        if (!parsed.statements.some((s) => allows(s, w, "identity"))) flag(CODE, p.resource, "permissionsBoundary", `has the permissions boundary ${p.boundaryArn}, which does not allow it to ${w.what} (${w.actions.join(", ")}): the runtime goes on calling Bedrock while its records are refused`);
    }
}

/** The archive's bucket policies must let the runtime put its objects. */
function archivePolicies(ctx: CustomerContext, bucket: string, writes: Write[], flag: Flag): void {
    const { state } = ctx;
    for (const r of managed(state).filter((x) => BUCKET_POLICY_TYPES.includes(x.type) && staysInStack(x) && textProp(x, "bucket") === bucket)) {
        const parsed = parsePolicy(prop(r, "policy"));
        if ("problem" in parsed) continue;
        for (const s of parsed.statements) for (const w of writes) denies(s, w, "resource", (why) => flag(CODE, r, s.label, `denies the runtime role ${why}`));
    }
}

/** The audit key's policy must let CloudWatch Logs use it for the audit log group, and the runtime for its archive, and deny neither. */
function keyPolicies(ctx: CustomerContext, groupName: string, logs: Actor, writes: Write[], flag: Flag): void {
    const { state, customer } = ctx;
    const own = managed(state);
    const groupKeys = new Set(own.filter((g) => g.type === LOG_GROUP_TYPE && prop(g, "name") === groupName && staysInStack(g)).map((g) => prop(g, "kmsKeyId")).filter(known));
    const keys = own.filter((k) => k.type === KEY_TYPE && staysInStack(k) && (k.parent === customer.urn || (known(prop(k, "arn")) && (prop(k, "arn") === customer.kmsKeyArn || groupKeys.has(prop(k, "arn") as string)))));
    const names = new Set(keys.flatMap((k) => [prop(k, "arn"), prop(k, "keyId"), k.id]).filter(known));
    const sources = [...keys, ...own.filter((p) => p.type === KEY_POLICY_TYPE && staysInStack(p) && known(prop(p, "keyId")) && names.has(prop(p, "keyId") as string))];
    const logsUse: Write = { what: `use the key for the audit log group ${groupName}`, actions: LOGS_KEY_ACTIONS, sample: "*", under: "", actor: logs };
    for (const r of sources) {
        const policy = prop(r, "policy");
        if (policy === undefined || policy === null || policy === "" || policy === UNKNOWN_VALUE) continue;
        const parsed = parsePolicy(policy);
        // An unreadable key policy is the key checks' finding already.
        if ("problem" in parsed) continue;
        const spellings = logsSpellings(parsed.statements, logs);
        for (const s of parsed.statements) {
            // One finding a statement, for the first name of the service it denies.
            for (const actor of spellings) {
                const found: string[] = [];
                denies(s, { ...logsUse, actor }, "key", (why) => found.push(why));
                if (found.length === 0) continue;
                flag("BT-CUSTOMER-KEY", r, s.label, `denies CloudWatch Logs (${actor.service}) ${found[0]}: the audit log group can no longer be written or read, and the runtime goes on calling Bedrock`);
                break;
            }
            for (const w of writes) denies(s, w, "key", (why) => flag("BT-CUSTOMER-KEY", r, s.label, `denies the runtime role ${why}`));
        }
        for (const action of LOGS_KEY_USE) {
            if (!parsed.statements.some((s) => allows(s, { ...logsUse, actions: [action] }, "key"))) {
                flag("BT-CUSTOMER-KEY", r, "policy", `does not allow CloudWatch Logs (${logs.service}) ${action} for the audit log group ${groupName} (held to it by kms:EncryptionContext:aws:logs:arn): the group's records cannot be stored or read, while the runtime goes on calling Bedrock`);
            }
        }
        for (const w of writes) if (!parsed.statements.some((s) => allows(s, w, "key"))) flag("BT-CUSTOMER-KEY", r, "policy", `does not let the runtime role (or the account, for IAM to decide) ${w.what}: archive objects cannot be encrypted, while the runtime goes on calling Bedrock`);
        foreignLogGroupUse(parsed.statements, spellings, logsUse, groupName, r, flag);
    }
}

/**
 * CloudWatch Logs as each name the policy gives it: the component's
 * Regional one, and any other spelling of the service (the global
 * `logs.amazonaws.com`, another Region's) a statement names. Which one KMS
 * sees is not in the files, so every one is held to the same rules.
 */
function logsSpellings(statements: readonly PolicyStatement[], logs: Actor): Actor[] {
    const named = statements.flatMap((s) => [...(s.principals?.Service ?? []), ...(s.notPrincipals?.Service ?? [])]).filter(isLogsServicePrincipal);
    return [...new Set([logs.service!, ...named])].map((service) => ({ ...logs, service }));
}

/** Condition keys a statement could hold CloudWatch Logs' use of the key to one account's log groups by. */
const ACCOUNT_KEYS = ["kms:encryptioncontext:aws:logs:arn", "aws:sourcearn", "aws:sourceaccount", "kms:calleraccount"];
/** An account that is no tenant's, for a policy that lets every account's log groups in. */
const ANY_OTHER_ACCOUNT = "000000000000";

/**
 * The audit key is the customer's: CloudWatch Logs may use it for the
 * customer's own log groups only. A statement letting it in for another
 * account's log group (the ops account's among them) lets that account
 * encrypt and read its own groups with the customer's key, out of the
 * customer's sight. Tried for an account of no one's, and for every account
 * the statements' own conditions name or admit.
 */
function foreignLogGroupUse(statements: readonly PolicyStatement[], spellings: readonly Actor[], logsUse: Write, groupName: string, r: StackResource, flag: Flag): void {
    const own = logsUse.actor.account;
    const region = parseArn(logsUse.actor.context.get("kms:encryptioncontext:aws:logs:arn")?.[0] ?? "")?.region ?? "";
    const samples = new Map<string, string>();
    const add = (account: string, arn = `arn:aws:logs:${region}:${account}:log-group:${groupName}`) => {
        if (account !== own && !samples.has(arn)) samples.set(arn, account);
    };
    add(ANY_OTHER_ACCOUNT);
    for (const s of statements) {
        for (const c of s.conditions) {
            if (!ACCOUNT_KEYS.includes(c.key)) continue;
            for (const v of c.values) {
                // The pattern's own instance: its wildcards filled with zeros.
                const instance = [...v].map((ch) => (ch === "*" || ch === "?" ? "0" : ch)).join("");
                if (instance.startsWith("arn:")) add(instance.split(":")[4] ?? "", instance);
                else add(instance);
            }
        }
    }
    const requests = [...samples].flatMap(([arn, account]) => spellings.map((as): [string, Actor] => [arn, {
        service: as.service,
        account,
        context: new Map([
            ["kms:encryptioncontext:aws:logs:arn", [arn]],
            ["aws:sourcearn", [arn]],
            ["aws:sourceaccount", [account]],
            ["kms:calleraccount", [account]],
            ["aws:securetransport", ["true"]],
        ]),
    }]));
    for (const s of statements) {
        // A statement naming the service with no condition tying it to the account is the key checks' finding already (account-checks.ts).
        if (!tiedToAccount(s, own, NO_BUCKETS, LOGS_KEY_TIES) && (s.principals?.Service ?? []).some(isLogsServicePrincipal)) continue;
        for (const [arn, actor] of requests) {
            const granted = mayAllowOnKey(s, { ...logsUse, actor, actions: LOGS_KEY_USE });
            if (granted.length === 0) continue;
            flag("BT-CUSTOMER-KEY", r, s.label, `could let CloudWatch Logs (${actor.service}) ${granted.join(", ")} with the audit key for ${arn}, a log group of account ${actor.account}: the customer's key would encrypt and open another account's logs; the component holds it to the audit log group ${groupName} alone`);
            break;
        }
    }
}

const NO_BUCKETS: ReadonlySet<string> = new Set();

/** A metric filter's transformation block, or nothing when it holds other than one. */
function transformationOf(r: StackResource): Record<string, unknown> | undefined {
    const t = blocksOf(prop(r, "metricTransformation"));
    return "blocks" in t && t.blocks.length === 1 ? t.blocks[0] : undefined;
}

const sameNumber = (a: unknown, b: string | undefined) => (b === undefined ? a === undefined || a === null || a === "" : asNumber(a) === Number(b));

/**
 * The component's metrics are its filters' alone, and its filters and
 * throttle alarm stay as it builds them: another filter publishing one of
 * its metrics (a constant -1000000 per record into ThrottledCalls) would keep
 * the alarm from ever firing, and a missing filter or alarm watches nothing.
 */
function metrics(ctx: CustomerContext, component: StackResource, groupName: string, region: string, flag: Flag): void {
    const { state, customer } = ctx;
    const filters = state.resources.filter((r) => r.type === METRIC_FILTER_TYPE && r.custom && staysInStack(r));
    const alarms = state.resources.filter((r) => r.type === ALARM_TYPE && r.custom && staysInStack(r));
    const expected = auditMetricFilters();
    // The namespace the component was asked for is not an output: its own filters and alarm say it. A plan that records
    // every resource under the stack (a plan under mocks) says it by the filters and the alarm the component names.
    const children = [...filters, ...alarms].filter((r) => r.parent === customer.urn);
    const built = children.length > 0 ? children : [
        ...filters.filter((r) => prop(r, "logGroupName") === groupName && expected.some((f) => prop(r, "pattern") === f.pattern && transformationOf(r)?.name === f.metricName && transformationOf(r)?.value === f.value)),
        ...alarms.filter((r) => prop(r, "name") === `bedrock-tenancy-${customer.tenantId}-throttled-calls`),
    ];
    const namespaces = new Set<string>();
    for (const r of built) {
        const ns = r.type === ALARM_TYPE ? prop(r, "namespace") : transformationOf(r)?.namespace;
        if (known(ns)) namespaces.add(ns);
    }
    if (namespaces.size === 0) namespaces.add(`BedrockTenancy/${customer.tenantId}`);
    if (namespaces.size > 1) {
        flag(CODE, component, "metricNamespace", `has filters and alarm in more than one namespace (${[...namespaces].join(", ")}): the component publishes and watches one, and which one its alarm reads cannot be proved`);
        return;
    }
    sameNamed(state, built, [...filters, ...alarms], flag);
    const [namespace] = namespaces;
    const metricNames = new Set(expected.map((f) => f.metricName));
    const shapeOf = (r: StackResource) => {
        const t = transformationOf(r);
        const group = prop(r, "logGroupName");
        if (!t || (known(group) && group !== groupName) || (group !== UNKNOWN_VALUE && !known(group))) return undefined;
        return expected.find((f) => prop(r, "pattern") === f.pattern && t.name === f.metricName && t.namespace === namespace && t.value === f.value && sameNumber(t.defaultValue, f.defaultValue) && sameDimensions(t.dimensions, f.dimensions));
    };
    const seen = new Map<string, StackResource>();
    for (const r of filters) {
        const t = transformationOf(r);
        // Another metric of the namespace is the filter's own; the component's metrics are the component's filters' alone.
        if (t && ((t.namespace !== namespace && t.namespace !== UNKNOWN_VALUE) || (known(t.name) && !metricNames.has(t.name)))) continue;
        const shape = shapeOf(r);
        if (!shape) {
            flag(CODE, r, "metricTransformation", `publishes into the component's metric ${namespace} ${asText(t?.name ?? "(not readable)")}, which only the component's own filter on the audit log group may feed: its data points would be added to what the audit records count (a negative constant cancels the throttled calls the alarm watches)`);
        } else if (seen.has(shape.id)) {
            flag(CODE, r, "metricTransformation", `is a second copy of the component's ${shape.metricName} filter: each record would be counted twice`);
        } else {
            seen.set(shape.id, r);
            const transformed = prop(r, "applyOnTransformedLogs");
            if (transformed === true || transformed === "true") {
                flag(CODE, r, "applyOnTransformedLogs", `is the component's ${shape.metricName} filter counting the records as a log transformer rewrites them (applyOnTransformedLogs ${asText(transformed)}); the component counts them as the runtime wrote them: a transformer on the audit log group, which the files need not hold, would decide what the metric and its alarm see`);
            }
        }
    }
    for (const f of expected) {
        if (!seen.has(f.id)) flag(CODE, component, `metric filter ${f.id}`, `has no ${f.metricName} metric filter on the audit log group ${groupName} as the component builds it (pattern ${f.pattern}, value ${f.value}, namespace ${namespace}): the metric and whatever watches it see nothing of the records`);
    }
    const throttle = alarms.filter((a) => prop(a, "namespace") === namespace && prop(a, "metricName") === AuditMetric.throttledCalls && prop(a, "statistic") === "Sum"
        && prop(a, "comparisonOperator") === "GreaterThanOrEqualToThreshold" && !hasDimensions(prop(a, "dimensions")));
    // An alarm with its actions disabled still changes state, but notifies no one and runs none of its actions.
    const silencers = new Map(throttle.map((a) => [a, [
        ...(actionsDisabled(a) ? [["actionsEnabled", `with its actions disabled (actionsEnabled ${asText(prop(a, "actionsEnabled"))}): Bedrock throttling seen in the audit records would notify no one`] as [string, string]] : []),
        ...throttleAlarmSilencers(state, a, region).map(([key, why]): [string, string] => [key, `${why}; Bedrock throttling seen in the audit records could raise nothing`]),
    ]]));
    for (const [a, found] of silencers) {
        if (built.includes(a)) for (const [key, why] of found) flag(CODE, a, key, `is the component's alarm on ${namespace} ${AuditMetric.throttledCalls}${key === "actionsEnabled" ? " " : ", but "}${why}`);
    }
    const working = throttle.filter((a) => silencers.get(a)!.length === 0);
    if (working.length === 0 && !throttle.some((a) => built.includes(a) && silencers.get(a)!.length > 0)) {
        flag(CODE, component, "throttleAlarmArn", `has no alarm on ${namespace} ${AuditMetric.throttledCalls} (Sum, GreaterThanOrEqualToThreshold, no dimensions, actions enabled, in ${region}, with settings the component can make) as the component builds it: Bedrock throttling seen in the audit records would raise nothing`);
    }
}

/**
 * Where AWS names a filter or an alarm: CloudWatch Logs `PutMetricFilter`
 * and CloudWatch `PutMetricAlarm` create or replace by that name, so a
 * second resource of the same name replaces the component's own with its
 * own settings, whichever is deployed last.
 */
function awsNameOf(state: StackState, r: StackResource): string | undefined {
    const name = prop(r, "name");
    if (!known(name)) return undefined;
    const scope = r.type === METRIC_FILTER_TYPE ? prop(r, "logGroupName") : "";
    return known(scope) || scope === "" ? `${r.type} ${resourceRegion(state, r) ?? ""} ${asText(scope)} ${name}` : undefined;
}

/** A filter or alarm of the stack named as one of the component's, in its Region (and log group): it replaces that one. */
function sameNamed(state: StackState, built: readonly StackResource[], candidates: readonly StackResource[], flag: Flag): void {
    const own = new Map<string, StackResource>();
    for (const r of built) {
        const name = awsNameOf(state, r);
        if (name !== undefined) own.set(name, r);
    }
    for (const r of candidates) {
        if (built.includes(r)) continue;
        const name = awsNameOf(state, r);
        const original = name === undefined ? undefined : own.get(name);
        if (original) flag(CODE, r, "name", `has the name of the component's ${r.type === ALARM_TYPE ? "alarm" : "metric filter"} ${asText(prop(original, "name"))}${r.type === METRIC_FILTER_TYPE ? ` on the audit log group` : ""}: CloudWatch creates or replaces by that name, so whichever is deployed last replaces the other, with settings the proof does not hold to the component's`);
    }
}

function sameDimensions(actual: unknown, wanted: Record<string, string> | undefined): boolean {
    const read = mapOf(actual);
    if ("problem" in read) return false;
    const a = Object.entries(read.map);
    const w = Object.entries(wanted ?? {});
    return a.length === w.length && w.every(([k, v]) => read.map[k] === v);
}

const actionsDisabled = (alarm: StackResource) => {
    const v = prop(alarm, "actionsEnabled");
    return v === false || v === "false";
};

function hasDimensions(value: unknown): boolean {
    const read = mapOf(value);
    return "problem" in read || Object.keys(read.map).length > 0;
}
