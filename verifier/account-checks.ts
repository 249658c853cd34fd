/**
 * Checks of each stack as a whole: no Bedrock invocation logging anywhere,
 * every log group encrypted with a key of its own account, no key usable by
 * another account (the ops account included), every role's policies within
 * IAM's size quotas, and each customer stack pointing at its own tenant.
 */
import { accountOfPrincipal, DEFAULT_TRUST_POLICY_SIZE_QUOTA, hasWildcard, INLINE_POLICY_SIZE_QUOTA, isLogsServicePrincipal, parseArn, parsePolicy } from "../contract";
import { KEY_POLICY_TIES, LOGS_KEY_TIES, SOURCE_TIES, tiedToAccount } from "./account-egress";
import { violation, type Code, type Violation } from "./findings";
import type { AccountIam } from "./iam-graph";
import type { CustomerIntent, TenantIntent } from "./intent";
import { namesRole, sameRole, type RuntimeRoles } from "./runtime-roles";
import { jsonValue, prop, textProp, type StackResource, type StackState } from "./pulumi-formats";

export const INVOCATION_LOGGING_TYPE = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration";
export const KMS_KEY_TYPE = "aws:kms/key:Key";
/** The resources that hold a key policy: the key, and a key policy of its own. */
export const KEY_POLICY_TYPES = [KMS_KEY_TYPE, "aws:kms/keyPolicy:KeyPolicy"];
export const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";

export interface StackContext {
    state: StackState;
    /** The account the stack deploys to, from its components' outputs. */
    account?: string;
    tenant: string;
    iam: AccountIam;
    /** Role name (lowercased) → tenant, to name the tenant whose role breaks a quota. */
    roleOwners?: ReadonlyMap<string, string>;
    /** An ops stack: a key there that admits another account is a path out of the ops account, not a customer key's. */
    ops?: boolean;
}

export function stackViolations(ctx: StackContext): { violations: Violation[]; facts: string[] } {
    const violations: Violation[] = [];
    const facts: string[] = [];
    const { state, account, tenant } = ctx;
    const flag = (code: Code, r: StackResource, statement: string, why: string, who = tenant) =>
        violations.push(violation(code, { tenant: who, stack: state.stack, resource: r.name, urn: r.urn }, statement, why));
    for (const r of state.resources) {
        if (r.type === INVOCATION_LOGGING_TYPE) flag("BT-ACCOUNT-INVOCATION-LOGGING", r, "-", `configures Bedrock invocation logging: prompts would rest in account ${account ?? "(unknown)"}`);
        const keyFinding = ([s, why]: [string, string]) => (ctx.ops ? flag("BT-OPS-EGRESS", r, s, why, "(ops account)") : flag("BT-CUSTOMER-KEY", r, s, why));
        if (KEY_POLICY_TYPES.includes(r.type)) keyPolicyViolations(prop(r, "policy"), account).forEach(keyFinding);
        if (r.type === KMS_KEY_TYPE) keyStoreViolations(r).forEach(keyFinding);
        if (r.type === LOG_GROUP_TYPE) {
            // The provider records an unset key as "": the group is then encrypted with a key CloudWatch Logs owns.
            const set = prop(r, "kmsKeyId");
            const key = set === "" ? undefined : set;
            const arn = typeof key === "string" ? parseArn(key) : undefined;
            const keyAccount = arn?.service === "kms" && arn.resource.startsWith("key/") ? arn.account : undefined;
            if (ctx.ops) {
                // The ops account's own logs (the enforcer's) hold no record: only a key another account controls is a finding there.
                if (key !== undefined && keyAccount !== account) flag("BT-OPS-EGRESS", r, "kmsKeyId", `is encrypted with ${JSON.stringify(key)}, not a key of the ops account ${account ?? "(unknown)"}`, "(ops account)");
                continue;
            }
            if (!keyAccount) flag("BT-CUSTOMER-LOG-GROUP", r, "kmsKeyId", `is not encrypted with a KMS key ARN (kmsKeyId ${JSON.stringify(key)})`);
            else if (account === undefined) flag("BT-CUSTOMER-LOG-GROUP", r, "kmsKeyId", "belongs to a stack whose account no bedrock-tenancy component names");
            else if (keyAccount !== account) flag("BT-CUSTOMER-LOG-GROUP", r, "kmsKeyId", `is encrypted with a key of account ${keyAccount}, not of its own account ${account}`);
            else facts.push(`log group ${textProp(r, "name") ?? r.name} (${state.stack}) is encrypted with a key of its own account ${account}`);
        }
    }
    for (const p of ctx.iam.principals) {
        const owner = ctx.roleOwners?.get(p.name.toLowerCase()) ?? tenant;
        if (p.kind === "role") {
            const size = policyLength(p.trust);
            if (size > DEFAULT_TRUST_POLICY_SIZE_QUOTA) flag("BT-QUOTA-POLICY-SIZE", p.resource, "assumeRolePolicy", `the trust policy is ${size} characters, over IAM's default ${DEFAULT_TRUST_POLICY_SIZE_QUOTA}`, owner);
        }
        const inline = p.policies.filter((x) => x.managedArn === undefined).reduce((n, x) => n + policyLength(x.document), 0);
        if (inline > INLINE_POLICY_SIZE_QUOTA) {
            violations.push(violation("BT-QUOTA-POLICY-SIZE", { tenant: owner, stack: state.stack, resource: p.name, urn: p.resource.urn }, "inline policies", `inline policies total ${inline} characters, over IAM's ${INLINE_POLICY_SIZE_QUOTA}`));
        }
    }
    return { violations, facts };
}

