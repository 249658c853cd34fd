/**
 * The audit trail of a customer stack as its component was asked to build
 * it: the audit log group in the component's Region, keeping records as long
 * as asked, in the class metric filters read; its key enabled and able to
 * encrypt; the runtime in that Region writing to that log group, naming its
 * own tenant, ExternalId and an entitled Bedrock Region; and query results
 * held where the workgroup says. A reference resolved by name (a log group
 * by its name) is resolved in the Region it is made from: a function in
 * another Region writes to that Region's log group of the name, not the
 * stack's.
 */
import { COMPUTE_SERVICE_PRINCIPAL, DEFAULT_AUDIT_LOG_RETENTION_DAYS, isRecord, parseArn, parsePolicy, RuntimeEnv, show } from "../contract";
import { blocksOf, managed, withReadableEnvironment } from "./account-egress";
import type { CustomerContext } from "./customer-account";
import { violation, type Code, type Violation } from "./findings";
import { FUNCTION_TYPE } from "./function-checks";
import { RUNTIME_SERVICE_PRINCIPALS } from "./identity-reach";
import { asNumber, asText, isSet, knownText, prop, resourcesByUrn, UNKNOWN_VALUE, staysInStack, type StackResource, type StackState } from "./pulumi-formats";
import { resourceRegion } from "./resource-region";
import { runtimeRoleArns } from "./runtime-roles";

const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";
const KEY_TYPE = "aws:kms/key:Key";
const WORKGROUP_TYPE = "aws:athena/workgroup:Workgroup";

/** Variables that say whose runtime a function is: any of them makes it the tenant's runtime. */
const RUNTIME_MARKERS = [RuntimeEnv.tenantId, RuntimeEnv.opsRoleArn, RuntimeEnv.externalId];

/** Two Regions agree unless both are known and differ. */
export const sameRegion = (a: string | undefined, b: string | undefined) => a === undefined || b === undefined || a === b;

/** The component's Region: its `region` output, or the Region of the audit log group's ARN it registers. */
export function componentRegion(ctx: CustomerContext): string | undefined {
    return ctx.customer.region ?? knownText(parseArn(ctx.customer.logGroupArn)?.region);
}

/** The audit log group's name, from the ARN the component registers. */
export function auditLogGroupName(ctx: CustomerContext): string | undefined {
    const marker = ":log-group:";
    const arn = ctx.customer.logGroupArn;
    const at = arn.indexOf(marker);
    if (at < 0) return undefined;
    const name = arn.slice(at + marker.length);
    return name.endsWith(":*") ? name.slice(0, -2) : name;
}

const isFalse = (v: unknown) => v === false || v === "false";

