/**
 * The customer account as a whole: every path by which the audit log, its
 * key or the archive could be read or copied outside the account. Any
 * reference to another account, or to a bucket or key the stack does not
 * hold, is a finding unless it is one of the runtime's documented outbound
 * references (the tenant's ops role and its profiles); the paths that stay
 * inside the account (subscriptions, replication, query results) must end
 * at resources of the stack.
 */
import { accountOfPrincipal, coversResource, coversService, isAccountId, isRecord, parseArn, parsePolicy, s3BucketArn, s3ObjectsArn, RuntimeEnv, type PolicyStatement } from "../contract";
import { violation, type Code, type Violation } from "./findings";
import type { AccountIam } from "./iam-graph";
import type { CustomerIntent, TenantIntent } from "./intent";
import { asText, jsonValue, prop, textProp, type StackResource, type StackState } from "./pulumi-formats";
import { knownType } from "./resource-types";

const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const KEY_TYPE = "aws:kms/key:Key";
const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";
/** Handled by the IAM graph, the key checks or below: their ARNs to other accounts are reasoned about, not scanned. */
const NOT_SCANNED = new Set([
    "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/user:User", "aws:iam/group:Group",
    "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy", "aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy",
    "aws:s3/bucketPolicy:BucketPolicy", "pulumi:pulumi:Stack", "bedrock-tenancy:index:PrivateInvocationLogging",
]);
/** Environment variables that send the runtime's calls somewhere other than AWS's own endpoints. */
const REDIRECTING_ENV = ["AWS_ENDPOINT_URL", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "AWS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"];
/** Services whose actions read or copy the log, its key or the archive. */
const DATA_SERVICES = ["logs", "kms", "s3", "athena", "glue"];
/** Services whose actions let a role grant itself more, or change the runtime that writes the records. */
const ESCALATING_SERVICES = ["iam", "sts", "lambda", "ecs", "ssm", "cloudformation"];
const OWNER_KEYS = new Set(["account", "accountid", "expectedbucketowner", "owner", "bucketowner", "sourceaccount"]);

export interface CustomerContext {
    state: StackState;
    account: string;
    iam: AccountIam;
    customer: CustomerIntent;
    tenant?: TenantIntent;
}

