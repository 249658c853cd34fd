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
    /** An inline policy's name, when known: what an exclusive list keeps it by. */
    inlineName?: string;
}

/** A resource that makes a principal's inline policies or managed attachments exactly its list: AWS drops the others on every deploy. */
export interface ExclusiveList {
    keep: Set<string>;
    by: StackResource;
}

export interface IamPrincipal {
    kind: PrincipalKind;
    name: string;
    arn: string;
    resource: StackResource;
    trust?: unknown;
    boundaryArn?: string;
    policies: PolicySource[];
    /** Inline policy names kept (a `*PoliciesExclusive`, or the role's own `inlinePolicies`): any other is removed. */
    exclusiveInline?: ExclusiveList;
    /** Lowercased managed policy ARNs kept (a `*PolicyAttachmentsExclusive`, or the role's own `managedPolicyArns`). */
    exclusiveManaged?: ExclusiveList;
}

export interface AccountIam {
    principals: IamPrincipal[];
    /** Lowercased name → principals of that kind and name (more than one is a duplicate). */
    byName: Record<PrincipalKind, Map<string, IamPrincipal[]>>;
    /** Lowercased policy ARN → the policy resource. */
    policies: Map<string, StackResource>;
    /** Lowercased policy ARN → the principals an `aws:iam/policyAttachment` attaches it to, the only ones AWS leaves it on. */
    exclusiveAttachments: Map<string, { holders: Set<IamPrincipal>; by: StackResource }>;
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

/**
 * An ARN the file states, holding no unknown marker anywhere: unlike
 * `knownText`, text a file splices the marker into is not taken as the ARN
 * either, since an ARN that matches nothing would hide the principal from
 * every check that matches ARNs.
 */
const statedArn = (v: unknown): string | undefined => (typeof v === "string" && v !== "" && !v.includes(UNKNOWN_VALUE) ? v : undefined);

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
    const duplicatePolicies = new Set<string>();
    /** Managed policies the update creates: a reference whose ARN is not known yet can only name one of them. */
    const newPolicies: { arn: string; resource: StackResource }[] = [];
    const findings: Violation[] = [];
    const unresolved = (r: StackResource, why: string) =>
        findings.push(violation("BT-PLAN-UNRESOLVED", { tenant: "(stack)", stack: state.stack, resource: r.name, urn: r.urn }, "-", why));

