import * as assert from "assert";
import type * as aws from "@pulumi/aws";
import { BedrockTenantAccess } from "../../../components";
import { SESSION_TAG_KEYS } from "../../../contract";
import { sessionTags, SessionTagKey } from "../../../runtime/wiring/ops-credentials";
import { opsRoleName, runtimeRoleName } from "../../../contract/naming";
import { evaluate, type Decision } from "../../../scripts/lib/iam-evaluator";
import { installMocks, promiseOf, type RecordedResource } from "../../../testing/pulumi-mocks";
import { GUARDRAIL_ARN, HAIKU, OPS_ACCOUNT, US_HAIKU_35, opsMockOptions, policiesOf, settled } from "../../../testing/tenant-access-fixtures";

/**
 * Three tenants built by the component under mocks; every decision below comes
 * from the independent evaluator over the documents the component registered.
 */
const TENANTS = {
    a: { id: "customer-a", account: "111111111111", models: [HAIKU, US_HAIKU_35] },
    b: { id: "customer-b", account: "222222222222", models: [HAIKU] },
    c: { id: "customer-c", account: "333333333333", models: [HAIKU], guardrail: { arn: GUARDRAIL_ARN, version: "3" } },
    d: { id: "customer-d", account: "444444444444", models: [HAIKU, US_HAIKU_35], costAttribution: false },
};
type Key = keyof typeof TENANTS;

interface Built {
    trust: aws.iam.PolicyDocument;
    permissions: aws.iam.PolicyDocument;
    roleArn: string;
    externalId: string;
    profiles: Record<string, string>;
}

const opsRoleArn = (k: Key) => `arn:aws:iam::${OPS_ACCOUNT}:role/${opsRoleName(TENANTS[k].id)}`;
const runtimeArn = (k: Key, account = TENANTS[k].account) => `arn:aws:iam::${account}:role/${runtimeRoleName(TENANTS[k].id)}`;
const fm = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;

/** The caller's side, assumed here: the runtime role may call AssumeRole (and tag) on any ops role. */
const CALLER_POLICY: aws.iam.PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], Resource: `arn:aws:iam::${OPS_ACCOUNT}:role/*` }],
};

