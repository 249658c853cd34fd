/** Mutations of the shipped plans that must raise a finding, and controls that must not, for the plan checks. */
import type { StackDoc } from "../../support/plan-files";
import { added, CUSTOMER_A, CUSTOMER_B, find, OPS } from "../../support/plan-mutations";
import { SECRET_SIG, SIG_KEY, UNKNOWN_VALUE } from "../../../verifier/pulumi-formats";
import type { Mutation } from "./mutations";

const PROVIDER = "pulumi:providers:aws";
const role = (account: string) => `arn:aws:iam::${account}:role/Deployer`;
const push = (doc: StackDoc, ...rs: any[]) => doc.deployment.resources.push(...rs);
/** A provider as Pulumi records it in state: nested settings as JSON text. */
const provider = (stack: string, name: string, settings: Record<string, unknown>) => added(stack, PROVIDER, name, { region: "us-east-1", ...settings });
const text = (v: unknown) => JSON.stringify(v);
/** A resource placed inside a tenant's component, where the unknowns of a new tenant are accepted. */
const inTenant = (doc: StackDoc, r: any) => ({ ...r, parent: find(doc, "bedrock-tenancy:index:BedrockTenantAccess", () => true).urn });

/**
 * A second resource beside the stack's own one of `type`, writing the same
 * setting otherwise: AWS keeps one of the two, whichever update ran last.
 */
const twin = (name: string, stack: "ops" | "customer-a", type: string, change: Record<string, unknown>): Mutation => ({
    name, stack, code: "BT-PLAN-DUPLICATE-NAME", sides: ["inputs"],
    edit: (doc) => {
        const own = find(doc, type, () => true);
        const second = JSON.parse(JSON.stringify(own));
        second.urn = `${own.urn}-second`;
        if (second.id !== undefined) second.id = `${own.id}-second`;
        Object.assign(second.inputs, change);
        Object.assign(second.outputs, change);
        push(doc, second);
    },
});

const foreign = (name: string, stack: "ops" | "customer-a", settings: Record<string, unknown>): Mutation =>
    ({ name, stack, code: "BT-PLAN-FOREIGN-PROVIDER", sides: ["inputs"], edit: (doc) => push(doc, provider(stack, "elsewhere", settings)) });

