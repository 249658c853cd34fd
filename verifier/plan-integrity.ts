/**
 * What a file must be before anything in it can be proved: every resource
 * of a type the proof knows, one resource per URN and per physical name,
 * no operation left pending, and no provider deploying into another
 * account. Each breach is a finding naming the resource, never settled by
 * the order of the file.
 */
import { isAccountId, parseArn } from "../contract";
import { violation, type Violation } from "./findings";
import { asText, jsonValue, prop, textProp, type StackResource, type StackState } from "./pulumi-formats";
import { knownType } from "./resource-types";

/** Type → the property that is its physical name, and whether AWS compares it case-insensitively. */
const PHYSICAL_NAMES: Record<string, [string, boolean]> = {
    "aws:iam/role:Role": ["name", true],
    "aws:iam/user:User": ["name", true],
    "aws:iam/group:Group": ["name", true],
    "aws:iam/policy:Policy": ["name", true],
    "aws:s3/bucket:Bucket": ["bucket", false],
    "aws:s3/bucketV2:BucketV2": ["bucket", false],
    "aws:s3/bucketPolicy:BucketPolicy": ["bucket", false],
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": ["bucket", false],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ["bucket", false],
    "aws:cloudwatch/logGroup:LogGroup": ["name", false],
    "aws:kms/alias:Alias": ["name", false],
    "aws:lambda/function:Function": ["name", false],
    "aws:bedrock/inferenceProfile:InferenceProfile": ["name", false],
    "aws:budgets/budget:Budget": ["name", false],
    "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration": ["region", false],
};

export function planViolations(state: StackState, account: string | undefined): Violation[] {
    const out: Violation[] = [];
    const at = (r: StackResource) => ({ tenant: "(stack)", stack: state.stack, resource: r.name, urn: r.urn });
    for (const op of state.pendingOperations) {
        out.push(violation("BT-PLAN-PENDING-OPERATION", { tenant: "(stack)", stack: state.stack, resource: op.urn.split("::").pop()!, urn: op.urn }, "pending_operations",
            `an interrupted update left a pending ${op.type} of ${op.resourceType}: what AWS holds for it is not in the file`));
    }
    const urns = new Map<string, number>();
    const names = new Map<string, StackResource>();
    for (const r of state.resources) {
        urns.set(r.urn, (urns.get(r.urn) ?? 0) + 1);
        const known = knownType(r.type);
        if (!known) out.push(violation("BT-PLAN-UNKNOWN-TYPE", at(r), "type", `resource type ${r.type} is not known to the proof: it could grant access or move data, so it is not assumed harmless`));
        const naming = PHYSICAL_NAMES[r.type];
        const raw = naming ? prop(r, naming[0]) : undefined;
        if (typeof raw === "string" && raw !== "") {
            const key = `${r.type} ${textProp(r, "region") ?? ""} ${naming[1] ? raw.toLowerCase() : raw}`;
            const first = names.get(key);
            if (first && first.urn !== r.urn) {
                out.push(violation("BT-PLAN-DUPLICATE-NAME", at(r), naming[0], `has the physical name ${JSON.stringify(raw)}, like ${first.name}: AWS holds one resource of that name, and the file does not say which`));
            } else names.set(key, r);
        }
        if (r.type === "pulumi:providers:aws") providerViolations(r, account).forEach((why) => out.push(violation("BT-PLAN-FOREIGN-PROVIDER", at(r), "-", why)));
    }
    for (const [urn, count] of urns) {
        if (count > 1) out.push(violation("BT-PLAN-DUPLICATE-URN", { tenant: "(stack)", stack: state.stack, resource: urn.split("::").pop()!, urn }, "urn", `appears ${count} times in ${state.file}: the file does not say which one AWS holds`));
    }
    return out;
}

/** A provider of the stack must deploy into the stack's own account. */
function providerViolations(r: StackResource, account: string | undefined): string[] {
    const out: string[] = [];
    const roles = [prop(r, "assumeRole"), ...(Array.isArray(prop(r, "assumeRoles")) ? (prop(r, "assumeRoles") as unknown[]) : [])];
    for (const role of roles) {
        const arn = role && typeof role === "object" ? (role as { roleArn?: unknown }).roleArn : undefined;
        const other = typeof arn === "string" ? parseArn(arn)?.account : undefined;
        if (other !== undefined && account !== undefined && other !== account) out.push(`assumes ${asText(arn)}, in account ${other}: its resources would be deployed into another account than ${account}`);
    }
    const allowed = prop(r, "allowedAccountIds");
    const list = jsonValue(allowed);
    if (Array.isArray(list) && account !== undefined && list.length > 0 && list.every((a) => typeof a === "string" && isAccountId(a)) && !list.includes(account)) {
        out.push(`allows only accounts ${list.join(", ")}, not the stack's own account ${account}`);
    }
    return out;
}
