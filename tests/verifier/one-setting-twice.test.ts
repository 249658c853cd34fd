/**
 * Two resources that write one setting AWS keeps once (a bucket's
 * lifecycle, a log group's metric filter of one name, a key's policy) are
 * one resource in AWS, holding whichever update ran last: within one file
 * that is BT-PLAN-DUPLICATE-NAME, across two stacks of one account
 * BT-ACCOUNT-NAME-COLLISION, read from one table of names so that the two
 * checks know the same ones.
 */
import * as assert from "assert";
import { accountNameCollisions } from "../../verifier/account-names";
import { planViolations } from "../../verifier/plan-integrity";
import { stackStateOf, UNKNOWN_VALUE } from "../../verifier/pulumi-formats";
import type { StackDoc } from "../support/plan-files";
import { added, asPreview, CUSTOMER_A } from "../support/plan-mutations";
import { rooted } from "../support/stack-root";

const BUCKET = "acme-audit-archive";
const GROUP = "/acme/audit";
const KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
const KEY_ARN = `arn:aws:kms:us-east-1:${CUSTOMER_A}:key/${KEY_ID}`;

type Props = Record<string, unknown>;

/** A preview of one stack holding `resources`, deployed to us-east-1 unless a resource names its own Region. */
function preview(stack: string, resources: unknown[]) {
    const doc: StackDoc = { version: 3, deployment: { resources: resources as any[] } };
    return stackStateOf(`${stack}.json`, { ...rooted(asPreview(doc)), config: { "aws:region": "us-east-1" } });
}

/** The resources the single-file check names as duplicates, with where it points. */
function duplicates(resources: unknown[]): string[] {
    return planViolations(preview("customer-a", resources), CUSTOMER_A).filter((v) => v.code === "BT-PLAN-DUPLICATE-NAME").map((v) => `${v.resource} ${v.statement}`);
}

/** Two resources of `type` in one stack, `first` and `second`, with the properties each sets. */
function pair(type: string, first: Props, second: Props): unknown[] {
    return [added("customer-a", type, "first", first), added("customer-a", type, "second", second)];
}

