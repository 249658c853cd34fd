import { strict as assert } from "assert";
import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { IAMClient, DeleteRolePolicyCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { readStackState } from "../../verifier/pulumi-formats";
import { rooted } from "../support/stack-root";
import { AwsTwin } from "../../scripts/twin/twin";
import type { TwinCredentials } from "../../scripts/twin/sessions";

const OPS = "999999999999";
const CUSTOMER = "111111111111";
const RUNTIME_ROLE = `arn:aws:iam::${CUSTOMER}:role/runtime`;
const TENANT_ROLE = `arn:aws:iam::${OPS}:role/tenant`;
const ENFORCER_ROLE = `arn:aws:iam::${OPS}:role/enforcer`;
const PROFILE = `arn:aws:bedrock:us-east-1:${OPS}:application-inference-profile/p1`;
const MODEL = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
const BUCKET = "archive-bucket";
const KEY = `arn:aws:kms:us-east-1:${CUSTOMER}:key/5278fe78-41a0-4e96-a9bb-d20da4a379a0`;

const doc = (...Statement: unknown[]) => ({ Version: "2012-10-17", Statement });
const resource = (stack: string, type: string, name: string, outputs: Record<string, unknown>) => ({
    urn: `urn:pulumi:${stack}::p::${type}::${name}`, type, name, custom: true, id: name, inputs: {}, outputs,
});
const role = (stack: string, arn: string, trust: unknown) => resource(stack, "aws:iam/role:Role", arn.split("/")[1], { arn, name: arn.split("/")[1], assumeRolePolicy: JSON.stringify(trust) });
const inline = (stack: string, roleName: string, name: string, policy: unknown) => resource(stack, "aws:iam/rolePolicy:RolePolicy", `${roleName}-${name}`, { role: roleName, name, policy });

/** An ops stack with one tenant role (ExternalId, tags, metering deny) and an enforcer; a customer stack with its runtime role and a locked bucket. */
function plans() {
    const exported = (file: string, resources: unknown[]) => readStackState(file, JSON.stringify(rooted({ version: 3, deployment: { manifest: {}, resources } })));
    const ops = exported("ops.json", [
        role("ops", TENANT_ROLE, doc(
            { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${CUSTOMER}:root` }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "right-id" }, ArnEquals: { "aws:PrincipalArn": RUNTIME_ROLE } } },
            { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${CUSTOMER}:root` }, Action: "sts:TagSession", Condition: { ArnEquals: { "aws:PrincipalArn": RUNTIME_ROLE } } },
        )),
        inline("ops", "tenant", "invoke", doc(
            { Effect: "Allow", Action: "bedrock:InvokeModel", Resource: PROFILE },
            { Effect: "Allow", Action: "bedrock:InvokeModel", Resource: MODEL, Condition: { StringEquals: { "bedrock:InferenceProfileArn": PROFILE } } },
            { Sid: "DenyOutsideOwnProfiles", Effect: "Deny", Action: "bedrock:InvokeModel", Resource: "arn:aws:bedrock:*::foundation-model/*", Condition: { StringNotEquals: { "bedrock:InferenceProfileArn": [PROFILE] } } },
        )),
        resource("ops", "aws:bedrock/inferenceProfile:InferenceProfile", "p1", { arn: PROFILE, modelSource: { copyFrom: MODEL } }),
        role("ops", ENFORCER_ROLE, doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" })),
        inline("ops", "enforcer", "enforce", doc({ Effect: "Allow", Action: ["iam:PutRolePolicy", "iam:DeleteRolePolicy"], Resource: TENANT_ROLE })),
    ]);
    const customer = exported("customer.json", [
        role("customer", RUNTIME_ROLE, doc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" })),
        inline("customer", "runtime", "runtime", doc(
            { Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"], Resource: TENANT_ROLE },
            { Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET}/*` },
            { Effect: "Allow", Action: "kms:GenerateDataKey", Resource: KEY },
        )),
        resource("customer", "aws:kms/key:Key", "key", { arn: KEY, policy: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${CUSTOMER}:root` }, Action: "kms:*", Resource: "*" }) }),
        resource("customer", "aws:s3/bucket:Bucket", "bucket", { bucket: BUCKET, arn: `arn:aws:s3:::${BUCKET}` }),
        resource("customer", "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "lock", { bucket: BUCKET, rule: { defaultRetention: { mode: "COMPLIANCE", days: 1 } } }),
    ]);
    return [ops, customer];
}

describe("the enforcing AWS stand-ins", () => {
    let twin: AwsTwin;
    const handler = new NodeHttpHandler();
    const sts = (credentials: TwinCredentials) => new STSClient({ region: "us-east-1", endpoint: twin.sts.url, credentials, maxAttempts: 1, requestHandler: handler });
    const bedrock = (credentials: TwinCredentials) => new BedrockRuntimeClient({ region: "us-east-1", endpoint: twin.bedrock.url, credentials, maxAttempts: 1, requestHandler: handler });
    const failure = (p: Promise<unknown>) => p.then(() => undefined, (err: Error & { $metadata?: { httpStatusCode?: number } }) => err);

    async function tenantSession(externalId = "right-id"): Promise<TwinCredentials> {
        const out = await sts(await twin.credentialsFor(RUNTIME_ROLE, { service: "ecs-tasks.amazonaws.com" })).send(
            new AssumeRoleCommand({ RoleArn: TENANT_ROLE, RoleSessionName: "s", ExternalId: externalId, Tags: [{ Key: "TenantId", Value: "a" }] }),
        );
        return { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    }
    const converse = (credentials: TwinCredentials, modelId: string) => bedrock(credentials).send(new ConverseCommand({ modelId, messages: [{ role: "user", content: [{ text: "hi" }] }] }));

    beforeEach(async () => {
        twin = await AwsTwin.start(plans());
    });
    afterEach(() => twin.close());

    it("refuses AssumeRole with another ExternalId as STS does: 403 AccessDenied naming the caller's session", async () => {
        const err = await failure(tenantSession("wrong-id"));
        assert.equal(err?.name, "AccessDenied");
        assert.equal(err?.$metadata?.httpStatusCode, 403);
        assert.match(err.message, /assumed-role\/runtime\/ecs-tasks is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::999999999999:role\/tenant/);
    });

    it("refuses a service its trust policy does not name", async () => {
        await assert.rejects(twin.credentialsFor(RUNTIME_ROLE, { service: "lambda.amazonaws.com" }), /does not let lambda.amazonaws.com assume it/);
    });

    it("lets the tenant's session call through its profile and refuses the model called directly, by the metering deny", async () => {
        const session = await tenantSession();
        await converse(session, PROFILE);
        const err = await failure(converse(session, "anthropic.claude-3-haiku-20240307-v1:0"));
        assert.equal(err?.name, "AccessDeniedException");
        assert.equal(err?.$metadata?.httpStatusCode, 403);
        assert.match(err.message, /not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model\/.* with an explicit deny in an identity-based policy$/);
    });

    it("applies an inline deny put through IAM to the next call, and lifts it when deleted", async () => {
        const session = await tenantSession();
        const iam = new IAMClient({ region: "us-east-1", endpoint: twin.iam.url, credentials: await twin.credentialsFor(ENFORCER_ROLE, { service: "lambda.amazonaws.com" }), maxAttempts: 1, requestHandler: handler });
        await iam.send(new PutRolePolicyCommand({ RoleName: "tenant", PolicyName: "block", PolicyDocument: JSON.stringify(doc({ Effect: "Deny", Action: "bedrock:*", Resource: "*" })) }));
        assert.equal((await failure(converse(session, PROFILE)))?.name, "AccessDeniedException");
        await iam.send(new DeleteRolePolicyCommand({ RoleName: "tenant", PolicyName: "block" }));
        await converse(session, PROFILE);
    });

    it("applies a deny that lasts until a time while that time is ahead, as the enforcer's block does", async () => {
        const session = await tenantSession();
        const until = (ms: number) => doc({ Effect: "Deny", Action: "*", Resource: "*", Condition: { DateLessThan: { "aws:CurrentTime": new Date(Date.now() + ms).toISOString() } } });
        twin.iam.roles.get("tenant")!.set("block", JSON.stringify(until(3_600_000)));
        assert.equal((await failure(converse(session, PROFILE)))?.name, "AccessDeniedException");
        twin.iam.roles.get("tenant")!.set("block", JSON.stringify(until(-1000)));
        await converse(session, PROFILE);
    });

    it("refuses session tags the trust policy does not allow with sts:TagSession", async () => {
        const untagged = plans();
        const trust = untagged[0].resources.find((r) => r.type === "aws:iam/role:Role" && r.outputs.arn === TENANT_ROLE)!;
        const doc0 = JSON.parse(String(trust.outputs.assumeRolePolicy));
        trust.outputs.assumeRolePolicy = JSON.stringify({ ...doc0, Statement: doc0.Statement.filter((st: { Action: string }) => st.Action !== "sts:TagSession") });
        await twin.close();
        twin = await AwsTwin.start(untagged);
        const err = await failure(tenantSession());
        assert.match(String(err?.message), /not authorized to perform: sts:TagSession/);
    });

    it("refuses what the role's permissions boundary does not allow, whatever its own policies allow", async () => {
        const bounded = plans();
        const boundaryArn = `arn:aws:iam::${OPS}:policy/boundary`;
        bounded[0].resources.push({ urn: "urn:pulumi:ops::p::aws:iam/policy:Policy::boundary", type: "aws:iam/policy:Policy", name: "boundary", custom: true, inputs: {}, outputs: { arn: boundaryArn, policy: doc({ Effect: "Allow", Action: "s3:*", Resource: "*" }) } });
        bounded[0].resources.find((r) => r.outputs.arn === TENANT_ROLE)!.outputs.permissionsBoundary = boundaryArn;
        await twin.close();
        twin = await AwsTwin.start(bounded);
        const err = await failure(converse(await tenantSession(), PROFILE));
        assert.match(String(err?.message), /because no permissions boundary allows the bedrock:InvokeModel action$/);
    });

    it("refuses an IAM change the caller's policies do not allow: the tenant's session cannot lift its own block", async () => {
        const iam = new IAMClient({ region: "us-east-1", endpoint: twin.iam.url, credentials: await tenantSession(), maxAttempts: 1, requestHandler: handler });
        const err = await failure(iam.send(new DeleteRolePolicyCommand({ RoleName: "tenant", PolicyName: "invoke" })));
        assert.equal(err?.name, "AccessDenied");
    });

    it("keeps an archived version under Object Lock until its retention ends, even from the account's root", async () => {
        const s3 = (credentials: TwinCredentials) => new S3Client({ region: "us-east-1", endpoint: twin.s3.url, forcePathStyle: true, credentials, maxAttempts: 1, requestHandler: handler });
        const put = await s3(await twin.credentialsFor(RUNTIME_ROLE)).send(new PutObjectCommand({ Bucket: BUCKET, Key: "r.json", Body: "{}", ServerSideEncryption: "aws:kms", SSEKMSKeyId: KEY, ChecksumAlgorithm: "SHA256" }));
        const root = s3(await twin.credentialsFor(`arn:aws:iam::${CUSTOMER}:root`));
        const err = await failure(root.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "r.json", VersionId: put.VersionId })));
        assert.equal(err?.name, "AccessDenied");
        twin.s3.clockAheadMs = 2 * 86_400_000;
        await root.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "r.json", VersionId: put.VersionId }));
    });
});
