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
import { accountNameCollisions, type AccountStack } from "./account-names";
import { auditTrailRemovalViolations } from "./audit-trail-guard";
import type { Code, Violation } from "./findings";
import { buildAccountIam, type AccountIam, type IamPrincipal } from "./iam-graph";
import type { CustomerIntent, TenantIntent } from "./intent";
import { opsAccountViolations } from "./ops-account";
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
    let shared = false;
    for (const s of stacks) {
        const account = stackAccount(s);
        if (account === undefined) continue;
        const same = byAccount.get(account);
        if (same) {
            same.push(s);
            shared = true;
        } else byAccount.set(account, [s]);
    }
    if (!shared) return [];
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
        for (const s of group) {
            const others = group.filter((o) => o !== s);
            for (const customer of s.customers) {
                const iam = onlyPrincipals(others.flatMap((o) => iams.get(o)!.principals));
                for (const v of auditTrailRemovalViolations({ state: s.state, account, iam, customer })) out.push({ ...v, why: `${v.why}${whose(v)}` });
            }
            const tenants = others.flatMap((o) => o.tenants);
            if (tenants.length === 0) continue;
            // The other stacks' tenant roles stand beside this stack's principals so that their boundaries and policies are guarded too; the check skips them as actors.
            const own = iams.get(s)!;
            const tenantRoles = others.flatMap((o) => o.tenants.flatMap((t) => iams.get(o)!.byName.role.get(t.roleName.toLowerCase()) ?? []));
            const iam: AccountIam = { ...own, principals: [...own.principals, ...tenantRoles], findings: [] };
            for (const v of opsAccountViolations({ state: s.state, account, iam, tenants, reachOnly: true })) {
                if (!OPS_CODES.has(v.code) || seen.has(key(v))) continue;
                seen.add(key(v));
                out.push({ ...v, why: `${v.why} (a tenant role of ${ownersOf(others, v.why)}, which deploys into the same account ${account})` });
            }
        }
    }
    return out;
}

/** An IAM view holding only `principals`, for a check that reads nothing else of it. */
function onlyPrincipals(principals: IamPrincipal[]): AccountIam {
    return { principals, byName: { role: new Map(), user: new Map(), group: new Map() }, policies: new Map(), findings: [] };
}

/** The stacks among `others` whose tenant role a finding's text names, or all of them. */
function ownersOf(others: readonly IntendedStack[], why: string): string {
    const lower = why.toLowerCase();
    const named = others.filter((o) => o.tenants.some((t) => lower.includes(t.roleName.toLowerCase())));
    const stacks = named.length > 0 ? named : others.filter((o) => o.tenants.length > 0);
    return stacks.map((o) => `stack ${o.state.stack} (${o.state.file})`).join(", ");
}

const key = (v: Violation) => `${v.code}\u0000${v.tenant}\u0000${v.stack}\u0000${v.resource}\u0000${v.statement}\u0000${v.why}`;
