/**
 * The customer account as a whole: every path by which the audit log, its
 * key or the archive could be read or copied outside the account. Any
 * reference to another account, or to a bucket or key the stack does not
 * hold, is a finding unless it is one of the runtime's documented outbound
 * references (the tenant's ops role and its profiles); the paths that stay
 * inside the account (subscriptions, replication, query results) must end
 * at resources of the stack.
 */
import { accountOfPrincipal, coversService, hasWildcard, isRecord, parseArn, parsePolicy, RuntimeEnv, wildcardMatch, type PolicyStatement } from "../contract";
import { blocksOf, egressViolations, managed, outsiders, ownBuckets, ownLogGroups, withReadableEnvironment } from "./account-egress";
import { violation, type Code, type Violation } from "./findings";
import { FUNCTION_TYPE, functionProblems, stackCode } from "./function-checks";
import type { AccountIam, IamPrincipal } from "./iam-graph";
import { identityReachViolations, servicesFromOutside } from "./identity-reach";
import { auditIntegrityViolations } from "./customer-audit";
import { auditDeletionViolations } from "./audit-deletions";
import { auditTrailRemovalViolations } from "./audit-trail-guard";
import { auditPathViolations } from "./audit-path";
import { metricContentProblems } from "./metric-filters";
import { asText, jsonValue, prop, type StackResource, type StackState } from "./pulumi-formats";
import { namesRole } from "./runtime-roles";
import { invocationLoggingGrants } from "./surfaces";
import type { CustomerIntent, TenantIntent } from "./intent";
const KEY_TYPE = "aws:kms/key:Key";
const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";
/**
 * Handled by the IAM graph, the key checks or below: their ARNs to other
 * accounts are reasoned about, not scanned. A stack reference's outputs are
 * another stack's, read in (the ops stack's record of every tenant).
 */
const NOT_SCANNED = new Set([
    "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/user:User", "aws:iam/group:Group",
    "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy", "aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy",
    "aws:s3/bucketPolicy:BucketPolicy", "pulumi:pulumi:StackReference", "bedrock-tenancy:index:PrivateInvocationLogging",
]);
/** Environment variables that send the runtime's calls somewhere other than AWS's own endpoints. */
const REDIRECTING_ENV = ["AWS_ENDPOINT_URL", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "AWS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"];
/** Reported as a redirect of the runtime, under its own code. */
function redirecting(name: string): boolean {
    const upper = name.toUpperCase();
    return REDIRECTING_ENV.some((p) => upper === p || upper.startsWith(`${p}_`));
}

const METRIC_FILTER_TYPE = "aws:cloudwatch/logMetricFilter:LogMetricFilter";

export interface CustomerContext {
    state: StackState;
    account: string;
    iam: AccountIam;
    customer: CustomerIntent;
    tenant?: TenantIntent;
    /**
     * The roles of the account the tenant's ops role trusts, the tenant's own
     * runtime role first (see runtime-roles.ts): the runtime's rules apply to
     * them, not to whatever role the component's outputs name.
     * @default - the component's `runtimeRoleArn` alone
     */
    runtimeRoles?: readonly string[];
}