export function auditIntegrityViolations(ctx: CustomerContext): Violation[] {
    const out: Violation[] = [];
    const { state, customer } = ctx;
    const flag = (code: Code, r: StackResource, statement: string, why: string) =>
        out.push(violation(code, { tenant: customer.tenantId, stack: state.stack, resource: r.name, urn: r.urn }, statement, why));
    const component = state.resources.find((r) => r.urn === customer.urn);
    const region = componentRegion(ctx);
    const groupName = auditLogGroupName(ctx);
    const own = managed(state);
    const groups = own.filter((r) => r.type === LOG_GROUP_TYPE);
    const audit = groups.filter((g) => prop(g, "name") === groupName && staysInStack(g) && sameRegion(resourceRegion(state, g), region));

    if (groupName !== undefined && audit.length === 0 && component) {
        flag("BT-CUSTOMER-LOG-GROUP", component, "logGroupArn", `the component's audit log group ${groupName} is not a log group of the stack in its Region ${region ?? "(not known)"}: where the audit records rest, and whether its key and retention hold, cannot be proved`);
    }
    const retention = customer.logRetentionDays ?? DEFAULT_AUDIT_LOG_RETENTION_DAYS;
    const asked = customer.logRetentionDays === undefined ? `the component's default of ${retention} days (the component records no logRetentionDays)` : `the ${retention} days the component was asked for`;
    for (const g of audit) {
        const days = prop(g, "retentionInDays");
        // The provider records some numbers as text: "365" keeps records as long as 365 does. Unset, or 0, they never expire.
        const count = isSet(days) ? asNumber(days) : 0;
        if (days !== UNKNOWN_VALUE && count !== retention) {
            const held = count > 0 ? `${count} days` : count === 0 ? `${asText(days ?? "no retention")} (records never expire)` : `${asText(days)} (not a number of days)`;
            flag("BT-CUSTOMER-LOG-GROUP", g, "retentionInDays", `keeps the audit records ${held}, not ${asked}`);
        }
        const cls = prop(g, "logGroupClass");
        if (cls !== undefined && cls !== null && cls !== "" && cls !== UNKNOWN_VALUE && cls !== "STANDARD") {
            flag("BT-CUSTOMER-LOG-GROUP", g, "logGroupClass", `is of class ${asText(cls)}, not STANDARD: that class runs no metric filters (or keeps records only days), so the audit metrics and alarms would see nothing`);
        }
    }

    // The audit key: the one the component names, any its component holds, and the one the audit log group is encrypted with.
    const logKeys = new Set(audit.map((g) => knownText(prop(g, "kmsKeyId"))).filter((k): k is string => k !== undefined));
    const keys = own.filter((k) => k.type === KEY_TYPE);
    const isAuditKey = (k: StackResource) => {
        const arn = knownText(prop(k, "arn"));
        return k.parent === customer.urn || (arn !== undefined && (arn === customer.kmsKeyArn || logKeys.has(arn)));
    };
    for (const k of keys.filter(isAuditKey)) {
        if (isFalse(prop(k, "isEnabled"))) flag("BT-CUSTOMER-KEY", k, "isEnabled", "disables the audit key: CloudWatch Logs can no longer encrypt the audit log, so records are lost, and nothing written can be read");
        const usage = knownText(prop(k, "keyUsage"));
        if (usage !== undefined && usage !== "ENCRYPT_DECRYPT") flag("BT-CUSTOMER-KEY", k, "keyUsage", `is a key for ${usage}, not ENCRYPT_DECRYPT: it cannot encrypt the audit log or the archive`);
        for (const spec of ["customerMasterKeySpec", "keySpec"]) {
            const value = knownText(prop(k, spec));
            if (value !== undefined && value !== "SYMMETRIC_DEFAULT") flag("BT-CUSTOMER-KEY", k, spec, `is a ${value} key, not SYMMETRIC_DEFAULT: CloudWatch Logs and S3 encrypt only with symmetric keys`);
        }
    }
    for (const g of audit) {
        const key = knownText(prop(g, "kmsKeyId"));
        const named = key === undefined ? [] : keys.filter((k) => prop(k, "arn") === key);
        if (named.length > 0 && !named.some(staysInStack)) flag("BT-CUSTOMER-KEY", g, "kmsKeyId", `is encrypted with ${key}, a key the update deletes: KMS schedules its deletion, after which the audit log cannot be read or written`);
    }

    runtimeRoleUsers(ctx, flag);
    for (const r of state.resources) {
        if (r.type === FUNCTION_TYPE) runtimeProblems(ctx, r, region, groupName, groups, flag);
        if (r.type === WORKGROUP_TYPE) {
            const config = blocksOf(prop(r, "configuration"));
            if ("problem" in config) flag("BT-CUSTOMER-EGRESS", r, "configuration", `${config.problem}: whether queries may choose their own output location cannot be proved`);
            else if (config.blocks.some((c) => isFalse(c.enforceWorkgroupConfiguration))) {
                flag("BT-CUSTOMER-EGRESS", r, "configuration.enforceWorkgroupConfiguration", "does not enforce its configuration: each query may name its own output location (any account's bucket) and encryption, so the workgroup's output location proves nothing about where query results of the archive go");
            }
            if (!("problem" in config)) for (const why of identityCenterProblems(config.blocks)) flag("BT-CUSTOMER-EGRESS", r, "configuration.identityCenterConfiguration", why);
        }
    }
    return out;
}

