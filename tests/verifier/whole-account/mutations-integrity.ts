/**
 * What a file must hold before its resources can be proved: the providers
 * its resources name (running only plugins of Pulumi's own releases, in the
 * aws partition, with credentials tied to the stack's own account), nothing an interrupted update left half-replaced, and every
 * protection of the customer archive its component asks for. The mutations must raise a finding; the controls are the shapes
 * Pulumi writes for a real stack (every custom resource naming its default
 * provider, the engine's `__internal` settings) and must pass.
 */
import type { StackDoc } from "../../support/plan-files";
import { added, ARCHIVE_A, CUSTOMER_A, CUSTOMER_B, find, OPS, setProp } from "../../support/plan-mutations";
import { UNKNOWN_VALUE } from "../../../verifier/pulumi-formats";
import type { Mutation } from "./mutations";

const PROVIDER = "pulumi:providers:aws";
const BUCKET = "aws:s3/bucket:Bucket";
const LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
const ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const PUBLIC_ACCESS = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
type Stack = "ops" | "customer-a";

const push = (doc: StackDoc, ...rs: any[]) => doc.deployment.resources.push(...rs);
const text = (v: unknown) => JSON.stringify(v);

/** A provider as a stack export records it: no parent for a default one, the engine's `__internal` beside the settings. */
function providerResource(stack: Stack, name: string, settings: Record<string, unknown>, type = PROVIDER): any {
    const props = { __internal: {}, region: "us-east-1", version: "7.48.0", ...settings };
    return { urn: `urn:pulumi:${stack}::bedrock-tenancy::${type}::${name}`, type, custom: true, id: `${name}-0b6c4d9e`, inputs: props, outputs: props };
}
const referenceTo = (p: any, id: string = p.id) => `${p.urn}::${id}`;

/**
 * The stack as Pulumi writes it: a default aws provider, named by every
 * custom resource (`skip` says which not to touch), with `settings`.
 */
function withDefaultProvider(doc: StackDoc, stack: Stack, settings: Record<string, unknown> = {}, skip: (r: any) => boolean = () => false): any {
    const p = providerResource(stack, "default_7_48_0", settings);
    for (const r of doc.deployment.resources) if (r.custom && !skip(r)) r.provider = referenceTo(p);
    push(doc, p);
    return p;
}

const onArchive = (type: string) => (doc: StackDoc) => find(doc, type, (r) => r.inputs.bucket === ARCHIVE_A);
const removeFromArchive = (type: string) => (doc: StackDoc) => {
    const r = onArchive(type)(doc);
    doc.deployment.resources = doc.deployment.resources.filter((x) => x !== r);
};
const archive = (name: string, edit: (doc: StackDoc, side: "inputs" | "outputs") => void, sides: ("inputs" | "outputs")[] = ["inputs"], shapes?: ("stack-export" | "preview")[]): Mutation =>
    ({ name, stack: "customer-a", code: "BT-CUSTOMER-ARCHIVE", sides, ...(shapes ? { shapes } : {}), edit });
const foreign = (name: string, stack: Stack, settings: Record<string, unknown>, type?: string): Mutation =>
    ({ name, stack, code: "BT-PLAN-FOREIGN-PROVIDER", sides: ["inputs"], edit: (doc) => push(doc, providerResource(stack, "own", settings, type)) });
const unresolved = (name: string, stack: Stack, edit: (doc: StackDoc) => void): Mutation => ({ name, stack, code: "BT-PLAN-UNRESOLVED", sides: ["inputs"], edit });

