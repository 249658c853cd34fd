/**
 * The audit trail of a customer stack as its component was asked to build
 * it: the audit log group in the component's Region with the retention asked
 * for, its key enabled and symmetric, the runtime in that Region writing to
 * it and naming its own tenant, ExternalId and Bedrock Region, metric filters
 * that take nothing but what the component's filters take, archive lifecycle
 * rules that hide no locked record, an Athena workgroup that holds queries
 * to its output location, and what a preview's delete leaves in AWS. The
 * mutations must raise a finding; the controls are options the component
 * documents and must pass.
 */
import type { StackDoc } from "../../support/plan-files";
import { added, ARCHIVE_A, DELETED_BY_PREVIEW, find, OPS, setProp, type Side } from "../../support/plan-mutations";
import { SECRET_SIG, SIG_KEY } from "../../../verifier/pulumi-formats";
import type { Mutation } from "./mutations";

const FUNCTION = "aws:lambda/function:Function";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const KEY = "aws:kms/key:Key";
const METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
const BUCKET = "aws:s3/bucket:Bucket";
const WORKGROUP = "aws:athena/workgroup:Workgroup";
const COMPONENT = "bedrock-tenancy:index:PrivateInvocationLogging";
const AUDIT_GROUP = "/bedrock-tenancy/customer-a/audit";

const runtime = (doc: StackDoc) => find(doc, FUNCTION, (r) => r.urn.endsWith("::customer-a-function"));
const auditGroup = (doc: StackDoc) => find(doc, LOG_GROUP, (r) => r.inputs.name === AUDIT_GROUP);
const auditKey = (doc: StackDoc) => find(doc, KEY, (r) => r.urn.endsWith("::customer-a-key"));
const component = (doc: StackDoc) => find(doc, COMPONENT, () => true);
const lifecycle = (doc: StackDoc) => find(doc, LIFECYCLE, (r) => r.inputs.bucket === ARCHIVE_A);

/** The runtime's variables, however the plan records its environment (a secret of JSON text, or the block itself). */
function variablesOf(fn: any): Record<string, string> {
    let env = fn.inputs.environment;
    if (env && typeof env === "object" && env[SIG_KEY] === SECRET_SIG) env = env.plaintext;
    if (typeof env === "string") env = JSON.parse(env);
    return { ...env.variables };
}
const withVariables = (fn: any, side: Side, vars: Record<string, string>) => setProp(fn, side, "environment", { variables: { ...variablesOf(fn), ...vars } });

const audit = (name: string, code: Mutation["code"], edit: Mutation["edit"], sides: Side[] = ["inputs", "outputs"], shapes?: Mutation["shapes"]): Mutation =>
    ({ name, stack: "customer-a", code, sides, ...(shapes ? { shapes } : {}), edit });

/** A metric filter on the audit log group, as someone would add beside the component's. */
const filter = (name: string, pattern: string, transformation: Record<string, unknown> = {}) => (doc: StackDoc) =>
    doc.deployment.resources.push(added("customer-a", METRIC_FILTER, name, {
        name, logGroupName: AUDIT_GROUP, pattern, region: "us-east-1",
        metricTransformation: { name, namespace: "BedrockTenancy/customer-a", value: "1", unit: "Count", ...transformation },
    }));

/** The archive's lifecycle rule with `change` applied on one side. */
const rule = (change: (r: any) => void) => (doc: StackDoc, side: Side) => {
    const r = lifecycle(doc);
    const rules = JSON.parse(JSON.stringify(r.inputs.rules));
    change(rules[0]);
    setProp(r, side, "rules", rules);
};

/** A copy of `r` under another name that the preview deletes: a delete step carrying it as its old state. */
function deletedCopy(r: any, name: string, inputs: Record<string, unknown>): any {
    const urn = `${r.urn.slice(0, r.urn.lastIndexOf("::"))}::${name}`;
    return { ...r, urn, id: `${name}-id`, inputs: { ...r.inputs, ...inputs }, outputs: { ...r.outputs, ...inputs }, [DELETED_BY_PREVIEW]: true };
}

