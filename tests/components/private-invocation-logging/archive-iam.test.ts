/**
 * The archive's bucket policy, key policy and runtime grant, taken from what
 * the component produces under mocks, judged by the independent IAM evaluator.
 */
import * as assert from "assert";
import type * as aws from "@pulumi/aws";
import { PrivateInvocationLogging } from "../../../components/private-invocation-logging/private-invocation-logging";
import { evaluate, type Decision } from "../../../scripts/lib/iam-evaluator";
import { CUSTOMER_A_ACCOUNT, OPS_ACCOUNT, customerAArgs, fixtureBundle, settle } from "../../support/customer-fixtures";
import { installMocks, ofType, promiseOf } from "../../../testing/pulumi-mocks";
import { parsePolicy } from "../../../testing/tenant-access-fixtures";

const BUCKET = `btn-customer-a-archive-${CUSTOMER_A_ACCOUNT}`;
const OBJECT = `arn:aws:s3:::${BUCKET}/tenant=customer-a/dt=2026-03-14/101500000-0b7c.json`;
const RUNTIME_ROLE = `arn:aws:iam::${CUSTOMER_A_ACCOUNT}:role/BedrockTenancyRuntime-customer-a`;
const ADMIN: aws.iam.PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

describe("audit archive policies under the IAM evaluator", () => {
    let bucketPolicy: aws.iam.PolicyDocument;
    let keyPolicy: aws.iam.PolicyDocument;
    let runtimePolicy: aws.iam.PolicyDocument;
    let keyArn: string;

    before(async () => {
        const recorded = await installMocks({ account: CUSTOMER_A_ACCOUNT });
        const component = new PrivateInvocationLogging("audit", customerAArgs({ lambdaBundlePath: fixtureBundle(), archive: {} }));
        await settle(component);
        await promiseOf(component.archive!.workgroupName);
        bucketPolicy = (parsePolicy(ofType(recorded, "aws:s3/bucketPolicy:BucketPolicy")[0].inputs.policy));
        keyPolicy = (parsePolicy(ofType(recorded, "aws:kms/key:Key")[0].inputs.policy));
        runtimePolicy = (parsePolicy(ofType(recorded, "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy));
        keyArn = await promiseOf(component.kmsKeyArn);
    });

    const s3 = (principal: string, identity: aws.iam.PolicyDocument, action: string, resource: string, context: Record<string, string> = {}): Promise<Decision> =>
        evaluate({
            principal,
            action,
            resource,
            resourceAccount: CUSTOMER_A_ACCOUNT,
            identityPolicies: [identity],
            resourcePolicy: bucketPolicy,
            context: { "aws:SecureTransport": "true", "aws:PrincipalAccount": principal.split(":")[4], ...context },
        });
    const put = (principal: string, identity: aws.iam.PolicyDocument, resource = OBJECT, context: Record<string, string> = {}) =>
        s3(principal, identity, "s3:PutObject", resource, { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn, ...context });

    const opsPrincipals = [
        [`arn:aws:iam::${OPS_ACCOUNT}:root`, "the ops account's root"],
        [`arn:aws:iam::${OPS_ACCOUNT}:role/Administrator`, "an ops administrator"],
    ] as const;
    for (const [principal, who] of opsPrincipals) {
        for (const [action, resource] of [
            ["s3:GetObject", OBJECT],
            ["s3:GetObjectVersion", OBJECT],
            ["s3:ListBucket", `arn:aws:s3:::${BUCKET}`],
            ["s3:ListBucketVersions", `arn:aws:s3:::${BUCKET}`],
            ["s3:DeleteObject", OBJECT],
            ["s3:DeleteObjectVersion", OBJECT],
            ["s3:PutObject", OBJECT],
        ] as const) {
            it(`denies ${who} ${action}, even with an allow-everything identity policy`, async () => {
                assert.strictEqual(await s3(principal, ADMIN, action, resource, { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn }), "ExplicitlyDenied");
            });
        }
        it(`denies ${who} decrypting with the customer key`, async () => {
            const decision = await evaluate({ principal, action: "kms:Decrypt", resource: keyArn, resourceAccount: CUSTOMER_A_ACCOUNT, identityPolicies: [ADMIN], resourcePolicy: keyPolicy });
            assert.notStrictEqual(decision, "Allowed");
        });
    }

    it("lets the runtime role write under its tenant prefix with the customer key", async () => {
        assert.strictEqual(await put(RUNTIME_ROLE, runtimePolicy), "Allowed");
    });

    it("denies the runtime role writes outside its tenant prefix", async () => {
        assert.notStrictEqual(await put(RUNTIME_ROLE, runtimePolicy, `arn:aws:s3:::${BUCKET}/tenant=customer-b/dt=2026-03-14/x.json`), "Allowed");
        assert.notStrictEqual(await put(RUNTIME_ROLE, runtimePolicy, `arn:aws:s3:::${BUCKET}/loose.json`), "Allowed");
    });

    it("denies the runtime role reading, listing and deleting", async () => {
        for (const [action, resource] of [["s3:GetObject", OBJECT], ["s3:ListBucket", `arn:aws:s3:::${BUCKET}`], ["s3:DeleteObject", OBJECT], ["s3:DeleteObjectVersion", OBJECT], ["s3:PutObjectRetention", OBJECT], ["s3:BypassGovernanceRetention", OBJECT]]) {
            assert.notStrictEqual(await s3(RUNTIME_ROLE, runtimePolicy, action, resource), "Allowed", action);
        }
    });

    it("denies a write that names no key or another key", async () => {
        assert.strictEqual(await s3(RUNTIME_ROLE, runtimePolicy, "s3:PutObject", OBJECT), "ExplicitlyDenied");
        assert.strictEqual(await put(RUNTIME_ROLE, runtimePolicy, OBJECT, { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn.replace(/key\/.*/, "key/other") }), "ExplicitlyDenied");
    });

    it("denies a request without TLS", async () => {
        assert.strictEqual(await put(RUNTIME_ROLE, runtimePolicy, OBJECT, { "aws:SecureTransport": "false" }), "ExplicitlyDenied");
    });

    it("denies a customer-account administrator writing: only the delivery path writes", async () => {
        assert.strictEqual(await put(`arn:aws:iam::${CUSTOMER_A_ACCOUNT}:role/Administrator`, ADMIN), "ExplicitlyDenied");
    });

    it("control: lets a customer-account administrator read and list, so the ops denials above are not blanket ones", async () => {
        const admin = `arn:aws:iam::${CUSTOMER_A_ACCOUNT}:role/Administrator`;
        assert.strictEqual(await s3(admin, ADMIN, "s3:GetObject", OBJECT), "Allowed");
        assert.strictEqual(await s3(admin, ADMIN, "s3:ListBucket", `arn:aws:s3:::${BUCKET}`), "Allowed");
    });

    it("lets the runtime role use the key only through S3", async () => {
        const generate = (context: Record<string, string>) =>
            evaluate({ principal: RUNTIME_ROLE, action: "kms:GenerateDataKey", resource: keyArn, resourceAccount: CUSTOMER_A_ACCOUNT, identityPolicies: [runtimePolicy], resourcePolicy: keyPolicy, context });
        assert.strictEqual(await generate({ "kms:ViaService": "s3.us-east-1.amazonaws.com" }), "Allowed");
        assert.notStrictEqual(await generate({}), "Allowed");
        assert.notStrictEqual(await generate({ "kms:ViaService": "s3.eu-west-1.amazonaws.com" }), "Allowed");
        const decrypt = await evaluate({ principal: RUNTIME_ROLE, action: "kms:Decrypt", resource: keyArn, resourceAccount: CUSTOMER_A_ACCOUNT, identityPolicies: [runtimePolicy], resourcePolicy: keyPolicy, context: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } });
        assert.notStrictEqual(decrypt, "Allowed");
    });
});
