/**
 * Checks of each stack as a whole: no Bedrock invocation logging anywhere,
 * every log group encrypted with a key of its own account, no key usable by
 * another account (the ops account included), every role's policies within
 * IAM's size quotas, and each customer stack pointing at its own tenant.
 */
import { DEFAULT_TRUST_POLICY_SIZE_QUOTA, INLINE_POLICY_SIZE_QUOTA, PARTITION } from "../contract";
import type { CustomerIntent, TenantIntent } from "./intent";
import { hasWildcard, parseDocument } from "./policy-statements";
import type { StackResource, StackState } from "./pulumi-formats";
import { prop, ROLE_POLICY_TYPE, ROLE_TYPE, type Violation } from "./tenant-proof";

export const INVOCATION_LOGGING_TYPE = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration";
export const KMS_KEY_TYPE = "aws:kms/key:Key";
export const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";

export interface StackContext {
    state: StackState;
    /** The account the stack deploys to, from its components' outputs. */
    account?: string;
    tenant: string;
    /** Role name → tenant, to name the tenant whose role breaks a quota. */
    roleOwners?: ReadonlyMap<string, string>;
}

export function stackViolations(ctx: StackContext): { violations: Violation[]; facts: string[] } {
    const violations: Violation[] = [];
    const facts: string[] = [];
    const { state, account, tenant } = ctx;
    const flag = (r: StackResource, statement: string, why: string) => violations.push({ tenant, stack: state.stack, resource: r.name, statement, why });
    const inlineTotals = new Map<string, number>();
    for (const r of state.resources) {
        if (r.type === INVOCATION_LOGGING_TYPE) flag(r, "-", `configures Bedrock invocation logging: prompts would rest in account ${account ?? "(unknown)"}`);
        if (r.type === KMS_KEY_TYPE) keyPolicyViolations(r, account).forEach(([s, why]) => flag(r, s, why));
        if (r.type === LOG_GROUP_TYPE) {
            const key = prop(r, "kmsKeyId");
            const keyAccount = typeof key === "string" && new RegExp(`^arn:${PARTITION}:kms:[a-z0-9-]+:(\\d{12}):key/`).exec(key)?.[1];
            if (!keyAccount) flag(r, "kmsKeyId", `is not encrypted with a KMS key ARN (kmsKeyId ${JSON.stringify(key)})`);
            else if (account === undefined) flag(r, "kmsKeyId", "belongs to a stack whose account no bedrock-tenancy component names");
            else if (keyAccount !== account) flag(r, "kmsKeyId", `is encrypted with a key of account ${keyAccount}, not of its own account ${account}`);
            else facts.push(`log group ${String(prop(r, "name") ?? r.name)} (${state.stack}) is encrypted with a key of its own account ${account}`);
        }
        if (r.type === ROLE_TYPE) {
            const size = policyLength(prop(r, "assumeRolePolicy"));
            const owner = ctx.roleOwners?.get(String(prop(r, "name")));
            if (size > DEFAULT_TRUST_POLICY_SIZE_QUOTA) violations.push({ tenant: owner ?? tenant, stack: state.stack, resource: r.name, statement: "assumeRolePolicy", why: `the trust policy is ${size} characters, over IAM's default ${DEFAULT_TRUST_POLICY_SIZE_QUOTA}` });
        }
        if (r.type === ROLE_POLICY_TYPE) {
            const role = String(prop(r, "role"));
            inlineTotals.set(role, (inlineTotals.get(role) ?? 0) + policyLength(prop(r, "policy")));
        }
    }
    for (const [role, total] of inlineTotals) {
        if (total > INLINE_POLICY_SIZE_QUOTA) violations.push({ tenant: ctx.roleOwners?.get(role) ?? tenant, stack: state.stack, resource: role, statement: "inline policies", why: `inline policies total ${total} characters, over IAM's ${INLINE_POLICY_SIZE_QUOTA}` });
    }
    return { violations, facts };
}

/** IAM counts a policy without whitespace. */
function policyLength(value: unknown): number {
    const parsed = typeof value === "string" ? safeParse(value) : value;
    return parsed === undefined ? 0 : JSON.stringify(parsed).length;
}

function safeParse(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/** A key policy may name only its own account and the CloudWatch Logs service. */
function keyPolicyViolations(key: StackResource, account: string | undefined): [string, string][] {
    const parsed = parseDocument(prop(key, "policy"));
    if ("problem" in parsed) return [["policy", `the key policy ${parsed.problem}`]];
    const out: [string, string][] = [];
    for (const s of parsed.statements) {
        if (s.effect === "Deny") continue;
        s.negated.filter((n) => n === "NotPrincipal").forEach(() => out.push([s.label, "uses NotPrincipal: the key is usable by every other principal"]));
        const p = s.principal;
        if (typeof p !== "object" || p === null) {
            out.push([s.label, `has Principal ${JSON.stringify(p)}: any account may use the key`]);
            continue;
        }
        for (const [kind, value] of Object.entries(p)) {
            for (const v of Array.isArray(value) ? value.map(String) : [String(value)]) {
                if (kind === "Service" && /^logs\.[a-z0-9-]+\.amazonaws\.com$/.test(v)) continue;
                if (kind !== "AWS") out.push([s.label, `lets the ${kind} principal ${v} use the key`]);
                else if (hasWildcard(v)) out.push([s.label, `lets ${v} use the key: any principal matching it`]);
                else {
                    const owner = /^\d{12}$/.test(v) ? v : v.split(":")[4];
                    if (owner !== account) out.push([s.label, `lets account ${owner} (${v}) use the key of account ${account ?? "(unknown)"}`]);
                }
            }
        }
    }
    return out;
}

/** A customer stack's component must name its own tenant's ops role and one of the tenant's accounts. */
export function customerViolations(c: CustomerIntent, tenants: Map<string, TenantIntent>): Violation[] {
    const t = tenants.get(c.tenantId);
    const v = (why: string): Violation => ({ tenant: c.tenantId, stack: c.stack, resource: c.urn.split("::").pop()!, statement: "-", why });
    if (!t) return tenants.size === 0 ? [] : [v(`names tenant ${c.tenantId}, which no ops stack given declares`)];
    const out: Violation[] = [];
    if (!t.accounts.includes(c.accountId)) out.push(v(`deploys to account ${c.accountId}, which tenant ${c.tenantId} does not list (${t.accounts.join(", ")})`));
    if (c.opsRoleArn !== t.roleArn) out.push(v(`assumes ${c.opsRoleArn}, not the tenant's ops role ${t.roleArn}`));
    return out;
}