export const AUDIT_MUTATIONS: Mutation[] = [
    // Lambda writes to a log group of its own Region: the same name there is not the stack's audit log group.
    audit("the runtime moved to another Region, its log group matching the audit log group by name only", "BT-CUSTOMER-RUNTIME-REDIRECT", (doc, side) => setProp(runtime(doc), side, "region", "us-west-2")),
    audit("the runtime in another Region through its provider's region, with none of its own", "BT-CUSTOMER-RUNTIME-REDIRECT", (doc) => {
        const p = { urn: "urn:pulumi:customer-a::bedrock-tenancy::pulumi:providers:aws::west", type: "pulumi:providers:aws", custom: true, id: "west-id", inputs: { region: "us-west-2" }, outputs: { region: "us-west-2" } };
        const fn = runtime(doc);
        delete fn.inputs.region;
        delete fn.outputs.region;
        fn.provider = `${p.urn}::${p.id}`;
        doc.deployment.resources.push(p);
    }, ["inputs"]),
    audit("the audit log group moved to another Region, the runtime left behind", "BT-CUSTOMER-LOG-GROUP", (doc, side) => setProp(auditGroup(doc), side, "region", "us-west-2")),
    audit("the runtime writing to another log group of the stack than the audit log group", "BT-CUSTOMER-RUNTIME-REDIRECT", (doc, side) => {
        const g = auditGroup(doc);
        doc.deployment.resources.push(added("customer-a", LOG_GROUP, "quiet", { name: "/quiet", kmsKeyId: g.inputs.kmsKeyId, retentionInDays: 1, region: "us-east-1" }));
        setProp(runtime(doc), side, "loggingConfig", { logFormat: "JSON", logGroup: "/quiet" });
    }),
    // The key that encrypts the audit log must be able to.
    // The program leaves these unset: on the outputs side it says what it asked for, and only AWS holds the change.
    audit("the audit key disabled", "BT-CUSTOMER-KEY", (doc, side) => {
        setProp(auditKey(doc), "inputs", "isEnabled", true);
        setProp(auditKey(doc), side, "isEnabled", false);
    }),
    audit("the audit key made a signing key", "BT-CUSTOMER-KEY", (doc, side) => setProp(auditKey(doc), side, "keyUsage", "SIGN_VERIFY")),
    audit("the audit key made an asymmetric key", "BT-CUSTOMER-KEY", (doc, side) => setProp(auditKey(doc), side, "customerMasterKeySpec", "RSA_2048")),
    // The log group keeps records as long as the component was asked, in a class metric filters run on.
    audit("the audit log group keeping records one day", "BT-CUSTOMER-LOG-GROUP", (doc, side) => setProp(auditGroup(doc), side, "retentionInDays", 1)),
    audit("the audit log group keeping records longer than asked", "BT-CUSTOMER-LOG-GROUP", (doc, side) => setProp(auditGroup(doc), side, "retentionInDays", 3653)),
    audit("the audit log group with no retention", "BT-CUSTOMER-LOG-GROUP", (doc) => {
        const g = auditGroup(doc);
        delete g.inputs.retentionInDays;
        g.outputs.retentionInDays = 0;
    }, ["inputs"]),
    audit("the component asked for 30 days, the log group keeping 7", "BT-CUSTOMER-LOG-GROUP", (doc, side) => {
        const c = component(doc);
        c.outputs = { ...c.outputs, logRetentionDays: 30 };
        setProp(auditGroup(doc), side, "retentionInDays", 7);
    }),
    audit("the audit log group of the infrequent-access class, which runs no metric filters", "BT-CUSTOMER-LOG-GROUP", (doc, side) => {
        setProp(auditGroup(doc), "inputs", "logGroupClass", "STANDARD");
        setProp(auditGroup(doc), side, "logGroupClass", "INFREQUENT_ACCESS");
    }),
    // Delete markers hide locked records.
    audit("the archive's lifecycle expiring current versions after a day", "BT-CUSTOMER-ARCHIVE", rule((r) => (r.expiration = { days: 1 }))),
    audit("the archive's lifecycle expiring current versions at a date", "BT-CUSTOMER-ARCHIVE", rule((r) => (r.expiration = { date: "2027-01-01T00:00:00Z" }))),
    audit("the archive's lifecycle deleting noncurrent versions after a day with no expiration after the lock", "BT-CUSTOMER-ARCHIVE", rule((r) => (r.noncurrentVersionExpiration = { noncurrentDays: 1 }))),
    audit("the archive's lifecycle moving records to a class the component does not use", "BT-CUSTOMER-ARCHIVE", rule((r) => (r.transitions = [{ days: 30, storageClass: "REDUCED_REDUNDANCY" }]))),
    audit("the archive's lifecycle also moving records to DEEP_ARCHIVE, a class the component was not asked for", "BT-CUSTOMER-ARCHIVE", rule((r) => r.transitions.push({ days: 180, storageClass: "DEEP_ARCHIVE" }))),
    audit("the archive's lifecycle also moving records to GLACIER, which Athena cannot read without a restore", "BT-CUSTOMER-ARCHIVE", rule((r) => r.transitions.push({ days: 120, storageClass: "GLACIER" }))),
    audit("the archive's lifecycle moving noncurrent versions to GLACIER", "BT-CUSTOMER-ARCHIVE", rule((r) => (r.noncurrentVersionTransitions = [{ noncurrentDays: 30, storageClass: "GLACIER" }]))),
    audit("an older component recording no storage classes, its archive's lifecycle moving records to DEEP_ARCHIVE", "BT-CUSTOMER-ARCHIVE", (doc, side) => {
        const c = component(doc);
        const { archiveStorageClasses: _, ...rest } = c.outputs;
        c.outputs = rest;
        rule((r) => r.transitions.push({ days: 180, storageClass: "DEEP_ARCHIVE" }))(doc, side);
    }),
    audit("a second lifecycle configuration (V2) on the archive expiring records", "BT-CUSTOMER-ARCHIVE", (doc) => {
        doc.deployment.resources.push(added("customer-a", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "expire", { bucket: ARCHIVE_A, region: "us-east-1", rules: [{ id: "expire", status: "Enabled", expiration: { days: 7 } }] }));
    }, ["inputs"]),
    audit("the archive bucket's own lifecycle rules expiring records", "BT-CUSTOMER-ARCHIVE", (doc, side) => {
        const bucket = find(doc, BUCKET, (r) => r.inputs.bucket === ARCHIVE_A);
        setProp(bucket, "inputs", "lifecycleRules", []);
        setProp(bucket, side, "lifecycleRules", [{ enabled: true, expiration: { days: 30 } }]);
    }),
    audit("the archive's versioning set from another Region than the bucket's", "BT-CUSTOMER-ARCHIVE", (doc, side) => setProp(find(doc, VERSIONING, (r) => r.inputs.bucket === ARCHIVE_A), side, "region", "eu-west-1")),
    // The runtime's tenant-identifying environment is its component's.
    audit("the runtime labelled with another tenant's id", "BT-CUSTOMER-RUNTIME-REDIRECT", (doc, side) => withVariables(runtime(doc), side, { BEDROCK_TENANCY_TENANT_ID: "customer-b" })),
    audit("the runtime sending another ExternalId than its tenant's ops role requires", "BT-CUSTOMER-RUNTIME-REDIRECT", (doc, side) => withVariables(runtime(doc), side, { BEDROCK_TENANCY_EXTERNAL_ID: "guessed-external-id" })),
    audit("the runtime calling Bedrock outside the tenant's Regions", "BT-CUSTOMER-RUNTIME-REDIRECT", (doc, side) => withVariables(runtime(doc), side, { BEDROCK_TENANCY_BEDROCK_REGION: "eu-west-1" })),
    audit("the runtime calling Bedrock in an entitled Region other than the one its component was asked for", "BT-CUSTOMER-RUNTIME-REDIRECT", (doc, side) => withVariables(runtime(doc), side, { BEDROCK_TENANCY_BEDROCK_REGION: "us-west-2" })),
    // Metric data is readable by the whole account, outside the log's key.
    audit("a metric filter counting one user's calls ($.userId in the pattern)", "BT-CUSTOMER-METRIC-CONTENT", filter("alice-calls", '{ $.userId = "alice@corp.example" }'), ["inputs"]),
    audit("a metric filter counting prompts that hold a phrase", "BT-CUSTOMER-METRIC-CONTENT", filter("merger", '{ $.input.inputText = "*Project Falcon merger*" }'), ["inputs"]),
    audit("a metric filter taking its value from a record field", "BT-CUSTOMER-METRIC-CONTENT", filter("uid", '{ $.modelId = "*" }', { value: "$.userId" }), ["inputs"]),
    audit("a metric filter matching a term anywhere in the record", "BT-CUSTOMER-METRIC-CONTENT", filter("term", '"Project Falcon"'), ["inputs"]),
    audit("a metric filter with a space-delimited pattern", "BT-CUSTOMER-METRIC-CONTENT", filter("fields", "[schema, user = alice*, ...]"), ["inputs"]),
    audit("a metric filter hiding a $.userId test between quote characters of % expressions", "BT-CUSTOMER-METRIC-CONTENT", filter("quoted", '{ $.outcome = %"% && $.userId = "alice" && $.outcome = %"% }'), ["inputs"]),
    audit("a metric filter whose metric name is a record field", "BT-CUSTOMER-METRIC-CONTENT", filter("named", '{ $.modelId = "*" }', { name: "$.userId" }), ["inputs"]),
    audit("the component's token filter also testing the user id", "BT-CUSTOMER-METRIC-CONTENT", (doc, side) => {
        const f = find(doc, METRIC_FILTER, (r) => r.urn.endsWith("::customer-a-input-tokens"));
        setProp(f, side, "pattern", `${f.inputs.pattern.slice(0, -1)}&& $.userId = "bob" }`);
    }),
    // Without enforcement each query names its own output location.
    audit("the archive's Athena workgroup not enforcing its configuration", "BT-CUSTOMER-EGRESS", (doc, side) => {
        const w = find(doc, WORKGROUP, () => true);
        setProp(w, side, "configuration", { ...w.inputs.configuration, enforceWorkgroupConfiguration: false });
    }),
    // The provider keeps a resource with skipDestroy when Pulumi deletes it, as the engine does one with retainOnDelete.
    audit("a preview deleting an old runtime with skipDestroy that sent through a proxy", "BT-CUSTOMER-RUNTIME-REDIRECT", (doc) => {
        const fn = runtime(doc);
        const old = deletedCopy(fn, "customer-a-function-old", { name: "bedrock-tenancy-customer-a-old", skipDestroy: true });
        old.inputs.environment = { variables: { ...variablesOf(fn), HTTPS_PROXY: "http://10.80.9.9:3128" } };
        doc.deployment.resources.push(old);
    }, ["inputs"], ["preview"]),
    audit("a preview deleting an old log group with skipDestroy encrypted with an ops key", "BT-CUSTOMER-LOG-GROUP", (doc) => {
        doc.deployment.resources.push(deletedCopy(auditGroup(doc), "customer-a-log-group-old", { name: "/bedrock-tenancy/customer-a/audit-old", skipDestroy: true, kmsKeyId: `arn:aws:kms:us-east-1:${OPS}:key/ops-key` }));
    }, ["inputs"], ["preview"]),
];

