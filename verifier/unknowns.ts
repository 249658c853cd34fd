/**
 * Values a preview cannot know yet. The engine writes one marker for every
 * such value, whatever it will become: anything computed from an unknown
 * output is unknown too, so the marker says only "decided during the
 * update". The proof accepts it only where a check resolves it against the
 * resources the same update creates, and where every resource whose ARN is
 * unknown, and every resource holding an unknown, belong to one component
 * (one new tenant, or one new customer stack):
 *
 * - the Resource and Condition values of an IAM identity policy that reaches
 *   only a tenant's role (the tenant proof binds them to the tenant's own new
 *   profiles) or the customer's runtime role (the audit path checks it);
 * - the `ModelId` dimension of a metric alarm's queries while the stack
 *   creates application inference profiles (a new tenant's quota alarms
 *   meter its new profiles);
 * - IAM references to a principal or a managed policy (the IAM graph
 *   resolves them to the one created beside, or reports them unresolved);
 * - the outputs of this package's components (the intent reader refuses
 *   every unknown but the ARNs AWS mints);
 * - what AWS mints for a resource as it creates it (its ARN, id, dates).
 *
 * An unknown anywhere else (a principal, a role a provider assumes, a
 * destination, a trust or resource policy, an action) is a finding named
 * with the resource and the property, whatever component holds it: no check
 * can tell what it will become.
 */
