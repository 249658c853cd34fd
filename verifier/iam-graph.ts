/**
 * The IAM state of one stack as AWS would hold it: every role, user and
 * group with every policy that reaches it, whatever resource attached it
 * (inline policy resources, a role's own `inlinePolicies` and
 * `managedPolicyArns`, each attachment resource of the AWS provider,
 * exclusive attachments, group memberships). IAM names are
 * case-insensitive, so principals are found by lowercased name.
 */
import { iamResourceName, parseArn, roleArn } from "../contract";
import { violation, type Violation } from "./findings";
import { prop, READ_KEYS, textProp, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";
import { perProof } from "./proof-run";

export type PrincipalKind = "role" | "user" | "group";

export interface PolicySource {
    /** `<resource name>` for inline policies, the policy ARN for managed ones. */
    name: string;
    /** The resource that holds the document (or attached it, when the document is not in the files). */
    resource: StackResource;
    /** Undefined when the policy is not in the files. */
    document: unknown;
    managedArn?: string;
}

export interface IamPrincipal {
    kind: PrincipalKind;
    name: string;
    arn: string;
    resource: StackResource;
    trust?: unknown;
    boundaryArn?: string;
    policies: PolicySource[];
}

export interface AccountIam {
    principals: IamPrincipal[];
    /** Lowercased name → principals of that kind and name (more than one is a duplicate). */
    byName: Record<PrincipalKind, Map<string, IamPrincipal[]>>;
    /** Lowercased policy ARN → the policy resource. */
    policies: Map<string, StackResource>;
    findings: Violation[];
}

const PRINCIPAL_TYPES: Record<string, PrincipalKind> = {
    "aws:iam/role:Role": "role",
    "aws:iam/user:User": "user",
    "aws:iam/group:Group": "group",
};
const INLINE_TYPES: Record<string, PrincipalKind> = {
    "aws:iam/rolePolicy:RolePolicy": "role",
    "aws:iam/userPolicy:UserPolicy": "user",
    "aws:iam/groupPolicy:GroupPolicy": "group",
};
/** Attachment type → [kind, key naming the principal(s), key naming the policy ARN(s)]. */
const ATTACHMENT_TYPES: Record<string, [PrincipalKind, string, string][]> = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [["role", "role", "policyArn"]],
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": [["user", "user", "policyArn"]],
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": [["group", "group", "policyArn"]],
    "aws:iam/policyAttachment:PolicyAttachment": [["role", "roles", "policyArn"], ["user", "users", "policyArn"], ["group", "groups", "policyArn"]],
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": [["role", "roleName", "policyArns"]],
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": [["user", "userName", "policyArns"]],
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": [["group", "groupName", "policyArns"]],
};
const NO_ATTACHMENTS: [PrincipalKind, string, string][] = [];
const EXCLUSIVE_INLINE_TYPES: Record<string, [PrincipalKind, string]> = {
    "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive": ["role", "roleName"],
    "aws:iam/userPoliciesExclusive:UserPoliciesExclusive": ["user", "userName"],
    "aws:iam/groupPoliciesExclusive:GroupPoliciesExclusive": ["group", "groupName"],
};
export const MANAGED_POLICY_TYPE = "aws:iam/policy:Policy";
/** Properties whose outputs list what AWS holds from every source, not only what the resource itself asked for. */
export const HELD_STATE_KEYS = new Set(["inlinePolicies", "managedPolicyArns"]);

