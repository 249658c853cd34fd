/**
 * Stacks that deploy into one account share it whole: one namespace of
 * names, and one IAM in which a principal of any stack can act on the
 * resources of every other. Each stack is proved on its own first; here the
 * stacks of each account are read together, so that what one stack holds
 * counts against what another protects just as if the first stack held it:
 * its names (account-names.ts), its principals' reach into another stack's
 * audit trail, and its principals and resource policies against another
 * stack's tenant roles and their sessions. A run with one stack per account
 * does none of this work.
 */
import { hasWildcard, parseArn, wildcardMatch } from "../contract";
import { accountNameCollisions, type AccountStack } from "./account-names";
import { auditTrailRemovalViolations } from "./audit-trail-guard";
import type { Code, Violation } from "./findings";
import { buildAccountIam, type AccountIam, type IamPrincipal } from "./iam-graph";
import type { CustomerIntent, TenantIntent } from "./intent";
import { listUnder } from "./metering-values";
import { gatherTenants, opsAccountViolations, type AccountTenants } from "./ops-account";
import { stackOfUrn, type StackState } from "./pulumi-formats";

/** A stack with what its components say of it. */
export interface IntendedStack {
    state: StackState;
    tenants: TenantIntent[];
    customers: CustomerIntent[];
}

/**
 * The account a stack deploys into: its customer component's, else its
 * tenants' ops account. Every provider is held to the aws partition
 * (BT-PLAN-FOREIGN-PROVIDER), so the account id alone names the account.
 */
export function stackAccount(own: { tenants: readonly TenantIntent[]; customers: readonly CustomerIntent[] }): string | undefined {
    return own.customers[0]?.accountId ?? own.tenants[0]?.opsAccount;
}

/** The ops checks' findings about tenant roles and their sessions; the others judge the stack's own resources, which its own proof did. */
const OPS_CODES: ReadonlySet<Code> = new Set(["BT-OPS-ROLE-CHAIN", "BT-OPS-TENANT-ROLE-WRITE"]);

/**
 * The findings of every account that more than one stack deploys into.
 * `known` are the findings of the stacks proved one by one: a finding the
 * same stack's own proof made is not made twice.
 */
export function sharedAccountViolations(stacks: readonly IntendedStack[], known: readonly Violation[]): Violation[] {
    const byAccount = new Map<string, IntendedStack[]>();
    for (const s of stacks) {
        const account = stackAccount(s);
        if (account !== undefined) listUnder(byAccount, account, s);
    }
    if (![...byAccount.values()].some((group) => group.length > 1)) return [];
    const out: Violation[] = [];
    const seen = new Set(known.map(key));
    for (const [account, group] of byAccount) {
        if (group.length < 2) continue;
        out.push(...accountNameCollisions(group.map((s): AccountStack => ({ state: s.state, account }))));
        const iams = new Map(group.map((s) => [s, buildAccountIam(s.state, account)]));
        const fileOf = new Map(group.map((s) => [s.state.stack, s.state.file]));
        const whose = (v: Violation): string => {
            const stack = v.urn === undefined ? undefined : stackOfUrn(v.urn);
            return stack === undefined || stack === v.stack ? "" : ` (it is of stack ${stack}, ${fileOf.get(stack) ?? "not among the files"}, which deploys into the same account ${account})`;
        };
        // Gathered once for the account, each stack's items tagged with it: a stack's checks skip its own rather than gather the others' anew.
        const principals = onlyPrincipals(group.flatMap((s) => iams.get(s)!.principals));
        const tenants = gatherTenants(group.map((s) => ({ owner: s, tenants: s.tenants, roles: tenantRoles(s, iams.get(s)!) })));
        const tenantStacks = group.filter((o) => o.tenants.length > 0);
        for (const s of group) {
            if (s.customers.length > 0) {
                const own = new Set(iams.get(s)!.principals);
                for (const customer of s.customers) {
                    for (const v of auditTrailRemovalViolations({ state: s.state, account, iam: principals, customer }, (p) => own.has(p))) out.push({ ...v, why: `${v.why}${whose(v)}` });
                }
            }
            if (tenantStacks.every((o) => o === s)) continue;
            for (const v of opsAccountViolations({ state: s.state, account, iam: iams.get(s)!, tenants: [], others: { tenants, own: s } })) {
                if (!OPS_CODES.has(v.code) || seen.has(key(v))) continue;
                seen.add(key(v));
                const owners = ownersOf(v, s, tenants, tenantStacks);
                out.push({ ...v, why: `${v.why} (a tenant role of ${owners.map((o) => `stack ${o.state.stack} (${o.state.file})`).join(", ")}, which deploys into the same account ${account})` });
            }
        }
    }
    return out;
}

/** A stack's tenant roles as principals, in the order of its tenants; the ops check guards their boundaries and policies. */
function tenantRoles(s: IntendedStack, iam: AccountIam): IamPrincipal[] {
    return s.tenants.flatMap((t) => iam.byName.role.get(t.roleName.toLowerCase()) ?? []);
}

/** An IAM view holding only `principals`, for a check that reads nothing else of it. */
function onlyPrincipals(principals: IamPrincipal[]): AccountIam {
    return { principals, byName: { role: new Map(), user: new Map(), group: new Map() }, policies: new Map(), exclusiveAttachments: new Map(), findings: [] };
}

/**
 * The stacks other than `s` whose tenant roles, or their sessions, a
 * finding names by ARN; else those whose tenant roles a pattern it names
 * matches; else every other stack with tenants (a boundary, a policy the
 * proof cannot read). The finding's tenant is the ops account's, so the
 * ARNs it names are looked up whole: a role whose name begins another's is
 * not taken for it.
 */
function ownersOf(v: Violation, s: IntendedStack, tenants: AccountTenants, tenantStacks: readonly IntendedStack[]): IntendedStack[] {
    const named = new Set<unknown>();
    const matched = new Set<unknown>();
    for (const word of v.why.toLowerCase().split(ARN_BOUNDARY)) {
        const token = word.replace(TRAILING_PUNCTUATION, "");
        const arn = token.startsWith("arn:") ? parseArn(token) : undefined;
        if (!arn) continue;
        if (hasWildcard(token)) {
            for (const [role, stacks] of tenants.roleArnOwners) if (wildcardMatch(token, role)) for (const o of stacks) matched.add(o);
            continue;
        }
        const role = arn.service === "iam" && arn.resource.startsWith("role/") ? arn.resource.slice(arn.resource.lastIndexOf("/") + 1)
            : arn.service === "sts" && arn.resource.startsWith("assumed-role/") ? arn.resource.split("/")[1] : undefined;
        for (const o of (role === undefined ? undefined : tenants.roleOwners.get(role)) ?? []) named.add(o);
    }
    const others = tenantStacks.filter((o) => o !== s);
    for (const owners of [named, matched]) {
        const found = others.filter((o) => owners.has(o));
        if (found.length > 0) return found;
    }
    return others;
}

/** What separates an ARN from the text around it in a finding: spaces, quotes, brackets, commas. */
const ARN_BOUNDARY = /[\s"'()[\],]+/;
const TRAILING_PUNCTUATION = /[.:;]+$/;

const key = (v: Violation) => `${v.code}\u0000${v.tenant}\u0000${v.stack}\u0000${v.resource}\u0000${v.statement}\u0000${v.why}`;