describe("BedrockTenantAccess under the IAM evaluator", () => {
    const built = {} as Record<Key, Built>;

    before(async () => {
        const recorded: RecordedResource[] = await installMocks(opsMockOptions());
        const components = Object.fromEntries(Object.entries(TENANTS).map(([k, t]) => [k, new BedrockTenantAccess(`tenant-${k}`, {
            tenantId: t.id, accounts: [t.account], models: t.models, guardrail: "guardrail" in t ? t.guardrail : undefined, accountId: OPS_ACCOUNT,
            costAttribution: "costAttribution" in t ? t.costAttribution : undefined,
        })])) as Record<Key, BedrockTenantAccess>;
        for (const k of Object.keys(TENANTS) as Key[]) {
            const c = components[k];
            const [roleArn, externalId, profiles] = await Promise.all([promiseOf(c.roleArn), promiseOf(c.externalId), promiseOf(c.inferenceProfileArns)]);
            await settled();
            built[k] = { ...policiesOf(recorded, `tenant-${k}`), roleArn, externalId, profiles };
        }
    });

    function assume(caller: string, target: Key, context: Record<string, string | string[]>, action = "sts:AssumeRole"): Promise<Decision> {
        return evaluate({
            principal: caller, action, resource: built[target].roleArn, resourceAccount: OPS_ACCOUNT,
            identityPolicies: [CALLER_POLICY], resourcePolicy: built[target].trust, context,
        });
    }

    function invoke(k: Key, resource: string, context: Record<string, string>, action = "bedrock:InvokeModel"): Promise<Decision> {
        return evaluate({ principal: opsRoleArn(k), action, resource, resourceAccount: OPS_ACCOUNT, identityPolicies: [built[k].permissions], context });
    }

    describe("assuming a tenant's role", () => {
        it("allows tenant A's runtime role with A's ExternalId", async () => {
            assert.strictEqual(built.a.roleArn, opsRoleArn("a"));
            assert.strictEqual(await assume(runtimeArn("a"), "a", { "sts:ExternalId": built.a.externalId }), "Allowed");
        });

        it("denies tenant A's runtime role with a wrong ExternalId", async () => {
            assert.strictEqual(await assume(runtimeArn("a"), "a", { "sts:ExternalId": built.b.externalId }), "ImplicitlyDenied");
        });

        it("denies tenant A's runtime role without an ExternalId", async () => {
            assert.strictEqual(await assume(runtimeArn("a"), "a", {}), "ImplicitlyDenied");
        });

        it("denies tenant B's runtime role even with A's ExternalId", async () => {
            assert.strictEqual(await assume(runtimeArn("b"), "a", { "sts:ExternalId": built.a.externalId }), "ImplicitlyDenied");
        });

        it("denies a role named like A's runtime role in B's account", async () => {
            assert.strictEqual(await assume(runtimeArn("a", TENANTS.b.account), "a", { "sts:ExternalId": built.a.externalId }), "ImplicitlyDenied");
        });

        it("denies another role in A's account with A's ExternalId", async () => {
            assert.strictEqual(await assume(`arn:aws:iam::${TENANTS.a.account}:role/SomethingElse`, "a", { "sts:ExternalId": built.a.externalId }), "ImplicitlyDenied");
        });

        /** The session tags the runtime sets (runtime/wiring/ops-credentials.ts sessionTags), as STS puts them in the request. */
        const tagged = (tags: Record<string, string>) => ({ "aws:TagKeys": Object.keys(tags), ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])) });

        it("lets A's runtime role tag its session with A's id (and a user id) and set a source identity", async () => {
            const own = sessionTags(TENANTS.a.id, "user-1");
            assert.strictEqual(await assume(runtimeArn("a"), "a", tagged(Object.fromEntries(own.map((t) => [t.Key, t.Value]))), "sts:TagSession"), "Allowed");
            assert.strictEqual(await assume(runtimeArn("a"), "a", tagged({ TenantId: TENANTS.a.id }), "sts:TagSession"), "Allowed");
            assert.strictEqual(await assume(runtimeArn("a"), "a", tagged({ TenantId: TENANTS.a.id }), "sts:SetSourceIdentity"), "Allowed");
        });

        it("denies A's runtime role a session tagged as tenant B, untagged by tenant, or with another tag key", async () => {
            assert.strictEqual(await assume(runtimeArn("a"), "a", tagged({ TenantId: TENANTS.b.id }), "sts:TagSession"), "ImplicitlyDenied");
            assert.strictEqual(await assume(runtimeArn("a"), "a", tagged({ UserId: "user-1" }), "sts:TagSession"), "ImplicitlyDenied");
            assert.strictEqual(await assume(runtimeArn("a"), "a", tagged({ TenantId: TENANTS.a.id, CostCenter: "b" }), "sts:TagSession"), "ImplicitlyDenied");
        });

        it("holds the trust to the runtime's own tag keys", () => {
            assert.deepStrictEqual(Object.values(SESSION_TAG_KEYS), Object.values(SessionTagKey));
        });

        it("denies session tagging to B's runtime role on A's role", async () => {
            assert.strictEqual(await assume(runtimeArn("b"), "a", { "aws:TagKeys": ["TenantId"], "aws:RequestTag/TenantId": TENANTS.a.id }, "sts:TagSession"), "ImplicitlyDenied");
        });
    });

    describe("invoking models with tenant A's role (cost attribution on: metered)", () => {
        const home = { "aws:RequestedRegion": "us-east-1" };
        const systemProfile = `arn:aws:bedrock:us-east-1:${OPS_ACCOUNT}:inference-profile/${US_HAIKU_35}`;

        it("allows A's application inference profiles, streaming or not", async () => {
            assert.match(built.a.profiles[HAIKU], /^arn:aws:bedrock:us-east-1:999999999999:application-inference-profile\//);
            assert.strictEqual(await invoke("a", built.a.profiles[HAIKU], home), "Allowed");
            assert.strictEqual(await invoke("a", built.a.profiles[HAIKU], home, "bedrock:InvokeModelWithResponseStream"), "Allowed");
            assert.strictEqual(await invoke("a", built.a.profiles[US_HAIKU_35], home), "Allowed");
        });

        it("allows the source model reached through A's own profile", async () => {
            const via = { ...home, "bedrock:InferenceProfileArn": built.a.profiles[HAIKU] };
            assert.strictEqual(await invoke("a", fm("us-east-1", HAIKU), via), "Allowed");
        });

        it("allows the system profile and its destination-Region models reached through A's own profile", async () => {
            const crossProfile = built.a.profiles[US_HAIKU_35];
            assert.strictEqual(await invoke("a", systemProfile, { ...home, "bedrock:InferenceProfileArn": crossProfile }), "Allowed");
            const routed = { "aws:RequestedRegion": "us-west-2", "bedrock:InferenceProfileArn": crossProfile };
            assert.strictEqual(await invoke("a", fm("us-west-2", US_HAIKU_35.slice(3)), routed), "Allowed");
        });

        it("explicitly denies an allowed foundation model called directly", async () => {
            assert.strictEqual(await invoke("a", fm("us-east-1", HAIKU), home), "ExplicitlyDenied");
            assert.strictEqual(await invoke("a", fm("us-east-1", HAIKU), home, "bedrock:InvokeModelWithResponseStream"), "ExplicitlyDenied");
        });

        it("explicitly denies the system profile called directly, and its models reached through it", async () => {
            assert.strictEqual(await invoke("a", systemProfile, home), "ExplicitlyDenied");
            const routed = { "aws:RequestedRegion": "us-west-2", "bedrock:InferenceProfileArn": systemProfile };
            assert.strictEqual(await invoke("a", fm("us-west-2", US_HAIKU_35.slice(3)), routed), "ExplicitlyDenied");
        });

        it("explicitly denies a model reached through another tenant's profile", async () => {
            const via = { ...home, "bedrock:InferenceProfileArn": built.b.profiles[HAIKU] };
            assert.strictEqual(await invoke("a", fm("us-east-1", HAIKU), via), "ExplicitlyDenied");
        });

        it("denies tenant B's application inference profile", async () => {
            assert.strictEqual(await invoke("a", built.b.profiles[HAIKU], home), "ImplicitlyDenied");
        });

        it("denies a model that is not allowed, even through A's profile", async () => {
            const via = { ...home, "bedrock:InferenceProfileArn": built.a.profiles[HAIKU] };
            assert.strictEqual(await invoke("a", fm("us-east-1", "anthropic.claude-3-opus-20240229-v1:0"), via), "ImplicitlyDenied");
        });

        it("denies A's profile in a Region that is not allowed", async () => {
            assert.strictEqual(await invoke("a", built.a.profiles[HAIKU], { "aws:RequestedRegion": "eu-west-1" }), "ImplicitlyDenied");
        });
    });

    describe("a tenant without cost attribution (unmetered)", () => {
        const home = { "aws:RequestedRegion": "us-east-1" };

        it("allows an allowed foundation model directly", async () => {
            assert.strictEqual(await invoke("d", fm("us-east-1", HAIKU), home), "Allowed");
        });

        it("allows the cross-Region profile and its model in a destination Region only through that profile", async () => {
            const profile = `arn:aws:bedrock:us-east-1:${OPS_ACCOUNT}:inference-profile/${US_HAIKU_35}`;
            assert.strictEqual(await invoke("d", profile, home), "Allowed");
            const routed = { "aws:RequestedRegion": "us-west-2", "bedrock:InferenceProfileArn": profile };
            assert.strictEqual(await invoke("d", fm("us-west-2", US_HAIKU_35.slice(3)), routed), "Allowed");
            assert.strictEqual(await invoke("d", fm("us-east-2", US_HAIKU_35.slice(3)), { "aws:RequestedRegion": "us-east-2" }), "ImplicitlyDenied");
        });

        it("denies an allowed model in a Region that is not allowed", async () => {
            assert.strictEqual(await invoke("d", fm("eu-west-1", HAIKU), { "aws:RequestedRegion": "eu-west-1" }), "ImplicitlyDenied");
        });
    });

    describe("a tenant with a guardrail", () => {
        const guardrail = `${GUARDRAIL_ARN}:3`;
        const via = () => ({ "aws:RequestedRegion": "us-east-1", "bedrock:InferenceProfileArn": built.c.profiles[HAIKU] });

        it("allows a call through its profile that applies the guardrail", async () => {
            assert.strictEqual(await invoke("c", built.c.profiles[HAIKU], { "aws:RequestedRegion": "us-east-1", "bedrock:GuardrailIdentifier": guardrail }), "Allowed");
            assert.strictEqual(await invoke("c", fm("us-east-1", HAIKU), { ...via(), "bedrock:GuardrailIdentifier": guardrail }), "Allowed");
        });

        it("explicitly denies a call without any guardrail", async () => {
            assert.strictEqual(await invoke("c", fm("us-east-1", HAIKU), via()), "ExplicitlyDenied");
        });

        it("explicitly denies a call with another guardrail version", async () => {
            assert.strictEqual(await invoke("c", fm("us-east-1", HAIKU), { ...via(), "bedrock:GuardrailIdentifier": `${GUARDRAIL_ARN}:2` }), "ExplicitlyDenied");
        });

        it("explicitly denies a call through its own profile without the guardrail", async () => {
            assert.strictEqual(await invoke("c", built.c.profiles[HAIKU], { "aws:RequestedRegion": "us-east-1" }), "ExplicitlyDenied");
        });
    });
});
