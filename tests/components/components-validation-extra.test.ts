import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { BedrockTenantAccess } from "../../components/bedrock-tenant-access/bedrock-tenant-access";
import type { BedrockTenantAccessArgs } from "../../components/bedrock-tenant-access/args";
import { BedrockTenantFleet } from "../../components/bedrock-tenant-fleet/bedrock-tenant-fleet";
import { PrivateInvocationLogging } from "../../components/private-invocation-logging/private-invocation-logging";
import { QuotaEnforcer } from "../../components/quota-enforcer/quota-enforcer";
import { TENANT_TAG_KEY, show, thrownText } from "../../contract";
import { assertRefusedBeforeResources } from "../support/argument-errors";
import { CUSTOMER_A_ACCOUNT, US_HAIKU_35, customerAArgs, fixtureBundle, opsRoleArnFor } from "../support/customer-fixtures";
import { installMocks, ofType, promiseOf } from "../../testing/pulumi-mocks";
import { HAIKU, OPS_ACCOUNT, failureOf, opsMockOptions, settled } from "../../testing/tenant-access-fixtures";

const ENFORCER = `arn:aws:lambda:us-east-1:${OPS_ACCOUNT}:function:qe-function`;
const KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";

const accessArgs = (overrides: Record<string, unknown> = {}) =>
    ({ tenantId: "customer-a", accounts: [CUSTOMER_A_ACCOUNT], models: [HAIKU], accountId: OPS_ACCOUNT, ...overrides }) as unknown as BedrockTenantAccessArgs;
const access = (overrides: Record<string, unknown> = {}) => () => new BedrockTenantAccess("bad", accessArgs(overrides));
const logging = (overrides: Record<string, unknown> = {}) => () =>
    new PrivateInvocationLogging("bad", customerAArgs({ lambdaBundlePath: fixtureBundle(), ...overrides }));
const enforcer = (args: Record<string, unknown>) => () => new QuotaEnforcer("qe", { bundlePath: fixtureBundle(), ...args });
const fleet = (args: Record<string, unknown>) => () => new BedrockTenantFleet("fleet", { modelCatalogue: "off", ...args } as never);

interface Case {
    what: string;
    run: () => unknown;
    message: RegExp;
}

