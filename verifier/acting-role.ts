/**
 * Whether a role that enforces for the tenants (the quota enforcer's, the
 * cost cap's Budgets execution role) can still act: only its service may
 * assume it, and every action the enforcement takes is allowed by its
 * policies and denied by none of them nor by its permissions boundary. A
 * role that cannot act never blocks a tenant, and nothing else says so.
 */
import { coversAction, coversResource, parsePolicy, principalsOf, type PolicyStatement } from "../contract";
import type { AccountIam } from "./iam-graph";
import { prop } from "./pulumi-formats";

/** One call the role makes on a tenant's behalf. */
export interface Need {
    action: string;
    resource: string;
}

/** What keeps the role from making the calls; empty when nothing does. */
export function actingRoleProblems(iam: AccountIam, roleName: string, service: string, needs: Need[]): string[] {
    const found = iam.byName.role.get(roleName.toLowerCase()) ?? [];
    if (found.length !== 1) return [`role ${roleName} is ${found.length === 0 ? "not in the files" : `defined ${found.length} times`}: what it may do cannot be proved`];
    const role = found[0];
    const out = trustProblems(role.trust, roleName, service);
    const allows: PolicyStatement[] = [];
    const denies: [string, PolicyStatement][] = [];
    for (const source of role.policies) {
        if (source.document === undefined) {
            out.push(`the policy ${source.name} attached to role ${roleName} is not in the files: a Deny in it could take away what the role needs`);
            continue;
        }
        const parsed = parsePolicy(source.document);
        if ("problem" in parsed) {
            out.push(`the policy ${source.name} of role ${roleName} ${parsed.problem}`);
            continue;
        }
        for (const s of parsed.statements) {
            if (s.effect === "Allow") allows.push(s);
            else denies.push([source.name, s]);
        }
    }
    let bounded: PolicyStatement[] | undefined;
    if (role.boundaryArn !== undefined) {
        const policy = iam.policies.get(role.boundaryArn.toLowerCase());
        const parsed = policy ? parsePolicy(prop(policy, "policy")) : undefined;
        if (!parsed) out.push(`role ${roleName} has the permissions boundary ${role.boundaryArn}, which is not in the files: what it leaves the role cannot be proved`);
        else if ("problem" in parsed) out.push(`the permissions boundary ${role.boundaryArn} of role ${roleName} ${parsed.problem}`);
        else {
            bounded = parsed.statements.filter((s) => s.effect === "Allow");
            for (const s of parsed.statements) if (s.effect === "Deny") denies.push([`boundary ${role.boundaryArn}`, s]);
        }
    }
    const reaches = (s: PolicyStatement, n: Need) => coversAction(s, n.action) && coversResource(s, n.resource);
    for (const n of needs) {
        const deny = denies.find(([, s]) => reaches(s, n));
        // A conditional Deny is still one: the proof cannot say the condition never holds when the role acts.
        if (deny) out.push(`${deny[1].label} of ${deny[0]} denies role ${roleName} ${n.action} on ${n.resource}`);
        else if (!allows.some((s) => reaches(s, n))) out.push(`no policy of role ${roleName} allows ${n.action} on ${n.resource}`);
        else if (bounded && !bounded.some((s) => reaches(s, n))) out.push(`the permissions boundary ${role.boundaryArn} of role ${roleName} does not allow ${n.action} on ${n.resource}`);
    }
    return out;
}

/** Exactly the service may assume the role: another principal would run with its power, and without the service it never runs. */
export function trustProblems(trust: unknown, roleName: string, service: string): string[] {
    const parsed = parsePolicy(trust);
    if ("problem" in parsed) return [`the trust policy of role ${roleName} ${parsed.problem}`];
    const out: string[] = [];
    let assumed = false;
    for (const s of parsed.statements) {
        if (!coversAction(s, "sts:AssumeRole") && !coversAction(s, "sts:TagSession") && !coversAction(s, "sts:SetSourceIdentity")) continue;
        const kinds = Object.entries(s.principals ?? {});
        const onlyService = s.notPrincipals === undefined && kinds.length === 1 && kinds[0][0] === "Service" && kinds[0][1].every((p) => p === service);
        if (s.effect === "Deny") {
            if (s.notPrincipals !== undefined || principalsOf(s, "Service").includes(service) || principalsOf(s, "AWS").includes("*")) out.push(`the trust policy of role ${roleName} denies ${service} (${s.label})`);
            continue;
        }
        if (!onlyService) out.push(`the trust policy of role ${roleName} lets ${JSON.stringify(s.notPrincipals ? { NotPrincipal: s.notPrincipals } : s.principals ?? {})} assume it (${s.label}); only ${service} may`);
        else if (coversAction(s, "sts:AssumeRole")) assumed = true;
    }
    if (!assumed) out.push(`the trust policy of role ${roleName} does not let ${service} assume it: the service never runs as the role`);
    return out;
}