    for (const r of state.resources) {
        const kind = PRINCIPAL_TYPES[r.type];
        if (kind) {
            const name = textProp(r, "name") ?? r.id ?? r.name;
            const recordedPath = prop(r, "path");
            const path = typeof recordedPath === "string" ? recordedPath : "/";
            const arnValue = statedArn(prop(r, "arn"));
            // A principal being created has no ARN yet, but IAM makes it from the account, path and name, all known at preview.
            const arn = arnValue ?? (kind === "role" && account ? roleArn(account, `${path.slice(1)}${name}`) : `arn:aws:iam::${account ?? "(unknown)"}:${kind}${path}${name}`);
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
            const recordedPath = prop(r, "path");
            const path = typeof recordedPath === "string" ? recordedPath : "/";
            const arn = (statedArn(prop(r, "arn")) ?? `arn:aws:iam::${account ?? "(unknown)"}:policy${path}${textProp(r, "name") ?? r.name}`).toLowerCase();
            // Two policies of one ARN cannot both be what AWS holds: a reference to that ARN is not resolved to either.
            if (policies.has(arn)) duplicatePolicies.add(arn);
            policies.set(arn, r);
            if (r.id === undefined) newPolicies.push({ arn, resource: r });
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
    /**
     * The ARN a reference to a managed policy names, as the policies are
     * keyed: one not known at preview names the one policy created beside the
     * reference, as {@link find} resolves a principal; otherwise which policy
     * it names cannot be told, and the reference is reported unresolved.
     */
    const policyArn = (ref: unknown, by: StackResource, what: string, report = true): string | undefined => {
        const fail = (why: string) => void (report && unresolved(by, why));
        if (typeof ref !== "string" || ref === "") return fail(`${what} a policy whose ARN is not known (${JSON.stringify(ref)})`);
        if (ref.includes(UNKNOWN_VALUE)) {
            const created = newPolicies.filter((n) => n.resource.parent === by.parent);
            if (created.length === 1 && ref === UNKNOWN_VALUE) return created[0].arn;
            return fail(`${what} a policy whose ARN is not known at preview, and ${created.length} managed policies are created beside it: which one cannot be told`);
        }
        if (duplicatePolicies.has(ref.toLowerCase())) return fail(`${what} the policy ${ref}, which more than one resource of the files creates: which document AWS holds cannot be told`);
        return ref;
    };
    const attachManaged = (p: IamPrincipal, ref: unknown, by: StackResource) => {
        const arn = policyArn(ref, by, "attaches");
        if (arn === undefined) return;
        const policy = policies.get(arn.toLowerCase());
        p.policies.push({ name: arn, resource: policy ?? by, document: policy ? prop(policy, "policy") : undefined, managedArn: arn });
    };
    /** An exclusive list's policies as the attachments resolve them (the unresolved ones are reported there). */
    const arns = (value: unknown, by: StackResource): Set<string> =>
        new Set(list(value).flatMap((ref) => policyArn(ref, by, "keeps", false)?.toLowerCase() ?? []));
    // A boundary not known at preview is the one policy created beside its role, as an attachment's is.
    for (const p of principals) {
        if (p.boundaryArn === undefined || !p.boundaryArn.includes(UNKNOWN_VALUE)) continue;
        const resolved = policyArn(p.boundaryArn, p.resource, "has as its permissions boundary");
        if (resolved === undefined) delete p.boundaryArn;
        else p.boundaryArn = resolved;
    }

    const exclusiveAttachments: AccountIam["exclusiveAttachments"] = new Map();
    for (const r of state.resources) {
        const inline = INLINE_TYPES[r.type];
        if (inline) {
            const name = textProp(r, "name");
            for (const p of find(inline, prop(r, inline), r)) p.policies.push({ name: name ?? r.name, resource: r, document: prop(r, "policy"), ...(name !== undefined ? { inlineName: name } : {}) });
            continue;
        }
        const exclusive = EXCLUSIVE_INLINE_TYPES[r.type];
        if (exclusive) {
            for (const p of find(exclusive[0], prop(r, exclusive[1]), r)) p.exclusiveInline = narrowed(p.exclusiveInline, names(prop(r, "policyNames")), r);
            continue;
        }
        for (const [kind, who, what] of ATTACHMENT_TYPES[r.type] ?? NO_ATTACHMENTS) {
            for (const target of list(prop(r, who))) {
                for (const p of find(kind, target, r)) {
                    for (const arn of list(prop(r, what))) attachManaged(p, arn, r);
                    if (EXCLUSIVE_ATTACHMENT_TYPES.has(r.type)) p.exclusiveManaged = narrowed(p.exclusiveManaged, arns(prop(r, what), r), r);
                }
            }
        }
        const exclusiveArn = r.type === POLICY_ATTACHMENT_TYPE ? policyArn(prop(r, "policyArn"), r, "attaches", false) : undefined;
        if (exclusiveArn !== undefined) {
            // The provider makes the policy's attachments across the account exactly these: it detaches it from every other principal.
            const arn = exclusiveArn.toLowerCase();
            const holders = exclusiveAttachments.get(arn)?.holders ?? new Set<IamPrincipal>();
            for (const [kind, who] of ATTACHMENT_TYPES[r.type]) for (const target of list(prop(r, who))) for (const p of find(kind, target, r)) holders.add(p);
            exclusiveAttachments.set(arn, { by: r, holders });
        }
    }
    // A principal's own inline and managed lists. Read from inputs alone: in a view of what AWS
    // holds, inputs carry the outputs, which list every policy attached by any resource.
    for (const p of principals) {
        const ownInline = heldProp(p.resource, "inlinePolicies");
        for (const [i, item] of list(ownInline).entries()) {
            const entry = item as { name?: unknown; policy?: unknown } | null;
            if (entry && typeof entry === "object" && entry.policy !== undefined && entry.policy !== "") {
                p.policies.push({ name: `${p.resource.name} inlinePolicies[${i}]${typeof entry.name === "string" ? ` (${entry.name})` : ""}`, resource: p.resource, document: entry.policy, ...(typeof entry.name === "string" ? { inlineName: entry.name } : {}) });
            }
        }
        // A role's own list, once it holds an entry (an empty `[{}]` one included), is the role's whole set of inline policies.
        if (Array.isArray(ownInline) && ownInline.length > 0) p.exclusiveInline = narrowed(p.exclusiveInline, names(ownInline.map((e: unknown) => (typeof e === "object" && e !== null ? (e as { name?: unknown }).name : undefined))), p.resource);
        const ownManaged = heldProp(p.resource, "managedPolicyArns");
        for (const arn of list(ownManaged)) attachManaged(p, arn, p.resource);
        // Set at all (`[]` included), it is the role's whole set of managed policies.
        if (Array.isArray(ownManaged)) p.exclusiveManaged = narrowed(p.exclusiveManaged, arns(ownManaged, p.resource), p.resource);
    }
    // What an exclusive list leaves out, AWS does not hold: the provider removes it on every deploy.
    for (const p of principals) {
        if (p.exclusiveInline === undefined && p.exclusiveManaged === undefined && exclusiveAttachments.size === 0) continue;
        p.policies = p.policies.filter((source) => {
            if (source.managedArn !== undefined) {
                const arn = source.managedArn.toLowerCase();
                const only = exclusiveAttachments.get(arn);
                return (p.exclusiveManaged === undefined || p.exclusiveManaged.keep.has(arn)) && (only === undefined || only.holders.has(p));
            }
            return source.inlineName === undefined || p.exclusiveInline === undefined || p.exclusiveInline.keep.has(source.inlineName);
        });
    }
    // Members of a group get the group's policies.
    for (const r of state.resources) {
        const memberships: [unknown, unknown[]][] = r.type === "aws:iam/groupMembership:GroupMembership" ? list(prop(r, "users")).map((u) => [u, [prop(r, "group")]])
            : r.type === "aws:iam/userGroupMembership:UserGroupMembership" ? [[prop(r, "user"), list(prop(r, "groups"))]] : [];
        for (const [user, groups] of memberships) {
            for (const u of find("user", user, r)) for (const g of groups) for (const group of find("group", g, r)) u.policies.push(...group.policies);
        }
    }
    return { principals, byName, policies, exclusiveAttachments, findings };
}

const POLICY_ATTACHMENT_TYPE = "aws:iam/policyAttachment:PolicyAttachment";
const EXCLUSIVE_ATTACHMENT_TYPES = new Set(Object.keys(ATTACHMENT_TYPES).filter((t) => t.endsWith("Exclusive")));

const names = (value: unknown): Set<string> => new Set(list(value).filter((n): n is string => typeof n === "string"));

/** Two exclusive lists of one principal: only what both keep stays. */
function narrowed(current: ExclusiveList | undefined, keep: Set<string>, by: StackResource): ExclusiveList {
    return current === undefined ? { keep, by } : { keep: new Set([...current.keep].filter((k) => keep.has(k))), by: current.by };
}