const CASES: Case[] = [
    // 1. A tenant's customer account is never the ops account.
    { what: "a tenant account that is the ops account (accountId)", run: access({ accounts: [OPS_ACCOUNT] }), message: /^accounts\[0\] must be a customer account other than the ops account the tenant's role is created in \(accountId 999999999999\), got "999999999999"/ },
    { what: "a fleet tenant whose account is the fleet's ops account", run: fleet({ tenants: [{ tenantId: "customer-a", accounts: [CUSTOMER_A_ACCOUNT, OPS_ACCOUNT], models: [HAIKU] }], defaults: { accountId: OPS_ACCOUNT } }), message: /^tenants\[0\] \(customer-a\): accounts\[1\] must be a customer account other than the ops account/ },
    { what: "a customer account that is the ops role's account", run: logging({ accountId: OPS_ACCOUNT }), message: /^accountId must be a customer account other than the ops account of opsRoleArn, got "999999999999"/ },
    // 2. accountId is an account id everywhere.
    { what: "a 2-digit QuotaEnforcer accountId", run: enforcer({ accountId: "12" }), message: /^accountId must be a 12-digit AWS account id, got "12"$/ },
    { what: "a 3-digit BedrockTenantAccess accountId", run: access({ accountId: "123" }), message: /^accountId must be a 12-digit AWS account id, got "123"$/ },
    { what: "fleet defaults given as an Output (read as an object, a member of it was named)", run: fleet({ tenants: [{ tenantId: "customer-a", accounts: [CUSTOMER_A_ACCOUNT], models: [HAIKU] }], defaults: pulumi.output({}) }), message: /^defaults must be a plain value known at preview, not an Output$/ },
    { what: "a fleet default accountId of 3 digits", run: fleet({ tenants: [{ tenantId: "customer-a", accounts: [CUSTOMER_A_ACCOUNT], models: [HAIKU] }], defaults: { accountId: "123" } }), message: /^tenants\[0\] \(customer-a\): accountId must be a 12-digit AWS account id, got "123"$/ },
    // 3. The log key is in the component's account and Region.
    { what: "a log key of another account", run: logging({ kmsKeyArn: `arn:aws:kms:us-east-1:${OPS_ACCOUNT}:key/${KEY_ID}` }), message: /^kmsKeyArn must be a key of the customer account 111111111111 \(whose log group it encrypts\), got a key of account 999999999999: "arn:aws:kms:us-east-1:999999999999:key\// },
    { what: "a log key of another Region", run: logging({ kmsKeyArn: `arn:aws:kms:eu-west-1:${CUSTOMER_A_ACCOUNT}:key/${KEY_ID}` }), message: /^kmsKeyArn must be a key in the log group's Region "us-east-1", got "arn:aws:kms:eu-west-1:/ },
    // 4. What AWS would refuse at apply fails the preview.
    { what: "an access tag key starting with aws:", run: access({ tags: { "aws:foo": "x" } }), message: /^tags key "aws:foo" starts with "aws:", which AWS reserves/ },
    { what: "an access tag key starting with AWS: in capitals", run: access({ tags: { "AWS:foo": "x" } }), message: /^tags key "AWS:foo" starts with "aws:"/ },
    { what: "an access tag value that is a number", run: access({ tags: { team: 5 } }), message: /^tags\["team"\] must be a string, got 5$/ },
    { what: "an access tag value of 257 characters", run: access({ tags: { team: "v".repeat(257) } }), message: /^tags\["team"\] must be at most 256 .*, got 257 characters$/ },
    { what: "an access tag key of 129 characters", run: access({ tags: { ["k".repeat(129)]: "v" } }), message: /^tags key "k{129}" must be 1 to 128 .*, got 129 characters$/ },
    { what: "51 access tags with the cost tag", run: access({ tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`t${i}`, "v"])) }), message: /^tags would put 51 tags on each resource .*over AWS's 50/ },
    // A tenant with tags of its own does not read the default ones: they are checked where they sit.
    { what: "a fleet default tags list beside a tenant's own tags", run: fleet({ tenants: [{ tenantId: "customer-a", accounts: [CUSTOMER_A_ACCOUNT], models: [HAIKU], tags: { team: "ml" } }], defaults: { accountId: OPS_ACCOUNT, tags: ["x", "y"] } }), message: /^defaults\.tags must be an object of tag key to string value, got \["x","y"\]$/ },
    { what: "a tenant's tags given as text beside fleet default tags", run: fleet({ tenants: [{ tenantId: "customer-a", accounts: [CUSTOMER_A_ACCOUNT], models: [HAIKU], tags: "zz" }], defaults: { accountId: OPS_ACCOUNT, tags: { team: "ml" } } }), message: /^tenants\[0\] \(customer-a\): tags must be an object of tag key to string value, got "zz"$/ },
    { what: "a fleet default tag starting with aws:", run: fleet({ tenants: [{ tenantId: "customer-a", accounts: [CUSTOMER_A_ACCOUNT], models: [HAIKU] }], defaults: { accountId: OPS_ACCOUNT, tags: { "aws:x": "y" } } }), message: /^defaults\.tags key "aws:x" starts with "aws:"/ },
    { what: "a QuotaEnforcer tag starting with aws:", run: enforcer({ tags: { "aws:x": "y" } }), message: /^tags key "aws:x" starts with "aws:"/ },
    { what: "a PrivateInvocationLogging tag starting with aws:", run: logging({ tags: { "aws:x": "y" } }), message: /^tags key "aws:x" starts with "aws:"/ },
    { what: "a warning topic that is no SNS topic ARN", run: access({ quota: { tokensPerDay: 1000, warningTopicArn: "nope", enforcerFunctionArn: ENFORCER } }), message: /^quota\.warningTopicArn must be an SNS topic ARN, got "nope"$/ },
    { what: "a warning topic of another Region", run: access({ quota: { tokensPerDay: 1000, warningTopicArn: `arn:aws:sns:eu-west-1:${OPS_ACCOUNT}:w`, enforcerFunctionArn: ENFORCER } }), message: /^quota\.warningTopicArn must be a topic in the tenant's Region "us-east-1"/ },
    { what: "an archive bucket named like an IP address", run: logging({ archive: { bucketName: "192.168.1.1" } }), message: /^archive\.bucketName must not be formatted as an IP address .*, got "192\.168\.1\.1"$/ },
    { what: "an archive bucket with S3's reserved prefix sthree-", run: logging({ archive: { bucketName: "sthree-audit" } }), message: /^archive\.bucketName must not start with "sthree-", which S3 reserves, got "sthree-audit"$/ },
    { what: "an archive bucket with S3's reserved suffix --ol-s3", run: logging({ archive: { bucketName: "audit--ol-s3" } }), message: /^archive\.bucketName must not end with "--ol-s3", which S3 reserves/ },
    { what: "an ops role ARN with a path", run: logging({ opsRoleArn: `arn:aws:iam::${OPS_ACCOUNT}:role/x/BedrockTenantAccess-customer-a` }), message: /^opsRoleArn must be the ARN of the ops role "BedrockTenantAccess-customer-a" \(.*with no path\), got "arn:aws:iam::999999999999:role\/x\/BedrockTenantAccess-customer-a"$/ },
    // 5. The tenant tag names the tenant.
    { what: "a customer tag naming another tenant", run: logging({ tags: { [TENANT_TAG_KEY]: "customer-b" } }), message: /^tags\["bedrock-tenancy:tenant"\] must be the tenant id "customer-a" or left out \(the component sets it\), got "customer-b"$/ },
    // 6. Messages and error classes.
    { what: "a NaN budget", run: access({ budget: { limitUsd: NaN, emails: ["a@example.com"] } }), message: /^budget\.limitUsd must be a number of USD from 0\.01 to 1,000,000,000,000 \(AWS Budgets takes it to the cent\), got NaN$/ },
    { what: "an infinite budget", run: access({ budget: { limitUsd: Infinity, emails: ["a@example.com"] } }), message: /^budget\.limitUsd must be a number of USD from 0\.01 to 1,000,000,000,000 \(AWS Budgets takes it to the cent\), got Infinity$/ },
    { what: "a NaN applicationProfileQuota", run: access({ applicationProfileQuota: NaN }), message: /^applicationProfileQuota must be an integer from 1 to \d+, got NaN$/ },
    { what: "a tenantId given as an Output", run: access({ tenantId: pulumi.output("customer-a") }), message: /^tenantId must be a plain value known at preview, not an Output$/ },
    { what: "accounts given as an Output", run: access({ accounts: pulumi.output([CUSTOMER_A_ACCOUNT]) }), message: /^accounts must be a plain value known at preview, not an Output$/ },
    { what: "an account given as an Output", run: access({ accounts: [pulumi.output(CUSTOMER_A_ACCOUNT)] }), message: /^accounts\[0\] must be a plain value known at preview, not an Output$/ },
    { what: "fleet tenants given as an Output", run: fleet({ tenants: pulumi.output([]) }), message: /^tenants must be a plain value known at preview, not an Output$/ },
    { what: "a customer tenantId given as an Output", run: logging({ tenantId: pulumi.output("customer-a") }), message: /^tenantId must be a plain value known at preview, not an Output$/ },
    { what: "BedrockTenantAccess without arguments", run: () => new BedrockTenantAccess("bad", undefined as never), message: /^args must be an object of BedrockTenantAccess arguments, got undefined$/ },
    { what: "BedrockTenantAccess with null arguments", run: () => new BedrockTenantAccess("bad", null as never), message: /^args must be an object of BedrockTenantAccess arguments, got null$/ },
    { what: "PrivateInvocationLogging without arguments", run: () => new PrivateInvocationLogging("bad", undefined as never), message: /^args must be an object of PrivateInvocationLogging arguments, got undefined$/ },
    // The function's code is read at preview: a folder, or a path known only later, cannot be.
    { what: "a QuotaEnforcer bundlePath that is a folder", run: () => new QuotaEnforcer("qe", { bundlePath: path.dirname(fixtureBundle()) }), message: /^bundlePath: ".*" is a folder; give the enforcer bundle's file \(its index\.mjs, which npm run build writes\)$/ },
    { what: "a QuotaEnforcer bundlePath that is an Output", run: () => new QuotaEnforcer("qe", { bundlePath: pulumi.output(fixtureBundle()) as never }), message: /^bundlePath must be a plain value known at preview, not an Output$/ },
    { what: "QuotaEnforcer with null arguments", run: () => new QuotaEnforcer("qe", null as never), message: /^args must be an object of QuotaEnforcer arguments, got null$/ },
    { what: "a PrivateInvocationLogging without externalId", run: logging({ externalId: undefined }), message: /^externalId is required \(.*\), got undefined$/ },
    { what: "a PrivateInvocationLogging without opsRoleArn", run: logging({ opsRoleArn: undefined }), message: /^opsRoleArn is required \(.*\), got undefined$/ },
    { what: "a lambdaBundlePath naming no file", run: logging({ lambdaBundlePath: "/nonexistent/index.mjs" }), message: /^lambdaBundlePath names no file, got "\/nonexistent\/index\.mjs"/ },
    { what: "networkIsolation: true", run: logging({ networkIsolation: true }), message: /^networkIsolation must be an object \(.*\), got true$/ },
    { what: "memorySizeMb with compute ecs", run: logging({ compute: "ecs", memorySizeMb: 4096 }), message: /^memorySizeMb applies to the Lambda only, got compute "ecs"$/ },
    { what: "timeoutSeconds with compute ec2", run: logging({ compute: "ec2", timeoutSeconds: 30 }), message: /^timeoutSeconds applies to the Lambda only, got compute "ec2"$/ },
];

describe("component arguments AWS or the tenancy model would refuse fail at construction", () => {
    for (const c of CASES) {
        it(`rejects ${c.what} with an ArgumentError naming the argument`, async () => {
            await assertRefusedBeforeResources(c.run, c.message);
        });
    }
});

describe("values known only once deployed are checked then", () => {
    it("fails a tenant whose account is the caller identity's (ops) account", async () => {
        await installMocks(opsMockOptions());
        const a = new BedrockTenantAccess("t", accessArgs({ accountId: undefined, accounts: [OPS_ACCOUNT] }));
        const error = await failureOf(a.roleArn);
        assert.match(error.message, /accounts\[0\] must be a customer account other than the ops account .*accountId 999999999999/);
    });

    it("fails a fleet tenant whose account is the caller identity's (ops) account", async () => {
        await installMocks(opsMockOptions());
        const f = new BedrockTenantFleet("fleet", { modelCatalogue: "off", tenants: [{ tenantId: "customer-a", accounts: [OPS_ACCOUNT], models: [HAIKU] }] });
        const error = await failureOf(f.members["customer-a"].roleArn);
        assert.match(error.message, /accounts\[0\] must be a customer account other than the ops account/);
    });

    it("fails an accountId known late that is no account id", async () => {
        await installMocks(opsMockOptions());
        const a = new BedrockTenantAccess("t", accessArgs({ accountId: pulumi.output("123") }));
        const error = await failureOf(a.roleArn);
        assert.match(error.message, /accountId must be a 12-digit AWS account id, got "123"/);
    });

    it("fails a customer side deployed (by caller identity) into the ops role's account", async () => {
        await installMocks(opsMockOptions());
        const l = logging({ accountId: undefined })();
        const error = await failureOf(l.environment);
        assert.match(error.message, /accountId must be a customer account other than the ops account of opsRoleArn, got "999999999999"/);
    });

    it("fails a log key known late of another Region", async () => {
        await installMocks(opsMockOptions());
        const l = logging({ kmsKeyArn: pulumi.output(`arn:aws:kms:eu-west-1:${CUSTOMER_A_ACCOUNT}:key/${KEY_ID}`) })();
        const error = await failureOf(l.kmsKeyArn);
        assert.match(error.message, /kmsKeyArn must be a key in the log group's Region "us-east-1"/);
    });

    it("fails an ops role ARN known late that has a path", async () => {
        await installMocks(opsMockOptions());
        const l = logging({ opsRoleArn: pulumi.output(`arn:aws:iam::${OPS_ACCOUNT}:role/x/BedrockTenantAccess-customer-a`) })();
        const error = await failureOf(l.environment);
        assert.match(error.message, /opsRoleArn must be the ARN of the ops role .*with no path/);
    });

    it("fails routes known late that lead to another account's inference profile, and keeps the ops account's", async () => {
        await installMocks(opsMockOptions());
        const late = (route: string) => logging({ modelRoutes: pulumi.output({ [US_HAIKU_35]: route }), opsRoleArn: pulumi.output(opsRoleArnFor("customer-a")) })();
        const error = await failureOf(late("arn:aws:bedrock:us-east-1:888888888888:application-inference-profile/abc123").environment);
        assert.match(error.message, /modelRoutes\[".*haiku.*"\] must be an inference profile of the ops account 999999999999 \(the account of opsRoleArn\), got "arn:aws:bedrock:us-east-1:888888888888:application-inference-profile\/abc123" of account 888888888888/);
        const kept = late(`arn:aws:bedrock:us-east-1:${OPS_ACCOUNT}:application-inference-profile/abc123`);
        assert.match(JSON.stringify(await promiseOf(kept.environment)), /application-inference-profile\/abc123/);
    });
});

describe("accepted values stay accepted", () => {
    it("keeps the tenant tag when the customer gives the tenant's own id, and user tags elsewhere", async () => {
        const recorded = await installMocks(opsMockOptions());
        logging({ tags: { [TENANT_TAG_KEY]: "customer-a", team: "ml" } })();
        await settled();
        const group = ofType(recorded, "aws:cloudwatch/logGroup:LogGroup")[0];
        assert.deepEqual(group.inputs.tags, { [TENANT_TAG_KEY]: "customer-a", team: "ml" });
    });

    it("accepts a log key of the customer's account and Region, and a bucket name S3 allows", async () => {
        await installMocks(opsMockOptions());
        assert.doesNotThrow(logging({ kmsKeyArn: `arn:aws:kms:us-east-1:${CUSTOMER_A_ACCOUNT}:key/${KEY_ID}`, archive: { bucketName: "audit.customer-a-1" } }));
        await settled();
    });

    it("accepts the tenant's ops role at the root path", () => {
        assert.doesNotThrow(logging({ opsRoleArn: opsRoleArnFor("customer-a") }));
    });

    it("accepts a valid QuotaEnforcer accountId and tags, and a warning topic of the tenant's Region", async () => {
        await installMocks(opsMockOptions());
        assert.doesNotThrow(enforcer({ accountId: OPS_ACCOUNT, tags: { team: "ml", empty: "" } }));
        assert.doesNotThrow(access({ quota: { tokensPerDay: 1000, warningTopicArn: `arn:aws:sns:us-east-1:${OPS_ACCOUNT}:w`, enforcerFunctionArn: ENFORCER } }));
        await settled();
    });
});

describe("show", () => {
    it("shows NaN and Infinity as such, at the top and nested", () => {
        assert.equal(show(NaN), "NaN");
        assert.equal(show(-Infinity), "-Infinity");
        assert.equal(show({ a: Infinity, b: [NaN, 1] }), '{"a":Infinity,"b":[NaN,1]}');
    });

    it("shows an Output as one, never as the SDK's toJSON warning", () => {
        assert.equal(show(pulumi.output("x")), "an Output (not known at preview)");
        assert.equal(show({ a: pulumi.output("x") }), '{"a":an Output (not known at preview)}');
    });

    it("names what JSON would write as {} or drop: a Promise, a Map, an Error, a function", () => {
        class Settings {}
        assert.equal(show(Promise.resolve(1)), "a Promise");
        assert.equal(show(new Map([["a", 1]])), "a Map");
        assert.equal(show(new Error("e")), "an Error");
        assert.equal(show(new Settings()), "a Settings");
        assert.equal(show({ p: Promise.resolve(), write: () => undefined }), '{"p":a Promise,"write":function write}');
        // Plain data is still shown as JSON.
        assert.equal(show({}), "{}");
        assert.equal(show(Object.create(null)), "{}");
        assert.equal(show(new Date(0)), '"1970-01-01T00:00:00.000Z"');
    });

    it("cuts a thrown message of megabytes as a shown value", () => {
        const text = thrownText(new RangeError("m".repeat(1_000_000)));
        assert.ok(text.length < 5000, `${text.length} characters`);
        assert.ok(text.startsWith("RangeError: mmm"));
        assert.ok(text.endsWith("... (1,000,012 characters in all)"), text.slice(-60));
    });

    it("cuts a value of megabytes, saying how long it was", () => {
        const shown = show("x".repeat(1_000_000));
        assert.ok(shown.length < 5000, `${shown.length} characters shown`);
        assert.ok(shown.endsWith("... (1,000,002 characters in all)"), shown.slice(-60));
    });
});
