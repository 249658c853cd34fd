/**
 * The ops account's paths out. Prompts never reach it, but who calls which
 * model, each tenant's token use and spend, and the alarms and logs that carry
 * them do; and the quota enforcer can rewrite tenant roles. So only tenant
 * roles face other accounts (each its own tenant, the tenant proof): every
 * other reference to another account, resource policy admitting one,
 * subscription, target, link or invocation from outside is a finding, as is a
 * function whose code or settings come from elsewhere.
 */
import { egressViolations, ownBuckets, withReadableEnvironment } from "./account-egress";
import { violation, type Code, type Violation } from "./findings";
import { FUNCTION_TYPE, functionProblems, stackCode } from "./function-checks";
import type { StackResource, StackState } from "./pulumi-formats";

/**
 * Types whose references to other accounts the tenant proof and the IAM graph
 * reason about (a tenant role trusts its runtime role), the package's
 * components, which hold no AWS state: their outputs restate their tenants'
 * intent, and their children are scanned; and stack references, whose
 * outputs are another stack's, read in.
 */
const NOT_SCANNED = new Set([
    "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/user:User", "aws:iam/group:Group",
    "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy", "pulumi:pulumi:Stack", "pulumi:pulumi:StackReference", "aws:s3/bucketPolicy:BucketPolicy",
    "bedrock-tenancy:index:BedrockTenantAccess", "bedrock-tenancy:index:BedrockTenantFleet", "bedrock-tenancy:index:QuotaEnforcer",
]);

const SINK_TYPE = "aws:oam/sink:Sink";

export function opsEgressViolations(state: StackState, account: string): Violation[] {
    const out: Violation[] = [];
    const flag = (code: Code, r: StackResource, statement: string, why: string) =>
        out.push(violation(code, { tenant: "(ops account)", stack: state.stack, resource: r.name, urn: r.urn }, statement, why));
    const buckets = ownBuckets(state);
    const ownCode = stackCode(state, account, buckets);
    egressViolations({ state, account, code: "BT-OPS-EGRESS", invokeCode: "BT-OPS-FOREIGN-TRUST", buckets, outbound: () => false, notScanned: NOT_SCANNED, flag });
    for (const r of state.resources) {
        // Telemetry flows into a sink from the accounts that link to it: in the ops account, a sink solicits customers'
        // log groups and metrics (the audit log among them), whatever its policy says today.
        if (r.type === SINK_TYPE) flag("BT-OPS-EGRESS", r, "-", "is an observability sink in the ops account: accounts that link to it share their log groups, metrics and traces into it, customers' audit logs among them; the ops account receives no customer telemetry");
        if (r.type !== FUNCTION_TYPE) continue;
        // Every check reads the environment in one shape; one it cannot be put in could set anything.
        const readable = withReadableEnvironment(r);
        if ("problem" in readable) flag("BT-ACCOUNT-FUNCTION", r, "environment", `${readable.problem}: the variables it sets (NODE_OPTIONS, credentials, endpoints) cannot be proved`);
        for (const [path, why] of functionProblems("resource" in readable ? readable.resource : r, ownCode)) flag("BT-ACCOUNT-FUNCTION", r, path, why);
    }
    return out;
}