/** IAM counts a policy without whitespace: the length of its compact JSON. */
function policyLength(value: unknown): number {
    const parsed = jsonValue(value);
    return parsed === undefined ? 0 : jsonLength(parsed);
}

/** `JSON.stringify(value).length`, counted without building the text (a fleet's policies are many). */
export function jsonLength(value: unknown): number {
    if (value === null) return 4;
    switch (typeof value) {
        case "string": {
            // Most text needs no escape: its JSON is the text in quotes.
            if (!NEEDS_ESCAPE.test(value)) return value.length + 2;
            let n = 2;
            for (let i = 0; i < value.length; i++) {
                const c = value.charCodeAt(i);
                n += c === 34 || c === 92 || c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : c < 32 ? 6 : c >= 0xd800 && c <= 0xdfff && !pairedSurrogate(value, i) ? 6 : 1;
            }
            return n;
        }
        case "number":
            return Number.isFinite(value) ? String(value).length : 4;
        case "boolean":
            return value ? 4 : 5;
        case "object": {
            if (Array.isArray(value)) {
                let n = 1 + Math.max(value.length - 1, 0) + 1;
                for (let i = 0; i < value.length; i++) {
                    if (!(i in value)) continue;
                    const v: unknown = value[i];
                    n += v === undefined || typeof v === "function" ? 4 : jsonLength(v);
                }
                return n;
            }
            let n = 2;
            let first = true;
            const record = value as Record<string, unknown>;
            const keys = Object.keys(record);
            for (let i = 0; i < keys.length; i++) {
                const v = record[keys[i]];
                if (v === undefined || typeof v === "function") continue;
                n += (first ? 0 : 1) + jsonLength(keys[i]) + 1 + jsonLength(v);
                first = false;
            }
            return n;
        }
        default:
            return 0;
    }
}

/** A character JSON writes escaped (a quote, a backslash, a control character) or that may be a lone surrogate. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function pairedSurrogate(s: string, i: number): boolean {
    const c = s.charCodeAt(i);
    return c <= 0xdbff ? (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 : (s.charCodeAt(i - 1) & 0xfc00) === 0xd800;
}

/**
 * A key of the stack keeps its material in KMS itself. In a custom key store
 * the material is in a CloudHSM cluster or, for an external key store, behind
 * a proxy whoever runs it answers for: the store is not in the files, and an
 * external store's proxy sees every request and can withhold the key. Any
 * value (an id, an id unknown at preview) is a finding; an unset one is
 * recorded as absent, null or "".
 */
function keyStoreViolations(r: StackResource): [string, string][] {
    const out: [string, string][] = [];
    for (const key of ["customKeyStoreId", "xksKeyId"]) {
        const value = prop(r, key);
        if (value !== undefined && value !== null && value !== "") out.push([key, `keeps the key's material in a custom key store (${key} ${JSON.stringify(value)}), which is not in the files: whoever runs the store or its external proxy can read or withhold every key it protects`]);
    }
    return out;
}

const NO_BUCKETS: ReadonlySet<string> = new Set();
/** The service that publishes alarm notifications, to a topic a key may encrypt. */
const CLOUDWATCH_SERVICE = "cloudwatch.amazonaws.com";