export function customerAccountViolations(ctx: CustomerContext): Violation[] {
    const out: Violation[] = [];
    const { state, account, customer } = ctx;
    const flag = (code: Code, r: StackResource, statement: string, why: string) =>
        out.push(violation(code, { tenant: customer.tenantId, stack: state.stack, resource: r.name, urn: r.urn }, statement, why));
    const buckets = new Set(state.resources.filter((r) => BUCKET_TYPES.includes(r.type)).map((r) => textProp(r, "bucket") ?? r.id ?? r.name));
    const keys = new Set(state.resources.filter((r) => r.type === KEY_TYPE).flatMap((r) => [prop(r, "arn"), r.id && `key/${r.id}`].filter((x): x is string => typeof x === "string")));
    const ownKey = (arn: unknown) => typeof arn === "string" && (keys.has(arn) || [...keys].some((k) => k.startsWith("key/") && arn.endsWith(`:${k}`)));
    const arnsInFile = new Set(state.resources.map((r) => prop(r, "arn")).filter((a): a is string => typeof a === "string"));
    // The runtime's documented outbound references: the tenant's ops role, its application profiles and the guardrail its role requires.
    const opsAccount = parseArn(customer.opsRoleArn)?.account;
    const ownProfiles = ctx.tenant ? new Set(Object.values(ctx.tenant.inferenceProfileArns)) : undefined;
    const ownGuardrail = ctx.tenant ? guardrailArnOf(ctx.tenant.guardrailIdentifier) : undefined;
    const outbound = (value: string) =>
        value === customer.opsRoleArn
        || (ownProfiles ? ownProfiles.has(value) : isOpsProfile(value, opsAccount))
        || (ctx.tenant ? value === ownGuardrail : isOpsGuardrail(value, opsAccount));

    const protectedArns = [customer.logGroupArn, `${customer.logGroupArn}:log-stream:any`, customer.kmsKeyArn, ...[...buckets].flatMap((b) => [s3BucketArn(b), `${s3ObjectsArn(b).slice(0, -1)}any`])];
    for (const p of ctx.iam.principals.filter((x) => x.kind === "role")) {
        const outsiders = outsidePrincipals(p.trust, account);
        if (outsiders.length === 0) continue;
        const reaches = p.policies.some((source) => {
            if (source.document === undefined) return true;
            const parsed = parsePolicy(source.document);
            return "problem" in parsed || parsed.statements.some((s) => s.effect === "Allow" && (
                (DATA_SERVICES.some((svc) => coversService(s, svc)) && protectedArns.some((arn) => coversResource(s, arn))) ||
                // A way to grant itself more, or to change what the runtime does, reaches everything the account holds.
                ESCALATING_SERVICES.some((svc) => coversService(s, svc))));
        });
        if (reaches) flag("BT-CUSTOMER-FOREIGN-ROLE", p.resource, "assumeRolePolicy", `role ${p.name} can be assumed by ${outsiders.join(", ")}, outside the account, and reaches the audit log, its key or the archive`);
    }

    for (const r of state.resources) {
        if (r.type === LOG_GROUP_TYPE) {
            const key = prop(r, "kmsKeyId");
            if (!ownKey(key)) flag("BT-CUSTOMER-LOG-GROUP", r, "kmsKeyId", `is encrypted with ${JSON.stringify(key)}, which is not a key of this stack: who may decrypt it cannot be proved`);
        }
        if (r.type === "aws:kms/grant:Grant") {
            for (const k of ["granteePrincipal", "retiringPrincipal"]) {
                const who = prop(r, k);
                const owner = typeof who === "string" ? accountOfPrincipal(who) : undefined;
                if (typeof who === "string" && owner !== account) flag("BT-CUSTOMER-KEY", r, k, `grants ${JSON.stringify(prop(r, "operations"))} on ${JSON.stringify(prop(r, "keyId"))} to ${who}, outside the account ${account}`);
            }
        }
        if (r.type === "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter") {
            const to = prop(r, "destinationArn");
            if (typeof to !== "string" || !arnsInFile.has(to)) flag("BT-CUSTOMER-EGRESS", r, "destinationArn", `sends log group ${JSON.stringify(prop(r, "logGroup") ?? prop(r, "logGroupName"))} to ${JSON.stringify(to)}, which is not a resource of this stack`);
        }
        if (r.type === "aws:cloudwatch/logAccountPolicy:LogAccountPolicy" && prop(r, "policyType") === "SUBSCRIPTION_FILTER_POLICY") {
            const doc = jsonValue(prop(r, "policyDocument"));
            const to = isRecord(doc) ? doc.DestinationArn : undefined;
            if (typeof to !== "string" || !arnsInFile.has(to)) flag("BT-CUSTOMER-EGRESS", r, "policyDocument", `subscribes every log group of the account to ${JSON.stringify(to)}, which is not a resource of this stack`);
        }
        if (r.type === "aws:cloudwatch/logResourcePolicy:LogResourcePolicy" || r.type === "aws:s3/bucketPolicy:BucketPolicy" || (BUCKET_TYPES.includes(r.type) && prop(r, "policy"))) {
            const doc = prop(r, r.type === "aws:cloudwatch/logResourcePolicy:LogResourcePolicy" ? "policyDocument" : "policy");
            for (const who of allowedOutsiders(doc, account)) flag("BT-CUSTOMER-EGRESS", r, "policy", `allows ${who}, outside the account ${account}`);
        }
        if (r.type === "aws:lambda/permission:Permission") {
            const who = prop(r, "principal");
            const owner = typeof who === "string" ? accountOfPrincipal(who) : undefined;
            if (who === "*" || (owner !== undefined && owner !== account)) flag("BT-CUSTOMER-EGRESS", r, "principal", `lets ${JSON.stringify(who)}, outside the account, invoke the runtime and read its completions`);
        }
        if (r.type === "aws:lambda/functionUrl:FunctionUrl" && prop(r, "authorizationType") !== "AWS_IAM") {
            flag("BT-CUSTOMER-EGRESS", r, "authorizationType", `lets anyone call the runtime through its URL (authorizationType ${JSON.stringify(prop(r, "authorizationType"))})`);
        }
        if (r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration" || r.type === "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2") {
            for (const rule of list(prop(r, "rules"))) {
                const key = isRecord(rule) && isRecord(rule.applyServerSideEncryptionByDefault) ? rule.applyServerSideEncryptionByDefault.kmsMasterKeyId : undefined;
                if (key !== undefined && !ownKey(key)) flag("BT-CUSTOMER-KEY", r, "rules", `encrypts bucket ${JSON.stringify(prop(r, "bucket"))} with ${JSON.stringify(key)}, which is not a key of this stack`);
            }
        }
        if (r.type === "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration" || r.type === "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2") {
            lockViolations(r, customer).forEach((why) => flag("BT-CUSTOMER-ARCHIVE", r, "rule", why));
        }
        if (r.type === "aws:lambda/function:Function") runtimeEnvironment(r, ctx, buckets, ownKey, flag);
        if (!NOT_SCANNED.has(r.type) && knownType(r.type)) {
            for (const [path, why] of foreignReferences(r, account, buckets, outbound)) flag("BT-CUSTOMER-EGRESS", r, path, why);
        }
    }
    return out;
}