export function customerAccountViolations(ctx: CustomerContext): Violation[] {
    const out: Violation[] = [];
    const { state, account, customer } = ctx;
    const flag = (code: Code, r: StackResource, statement: string, why: string) =>
        out.push(violation(code, { tenant: customer.tenantId, stack: state.stack, resource: r.name, urn: r.urn }, statement, why));
    const buckets = ownBuckets(state);
    const ownCode = stackCode(state, account, buckets);
    const keys = new Set(managed(state).filter((r) => r.type === KEY_TYPE).flatMap((r) => [prop(r, "arn"), r.id && `key/${r.id}`].filter((x): x is string => typeof x === "string")));
    const ownKey = (arn: unknown) => typeof arn === "string" && (keys.has(arn) || [...keys].some((k) => k.startsWith("key/") && arn.endsWith(`:${k}`)));
    // The runtime's documented outbound references: the tenant's ops role, its application profiles and the guardrail its role requires.
    const opsAccount = parseArn(customer.opsRoleArn)?.account;
    const ownProfiles = ctx.tenant ? new Set(Object.values(ctx.tenant.inferenceProfileArns)) : undefined;
    const ownGuardrail = ctx.tenant ? guardrailArnOf(ctx.tenant.guardrailIdentifier) : undefined;
    // The ops role's ARN in another case or path names the same role or none: IAM keeps one role per name, whatever its case.
    const outbound = (value: string) =>
        namesRole(value, customer.opsRoleArn)
        || (ownProfiles ? ownProfiles.has(value) : isOpsProfile(value, opsAccount))
        || (ctx.tenant ? value === ownGuardrail : isOpsGuardrail(value, opsAccount));

    // A role can reach the data through the data's own policies too: a bucket or key policy, or a grant, naming it.
    const namedByData = principalsNamedByData(state, account);
    for (const p of ctx.iam.principals.filter((x) => x.kind === "role")) {
        const outsiders = outsidePrincipals(p.trust, account);
        if (outsiders.length === 0) continue;
        const allowed = namedByData(p) ?? firstAllow(p);
        if (allowed) flag("BT-CUSTOMER-FOREIGN-ROLE", p.resource, "assumeRolePolicy", `role ${p.name} can be assumed by ${outsiders.join(", ")}, outside the account, and ${allowed}: every read of the account can reach what the audit trail feeds (the log, its metrics and alarms, queries, the archive), and every write can open a path out`);
    }

    for (const r of state.resources) {
        if (r.type === LOG_GROUP_TYPE) {
            const key = prop(r, "kmsKeyId");
            if (!ownKey(key)) flag("BT-CUSTOMER-LOG-GROUP", r, "kmsKeyId", `is encrypted with ${JSON.stringify(key)}, which is not a key of this stack: who may decrypt it cannot be proved`);
        }
        if (r.type === "aws:kms/grant:Grant") {
            const grants = (who: unknown) => `grants ${JSON.stringify(prop(r, "operations"))} on ${JSON.stringify(prop(r, "keyId"))} to ${asText(who)}`;
            for (const k of ["granteePrincipal", "retiringPrincipal"]) {
                const who = prop(r, k);
                const owner = typeof who === "string" ? accountOfPrincipal(who) : undefined;
                // A grantee in a shape the proof cannot read could be anyone.
                if (who !== undefined && who !== null && who !== "" && owner !== account) flag("BT-CUSTOMER-KEY", r, k, `${grants(who)}, outside the account ${account}`);
            }
            const sharing = grantSharing(prop(r, "operations"));
            if (sharing) flag("BT-CUSTOMER-KEY", r, "operations", `${grants(prop(r, "granteePrincipal"))}: ${sharing}`);
        }
        if (r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration" || r.type === "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2") {
            const rules = blocksOf(prop(r, "rules"));
            if ("problem" in rules) flag("BT-CUSTOMER-KEY", r, "rules", `${rules.problem}: which key encrypts bucket ${JSON.stringify(prop(r, "bucket"))} cannot be proved`);
            for (const rule of "blocks" in rules ? rules.blocks : []) {
                const by = blocksOf(rule.applyServerSideEncryptionByDefault);
                if ("problem" in by) flag("BT-CUSTOMER-KEY", r, "rules", `${by.problem}: which key encrypts bucket ${JSON.stringify(prop(r, "bucket"))} cannot be proved`);
                const key = "blocks" in by ? by.blocks[0]?.kmsMasterKeyId : undefined;
                if (key !== undefined && !ownKey(key) && !s3ManagedKey(key, account)) flag("BT-CUSTOMER-KEY", r, "rules", `encrypts bucket ${JSON.stringify(prop(r, "bucket"))} with ${JSON.stringify(key)}, which is not a key of this stack`);
            }
        }
        if (r.type === "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration" || r.type === "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2") {
            lockViolations(r, customer).forEach((why) => flag("BT-CUSTOMER-ARCHIVE", r, "rule", why));
        }
        if (r.type === METRIC_FILTER_TYPE) metricContentProblems(r).forEach((why) => flag("BT-CUSTOMER-METRIC-CONTENT", r, why.startsWith("tests ") || why.startsWith("has the pattern") ? "pattern" : "metricTransformation", why));
        if (r.type === FUNCTION_TYPE) {
            // Every check reads the environment in one shape; one it cannot be put in could set anything.
            const readable = withReadableEnvironment(r);
            if ("problem" in readable) flag("BT-ACCOUNT-FUNCTION", r, "environment", `${readable.problem}: the variables it sets (NODE_OPTIONS, an endpoint, the archive) cannot be proved`);
            const fn = "resource" in readable ? readable.resource : r;
            runtimeEnvironment(fn, ctx, buckets, flag);
            for (const [path, why] of functionProblems(fn, ownCode, redirecting)) flag("BT-ACCOUNT-FUNCTION", r, path, why);
        }
    }
    egressViolations({ state, account, code: "BT-CUSTOMER-EGRESS", invokeCode: "BT-CUSTOMER-EGRESS", buckets, outbound, notScanned: NOT_SCANNED, flag, tenantLabel: customer.tenantId });
    out.push(...identityReachViolations({ state, account, code: "BT-CUSTOMER-EGRESS", tenant: customer.tenantId, iam: ctx.iam, buckets, outbound, skip: () => false, selfContained: true }));
    // No principal may turn on invocation logging, here as in the ops account: Bedrock would keep the prompts this account sends.
    for (const { principal, source, statement } of invocationLoggingGrants(ctx.iam, () => false)) {
        flag("BT-ACCOUNT-INVOCATION-LOGGING", source.resource, statement.label, `lets ${principal.kind} ${principal.name} turn on Bedrock invocation logging (bedrock:PutModelInvocationLoggingConfiguration): the prompts and responses of the account's calls would rest wherever its configuration says, outside the audit log`);
    }
    out.push(...auditIntegrityViolations(ctx), ...auditDeletionViolations(ctx), ...auditTrailRemovalViolations(ctx), ...auditPathViolations(ctx));
    return out;
}