describe("one setting AWS keeps once, written twice", () => {
    describe("within one file (BT-PLAN-DUPLICATE-NAME)", () => {
        it("finds a second lifecycle configuration of one bucket, of the other generation of the type", () => {
            const found = duplicates([
                added("customer-a", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "keep", { bucket: BUCKET, rules: [{ id: "keep", status: "Enabled", expiration: { days: 3650 } }] }),
                added("customer-a", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "expire", { bucket: BUCKET, rules: [{ id: "expire", status: "Enabled", expiration: { days: 1 } }] }),
            ]);
            assert.deepStrictEqual(found, ["expire bucket"]);
        });

        it("finds a second versioning configuration, ownership controls or public access block of one bucket", () => {
            assert.deepStrictEqual(duplicates(pair("aws:s3/bucketVersioningV2:BucketVersioningV2", { bucket: BUCKET, versioningConfiguration: { status: "Enabled" } }, { bucket: BUCKET, versioningConfiguration: { status: "Suspended" } })), ["second bucket"]);
            assert.deepStrictEqual(duplicates(pair("aws:s3/bucketOwnershipControls:BucketOwnershipControls", { bucket: BUCKET, rule: { objectOwnership: "BucketOwnerEnforced" } }, { bucket: BUCKET, rule: { objectOwnership: "ObjectWriter" } })), ["second bucket"]);
            assert.deepStrictEqual(duplicates(pair("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { bucket: BUCKET, blockPublicPolicy: true }, { bucket: BUCKET, blockPublicPolicy: false })), ["second bucket"]);
        });

        it("finds a bucket setting written twice whatever Regions the two resources name, a bucket's name being the world's", () => {
            const type = "aws:s3/bucketVersioningV2:BucketVersioningV2";
            assert.deepStrictEqual(duplicates(pair(type, { bucket: BUCKET, region: "us-east-1" }, { bucket: BUCKET, region: "eu-west-1" })), ["second bucket"]);
        });

        it("proves one setting on each of two buckets", () => {
            const type = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2";
            assert.deepStrictEqual(duplicates(pair(type, { bucket: BUCKET, rules: [] }, { bucket: `${BUCKET}-2`, rules: [] })), []);
            assert.deepStrictEqual(duplicates(pair("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { bucket: BUCKET }, { bucket: `${BUCKET}-2` })), []);
        });

        it("finds a second metric filter of one name on one log group, in the same Region or one the file does not know", () => {
            const type = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
            const filter = (props: Props = {}) => ({ logGroupName: GROUP, name: "denied-calls", pattern: "{ $.errorCode = \"AccessDenied\" }", ...props });
            assert.deepStrictEqual(duplicates(pair(type, filter(), filter({ pattern: "" }))), ["second name"]);
            assert.deepStrictEqual(duplicates(pair(type, filter(), filter({ region: UNKNOWN_VALUE }))), ["second name"]);
        });

        it("proves metric filters of one name on two log groups, or on one log group name in two Regions both known", () => {
            const type = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
            const filter = (props: Props) => ({ logGroupName: GROUP, name: "denied-calls", pattern: "", ...props });
            assert.deepStrictEqual(duplicates(pair(type, filter({}), filter({ logGroupName: `${GROUP}-2` }))), []);
            assert.deepStrictEqual(duplicates(pair(type, filter({}), filter({ region: "eu-west-1" }))), []);
            assert.deepStrictEqual(duplicates(pair(type, filter({}), filter({ name: "other-calls" }))), []);
        });

        it("finds a second data protection policy of one log group, and proves one in another Region", () => {
            const type = "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy";
            assert.deepStrictEqual(duplicates(pair(type, { logGroupName: GROUP, policyDocument: "{}" }, { logGroupName: GROUP, policyDocument: "{ }" })), ["second logGroupName"]);
            assert.deepStrictEqual(duplicates(pair(type, { logGroupName: GROUP, policyDocument: "{}" }, { logGroupName: GROUP, policyDocument: "{}", region: "eu-west-1" })), []);
        });

        it("finds a second key policy of one key, named by its id or by its ARN", () => {
            const type = "aws:kms/keyPolicy:KeyPolicy";
            assert.deepStrictEqual(duplicates(pair(type, { keyId: KEY_ID, policy: "{}" }, { keyId: KEY_ID, policy: "{ }" })), ["second keyId"]);
            assert.deepStrictEqual(duplicates(pair(type, { keyId: KEY_ID, policy: "{}" }, { keyId: KEY_ARN, policy: "{ }" })), ["second keyId"]);
            assert.deepStrictEqual(duplicates(pair(type, { keyId: KEY_ID, policy: "{}" }, { keyId: "5678abcd-12ab-34cd-56ef-1234567890ab", policy: "{}" })), []);
        });

        it("finds a second rule, or a second target of one id on one rule, whichever way the bus is written", () => {
            const busArn = `arn:aws:events:us-east-1:${CUSTOMER_A}:event-bus/default`;
            const target = "aws:cloudwatch/eventTarget:EventTarget";
            assert.deepStrictEqual(duplicates(pair(target, { rule: "alarms", targetId: "enforcer", arn: "a" }, { rule: "alarms", targetId: "enforcer", eventBusName: busArn, arn: "b" })), ["second targetId"]);
            assert.deepStrictEqual(duplicates(pair(target, { rule: "alarms", targetId: "enforcer", eventBusName: "" }, { rule: "alarms", targetId: "enforcer", eventBusName: "default" })), ["second targetId"]);
            const rule = "aws:cloudwatch/eventRule:EventRule";
            assert.deepStrictEqual(duplicates(pair(rule, { name: "alarms" }, { name: "alarms", eventBusName: busArn })), ["second name"]);
            assert.deepStrictEqual(duplicates(pair(rule, { name: "alarms" }, { name: "alarms", eventBusName: "team-bus" })), []);
        });

        it("finds a role's own inlinePolicies entry and an inline policy resource of the same name on that role", () => {
            const role = (entries: { name: string; policy: string }[]) => added("customer-a", "aws:iam/role:Role", "enforcer", { name: "Enforcer", assumeRolePolicy: "{}", inlinePolicies: entries });
            const policy = (name: string) => added("customer-a", "aws:iam/rolePolicy:RolePolicy", "enforcer-policy", { role: "Enforcer", name, policy: "{}" });
            assert.deepStrictEqual(duplicates([role([{ name: "block", policy: "{}" }]), policy("block")]), ["enforcer-policy name"]);
            assert.deepStrictEqual(duplicates([role([{ name: "Block", policy: "{}" }]), policy("block")]), ["enforcer-policy name"]);
            assert.deepStrictEqual(duplicates([role([{ name: "other", policy: "{}" }]), policy("block")]), []);
        });

        it("finds a second inline policy of one name on one role, the role named in another case", () => {
            const type = "aws:iam/rolePolicy:RolePolicy";
            assert.deepStrictEqual(duplicates(pair(type, { role: "AuditReader", name: "read", policy: "{}" }, { role: "auditreader", name: "read", policy: "{ }" })), ["second name"]);
            assert.deepStrictEqual(duplicates(pair(type, { role: "AuditReader", name: "read", policy: "{}" }, { role: "AuditWriter", name: "read", policy: "{}" })), []);
        });

        it("finds a second Bedrock invocation logging configuration in one Region, and proves one in each of two", () => {
            const type = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration";
            assert.deepStrictEqual(duplicates(pair(type, { loggingConfig: {} }, { loggingConfig: {} })), ["second -"]);
            assert.deepStrictEqual(duplicates(pair(type, { loggingConfig: {} }, { loggingConfig: {}, region: "eu-west-1" })), []);
        });
    });

    describe("across two stacks of one account (BT-ACCOUNT-NAME-COLLISION)", () => {
        /** The collisions the second stack's `resource` raises beside the first stack's `first`. */
        function collisions(first: unknown, second: unknown): string[] {
            return accountNameCollisions([
                { state: preview("customer-a", [first]), account: CUSTOMER_A },
                { state: preview("customer-a-extras", [second]), account: CUSTOMER_A },
            ]).filter((v) => v.code === "BT-ACCOUNT-NAME-COLLISION").map((v) => `${v.stack} ${v.resource}`);
        }

        it("finds a key policy of one key in two stacks", () => {
            const type = "aws:kms/keyPolicy:KeyPolicy";
            assert.deepStrictEqual(collisions(added("customer-a", type, "policy", { keyId: KEY_ARN, policy: "{}" }), added("customer-a-extras", type, "policy", { keyId: KEY_ID, policy: "{}" })), ["customer-a-extras policy"]);
        });

        it("finds a subscription filter of one name on one log group in two stacks, and proves one on another log group", () => {
            const type = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter";
            const filter = (stack: string, logGroup: string) => added(stack, type, "copy", { logGroup, name: "copy", filterPattern: "", destinationArn: `arn:aws:logs:us-east-1:${CUSTOMER_A}:destination:keep` });
            assert.deepStrictEqual(collisions(filter("customer-a", GROUP), filter("customer-a-extras", GROUP)), ["customer-a-extras copy"]);
            assert.deepStrictEqual(collisions(filter("customer-a", GROUP), filter("customer-a-extras", `${GROUP}-2`)), []);
        });

        it("finds a Bedrock invocation logging configuration in one Region in two stacks", () => {
            const type = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration";
            assert.deepStrictEqual(collisions(added("customer-a", type, "logging", { loggingConfig: {} }), added("customer-a-extras", type, "logging", { loggingConfig: {} })), ["customer-a-extras logging"]);
        });
    });
});