/**
 * An Athena workgroup enabled for IAM Identity Center runs queries for the
 * users of a directory: the instance is the organization's (its ARN names no
 * account), so who may query the archive is decided outside the account and
 * outside the files. Enabled, or set in a shape the proof cannot read, it is
 * a finding; an instance named with the flag off is not.
 */
function identityCenterProblems(configuration: Record<string, unknown>[]): string[] {
    const out: string[] = [];
    for (const c of configuration) {
        const settings = blocksOf(c.identityCenterConfiguration);
        if ("problem" in settings) {
            out.push(`${settings.problem}: whether users of an IAM Identity Center directory may query the workgroup cannot be proved`);
            continue;
        }
        for (const s of settings.blocks) {
            const enabled = s.enableIdentityCenter;
            const off = isFalse(enabled) || ((enabled === undefined || enabled === null) && !isSet(s.identityCenterInstanceArn));
            if (!off) out.push(`is enabled for IAM Identity Center (${asText(s.identityCenterInstanceArn ?? "no instance named")}, enableIdentityCenter ${asText(enabled ?? "unset")}): users of a directory outside the account, whom no policy of the files names, may query the archive`);
        }
    }
    return out;
}

/** The runtime must run where its component's audit log group is, write to it, and name its own tenant, ExternalId and an entitled Bedrock Region. */
function runtimeProblems(ctx: CustomerContext, r: StackResource, region: string | undefined, groupName: string | undefined, groups: StackResource[], flag: (code: Code, r: StackResource, statement: string, why: string) => void): void {
    const readable = withReadableEnvironment(r);
    // An unreadable environment is a finding of the function checks already.
    if ("problem" in readable) return;
    const env = prop(readable.resource, "environment");
    const vars = isRecord(env) && isRecord(env.variables) ? env.variables : {};
    if (!RUNTIME_MARKERS.some((name) => vars[name] !== undefined)) return;
    const code = "BT-CUSTOMER-RUNTIME-REDIRECT";
    const { customer, tenant } = ctx;
    const at = resourceRegion(ctx.state, r);
    if (!sameRegion(at, region)) {
        flag(code, r, "region", `runs in Region ${at}, but its component's audit log group and key are in ${region}: Lambda writes its log output, the audit records, to a log group of the function's own Region, which the stack's audit log group is not`);
    }
    const config = blocksOf(prop(r, "loggingConfig"));
    const set = "blocks" in config ? knownText(config.blocks[0]?.logGroup) : undefined;
    const group = set ?? `/aws/lambda/${asText(prop(r, "name") ?? r.name)}`;
    if ("blocks" in config && groupName !== undefined && prop(r, "loggingConfig") !== UNKNOWN_VALUE) {
        if (group !== groupName) {
            flag(code, r, "loggingConfig", `writes its log output, the audit records, to log group ${JSON.stringify(group)}, not the component's audit log group ${groupName}, whose retention and metric filters the proof holds to what was asked`);
        } else if (!groups.some((g) => prop(g, "name") === group && staysInStack(g) && sameRegion(resourceRegion(ctx.state, g), at))) {
            flag(code, r, "loggingConfig", `writes its log output, the audit records, to log group ${JSON.stringify(group)} of Region ${at ?? "(not known)"}, which is not a log group of the stack there: the records would go to a log group no one proved, or be lost`);
        }
    }
    if (prop(r, "loggingConfig") !== UNKNOWN_VALUE) for (const [path, why] of logFilterProblems(config)) flag(code, r, path, why);
    const tenantId = vars[RuntimeEnv.tenantId];
    if (tenantId !== undefined && tenantId !== customer.tenantId) {
        flag(code, r, `environment ${RuntimeEnv.tenantId}`, `labels its records and archive objects with tenant ${asText(tenantId)}, not its component's tenant ${customer.tenantId}: the records would be filed under another tenant, and its archive prefix is not the one the runtime may write`);
    }
    const externalId = vars[RuntimeEnv.externalId];
    if (tenant && externalId !== undefined && externalId !== UNKNOWN_VALUE && externalId !== tenant.externalId) {
        flag(code, r, `environment ${RuntimeEnv.externalId}`, `sends an ExternalId other than the one tenant ${tenant.tenantId}'s ops role requires: it assumes some other role's trust, or none`);
    }
    const bedrock = vars[RuntimeEnv.bedrockRegion];
    if (bedrock !== undefined && bedrock !== UNKNOWN_VALUE) {
        const text = asText(bedrock);
        if (tenant && !tenant.regions.includes(text)) {
            flag(code, r, `environment ${RuntimeEnv.bedrockRegion}`, `calls Bedrock in ${text}, outside tenant ${tenant.tenantId}'s Regions (${tenant.regions.join(", ")}): its prompts would go to a Region the tenant is not entitled to`);
        } else {
            const expected = customer.bedrockRegion ?? (tenant ? undefined : region);
            if (expected !== undefined && text !== expected) flag(code, r, `environment ${RuntimeEnv.bedrockRegion}`, `calls Bedrock in ${text}, not the Region its component was asked for (${expected}): its prompts would go to another Region`);
        }
    }
}