/**
 * What a role trusted from outside the account is allowed, or undefined when
 * it holds no Allow. The components create no such role, and no Allow can be
 * kept away from the audit trail by the services it names: metrics take no
 * resource-level grant, and alarms, queries and exports read what the log
 * feeds.
 */
function firstAllow(p: IamPrincipal): string | undefined {
    for (const source of p.policies) {
        if (source.document === undefined) return `has ${source.name}, which is not in the files`;
        const parsed = parsePolicy(source.document);
        if ("problem" in parsed) return `has a policy the proof cannot read (it ${parsed.problem})`;
        const allow = parsed.statements.find((s) => s.effect === "Allow");
        if (allow) return `is allowed ${allow.notActions ? `every action but ${JSON.stringify(allow.notActions)}` : JSON.stringify(allow.actions ?? [])} (${source.name} ${allow.label})`;
    }
    return undefined;
}

/**
 * Which roles a bucket, key or log resource policy of this stack, or one of
 * its KMS grants, lets at the data: `naming(role)` says how, or undefined.
 * A role is named by its ARN, and by any statement whose principal covers
 * every principal of the account (`*`, a pattern, or `NotPrincipal`) unless
 * one of its conditions certainly leaves the role out (`aws:PrincipalArn`
 * naming only other roles, or `aws:PrincipalAccount` or `kms:CallerAccount`
 * naming only other accounts). A condition holding such a statement to the
 * account keeps other accounts out, not a role of the account that another
 * account can assume: its sessions carry the account's id. In the same
 * account such a statement needs no identity policy to take effect. The
 * account's root (or its bare id) as principal names no role: it leaves the
 * decision to the role's own policies, which `firstAllow` reads.
 */