export const INTEGRITY_MUTATIONS: Mutation[] = [
    // Bound only while the stack creates profiles: a new tenant's quota alarms meter those, by an id AWS mints.
    { name: "a quota alarm metering a profile unknown at preview while no profile is being created", stack: "ops", code: "BT-PLAN-UNKNOWN-VALUE", sides: ["inputs"], shapes: ["preview"],
      edit: (doc) => {
          const alarm = find(doc, "aws:cloudwatch/metricAlarm:MetricAlarm", (r) => r.urn.endsWith("::tenants-customer-a-quota-daily"));
          alarm.inputs.metricQueries[0].metric.dimensions.ModelId = UNKNOWN_VALUE;
      } },
    // The plugin runs with the deployer's credentials and decides where everything goes.
    foreign("an ops provider whose plugin is downloaded from another server (pluginDownloadURL, as an older engine wrote it)", "ops", { pluginDownloadURL: "https://plugins.example.com/" }),
    foreign("a customer provider whose plugin comes from another GitHub organisation (__internal.pluginDownloadURL)", "customer-a", { __internal: { pluginDownloadURL: "github://api.github.com/example-org" } }),
    foreign("a provider running another package's plugin (__internal.name)", "ops", { __internal: { name: "example" } }),
    foreign("a parameterized provider running as the aws provider (__internal.parameterization)", "customer-a", { __internal: { name: "terraform-provider", parameterization: "ZXhhbXBsZQ==" } }),
    foreign("a provider reading credentials from remapped environment variables (__internal.envVarMappings)", "ops", { __internal: { envVarMappings: { AWS_ACCESS_KEY_ID: "B_ACCESS_KEY_ID" } } }),
    foreign("a provider whose __internal is not an object", "ops", { __internal: "pluginDownloadURL=https://plugins.example.com" }),
    foreign("a random provider whose plugin is downloaded from another server", "ops", { pluginDownloadURL: "https://plugins.example.com/" }, "pulumi:providers:random"),
    foreign("a provider in a Region of another partition (an account of another partition, whatever its id)", "customer-a", { region: "cn-north-1" }),
    foreign("a provider whose region is a host, not a Region, with the Region check skipped", "ops", { region: "sts.example.com/", skipRegionValidation: "true" }),
    foreign("a provider whose STS Region is of another partition", "ops", { stsRegion: "us-gov-west-1" }),
    // A shared file the stack names can send every call, the account check's included, elsewhere: pinning does not hold it.
    foreign("a customer provider pinned to its own account but reading a shared config file of the repository (endpoint_url, credential_process)", "customer-a",
        { allowedAccountIds: text([CUSTOMER_A]), profile: "deploy", sharedConfigFiles: text(["./ci/aws-config"]) }),
    foreign("an ops provider pinned to its own account but reading a shared credentials file the stack names", "ops", { allowedAccountIds: [OPS], sharedCredentialsFiles: ["./ci/credentials"] }),
    foreign("a customer provider assuming a web identity with a token of its own and no roleArn (the role AWS_ROLE_ARN names)", "customer-a",
        { assumeRoleWithWebIdentity: text({ webIdentityToken: "eyJhbGciOi.token.sig", sessionName: "x" }) }),
    foreign("an ops provider pinned to its own account assuming a web identity with no roleArn", "ops", { allowedAccountIds: [OPS], assumeRoleWithWebIdentity: { webIdentityTokenFile: "/var/run/token" } }),
    // Every resource's provider must be in the file.
    unresolved("every customer resource naming a provider that is not in the file", "customer-a", (doc) => {
        const p = providerResource("customer-a", "cross-account", { assumeRoles: text([{ roleArn: `arn:aws:iam::${CUSTOMER_B}:role/Deployer` }]) });
        for (const r of doc.deployment.resources) if (r.custom) r.provider = referenceTo(p);
    }),
    unresolved("a customer resource naming no provider, while every other names the default one", "customer-a", (doc) => {
        withDefaultProvider(doc, "customer-a", {}, (r) => r.type === ENCRYPTION);
    }),
    unresolved("the archive's key naming a provider of another package", "customer-a", (doc) => {
        withDefaultProvider(doc, "customer-a");
        const random = providerResource("customer-a", "default_4_16_0", {}, "pulumi:providers:random");
        push(doc, random);
        find(doc, "aws:kms/key:Key", () => true).provider = referenceTo(random);
    }),
    unresolved("an ops role naming the default provider with an id the file's provider does not have", "ops", (doc) => {
        const p = withDefaultProvider(doc, "ops");
        find(doc, "aws:iam/role:Role", () => true).provider = referenceTo(p, "5f1d3e2a-replaced");
    }),
    unresolved("an ops resource whose provider reference is not a URN", "ops", (doc) => {
        withDefaultProvider(doc, "ops");
        find(doc, "aws:iam/role:Role", () => true).provider = "default";
    }),
    unresolved("an ops resource whose provider reference names a role, not a provider", "ops", (doc) => {
        withDefaultProvider(doc, "ops");
        const role = find(doc, "aws:iam/role:Role", () => true);
        find(doc, "aws:iam/rolePolicy:RolePolicy", () => true).provider = `${role.urn}::${role.id}`;
    }),
    { name: "a tenant's boundary policy deleted ahead of a replacement an interrupted update never created", stack: "ops", code: "BT-PLAN-PENDING-OPERATION", sides: ["inputs"], shapes: ["stack-export"],
      edit: (doc) => (find(doc, "aws:iam/policy:Policy", (r) => /boundary/i.test(r.urn)).pendingReplacement = true) },
    // Every protection the archive's component asks for, present and as asked.
    archive("the archive's Object Lock configuration removed", removeFromArchive(LOCK)),
    archive("the archive's bucket policy removed", removeFromArchive(BUCKET_POLICY)),
    archive("the archive's versioning removed", removeFromArchive(VERSIONING)),
    archive("the archive's default encryption removed", removeFromArchive(ENCRYPTION)),
    archive("the archive's public access block removed", removeFromArchive(PUBLIC_ACCESS)),
    archive("the archive's ownership controls removed", removeFromArchive(OWNERSHIP)),
    archive("the archive bucket itself removed", removeFromArchive(BUCKET)),
    archive("the archive's Object Lock configuration pointed at another bucket", (doc) => setProp(onArchive(LOCK)(doc), "inputs", "bucket", "btn-elsewhere-111111111111")),
    archive("the archive's bucket policy pointed at another bucket", (doc) => setProp(onArchive(BUCKET_POLICY)(doc), "inputs", "bucket", "btn-elsewhere-111111111111")),
    archive("the archive's Object Lock configuration only read with .get()", (doc) => (onArchive(LOCK)(doc).external = true)),
    archive("the archive's Object Lock configuration only a replaced copy being deleted", (doc) => (onArchive(LOCK)(doc).delete = true), ["inputs"], ["stack-export"]),
    archive("the archive's Object Lock configuration deleted ahead of a replacement that never came", (doc) => (onArchive(LOCK)(doc).pendingReplacement = true), ["inputs"], ["stack-export"]),
    archive("the archive's versioning suspended", (doc, side) => setProp(onArchive(VERSIONING)(doc), side, "versioningConfiguration", { status: "Suspended" }), ["inputs", "outputs"]),
    archive("the archive encrypted with S3-managed keys", (doc, side) => setProp(onArchive(ENCRYPTION)(doc), side, "rules", [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]), ["inputs", "outputs"]),
    archive("the archive encrypted with another key", (doc, side) => setProp(onArchive(ENCRYPTION)(doc), side, "rules", [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" } }]), ["inputs", "outputs"]),
    archive("the archive's public access block not restricting public buckets", (doc, side) => setProp(onArchive(PUBLIC_ACCESS)(doc), side, "restrictPublicBuckets", false), ["inputs", "outputs"]),
    archive("the archive's objects owned by their writer", (doc, side) => setProp(onArchive(OWNERSHIP)(doc), side, "rule", { objectOwnership: "ObjectWriter" }), ["inputs", "outputs"]),
    archive("the archive bucket without Object Lock enabled", (doc, side) => setProp(onArchive(BUCKET)(doc), side, "objectLockEnabled", false), ["inputs", "outputs"]),
    archive("the archive bucket's own Object Lock setting in GOVERNANCE mode for a day", (doc, side) =>
        setProp(onArchive(BUCKET)(doc), side, "objectLockConfiguration", { objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "GOVERNANCE", days: 1 } } })),
    archive("the archive bucket destroyed with its records (forceDestroy)", (doc, side) => setProp(onArchive(BUCKET)(doc), side, "forceDestroy", true), ["inputs", "outputs"]),
    archive("the archive bucket's own versioning turned off", (doc, side) => setProp(onArchive(BUCKET)(doc), side, "versioning", { enabled: false, mfaDelete: false })),
    archive("the archive bucket's own default encryption with S3-managed keys", (doc, side) =>
        setProp(onArchive(BUCKET)(doc), side, "serverSideEncryptionConfiguration", { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } })),
    archive("the archive's bucket policy replaced by a policy on the bucket itself that allows everything", (doc) => {
        removeFromArchive(BUCKET_POLICY)(doc);
        setProp(onArchive(BUCKET)(doc), "inputs", "policy", text({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "s3:*", Resource: `arn:aws:s3:::${ARCHIVE_A}/*` }] }));
    }),
];