/**
 * Application log levels at which Lambda keeps the runtime's record lines.
 * With the JSON log format Lambda filters the function's output by level,
 * and a line that carries no level of its own (the runtime's records are
 * plain JSON lines) counts as INFO: any level above it drops every record
 * from the audit log.
 */
const KEEPING_LEVELS: ReadonlySet<string> = new Set(["TRACE", "DEBUG", "INFO"]);
/** What a function's logging configuration sets: where its output goes, in which format, at which levels. */
const LOGGING_CONFIG_KEYS: ReadonlySet<string> = new Set(["logGroup", "logFormat", "applicationLogLevel", "systemLogLevel"]);

/**
 * Why the runtime's logging configuration could keep its records out of
 * the audit log, `[property, why]` each: an application log level that
 * filters them, a setting the proof does not know, or more than one
 * configuration (the proof reads one, Lambda applies one, and the file does
 * not say it is the same). `systemLogLevel` filters only Lambda's own
 * platform lines.
 */
function logFilterProblems(config: { blocks: Record<string, unknown>[] } | { problem: string }): [string, string][] {
    if ("problem" in config) return [];
    const out: [string, string][] = [];
    if (config.blocks.length > 1) out.push(["loggingConfig", `holds ${config.blocks.length} logging configurations: which one Lambda applies to its log output, the audit records, cannot be proved`]);
    for (const block of config.blocks) {
        const level = block.applicationLogLevel;
        if (level !== undefined && level !== null && level !== "" && !(typeof level === "string" && KEEPING_LEVELS.has(level))) {
            out.push(["loggingConfig.applicationLogLevel", `filters its log output at application log level ${asText(level)}: Lambda counts the runtime's record lines, which carry no level, as INFO and drops them below that level, so the audit records would never reach the audit log (only TRACE, DEBUG or INFO keep them)`]);
        }
        for (const key of Object.keys(block)) {
            if (!LOGGING_CONFIG_KEYS.has(key) && block[key] !== undefined && block[key] !== null) out.push([`loggingConfig.${key}`, `sets ${key}, a logging setting the proof does not know: whether it keeps the runtime's log output, the audit records, out of the audit log cannot be proved`]);
        }
    }
    return out;
}

const INSTANCE_PROFILE_TYPE = "aws:iam/instanceProfile:InstanceProfile";