/** A key policy may name only its own account and the CloudWatch Logs service held to the account, and `*` only held to the account. */
function keyPolicyViolations(policy: unknown, account: string | undefined): [string, string][] {
    const parsed = parsePolicy(policy);
    if ("problem" in parsed) return [["policy", `the key policy ${parsed.problem}`]];
    const out: [string, string][] = [];
    for (const s of parsed.statements) {
        if (s.effect === "Deny") continue;
        if (s.notPrincipals) out.push([s.label, "uses NotPrincipal: the key is usable by every other principal"]);
        for (const [kind, values] of Object.entries(s.principals ?? {})) {
            for (const v of values) {
                if (kind === "Service" && isLogsServicePrincipal(v)) {
                    // CloudWatch Logs acts for whichever account owns the log group: untied, it would use the key for any account's.
                    if (account === undefined || !tiedToAccount(s, account, NO_BUCKETS, LOGS_KEY_TIES)) out.push([s.label, `lets CloudWatch Logs (${v}) use the key for log groups of other accounts: no condition holds it to account ${account ?? "(unknown)"} alone; hold it to the log group with ArnEquals kms:EncryptionContext:aws:logs:arn, as the component does, or to the account with StringEquals aws:SourceAccount`]);
                    continue;
                }
                if (kind === "Service" && v === CLOUDWATCH_SERVICE) {
                    // CloudWatch publishes alarm notifications to a topic the key encrypts; held to the account's own alarms by
                    // aws:SourceAccount or aws:SourceArn, it uses the key for nothing else.
                    if (account === undefined || !tiedToAccount(s, account, NO_BUCKETS, SOURCE_TIES)) out.push([s.label, `lets CloudWatch (${v}) use the key for alarms of any account: no condition holds it to account ${account ?? "(unknown)"}; hold it to the account with StringEquals aws:SourceAccount`]);
                    continue;
                }
                if (kind !== "AWS") out.push([s.label, `lets the ${kind} principal ${v} use the key`]);
                else if (v === "*") {
                    // AWS's pattern for a key used through a service: every principal, held to the account by kms:CallerAccount.
                    if (account === undefined || !tiedToAccount(s, account, NO_BUCKETS, KEY_POLICY_TIES)) out.push([s.label, "has Principal \"*\": any account may use the key"]);
                }
                else if (hasWildcard(v)) out.push([s.label, `lets ${v} use the key: any principal matching it`]);
                else {
                    const owner = accountOfPrincipal(v);
                    if (owner !== account) out.push([s.label, `lets account ${owner ?? v} (${v}) use the key of account ${account ?? "(unknown)"}`]);
                }
            }
        }
    }
    return out;
}

/**
 * A customer stack's component must name its own tenant's ops role, one of
 * the tenant's accounts, and as its runtime role the role the tenant's ops
 * role trusts in that account: the customer proof holds that role to the
 * runtime's rules, and a component naming another has its checks read on a
 * role that reaches nothing.
 */
export function customerViolations(c: CustomerIntent, tenants: Map<string, TenantIntent>, runtime?: RuntimeRoles): Violation[] {
    const t = tenants.get(c.tenantId);
    const v = (why: string): Violation => violation("BT-CUSTOMER-TENANT", { tenant: c.tenantId, stack: c.stack, resource: c.urn.split("::").pop()!, urn: c.urn }, "-", why);
    if (!t) return [v(`names tenant ${c.tenantId}, which no ops stack given declares: its isolation cannot be proved`)];
    const out: Violation[] = [];
    if (c.accountId === t.opsAccount) out.push(v(`deploys to account ${c.accountId}, the ops account of tenant ${c.tenantId}: its audit log, prompts and completions would rest in the ops account`));
    if (!t.accounts.includes(c.accountId)) out.push(v(`deploys to account ${c.accountId}, which tenant ${c.tenantId} does not list (${t.accounts.join(", ")})`));
    if (!namesRole(c.opsRoleArn, t.roleArn)) out.push(v(`assumes ${c.opsRoleArn}, not the tenant's ops role ${t.roleArn}`));
    const trusted = runtime?.roles[0];
    if (trusted !== undefined && !sameRole(c.runtimeRoleArn, trusted)) {
        out.push(v(`names ${c.runtimeRoleArn} as its runtime role, but the role tenant ${c.tenantId}'s ops role trusts in account ${c.accountId} is ${trusted}: that role, not the one named, can call Bedrock as the tenant, and the proof holds it to the runtime's rules`));
    }
    if (runtime?.wholeAccount) {
        out.push(v(`the tenant's ops role ${t.roleArn} trusts every principal of account ${c.accountId}: any role there, not only the runtime, could call Bedrock as tenant ${c.tenantId} without writing an audit record`));
    }
    return out;
}