/** The environment must not redirect the runtime, and must name only the stack's own archive. */
function runtimeEnvironment(r: StackResource, ctx: CustomerContext, buckets: Set<string>, ownKey: (k: unknown) => boolean, flag: (code: Code, r: StackResource, statement: string, why: string) => void): void {
    const env = prop(r, "environment");
    const vars = isRecord(env) && isRecord(env.variables) ? env.variables : {};
    for (const [name, value] of Object.entries(vars)) {
        const upper = name.toUpperCase();
        if (REDIRECTING_ENV.some((p) => upper === p || upper.startsWith(`${p}_`))) flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `environment ${name}`, `sets ${name}=${JSON.stringify(value)}: the runtime's calls, records included, could go to another endpoint`);
    }
    const bucket = vars[RuntimeEnv.archiveBucket];
    if (bucket !== undefined && !buckets.has(asText(bucket))) flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `environment ${RuntimeEnv.archiveBucket}`, `archives to bucket ${JSON.stringify(bucket)}, which is not a bucket of this stack`);
    const key = vars[RuntimeEnv.archiveKmsKeyArn];
    if (key !== undefined && !ownKey(key)) flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `environment ${RuntimeEnv.archiveKmsKeyArn}`, `encrypts the archive with ${JSON.stringify(key)}, which is not a key of this stack`);
    const ops = vars[RuntimeEnv.opsRoleArn];
    if (ops !== undefined && ops !== ctx.customer.opsRoleArn) flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `environment ${RuntimeEnv.opsRoleArn}`, `assumes ${JSON.stringify(ops)}, not the tenant's ops role ${ctx.customer.opsRoleArn}`);
    const guardrail = vars[RuntimeEnv.guardrailArn] === undefined ? undefined : `${asText(vars[RuntimeEnv.guardrailArn])}:${asText(vars[RuntimeEnv.guardrailVersion])}`;
    if (ctx.tenant && guardrail !== undefined && guardrail !== ctx.tenant.guardrailIdentifier) {
        flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `environment ${RuntimeEnv.guardrailArn}`, `applies guardrail ${JSON.stringify(guardrail)}, not the one the tenant's role requires (${JSON.stringify(ctx.tenant.guardrailIdentifier ?? "none")})`);
    }
    const routes = jsonValue(vars[RuntimeEnv.modelRoutes]);
    if (ctx.tenant && isRecord(routes)) {
        const own = new Set(Object.values(ctx.tenant.inferenceProfileArns));
        for (const [model, arn] of Object.entries(routes)) if (!own.has(String(arn))) flag("BT-CUSTOMER-RUNTIME-REDIRECT", r, `environment ${RuntimeEnv.modelRoutes}`, `routes ${model} to ${JSON.stringify(arn)}, which is not one of the tenant's profiles`);
    }
}