/** A role's name from its ARN (after its path) or as given, for comparing: IAM names compare case-insensitively. */
function roleKey(value: unknown): string | undefined {
    if (typeof value !== "string" || value === "" || value === UNKNOWN_VALUE) return undefined;
    const arn = parseArn(value);
    const name = arn ? (arn.service === "iam" && arn.resource.startsWith("role/") ? arn.resource.slice(arn.resource.lastIndexOf("/") + 1) : undefined) : value;
    return name?.toLowerCase();
}

function isWithin(state: StackState, r: StackResource, ancestor: string): boolean {
    const byUrn = resourcesByUrn(state);
    const seen = new Set<string>();
    for (let at = r.parent; at !== undefined && !seen.has(at); at = byUrn.get(at)?.parent) {
        if (at === ancestor) return true;
        seen.add(at);
    }
    return false;
}

/**
 * With the component's own Lambda, that one function is the only code that
 * may run as the runtime role. The tenant's ops role trusts the runtime
 * role, so any other code holding its credentials (another function, an
 * instance profile's instances) could assume the ops role and call Bedrock
 * without writing a single audit record. With other compute (`ecs`, `ec2`,
 * `existing-role`) the component creates no function and the compute that
 * runs the runtime is outside the files. Whether the component has a
 * function is read from its children and its `functionArn` output, never
 * from an `external` mark on its own function, which would otherwise let
 * another function run as the runtime unchecked. The runtime roles are the
 * roles of the account the tenant's ops role trusts (runtime-roles.ts), not
 * the role the component's `runtimeRoleArn` names: a copy named there would
 * leave the role that reaches the ops role to any function.
 */
function runtimeRoleUsers(ctx: CustomerContext, flag: (code: Code, r: StackResource, statement: string, why: string) => void): void {
    for (const runtimeRoleArn of runtimeRoleArns(ctx)) {
        runtimeTrust(ctx, runtimeRoleArn, flag);
        roleUsers(ctx, runtimeRoleArn, flag);
    }
}

/** The functions and instance profiles running as one runtime role: the component's own function alone. */
function roleUsers(ctx: CustomerContext, runtimeRoleArn: string, flag: (code: Code, r: StackResource, statement: string, why: string) => void): void {
    const { state, customer } = ctx;
    const role = roleKey(runtimeRoleArn);
    if (role === undefined) return;
    const functions = state.resources.filter((r) => r.type === FUNCTION_TYPE && roleKey(prop(r, "role")) === role);
    const component = state.resources.find((r) => r.urn === customer.urn);
    // A plan that records every resource under the stack (a plan under mocks) names the component's function by its outputs.
    const named = (f: StackResource) => [component?.outputs.functionArn, component?.outputs.functionName].some((v) => typeof v === "string" && v !== "" && (v === prop(f, "arn") || v === prop(f, "name")));
    const children = functions.filter((f) => isWithin(state, f, customer.urn) || named(f));
    const code = "BT-CUSTOMER-RUNTIME-REDIRECT";
    // The component creates its function; it never reads one with `.get()`. One marked external would be proved as someone else's while its code runs as the runtime.
    for (const f of children.filter((x) => x.external)) {
        flag(code, f, "external", `is the component's runtime function marked as read, not managed (external): the function the component creates is the only one the proof holds to the runtime's rules, and this one could run any code as the runtime role ${runtimeRoleArn}`);
    }
    const own = children.filter((f) => !f.external);
    const saysFunction = typeof component?.outputs.functionArn === "string" && component.outputs.functionArn !== "";
    // A component that records Lambda compute runs its own function, whether or not its outputs name it: missing ones hide no other function.
    if (own.length === 0 && children.length === 0 && !saysFunction && customer.compute !== "lambda") return;
    if (own.length > 1) {
        for (const f of own) flag(code, f, "role", `is one of ${own.length} functions of the component running as the runtime role ${runtimeRoleArn}: the component runs one, and which of them writes the audit records cannot be proved`);
    }
    for (const f of functions.filter((x) => !children.includes(x))) {
        flag(code, f, "role", `runs as the runtime role ${runtimeRoleArn}, which only the component's own runtime function may use: its code could assume tenant ${customer.tenantId}'s ops role and call Bedrock without writing audit records`);
    }
    for (const p of state.resources.filter((r) => r.type === INSTANCE_PROFILE_TYPE && roleKey(prop(r, "role")) === role)) {
        flag(code, p, "role", `hands the runtime role ${runtimeRoleArn} to EC2 instances, while only the component's own runtime function may use it: their code could assume tenant ${customer.tenantId}'s ops role and call Bedrock without writing audit records`);
    }
}