function principalsNamedByData(state: StackState, account: string): (p: IamPrincipal) => string | undefined {
    const named = new Set<string>();
    const wide: { where: string; statement: PolicyStatement }[] = [];
    for (const r of state.resources) {
        const key = DATA_POLICIES[r.type];
        if (key !== undefined) {
            const parsed = parsePolicy(prop(r, key));
            if ("problem" in parsed) continue;
            for (const s of parsed.statements) {
                if (s.effect !== "Allow") continue;
                let covers = s.notPrincipals !== undefined;
                for (const v of s.principals?.AWS ?? []) {
                    if (hasWildcard(v)) covers = true;
                    else named.add(v.toLowerCase());
                }
                if (covers) wide.push({ where: `${r.name} ${s.label}`, statement: s });
            }
        }
        if (r.type === "aws:kms/grant:Grant") {
            const who = prop(r, "granteePrincipal");
            if (typeof who === "string") named.add(who.toLowerCase());
        }
    }
    return (p) => {
        if (named.has(p.arn.toLowerCase())) return "a bucket, key or log policy of the stack, or a KMS grant, names it";
        const by = wide.find((w) => admitsRole(w.statement, p.arn, account));
        return by && `${by.where} allows every principal of the account it does not leave out by name${by.statement.conditions.length > 0 ? ` (its conditions, ${by.statement.conditions.map((c) => `${c.operator} ${c.key}`).join(", ")}, hold for the role's sessions)` : ""}, and a resource policy needs no identity policy in its own account`;
    };
}

/** Operators that hold a key to the values they list: `…IfExists`, negations and the set operators let other requests through. */
const EXCLUDING_OPERATORS: ReadonlySet<string> = new Set(["StringEquals", "StringLike", "ArnEquals", "ArnLike"]);
/** Condition keys carrying the caller's account: a role of the account always carries its id. */
const CALLER_ACCOUNT_KEYS: ReadonlySet<string> = new Set(["aws:principalaccount", "kms:calleraccount"]);

/**
 * Whether a statement whose principal covers many principals admits role
 * `arn` of `account`: it does unless its `NotPrincipal` names the role, no
 * principal pattern matches it, or a condition certainly fails for it. (The
 * IAM graph gives a role being created the ARN IAM will make, so `arn` is
 * always one to match.)
 */
function admitsRole(s: PolicyStatement, arn: string, account: string): boolean {
    if (s.notPrincipals) return !(s.notPrincipals.AWS ?? []).some((v) => v.toLowerCase() === arn.toLowerCase());
    if (!(s.principals?.AWS ?? []).some((v) => v === "*" || wildcardMatch(v, arn, true))) return false;
    return !s.conditions.some((c) => EXCLUDING_OPERATORS.has(c.operator) && c.values.length > 0 && (
        CALLER_ACCOUNT_KEYS.has(c.key) ? !c.values.some((v) => wildcardMatch(v, account))
            : c.key === "aws:principalarn" && !c.values.some((v) => (c.operator.endsWith("Like") ? wildcardMatch(v, arn) : v === arn))));
}

/** Type → the property holding a policy on the audit data itself. */
const DATA_POLICIES: Readonly<Record<string, string>> = {
    "aws:s3/bucket:Bucket": "policy",
    "aws:s3/bucketV2:BucketV2": "policy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:kms/key:Key": "policy",
    "aws:kms/keyPolicy:KeyPolicy": "policy",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyDocument",
};

/** The environment must not redirect the runtime, and must name only the stack's own archive. */
function runtimeEnvironment(r: StackResource, ctx: CustomerContext, buckets: Set<string>, flag: (code: Code, r: StackResource, statement: string, why: string) => void): void {
    const env = prop(r, "environment");
    const vars = isRecord(env) && isRecord(env.variables) ? env.variables : {};
    for (const [name, value] of Object.entries(vars)) {
        if (redirecting(name)) flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `environment ${name}`, `sets ${name}=${JSON.stringify(value)}: the runtime's calls, records included, could go to another endpoint`);
    }
    // In Lambda the runtime's records are its log output: they land in its log group, which must be one the stack encrypts and proves.
    if (vars[RuntimeEnv.opsRoleArn] !== undefined) {
        const config = blocksOf(prop(r, "loggingConfig"));
        const set = "blocks" in config ? config.blocks[0]?.logGroup : undefined;
        const group = typeof set === "string" && set !== "" ? set : `/aws/lambda/${asText(prop(r, "name") ?? r.name)}`;
        if ("problem" in config) flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, "loggingConfig", `${config.problem}: which log group receives its log output, the audit records, cannot be proved`);
        else if (!ownLogGroups(ctx.state).has(group)) flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, "loggingConfig", `writes its log output, the audit records, to log group ${JSON.stringify(group)}, which is not a log group of this stack: its key and readers are not proved`);
    }
    // The archive is the component's, whose protections the archive rules prove: another bucket of the stack has none of them.
    const archive = ctx.state.resources.find((x) => x.urn === ctx.customer.urn)?.outputs.archiveBucketName;
    const bucket = vars[RuntimeEnv.archiveBucket];
    if (bucket !== undefined && !buckets.has(asText(bucket))) flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `environment ${RuntimeEnv.archiveBucket}`, `archives to bucket ${JSON.stringify(bucket)}, which is not a bucket of this stack`);
    else if (bucket !== undefined && bucket !== archive) {
        flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `environment ${RuntimeEnv.archiveBucket}`, `archives to bucket ${JSON.stringify(bucket)}, not the component's archive ${archive === undefined || archive === null ? "(it was asked for none)" : JSON.stringify(archive)}: the archive's protections (Object Lock, the ops account's Deny, its writers) are proved only on that bucket`);
    }
    const key = vars[RuntimeEnv.archiveKmsKeyArn];
    if (key !== undefined && key !== ctx.customer.kmsKeyArn) flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `environment ${RuntimeEnv.archiveKmsKeyArn}`, `encrypts the archive with ${JSON.stringify(key)}, not the component's key ${ctx.customer.kmsKeyArn}, whose policy the proof checks`);
    const ops = vars[RuntimeEnv.opsRoleArn];
    if (ops !== undefined && !namesRole(ops, ctx.customer.opsRoleArn)) flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `environment ${RuntimeEnv.opsRoleArn}`, `assumes ${JSON.stringify(ops)}, not the tenant's ops role ${ctx.customer.opsRoleArn}`);
    const guardrail = vars[RuntimeEnv.guardrailArn] === undefined ? undefined : `${asText(vars[RuntimeEnv.guardrailArn])}:${asText(vars[RuntimeEnv.guardrailVersion])}`;
    if (ctx.tenant && guardrail !== undefined && guardrail !== ctx.tenant.guardrailIdentifier) {
        flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `environment ${RuntimeEnv.guardrailArn}`, `applies guardrail ${JSON.stringify(guardrail)}, not the one the tenant's role requires (${JSON.stringify(ctx.tenant.guardrailIdentifier ?? "none")})`);
    }
    const routes = jsonValue(vars[RuntimeEnv.modelRoutes]);
    if (vars[RuntimeEnv.modelRoutes] !== undefined && !isRecord(routes)) flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `environment ${RuntimeEnv.modelRoutes}`, `routes models by ${JSON.stringify(vars[RuntimeEnv.modelRoutes])}, which is not a JSON object the proof can read: where the runtime sends prompts cannot be proved`);
    if (ctx.tenant && isRecord(routes)) {
        const own = new Set(Object.values(ctx.tenant.inferenceProfileArns));
        for (const [model, arn] of Object.entries(routes)) if (!own.has(asText(arn))) flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `environment ${RuntimeEnv.modelRoutes}`, `routes ${model} to ${JSON.stringify(arn)}, which is not one of the tenant's profiles`);
    }
}