/** The lock must keep the mode and retention the component was asked for; without that intent, COMPLIANCE. */
function lockViolations(r: StackResource, c: CustomerIntent): string[] {
    const rule = prop(r, "rule");
    const retention = isRecord(rule) && isRecord(rule.defaultRetention) ? rule.defaultRetention : undefined;
    if (!retention) return ["has no default retention: records could be deleted as soon as they are written"];
    const days = typeof retention.days === "number" ? retention.days : typeof retention.years === "number" ? retention.years * 365 : 0;
    const out: string[] = [];
    const mode = c.archiveRetentionMode ?? "COMPLIANCE";
    if (retention.mode !== mode) out.push(`locks in ${JSON.stringify(retention.mode)} mode, not ${mode}: privileged principals could delete locked records`);
    if (c.archiveRetentionDays !== undefined && days < c.archiveRetentionDays) out.push(`keeps records ${days} days, less than the ${c.archiveRetentionDays} days asked for`);
    return out;
}

/** Principals outside `account` that a trust policy admits to assume the role (federated, `*` and NotPrincipal included). */
function outsidePrincipals(trust: unknown, account: string): string[] {
    return outsiders(trust, account, (s) => coversService(s, "sts"));
}

/** Principals outside `account` that an Allow of a resource policy names. */
function allowedOutsiders(doc: unknown, account: string): string[] {
    return doc === undefined || doc === null || doc === "" ? [] : outsiders(doc, account, () => true);
}

/** Principals outside `account` named by the Allow statements of `doc` that `relevant` selects; an unreadable document is one. */
function outsiders(doc: unknown, account: string, relevant: (s: PolicyStatement) => boolean): string[] {
    const parsed = parsePolicy(doc);
    if ("problem" in parsed) return [`(a policy the proof cannot read: it ${parsed.problem})`];
    const out: string[] = [];
    for (const s of parsed.statements) {
        if (s.effect !== "Allow" || !relevant(s)) continue;
        if (s.notPrincipals) out.push("every principal but those of its NotPrincipal");
        for (const [kind, values] of Object.entries(s.principals ?? {})) {
            if (kind === "Service") continue;
            for (const v of values) if (kind !== "AWS" || v.includes("*") || accountOfPrincipal(v) !== account) out.push(kind === "AWS" ? v : `${kind} ${v}`);
        }
    }
    return out;
}

/**
 * Every value of the resource that names another account, or a bucket the
 * stack does not hold: `[property path, why]`. JSON held in a string is read
 * too, as a policy or a configuration would be.
 */
export function foreignReferences(r: StackResource, account: string, buckets: Set<string>, outbound: (value: string) => boolean): [string, string][] {
    const out: [string, string][] = [];
    const walk = (value: unknown, path: string, key: string, depth: number): void => {
        if (depth > 32) return;
        if (typeof value === "string") {
            if (outbound(value)) return;
            const nested = value.startsWith("{") || value.startsWith("[") ? jsonValue(value) : undefined;
            if (nested !== undefined) return walk(nested, path, key, depth + 1);
            const arn = parseArn(value);
            if (arn && isAccountId(arn.account) && arn.account !== account) out.push([path, `refers to ${value}, in account ${arn.account}: a path out of the customer account`]);
            const bucket = arn?.service === "s3" ? arn.resource.split("/")[0] : value.startsWith("s3://") ? value.slice(5).split("/")[0] : undefined;
            if (bucket !== undefined && bucket !== "" && !buckets.has(bucket)) out.push([path, `refers to bucket ${bucket}, which is not a bucket of this stack`]);
            if (OWNER_KEYS.has(key.toLowerCase()) && isAccountId(value) && value !== account) out.push([path, `names account ${value} as ${key}: a path out of the customer account`]);
        } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`, key, depth + 1));
        else if (isRecord(value)) for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, k, depth + 1);
    };
    const keys = new Set([...Object.keys(r.inputs), ...Object.keys(r.outputs)]);
    for (const k of keys) walk(prop(r, k), k, k, 0);
    return out;
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

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