import { BEDROCK_TENANT_ACCESS_TYPE, PRIVATE_INVOCATION_LOGGING_TYPE, isRecord } from "../contract";
import { violation, type Violation } from "./findings";
import type { AccountIam } from "./iam-graph";
import { jsonValue, resourcesByUrn, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";

/** Resources whose unknowns are never read by the proof: the stack's outputs and the fleet's record of every tenant. */
const NOT_READ = new Set(["pulumi:pulumi:Stack", "bedrock-tenancy:index:BedrockTenantFleet"]);
const OWNERS = new Set([BEDROCK_TENANT_ACCESS_TYPE, PRIVATE_INVOCATION_LOGGING_TYPE]);
/** Attributes AWS gives a resource as it creates it: unknown in its own outputs while it is being created, never chosen by the program. */
const MINTED = new Set(["arn", "id", "uniqueId", "keyId", "createDate", "creationDate", "tagsAll", "invokeArn", "qualifiedArn", "qualifiedInvokeArn", "version", "lastModified", "arnSuffix"]);
/** IAM types → their identity policy properties, whose Resource and Condition values the proof binds. */
const IDENTITY_POLICIES: Record<string, string[]> = {
    "aws:iam/rolePolicy:RolePolicy": ["policy"],
    "aws:iam/userPolicy:UserPolicy": ["policy"],
    "aws:iam/groupPolicy:GroupPolicy": ["policy"],
    "aws:iam/policy:Policy": ["policy"],
    "aws:iam/role:Role": ["inlinePolicies"],
};
/** Properties of IAM types that name a principal or a managed policy: the IAM graph resolves an unknown one or reports it. */
const IAM_REFERENCES = new Set(["role", "user", "group", "roles", "users", "groups", "roleName", "userName", "groupName", "policyArn", "policyArns", "managedPolicyArns", "permissionsBoundary"]);
const BOUND_IN_STATEMENT = new Set(["Resource", "NotResource", "Condition"]);
const METRIC_ALARM_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm";
const INFERENCE_PROFILE_TYPE = "aws:bedrock/inferenceProfile:InferenceProfile";

/**
 * The roles whose identity policies a check binds when they hold an unknown
 * `Resource` or `Condition`: a tenant's role (the tenant proof binds them to
 * its new profiles) and the customer's runtime role (the audit path checks
 * its writes). A policy that reaches any other principal is bound by nothing.
 */
export interface BindingRoles {
    iam: AccountIam;
    /** Lowercased role names. */
    roles: ReadonlySet<string>;
}

export function unknownViolations(state: StackState, binding?: BindingRoles): { violations: Violation[]; facts: string[] } {
    if (state.format !== "preview") return { violations: [], facts: [] };
    const byUrn = resourcesByUrn(state);
    // A profile being created has no ARN yet: the marker, or none at all where the preview records only its inputs.
    const newProfiles = state.resources.some((r) => r.type === INFERENCE_PROFILE_TYPE && !r.external && (typeof r.outputs.arn !== "string" || r.outputs.arn === UNKNOWN_VALUE));
    const ownerOf = (r: StackResource): string | undefined => {
        for (let at: StackResource | undefined = r, depth = 0; at && depth < 64; at = at.parent ? byUrn.get(at.parent) : undefined, depth++) {
            if (OWNERS.has(at.type)) return at.urn;
        }
        return undefined;
    };
    const violations: Violation[] = [];
    const holders: StackResource[] = [];
    for (const r of state.resources) {
        if (NOT_READ.has(r.type)) continue;
        const paths = unknownPaths(r);
        if (paths.length === 0) continue;
        holders.push(r);
        const checked = IDENTITY_POLICIES[r.type] === undefined || reachesOnly(r, binding);
        const unbound = OWNERS.has(r.type) ? [] : paths.filter((p) => !bound(r.type, p, newProfiles, checked));
        if (unbound.length > 0) {
            const named = unbound.slice(0, 3).map((p) => p.join("")).join(", ") + (unbound.length > 3 ? ` and ${unbound.length - 3} more` : "");
            violations.push(violation("BT-PLAN-UNKNOWN-VALUE", { tenant: "(stack)", stack: state.stack, resource: r.name, urn: r.urn }, unbound[0][0],
                `${named} ${unbound.length === 1 ? "is" : "are"} not known at preview, and no check can tell what ${unbound.length === 1 ? "it" : "they"} will become: make ${unbound.length === 1 ? "it" : "them"} known at preview, or prove the export after the update`));
        }
    }
    if (holders.length === 0) return { violations, facts: [] };
    const minted = state.resources.filter((r) => r.outputs.arn === UNKNOWN_VALUE);
    const owners = new Set([...minted, ...holders].map(ownerOf));
    if (owners.size > 1 || owners.has(undefined)) {
        const named = [...owners].map((o) => (o === undefined ? "(no component)" : o.split("::").pop())).join(", ");
        for (const r of holders) {
            violations.push(violation("BT-PLAN-UNKNOWN-VALUE", { tenant: "(stack)", stack: state.stack, resource: r.name, urn: r.urn }, "-",
                `holds a value unknown at preview, and the resources being created with unknown ARNs belong to more than one component (${named}): which one it names cannot be told; prove the export after the update, or add one new tenant at a time`));
        }
        return { violations, facts: [] };
    }
    const owner = [...owners][0]!.split("::").pop();
    return { violations, facts: [`${holders.length} resources of ${state.stack} hold values unknown at preview; each is proved as a new resource of ${owner}, the only component creating resources whose ARNs are unknown; verify the export after the update to prove the values themselves`] };
}

/** Whether a check resolves an unknown at this path (property first, then the keys inside it, JSON text opened). */
function bound(type: string, path: string[], newProfiles: boolean, checkedPolicy: boolean): boolean {
    const [property, ...inside] = path;
    if (type.startsWith("aws:iam/") && IAM_REFERENCES.has(property)) return true;
    // A new tenant's quota alarms meter its new application inference profiles, by an id AWS mints.
    if (newProfiles && type === METRIC_ALARM_TYPE && property === "metricQueries" && inside.length === 4 && inside[0].startsWith("[") && inside[1] === ".metric" && inside[2] === ".dimensions" && inside[3] === ".ModelId") return true;
    const policies = IDENTITY_POLICIES[type];
    if (!checkedPolicy || !policies?.includes(property)) return false;
    // A role's inlinePolicies is a list of { name, policy }: the document is one level further in.
    const doc = property === "inlinePolicies" ? (inside[1] === ".policy" ? inside.slice(2) : undefined) : inside;
    if (doc === undefined || doc[0] !== ".Statement") return false;
    const field = doc[1]?.startsWith("[") ? doc[2] : doc[1];
    return field !== undefined && BOUND_IN_STATEMENT.has(field.slice(1));
}

/** Whether every principal the identity policy `r` reaches is one whose policies a check binds. */
function reachesOnly(r: StackResource, binding: BindingRoles | undefined): boolean {
    if (binding === undefined) return false;
    return binding.iam.principals.every(
        (p) => (p.resource !== r && !p.policies.some((source) => source.resource === r)) || (p.kind === "role" && binding.roles.has(p.name.toLowerCase())),
    );
}

/** Every path of the resource that holds the marker, but for what AWS mints. */
function unknownPaths(r: StackResource): string[][] {
    const out: string[][] = [];
    const walk = (value: unknown, path: string[]): void => {
        if (typeof value === "string") {
            if (value.includes(UNKNOWN_VALUE)) {
                const nested = value === UNKNOWN_VALUE ? undefined : jsonValue(value);
                if (nested !== undefined && typeof nested === "object" && nested !== null) walk(nested, path);
                else out.push(path);
            }
        } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, `[${i}]`]));
        else if (isRecord(value)) for (const [k, v] of Object.entries(value)) walk(v, [...path, `.${k}`]);
    };
    // A name of MINTED the program itself gives (an event target's destination, the key a key policy or a grant
    // applies to) is chosen, not minted. In the view of what AWS holds, the outputs stand in the inputs too, so
    // what the program asked for is read from the resource's own.
    const asked = r.asked ?? r.inputs;
    for (const side of [r.inputs, r.outputs]) for (const [k, v] of Object.entries(side)) if (!MINTED.has(k) || Object.prototype.hasOwnProperty.call(asked, k)) walk(v, [k]);
    return dedupe(out);
}

function dedupe(paths: string[][]): string[][] {
    const seen = new Set<string>();
    return paths.filter((p) => {
        const key = p.join("");
        return seen.has(key) ? false : (seen.add(key), true);
    });
}