/** The lock must keep the mode and retention the component was asked for; without that intent, COMPLIANCE. */
function lockViolations(r: StackResource, c: CustomerIntent): string[] {
    const rule = prop(r, "rule");
    const retention = isRecord(rule) && isRecord(rule.defaultRetention) ? rule.defaultRetention : undefined;
    if (!retention) return ["has no default retention: records could be deleted as soon as they are written"];
    // AWS takes days or years; a refreshed record holds both, the unused one as 0.
    const days = Math.max(typeof retention.days === "number" ? retention.days : 0, typeof retention.years === "number" ? retention.years * 365 : 0);
    const out: string[] = [];
    const mode = c.archiveRetentionMode ?? "COMPLIANCE";
    if (retention.mode !== mode) out.push(`locks in ${JSON.stringify(retention.mode)} mode, not ${mode}: privileged principals could delete locked records`);
    if (c.archiveRetentionDays !== undefined && days < c.archiveRetentionDays) out.push(`keeps records ${days} days, less than the ${c.archiveRetentionDays} days asked for`);
    return out;
}

/**
 * Principals outside `account` that a trust policy admits to assume the role
 * (federated, `*` and NotPrincipal included), and services acting for them:
 * any but the runtime's compute not held to the account by its source.
 */
function outsidePrincipals(trust: unknown, account: string): string[] {
    return [...outsiders(trust, account, (s) => coversService(s, "sts")), ...servicesFromOutside(trust, account)];
}

