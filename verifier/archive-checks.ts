/**
 * The audit archive of a customer stack, held to the contract's archive
 * rules: the operations account can neither read, list nor delete archive
 * objects, and only the runtime role (the delivery path) can write.
 */
import { archiveIsolationViolations, isAccountId, parseArn } from "../contract";
import type { CustomerIntent } from "./intent";
import { jsonValue, type StackResource, type StackState } from "./pulumi-formats";
import { violation, type Violation } from "./findings";
import { prop } from "./tenant-proof";

export const BUCKET_POLICY_TYPE = "aws:s3/bucketPolicy:BucketPolicy";
const KMS_KEY_TYPE = "aws:kms/key:Key";

/** The ops account of an ops role ARN, or undefined. */
function accountOf(arn: string): string | undefined {
    const account = parseArn(arn)?.account;
    return account !== undefined && isAccountId(account) ? account : undefined;
}

export function archiveViolations(c: CustomerIntent, state: StackState): { violations: Violation[]; facts: string[] } {
    const under = (r: StackResource) => r.urn.includes(`${c.urn.split("::").pop()}`) || r.parent === c.urn;
    const policies = state.resources.filter((r) => r.type === BUCKET_POLICY_TYPE && under(r));
    const violations: Violation[] = [];
    const facts: string[] = [];
    if (policies.length === 0) return { violations, facts };
    const flag = (resource: string, why: string) => violations.push(violation("BT-CUSTOMER-ARCHIVE", { tenant: c.tenantId, stack: c.stack, resource }, "-", why));
    const key = state.resources.find((r) => r.type === KMS_KEY_TYPE && prop(r, "arn") === c.kmsKeyArn);
    const opsAccountId = accountOf(c.opsRoleArn);
    for (const policy of policies) {
        const bucketName = prop(policy, "bucket");
        if (!key) flag(policy.name, `the archive's key ${c.kmsKeyArn} is not in the stack, so its key policy cannot be checked`);
        else if (typeof bucketName !== "string" || !opsAccountId) flag(policy.name, "the archive bucket's name or the ops account is not known in this file");
        else {
            const problems = archiveIsolationViolations({
                bucketPolicy: jsonValue(prop(policy, "policy")) ?? prop(policy, "policy"),
                keyPolicy: jsonValue(prop(key, "policy")) ?? prop(key, "policy"),
                bucketName,
                customerAccountId: c.accountId,
                opsAccountId,
                writerRoleArn: c.runtimeRoleArn,
            });
            problems.forEach((why) => flag(policy.name, why));
            if (problems.length === 0) facts.push(`archive ${bucketName} (${c.stack}): the ops account ${opsAccountId} cannot read, list or delete it; only ${c.runtimeRoleArn} may write`);
        }
    }
    return { violations, facts };
}
