import * as assert from "assert";
import type * as aws from "@pulumi/aws";
import { archiveIsolationViolations, type ArchivePolicies } from "../../contract";
import { PrivateInvocationLogging } from "../../components/private-invocation-logging/private-invocation-logging";
import { CUSTOMER_A_ACCOUNT, OPS_ACCOUNT, customerAArgs, fixtureBundle, settle } from "../support/customer-fixtures";
import { installMocks, ofType, promiseOf } from "../../testing/pulumi-mocks";

const BUCKET = `btn-customer-a-archive-${CUSTOMER_A_ACCOUNT}`;
const WRITER = `arn:aws:iam::${CUSTOMER_A_ACCOUNT}:role/BedrockTenancyRuntime-customer-a`;

describe("archiveIsolationViolations over the policies the component produces", () => {
    let produced: ArchivePolicies;
    const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
    const withBucketPolicy = (edit: (p: any) => void) => {
        const policy = clone(produced.bucketPolicy);
        edit(policy);
        return archiveIsolationViolations({ ...produced, bucketPolicy: policy });
    };
    const withKeyStatement = (statement: aws.iam.PolicyStatement) => {
        const policy: any = clone(produced.keyPolicy);
        policy.Statement.push(statement);
        return archiveIsolationViolations({ ...produced, keyPolicy: policy });
    };
    const dropSid = (sid: string) => (p: any) => (p.Statement = p.Statement.filter((s: any) => s.Sid !== sid));

    // The component passes policies as documents or as their JSON text.
    const documentOf = (policy: unknown) => (typeof policy === "string" ? JSON.parse(policy) : clone(policy));

    before(async () => {
        const recorded = await installMocks({ account: CUSTOMER_A_ACCOUNT });
        const component = new PrivateInvocationLogging("audit", customerAArgs({ lambdaBundlePath: fixtureBundle(), archive: {} }));
        await settle(component);
        await promiseOf(component.archive!.workgroupName);
        produced = {
            bucketPolicy: documentOf(ofType(recorded, "aws:s3/bucketPolicy:BucketPolicy")[0].inputs.policy),
            keyPolicy: documentOf(ofType(recorded, "aws:kms/key:Key")[0].inputs.policy),
            bucketName: BUCKET,
            customerAccountId: CUSTOMER_A_ACCOUNT,
            opsAccountId: OPS_ACCOUNT,
            writerRoleArn: WRITER,
        };
    });

    it("passes the produced policies", () => {
        assert.deepStrictEqual(archiveIsolationViolations(produced), []);
    });

    it("fails when the ops account is not denied", () => {
        assert.deepStrictEqual(withBucketPolicy(dropSid("DenyOpsAccount")), [
            `the bucket policy does not deny every principal of the ops account ${OPS_ACCOUNT} all access to arn:aws:s3:::${BUCKET} and its objects`,
        ]);
    });

    it("fails when a different account is the one denied", () => {
        const violations = archiveIsolationViolations({ ...produced, opsAccountId: "333333333333" });
        assert.strictEqual(violations.length, 1);
        assert.match(violations[0], /ops account 333333333333/);
    });

    it("fails when the ops deny covers only the objects, not the bucket (listing)", () => {
        const violations = withBucketPolicy((p) => (p.Statement.find((s: any) => s.Sid === "DenyOpsAccount").Resource = `arn:aws:s3:::${BUCKET}/*`));
        assert.match(violations.join("\n"), /does not deny every principal of the ops account/);
    });

    it("fails when no statement limits writes to the delivery role", () => {
        assert.deepStrictEqual(withBucketPolicy(dropSid("OnlyDeliveryPathWrites")), [`the bucket policy does not deny writes to every principal but the delivery role ${WRITER}`]);
    });

    it("fails when a second writer is let through", () => {
        const violations = withBucketPolicy((p) => p.Statement.find((s: any) => s.Sid === "OnlyDeliveryPathWrites").Condition.ArnNotEquals["aws:PrincipalArn"].push(`arn:aws:iam::${OPS_ACCOUNT}:role/Ops`));
        assert.match(violations.join("\n"), /lets other principals than the delivery role write/);
    });

    it("fails on an Allow for the ops account in the bucket policy", () => {
        const violations = withBucketPolicy((p) => p.Statement.push({ Sid: "OpsRead", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OPS_ACCOUNT}:root` }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*` }));
        assert.deepStrictEqual(violations, [`the bucket policy statement "OpsRead" allows arn:aws:iam::${OPS_ACCOUNT}:root, outside the customer account ${CUSTOMER_A_ACCOUNT}`]);
    });

    it("fails on an Allow for everyone in the key policy", () => {
        assert.match(withKeyStatement({ Sid: "Open", Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }).join("\n"), /key policy statement "Open" allows \*/);
    });

    it("fails closed on a service principal it does not know, and on NotPrincipal", () => {
        assert.match(withKeyStatement({ Sid: "Svc", Effect: "Allow", Principal: { Service: "firehose.amazonaws.com" }, Action: "kms:Decrypt", Resource: "*" }).join("\n"), /does not recognise/);
        assert.match(withKeyStatement({ Sid: "Not", Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:Decrypt", Resource: "*" } as any).join("\n"), /uses NotPrincipal, which this proof does not recognise/);
    });

    it("fails closed on a document that is not a policy", () => {
        assert.match(archiveIsolationViolations({ ...produced, bucketPolicy: "{}" }).join("\n"), /the bucket policy is not a policy document/);
        assert.match(archiveIsolationViolations({ ...produced, keyPolicy: { Statement: [42] } }).join("\n"), /the key policy Statement 1 is not an object/);
    });

    it("accepts a deny naming the ops account root instead of a condition", () => {
        const violations = withBucketPolicy((p) => {
            const s = p.Statement.find((x: any) => x.Sid === "DenyOpsAccount");
            s.Principal = { AWS: `arn:aws:iam::${OPS_ACCOUNT}:root` };
            delete s.Condition;
        });
        assert.deepStrictEqual(violations, []);
    });

    it("accepts the ops deny held by StringEqualsIfExists, which also denies a request that carries no account, and no other operator", () => {
        const withOperator = (operator: string) =>
            withBucketPolicy((p) => {
                const s = p.Statement.find((x: any) => x.Sid === "DenyOpsAccount");
                s.Condition = { [operator]: { "aws:PrincipalAccount": [OPS_ACCOUNT] } };
            });
        assert.deepStrictEqual(withOperator("StringEqualsIfExists"), []);
        for (const operator of ["StringLike", "StringNotEquals", "StringEqualsIgnoreCase", "ForAnyValue:StringEquals"]) {
            assert.match(withOperator(operator).join("\n"), /does not deny every principal of the ops account/, operator);
        }
    });

    it("refuses an element IAM's grammar does not hold, in the document or in any statement", () => {
        assert.match(withBucketPolicy((p) => (p.Extra = true)).join("\n"), /the bucket policy has elements Extra, which IAM policy documents do not have/);
        const own = { Sid: "Own", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${CUSTOMER_A_ACCOUNT}:root` }, Action: [42], Resource: "*" } as any;
        assert.match(withKeyStatement(own).join("\n"), /the key policy Statement \d+ \(Sid "Own"\) has a Action that is not a string or a list of strings/);
        const typo = withBucketPolicy((p) => (p.Statement.find((s: any) => s.Sid === "DenyOpsAccount").Condtion = {}));
        assert.match(typo.join("\n"), /has elements Condtion, which this proof does not read/);
    });

    it("reads actions and resources of the ops deny as IAM matches them", () => {
        const rewritten = withBucketPolicy((p) => {
            const s = p.Statement.find((x: any) => x.Sid === "DenyOpsAccount");
            s.Action = "S3:*";
            s.Resource = `arn:aws:s3:::${BUCKET}*`;
        });
        assert.deepStrictEqual(rewritten, []);
        // `s3:?` matches the text "s3:*" but denies only one-character actions.
        const narrow = withBucketPolicy((p) => (p.Statement.find((x: any) => x.Sid === "DenyOpsAccount").Action = "s3:?"));
        assert.match(narrow.join("\n"), /does not deny every principal of the ops account/);
        const oneObject = withBucketPolicy((p) => (p.Statement.find((x: any) => x.Sid === "OnlyDeliveryPathWrites").Resource = `arn:aws:s3:::${BUCKET}/?`));
        assert.match(oneObject.join("\n"), /does not deny writes to every principal but the delivery role/);
    });
});