/** The guardrail ARN of an IAM `bedrock:GuardrailIdentifier` value (`ARN:VERSION`). */
function guardrailArnOf(identifier: string | undefined): string | undefined {
    return identifier === undefined ? undefined : identifier.slice(0, identifier.lastIndexOf(":"));
}

/** Without the ops file, a guardrail of the tenant's ops account is taken as the one its role requires (the ops file proves it). */
function isOpsGuardrail(value: string, opsAccount: string | undefined): boolean {
    const arn = parseArn(value);
    return arn !== undefined && arn.account === opsAccount && arn.service === "bedrock" && arn.resource.startsWith("guardrail/");
}

/** Without the ops file, an application profile of the tenant's ops account is taken as the tenant's (the ops file proves it). */
function isOpsProfile(value: string, opsAccount: string | undefined): boolean {
    const arn = parseArn(value);
    return arn !== undefined && arn.account === opsAccount && arn.service === "bedrock" && arn.resource.startsWith("application-inference-profile/");
}

/**
 * Keys S3 or the account's AWS-managed `aws/s3` key provide: the provider
 * records an unset key as "" (SSE-S3). Neither can be used from another
 * account, so neither opens the bucket; the archive's own key is held to the
 * stack's by the archive rules.
 */
function s3ManagedKey(key: unknown, account: string): boolean {
    if (key === "" || key === "alias/aws/s3") return true;
    const arn = typeof key === "string" ? parseArn(key) : undefined;
    return arn?.service === "kms" && arn.account === account && arn.resource === "alias/aws/s3";
}

/**
 * Why a grant's operations let its grantee share the key onward: a grant
 * holding CreateGrant lets the grantee grant the same operations to any
 * principal of any account, a path out that no policy of the stack shows
 * (the same power in an identity policy is weighed as `kms:CreateGrant`).
 * Operations the proof cannot read could hold it.
 */
function grantSharing(operations: unknown): string | undefined {
    if (!Array.isArray(operations) || operations.some((o) => typeof o !== "string")) {
        return "operations the proof cannot read, which could hold CreateGrant: who the grantee may pass the key to cannot be proved";
    }
    // KMS spells operations one way; any other case is read as the same operation rather than let through.
    if ((operations as string[]).some((o) => o.toLowerCase() === "creategrant")) {
        return "with CreateGrant the grantee can grant these operations on the key to any principal, in any account, so what the key protects (the audit log, the archive) can be opened outside the account";
    }
    return undefined;
}