const ROLE_TYPE = "aws:iam/role:Role";

/**
 * The runtime role is trusted by one compute service, as its component
 * builds it (Lambda, ECS tasks or EC2) and by nothing else: the tenant's ops
 * role trusts the runtime role, so any other principal it trusts (the
 * account's root, a second service whose compute is made outside the files)
 * could become the runtime and call Bedrock without writing a record. With
 * `existing-role` compute the role is usually not in the files; when it is,
 * it is held to the same.
 */
function runtimeTrust(ctx: CustomerContext, runtimeRoleArn: string, flag: (code: Code, r: StackResource, statement: string, why: string) => void): void {
    const { state, customer } = ctx;
    const role = roleKey(runtimeRoleArn);
    // The ops role trusts the runtime role by name: a role of the stack with that name is the runtime, wherever it sits.
    const roles = state.resources.filter((r) => r.type === ROLE_TYPE && r.custom && !r.external && roleKey(prop(r, "name") ?? prop(r, "arn")) === role);
    for (const r of roles) {
        const trust = prop(r, "assumeRolePolicy");
        if (trust === UNKNOWN_VALUE) continue;
        const parsed = parsePolicy(trust);
        // An unreadable trust policy is the IAM graph's finding already.
        if ("problem" in parsed) continue;
        const trusted = new Set<string>();
        const labels: string[] = [];
        for (const s of parsed.statements.filter((x) => x.effect === "Allow")) {
            const before = trusted.size;
            if (s.notPrincipals) trusted.add("every principal but those its NotPrincipal names");
            for (const [kind, values] of Object.entries(s.principals ?? { AWS: ["*"] })) for (const v of values) trusted.add(kind === "Service" && RUNTIME_SERVICE_PRINCIPALS.includes(v) ? v : `${kind} ${v}`);
            if (trusted.size > before) labels.push(s.label);
        }
        const others = [...trusted].filter((t) => !RUNTIME_SERVICE_PRINCIPALS.includes(t));
        // The compute its component records names the one service; a component that records none, any one of them.
        const service = computeService(customer.compute);
        if (service !== undefined && others.length === 0 && trusted.size === 1 && !trusted.has(service)) {
            flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `assumeRolePolicy ${labels.join(", ")}`, `lets ${[...trusted].join(", ")} assume the runtime role ${runtimeRoleArn}, whose component runs it on ${show(customer.compute)} (${service}): whatever that other service runs as the role could call Bedrock as tenant ${customer.tenantId}, and nothing it runs is the component's runtime`);
        } else if (others.length > 0 || trusted.size > 1) {
            flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `assumeRolePolicy ${labels.join(", ")}`, `lets ${[...trusted].join(", ")} assume the runtime role ${runtimeRoleArn}, which only the one compute service its component runs it on (${RUNTIME_SERVICE_PRINCIPALS.join(", ")}: one of them) may: the tenant's ops role trusts the runtime role, so whoever else becomes it could call Bedrock as tenant ${customer.tenantId} without writing an audit record`);
        }
    }
}

/** The service a recorded compute runs the runtime role under; undefined for none recorded, `existing-role`, or another value. */
function computeService(compute: string | undefined): string | undefined {
    return compute !== undefined && Object.hasOwn(COMPUTE_SERVICE_PRINCIPAL, compute) ? COMPUTE_SERVICE_PRINCIPAL[compute as keyof typeof COMPUTE_SERVICE_PRINCIPAL] : undefined;
}