export const PLAN_MUTATIONS: Mutation[] = [
    // One setting written by two resources of the file.
    twin("a second lifecycle configuration of the archive bucket, expiring objects after a day", "customer-a", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        { rules: [{ id: "expire", status: "Enabled", expiration: { days: 1 } }] }),
    twin("a second versioning configuration of the archive bucket, suspending versioning", "customer-a", "aws:s3/bucketVersioning:BucketVersioning", { versioningConfiguration: { status: "Suspended" } }),
    twin("a second public access block of the archive bucket, blocking nothing", "customer-a", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        { blockPublicAcls: false, blockPublicPolicy: false, ignorePublicAcls: false, restrictPublicBuckets: false }),
    twin("a second ownership controls of the archive bucket, letting writers own objects", "customer-a", "aws:s3/bucketOwnershipControls:BucketOwnershipControls", { rule: { objectOwnership: "ObjectWriter" } }),
    twin("a second metric filter of one name on one log group, counting nothing", "customer-a", "aws:cloudwatch/logMetricFilter:LogMetricFilter", { pattern: "{ $.never = \"set\" }" }),
    // Every form Pulumi records a role setting in: JSON text, a list, a secret, and the web-identity variant.
    foreign("a provider whose assumeRole, held as JSON text, is a role of another account", "ops", { assumeRole: text({ roleArn: role(CUSTOMER_B), sessionName: "deploy" }) }),
    foreign("a provider whose assumeRoles, held as JSON text, chain into another account", "customer-a", { assumeRoles: text([{ roleArn: role(CUSTOMER_A) }, { roleArn: role(OPS) }]) }),
    foreign("a provider whose assumeRoles list holds JSON text of a role of another account", "ops", { assumeRoles: [text({ roleArn: role(CUSTOMER_A) })] }),
    foreign("a provider whose assumeRoleWithWebIdentity is a role of another account", "ops", { assumeRoleWithWebIdentity: text({ roleArn: role(CUSTOMER_A), webIdentityToken: "t" }) }),
    foreign("a provider whose assumeRoleWithWebIdentity, as an object, is a role of another account", "customer-a", { assumeRoleWithWebIdentity: { roleArn: role(OPS), webIdentityTokenFile: "/t" } }),
    foreign("a provider whose assumeRole is a secret holding JSON text", "ops", { assumeRole: { [SIG_KEY]: SECRET_SIG, plaintext: text(text({ roleArn: role(CUSTOMER_B) })) } }),
    foreign("a provider whose assumeRole.roleArn is not an ARN", "ops", { assumeRole: text({ roleArn: "Deployer" }) }),
    foreign("a provider whose assumeRole is text that is not JSON", "ops", { assumeRole: "roleArn=arn:aws:iam::222222222222:role/Deployer" }),
    // Settings that pick other credentials, unpinned, or send calls elsewhere.
    foreign("a provider with a named profile and no allowedAccountIds", "ops", { profile: "customer-b" }),
    foreign("a provider with its own account pinned but the account lookup skipped", "ops", { profile: "ops", allowedAccountIds: text([OPS]), skipRequestingAccountId: "true" }),
    foreign("a provider with access keys", "customer-a", { accessKey: "AKIA", secretKey: { [SIG_KEY]: SECRET_SIG, plaintext: text("s") } }),
    foreign("a provider whose endpoints override STS", "ops", { endpoints: text([{ sts: "https://sts.example.com" }]) }),
    foreign("a provider pinned to its account but with a proxy", "customer-a", { allowedAccountIds: [CUSTOMER_A], httpsProxy: "http://proxy.example.com:3128" }),
    foreign("a provider with a custom CA bundle", "ops", { customCaBundle: "/tmp/ca.pem" }),
    foreign("a provider with TLS verification off", "ops", { insecure: "true" }),
    foreign("a provider with a setting the proof does not know", "ops", { someFutureRedirect: "https://example.com" }),
    // Unknown at preview inside a new tenant's component: only a policy's Resource and Condition values are bound to it.
    { name: "a Lambda permission inside a tenant's component whose principal is unknown at preview", stack: "ops", code: "BT-PLAN-UNKNOWN-VALUE", sides: ["inputs"], shapes: ["preview"],
      edit: (doc) => push(doc, inTenant(doc, added("ops", "aws:lambda/permission:Permission", "hook", { action: "lambda:InvokeFunction", function: "BedrockTenancyQuotaEnforcer", principal: UNKNOWN_VALUE }))) },
    { name: "a Lambda permission inside a tenant's component whose sourceAccount is unknown at preview", stack: "ops", code: "BT-PLAN-UNKNOWN-VALUE", sides: ["inputs"], shapes: ["preview"],
      edit: (doc) => push(doc, inTenant(doc, added("ops", "aws:lambda/permission:Permission", "hook", { action: "lambda:InvokeFunction", function: "BedrockTenancyQuotaEnforcer", principal: "events.amazonaws.com", sourceAccount: UNKNOWN_VALUE }))) },
    { name: "a provider inside a tenant's component whose assumeRole.roleArn is unknown at preview", stack: "ops", code: "BT-PLAN-UNKNOWN-VALUE", sides: ["inputs"], shapes: ["preview"],
      edit: (doc) => push(doc, inTenant(doc, provider("ops", "tenant-provider", { assumeRole: text({ roleArn: UNKNOWN_VALUE }) }))) },
    { name: "an event target inside a tenant's component whose destination (arn) is unknown at preview", stack: "ops", code: "BT-PLAN-UNKNOWN-VALUE", sides: ["inputs"], shapes: ["preview"],
      edit: (doc) => push(doc, inTenant(doc, added("ops", "aws:cloudwatch/eventTarget:EventTarget", "forward", { rule: "BedrockTenancyQuotaAlarms", arn: UNKNOWN_VALUE }))) },
    { name: "a KMS grant inside a tenant's component whose key is unknown at preview", stack: "ops", code: "BT-PLAN-UNKNOWN-VALUE", sides: ["inputs"], shapes: ["preview"],
      edit: (doc) => push(doc, inTenant(doc, added("ops", "aws:kms/grant:Grant", "grant", { keyId: UNKNOWN_VALUE, granteePrincipal: `arn:aws:iam::999999999999:role/BedrockTenancyQuotaEnforcer`, operations: ["Decrypt"] }))) },
    { name: "a provider whose assumeRole.roleArn is unknown at preview", stack: "ops", code: "BT-PLAN-FOREIGN-PROVIDER", sides: ["inputs"], shapes: ["preview"],
      edit: (doc) => push(doc, inTenant(doc, provider("ops", "tenant-provider", { assumeRole: { roleArn: UNKNOWN_VALUE } }))) },
];

const control = (name: string, stack: "ops" | "customer-a", settings: Record<string, unknown>) => ({ name, stack, edit: (doc: StackDoc) => push(doc, provider(stack, "own", settings)) });

export const PLAN_CONTROLS: { name: string; stack: "ops" | "customer-a"; edit: (doc: StackDoc) => void }[] = [
    control("a provider assuming a role of its own account, as JSON text", "ops", { assumeRole: text({ roleArn: role(OPS), sessionName: "deploy" }) }),
    control("a provider whose assumeRoles chain stays in its own account, as JSON text", "customer-a", { assumeRoles: text([{ roleArn: role(CUSTOMER_A) }, { roleArn: `arn:aws:iam::${CUSTOMER_A}:role/Second` }]) }),
    control("a provider assuming a role of its own account with a web identity", "ops", { assumeRoleWithWebIdentity: text({ roleArn: role(OPS), webIdentityTokenFile: "/t" }) }),
    control("a provider with an empty assumeRole, as Pulumi records an unset one", "ops", { assumeRole: text({ roleArn: "" }), assumeRoles: "[]" }),
    control("a provider with a profile, pinned to its own account by allowedAccountIds", "customer-a", { profile: "audit", allowedAccountIds: text([CUSTOMER_A]) }),
    control("a provider with harmless settings in Pulumi's state form", "ops", {
        defaultTags: text({ tags: { team: "ml" } }), endpoints: "[]", insecure: "false", skipMetadataApiCheck: "true", stsRegion: "us-west-2",
        useFipsEndpoint: "true", maxRetries: "5", httpProxy: "", version: "6.66.0", forbiddenAccountIds: text([CUSTOMER_B]),
    }),
];