export const AUDIT_CONTROLS: { name: string; stack: "customer-a"; edit: (doc: StackDoc) => void }[] = [
    { name: "a retention of 30 days, asked for and kept", stack: "customer-a", edit: (doc) => {
        const c = component(doc);
        c.outputs = { ...c.outputs, logRetentionDays: 30 };
        setProp(auditGroup(doc), "inputs", "retentionInDays", 30);
        setProp(auditGroup(doc), "outputs", "retentionInDays", 30);
    } },
    { name: "an archive that expires records once their lock has ended, and their noncurrent versions a day later, moving them to the classes asked for", stack: "customer-a", edit: (doc) => {
        const c = component(doc);
        c.outputs = { ...c.outputs, archiveStorageClasses: ["STANDARD_IA", "DEEP_ARCHIVE"] };
        for (const side of ["inputs", "outputs"] as const) rule((r) => {
            r.expiration = { days: 2556 };
            r.noncurrentVersionExpiration = { noncurrentDays: 1 };
            r.transitions = [{ days: 30, storageClass: "STANDARD_IA" }, { days: 180, storageClass: "DEEP_ARCHIVE" }];
        })(doc, side);
    } },
    { name: "a metric filter counting failed calls of one model, on the fields the component's filters test", stack: "customer-a",
      edit: filter("haiku-failures", '{ $.outcome = "error" && $.modelId = "anthropic.claude-3-haiku*" }') },
    { name: "an archive asked to move records to GLACIER, its lifecycle doing so", stack: "customer-a", edit: (doc) => {
        const c = component(doc);
        c.outputs = { ...c.outputs, archiveStorageClasses: ["STANDARD_IA", "GLACIER_IR", "GLACIER"] };
        for (const side of ["inputs", "outputs"] as const) rule((r) => r.transitions.push({ days: 365, storageClass: "GLACIER" }))(doc, side);
    } },
    { name: "the audit log group's retention recorded as the number text \"365\"", stack: "customer-a", edit: (doc) => {
        for (const side of ["inputs", "outputs"] as const) setProp(auditGroup(doc), side, "retentionInDays", "365");
    } },
    { name: "a metric filter counting every event of the log", stack: "customer-a", edit: filter("events", "") },
    { name: "a metric filter summing input tokens of all models", stack: "customer-a", edit: filter("all-input-tokens", '{ $.input.inputTokenCount >= 0 }', { value: "$.input.inputTokenCount" }) },
    { name: "an Athena workgroup that leaves enforcement to AWS's default (on)", stack: "customer-a", edit: (doc) => {
        const w = find(doc, WORKGROUP, () => true);
        for (const side of ["inputs", "outputs"] as const) {
            const { enforceWorkgroupConfiguration: _, ...rest } = w[side].configuration;
            setProp(w, side, "configuration", rest);
        }
    } },
    { name: "a runtime without network isolation", stack: "customer-a", edit: (doc) => {
        const fn = runtime(doc);
        delete fn.inputs.vpcConfig;
        delete fn.outputs.vpcConfig;
    } },
    { name: "a preview deleting an old runtime without skipDestroy that sent through a proxy (it leaves AWS)", stack: "customer-a", edit: (doc) => {
        const fn = runtime(doc);
        const old = deletedCopy(fn, "customer-a-function-old", { name: "bedrock-tenancy-customer-a-old", skipDestroy: false });
        old.inputs.environment = { variables: { ...variablesOf(fn), HTTPS_PROXY: "http://10.80.9.9:3128" } };
        doc.deployment.resources.push(old);
    } },
];
