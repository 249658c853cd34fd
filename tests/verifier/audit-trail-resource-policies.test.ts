/**
 * The audit key's own policy and the archive bucket's are held to what the
 * account's identity policies are: a grant there to a principal of the
 * account works with no identity policy beside it, so one that lets it
 * disable, delete or re-policy the key, or re-policy, shorten or empty the
 * archive, is BT-CUSTOMER-AUDIT-REMOVAL. The account root in them only hands
 * the decision to IAM.
 */
import * as assert from "assert";
import { addPolicyStatement, editedPlan, shippedPlan, verify, type StackDoc } from "../support/plan-files";

const KEY = ["aws:kms/key:Key", "customer-a-key"] as const;
const BUCKET_POLICY = ["aws:s3/bucketPolicy:BucketPolicy", "customer-a-archive-policy"] as const;
const RUNTIME = "arn:aws:iam::111111111111:role/BedrockTenancyRuntime-customer-a";
const ARCHIVE = "arn:aws:s3:::btn-customer-a-archive-111111111111";

describe("the audit key's and the archive bucket's own policies", function () {
    this.timeout(120_000);
    let plan: string;
    before(async () => {
        plan = await shippedPlan();
    });

    const run = (edit: (doc: StackDoc) => void) => verify(editedPlan(plan, "customer-a", edit));
    const removal = (result: ReturnType<typeof verify>, resourceName: string, why: RegExp) =>
        result.report.violations.some((v: any) => v.code === "BT-CUSTOMER-AUDIT-REMOVAL" && v.resource === resourceName && why.test(v.why));

    const refused: [string, readonly [string, string], Record<string, unknown>, RegExp][] = [
        ["the runtime role allowed to delete and disable the key", KEY, { Effect: "Allow", Principal: { AWS: RUNTIME }, Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey"], Resource: "*" }, /lets arn:aws:iam::111111111111:role\/BedrockTenancyRuntime-customer-a kms:DisableKey, kms:ScheduleKeyDeletion by the key's own policy/],
        ["the runtime's session allowed kms:*", KEY, { Effect: "Allow", Principal: { AWS: "arn:aws:sts::111111111111:assumed-role/BedrockTenancyRuntime-customer-a/s" }, Action: "kms:*", Resource: "*" }, /kms:PutKeyPolicy/],
        ["every principal of the account allowed to re-policy the key", KEY, { Effect: "Allow", Principal: "*", Action: "kms:PutKeyPolicy", Resource: "*", Condition: { StringEquals: { "aws:PrincipalAccount": "111111111111" } } }, /lets every principal \(Principal "\*"\) kms:PutKeyPolicy/],
        ["the runtime role allowed to re-policy the archive", BUCKET_POLICY, { Effect: "Allow", Principal: { AWS: RUNTIME }, Action: ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"], Resource: ARCHIVE }, /s3:PutBucketPolicy, s3:DeleteBucketPolicy by the bucket's own policy/],
        ["the runtime role allowed to shorten the archive's lifecycle", BUCKET_POLICY, { Effect: "Allow", Principal: { AWS: RUNTIME }, Action: "s3:PutLifecycleConfiguration", Resource: ARCHIVE }, /s3:PutLifecycleConfiguration/],
        ["a service allowed to delete the archive's versions", BUCKET_POLICY, { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "s3:DeleteObjectVersion", Resource: `${ARCHIVE}/*` }, /the Service principal ec2\.amazonaws\.com s3:DeleteObjectVersion/],
    ];
    for (const [name, target, statement, why] of refused) {
        it(`finds ${name}`, () => {
            const result = run((d) => addPolicyStatement(d, target, statement));
            assert.strictEqual(result.code, 1, result.stderr);
            assert.ok(removal(result, target[1], why), JSON.stringify(result.report.violations.map((v: any) => [v.code, v.resource, v.why])));
        });
    }

    const accepted: [string, readonly [string, string], Record<string, unknown>][] = [
        ["the account root allowed to change the archive's lifecycle (IAM then decides)", BUCKET_POLICY, { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "s3:PutLifecycleConfiguration", Resource: ARCHIVE }],
        ["the runtime role allowed to read the key's description", KEY, { Effect: "Allow", Principal: { AWS: RUNTIME }, Action: "kms:DescribeKey", Resource: "*" }],
    ];
    for (const [name, target, statement] of accepted) {
        it(`accepts ${name}`, () => {
            const result = run((d) => addPolicyStatement(d, target, statement));
            assert.strictEqual(result.code, 0, JSON.stringify(result.report?.violations?.map((v: any) => [v.code, v.resource, v.why])));
        });
    }
});