function heldProp(r: StackResource, key: string): unknown {
    READ_KEYS.add(key);
    return r.inputs[key];
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** The name a reference to a principal carries: a name, an id, or an ARN (its last path segment). */
export function principalKey(ref: unknown): string | undefined {
    if (typeof ref !== "string" || ref === "") return undefined;
    const arn = parseArn(ref);
    const name = arn ? iamResourceName(arn, "role") ?? iamResourceName(arn, "user") ?? iamResourceName(arn, "group") : ref;
    return name?.toLowerCase();
}

/** The IAM state of the stack, built once per proof for each account it is read for (several checks read it). */
export function buildAccountIam(state: StackState, account: string | undefined): AccountIam {
    return perProof(account === undefined ? "iam" : `iam ${account}`, state, (s) => accountIamOf(s, account));
}

function accountIamOf(state: StackState, account: string | undefined): AccountIam {
    const byName: AccountIam["byName"] = { role: new Map(), user: new Map(), group: new Map() };
    const principals: IamPrincipal[] = [];
    const policies = new Map<string, StackResource>();
    const findings: Violation[] = [];
    const unresolved = (r: StackResource, why: string) =>
        findings.push(violation("BT-PLAN-UNRESOLVED", { tenant: "(stack)", stack: state.stack, resource: r.name, urn: r.urn }, "-", why));

    for (const r of state.resources) {
        const kind = PRINCIPAL_TYPES[r.type];
        if (kind) {
            const name = textProp(r, "name") ?? r.id ?? r.name;
            const path = typeof prop(r, "path") === "string" ? String(prop(r, "path")) : "/";
            const arnValue = prop(r, "arn");
            const arn = typeof arnValue === "string" ? arnValue : kind === "role" && account ? roleArn(account, `${path.slice(1)}${name}`) : `arn:aws:iam::${account ?? "(unknown)"}:${kind}${path}${name}`;
            const p: IamPrincipal = { kind, name, arn, resource: r, policies: [] };
            if (kind === "role") {
                p.trust = prop(r, "assumeRolePolicy");
                const boundary = prop(r, "permissionsBoundary");
                if (typeof boundary === "string" && boundary !== "") p.boundaryArn = boundary;
            }
            principals.push(p);
            for (const key of new Set([name.toLowerCase(), ...(r.id ? [r.id.toLowerCase()] : [])])) {
                const same = byName[kind].get(key) ?? [];
                same.push(p);
                byName[kind].set(key, same);
            }
        } else if (r.type === MANAGED_POLICY_TYPE) {
            const arnValue = prop(r, "arn");
            const path = typeof prop(r, "path") === "string" ? String(prop(r, "path")) : "/";
            const arn = typeof arnValue === "string" ? arnValue : `arn:aws:iam::${account ?? "(unknown)"}:policy${path}${textProp(r, "name") ?? r.name}`;
            policies.set(arn.toLowerCase(), r);
        }
    }
    const find = (kind: PrincipalKind, ref: unknown, by: StackResource): IamPrincipal[] => {
        if (ref === UNKNOWN_VALUE) {
            // A principal created by the same update has no id yet: the one created beside the reference is the one it names.
            const created = principals.filter((p) => p.kind === kind && p.resource.id === undefined && p.resource.parent === by.parent);
            if (created.length === 1) return created;
            unresolved(by, `names a ${kind} whose id is not known at preview, and ${created.length} ${kind}s are created beside it: which one cannot be told`);
            return [];
        }
        const key = principalKey(ref);
        const found = key === undefined ? undefined : byName[kind].get(key);
        if (!found) unresolved(by, `names ${kind} ${JSON.stringify(ref)}, which is not in this stack's file: what it grants cannot be proved`);
        return found ?? [];
    };
    const attachManaged = (p: IamPrincipal, arn: unknown, by: StackResource) => {
        if (typeof arn !== "string" || arn === "") {
            unresolved(by, `attaches a policy whose ARN is not known (${JSON.stringify(arn)})`);
            return;
        }
        const policy = policies.get(arn.toLowerCase());
        p.policies.push({ name: arn, resource: policy ?? by, document: policy ? prop(policy, "policy") : undefined, managedArn: arn });
    };

    for (const r of state.resources) {
        const inline = INLINE_TYPES[r.type];
        if (inline) {
            for (const p of find(inline, prop(r, inline), r)) p.policies.push({ name: textProp(r, "name") ?? r.name, resource: r, document: prop(r, "policy") });
            continue;
        }
        const exclusive = EXCLUSIVE_INLINE_TYPES[r.type];
        if (exclusive) {
            find(exclusive[0], prop(r, exclusive[1]), r);
            continue;
        }
        for (const [kind, who, what] of ATTACHMENT_TYPES[r.type] ?? NO_ATTACHMENTS) {
            for (const target of list(prop(r, who))) {
                for (const p of find(kind, target, r)) for (const arn of list(prop(r, what))) attachManaged(p, arn, r);
            }
        }
    }
    // A principal's own inline and managed lists. Read from inputs alone: in a view of what AWS
    // holds, inputs carry the outputs, which list every policy attached by any resource.
    for (const p of principals) {
        for (const [i, item] of list(heldProp(p.resource, "inlinePolicies")).entries()) {
            const entry = item as { name?: unknown; policy?: unknown } | null;
            if (entry && typeof entry === "object" && entry.policy !== undefined && entry.policy !== "") {
                p.policies.push({ name: `${p.resource.name} inlinePolicies[${i}]${typeof entry.name === "string" ? ` (${entry.name})` : ""}`, resource: p.resource, document: entry.policy });
            }
        }
        for (const arn of list(heldProp(p.resource, "managedPolicyArns"))) attachManaged(p, arn, p.resource);
    }
    // Members of a group get the group's policies.
    for (const r of state.resources) {
        const memberships: [unknown, unknown[]][] = r.type === "aws:iam/groupMembership:GroupMembership" ? list(prop(r, "users")).map((u) => [u, [prop(r, "group")]])
            : r.type === "aws:iam/userGroupMembership:UserGroupMembership" ? [[prop(r, "user"), list(prop(r, "groups"))]] : [];
        for (const [user, groups] of memberships) {
            for (const u of find("user", user, r)) for (const g of groups) for (const group of find("group", g, r)) u.policies.push(...group.policies);
        }
    }
    return { principals, byName, policies, findings };
}