export const INTEGRITY_CONTROLS: { name: string; stack: Stack; edit: (doc: StackDoc) => void }[] = [
    { name: "every ops resource naming the default aws provider, as a stack export records it", stack: "ops", edit: (doc) => void withDefaultProvider(doc, "ops") },
    { name: "every customer resource naming the default aws provider, as a stack export records it", stack: "customer-a", edit: (doc) => void withDefaultProvider(doc, "customer-a") },
    { name: "a default provider whose plugin comes from Pulumi's own releases, with its checksums", stack: "ops",
      edit: (doc) => void withDefaultProvider(doc, "ops", { __internal: { pluginDownloadURL: "github://api.github.com/pulumi", pluginChecksums: { "linux-amd64": "00ff" } } }) },
    { name: "a default provider of an older engine, with the plugin source at the top level and no __internal", stack: "customer-a",
      edit: (doc) => void withDefaultProvider(doc, "customer-a", { __internal: undefined, pluginDownloadURL: "https://get.pulumi.com/releases/plugins/" }) },
    { name: "a provider in another Region of the aws partition, with STS in a third", stack: "customer-a", edit: (doc) => void withDefaultProvider(doc, "customer-a", { region: "eu-central-2", stsRegion: "us-west-2" }) },
    { name: "a default provider pinned to its own account with a profile of the deployer's own shared files, naming no files of its own", stack: "customer-a",
      edit: (doc) => void withDefaultProvider(doc, "customer-a", { allowedAccountIds: text([CUSTOMER_A]), profile: "deploy", sharedConfigFiles: "[]", sharedCredentialsFiles: "[]" }) },
    { name: "resources naming a provider being created at preview (its id not known yet)", stack: "ops",
      edit: (doc) => {
          const p = withDefaultProvider(doc, "ops");
          for (const r of doc.deployment.resources) if (r.provider) r.provider = referenceTo(p, UNKNOWN_VALUE);
      } },
    { name: "a random value named by the random provider, beside resources naming the aws one", stack: "customer-a",
      edit: (doc) => {
          withDefaultProvider(doc, "customer-a");
          const random = providerResource("customer-a", "default_4_16_0", { region: undefined, version: "4.16.0" }, "pulumi:providers:random");
          push(doc, random, { ...added("customer-a", "random:index/randomId:RandomId", "suffix", { byteLength: 4 }), provider: referenceTo(random) });
      } },
    { name: "the archive bucket's own settings as AWS reports them after a refresh", stack: "customer-a",
      edit: (doc) => {
          const bucket = onArchive(BUCKET)(doc);
          setProp(bucket, "outputs", "versioning", { enabled: true, mfaDelete: false });
          setProp(bucket, "outputs", "objectLockConfiguration", { objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "COMPLIANCE", days: 0, years: 7 } } });
          setProp(bucket, "outputs", "serverSideEncryptionConfiguration", { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: archiveKey(doc) }, bucketKeyEnabled: true } });
          setProp(bucket, "outputs", "policy", "");
      } },
    { name: "the archive's Object Lock configuration as refreshed, its retention in years and days 0", stack: "customer-a",
      edit: (doc) => {
          const lock = onArchive(LOCK)(doc);
          setProp(lock, "outputs", "rule", { defaultRetention: { mode: "COMPLIANCE", days: 0, years: 7 } });
      } },
    { name: "the archive bucket as refreshed, with its bucket policy (denying the ops account) in its own outputs", stack: "customer-a",
      edit: (doc) => {
          const bucket = onArchive(BUCKET)(doc);
          const policy = onArchive(BUCKET_POLICY)(doc).inputs.policy;
          setProp(bucket, "outputs", "policy", typeof policy === "string" ? policy : text(policy));
      } },
];

/** The archive's key as the shipped plan names it (its id is the mock engine's). */
function archiveKey(doc: StackDoc): string {
    return onArchive(ENCRYPTION)(doc).inputs.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId;
}
