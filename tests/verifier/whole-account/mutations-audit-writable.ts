/**
 * The audit path the component builds must be able to work: the runtime
 * writes its records to the audit log group and its archive prefix, CloudWatch
 * Logs uses the key for that group, nothing rewrites the records as they are
 * stored, the component's metrics are fed by its own filters and watched by
 * its own alarm, and the runtime role is the component's compute's alone.
 * Each mutation leaves the runtime calling Bedrock with no record (or a
 * forged one) and must raise its finding; the controls narrow nothing the
 * path needs and must pass.
 */
import type { StackDoc } from "../../support/plan-files";
import { added, ARCHIVE_A, CUSTOMER_A, DELETED_BY_PREVIEW, documentOf, find, OPS, RUNTIME_A, setProp, type Side } from "../../support/plan-mutations";
import type { Mutation } from "./mutations";
import { UNKNOWN_VALUE } from "../../../verifier/pulumi-formats";

const KEY = "aws:kms/key:Key";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const FUNCTION = "aws:lambda/function:Function";
const METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const AUDIT_GROUP = "/bedrock-tenancy/customer-a/audit";
const RUNTIME_ROLE = "BedrockTenancyRuntime-customer-a";
const ARCHIVE_OBJECTS = `arn:aws:s3:::${ARCHIVE_A}/*`;

const byName = (suffix: string) => (r: any) => r.urn.endsWith(`::${suffix}`);
const auditKey = (doc: StackDoc) => find(doc, KEY, byName("customer-a-key"));
const runtimeRole = (doc: StackDoc) => find(doc, ROLE, byName("customer-a-runtime-role"));
const runtimePolicy = (doc: StackDoc) => find(doc, ROLE_POLICY, byName("customer-a-runtime-policy"));
const archivePolicy = (doc: StackDoc) => find(doc, BUCKET_POLICY, byName("customer-a-archive-policy"));
const s3Endpoint = (doc: StackDoc) => find(doc, ENDPOINT, (r) => String(r.inputs.serviceName).endsWith(".s3"));
const logsEndpoint = (doc: StackDoc) => find(doc, ENDPOINT, (r) => String(r.inputs.serviceName).endsWith(".logs"));
const AUDIT_STREAMS = `arn:aws:logs:us-east-1:${CUSTOMER_A}:log-group:${AUDIT_GROUP}:log-stream:*`;
const runtimeFunction = (doc: StackDoc) => find(doc, FUNCTION, byName("customer-a-function"));
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const DATA_PROTECTION = "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy";
/** A CloudWatch Logs data protection policy masking e-mail addresses, or what `regex` matches. */
const masking = (regex?: string) => {
    const identifier = regex === undefined ? "arn:aws:dataprotection::aws:data-identifier/EmailAddress" : "Marker";
    return JSON.stringify({
        Name: "masking", Version: "2021-06-01",
        Statement: [
            { Sid: "audit", DataIdentifier: [identifier], Operation: { Audit: { FindingsDestination: {} } } },
            { Sid: "redact", DataIdentifier: [identifier], Operation: { Deidentify: { MaskConfig: {} } } },
        ],
        ...(regex !== undefined && { Configuration: { CustomDataIdentifier: [{ Name: "Marker", Regex: regex }] } }),
    });
};

/** Edits a policy document of one side, written back in the form the plan holds it. */
const editDocument = (r: any, side: Side, key: string, change: (d: any) => void) => {
    const d = documentOf(r, side, key);
    change(d);
    setProp(r, side, key, typeof r.inputs[key] === "string" ? JSON.stringify(d) : d);
};
const keyPolicy = (change: (d: any) => void) => (d: StackDoc, side: Side) => editDocument(auditKey(d), side, "policy", change);
const logsStatement = (d: any) => d.Statement.find((s: any) => String(s.Sid).startsWith("CloudWatchLogs"));
const trustAlso = (statement: unknown) => (d: StackDoc, side: Side) => editDocument(runtimeRole(d), side, "assumeRolePolicy", (t) => t.Statement.push(statement));
const removed = (type: string, name: string) => (d: StackDoc) => (find(d, type, byName(name))[DELETED_BY_PREVIEW] = true);

/** The throttle alarm's actionsEnabled on one side; the program asked for the default (enabled), which the shipped plan leaves unset. */
const alarmActions = (value: unknown) => (d: StackDoc, side: Side) => {
    const alarm = find(d, ALARM, byName("customer-a-throttle-alarm"));
    setProp(alarm, "inputs", "actionsEnabled", true);
    setProp(alarm, side, "actionsEnabled", value);
};

/** A component filter's applyOnTransformedLogs on one side; the component leaves it unset (the records as written). */
const filterOnTransformed = (value: unknown, name = "customer-a-throttled-calls") => (d: StackDoc, side: Side) =>
    setProp(find(d, METRIC_FILTER, byName(name)), side, "applyOnTransformedLogs", value);

const mutation = (name: string, code: Mutation["code"], edit: Mutation["edit"], sides: Side[] = ["inputs", "outputs"]): Mutation => ({ name, stack: "customer-a", code, sides, edit });

export const AUDIT_WRITABLE_MUTATIONS: Mutation[] = [
    // The key: CloudWatch Logs must be able to use it for the audit log group.
    mutation("the audit key's policy denying CloudWatch Logs GenerateDataKey and Encrypt", "BT-CUSTOMER-KEY", keyPolicy((d) =>
        d.Statement.push({ Sid: "Hardening", Effect: "Deny", Principal: { Service: "logs.us-east-1.amazonaws.com" }, Action: ["kms:GenerateDataKey*", "kms:Encrypt*"], Resource: "*" }))),
    mutation("the audit key's policy without its CloudWatch Logs statement", "BT-CUSTOMER-KEY", keyPolicy((d) => (d.Statement = d.Statement.filter((s: any) => s !== logsStatement(d))))),
    mutation("the audit key's CloudWatch Logs statement held to another log group's encryption context", "BT-CUSTOMER-KEY", keyPolicy((d) =>
        (logsStatement(d).Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"] = `arn:aws:logs:us-east-1:${CUSTOMER_A}:log-group:/something/else`))),
    mutation("the audit key's CloudWatch Logs statement held to every account's log groups by a pattern", "BT-CUSTOMER-KEY", keyPolicy((d) => {
        logsStatement(d).Condition = { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:*:log-group:*" } };
    })),
    mutation("the audit key's CloudWatch Logs statement also naming the ops account's log group", "BT-CUSTOMER-KEY", keyPolicy((d) => {
        const held = logsStatement(d).Condition.ArnEquals;
        held["kms:EncryptionContext:aws:logs:arn"] = [held["kms:EncryptionContext:aws:logs:arn"], `arn:aws:logs:us-east-1:${OPS}:log-group:/ops/bedrock`];
    })),
    mutation("a second audit key statement letting CloudWatch Logs in for accounts whose number starts with 9", "BT-CUSTOMER-KEY", keyPolicy((d) =>
        d.Statement.push({ Sid: "Partners", Effect: "Allow", Principal: { Service: "logs.us-east-1.amazonaws.com" }, Action: "kms:Decrypt", Resource: "*", Condition: { StringLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:9*" } } }))),
    mutation("the audit key's policy denying kms:Decrypt to every principal", "BT-CUSTOMER-KEY", keyPolicy((d) =>
        d.Statement.push({ Sid: "NoReads", Effect: "Deny", Principal: "*", Action: "kms:Decrypt", Resource: "*" }))),
    mutation("the audit key's policy with no statement", "BT-CUSTOMER-KEY", keyPolicy((d) => (d.Statement = []))),
    // The runtime role: its policies and boundary must allow its writes and deny none.
    mutation("an inline policy denying the runtime role logs:PutLogEvents", "BT-CUSTOMER-AUDIT-REMOVAL", (d) =>
        d.deployment.resources.push(added("customer-a", ROLE_POLICY, "quiet", { role: RUNTIME_ROLE, name: "quiet", policy: doc({ Effect: "Deny", Action: ["logs:PutLogEvents", "logs:CreateLogStream"], Resource: "*" }) })), ["inputs"]),
    mutation("a permissions boundary on the runtime role allowing only sts", "BT-CUSTOMER-AUDIT-REMOVAL", (d) => {
        d.deployment.resources.push(added("customer-a", "aws:iam/policy:Policy", "runtime-boundary", { name: "runtime-boundary", policy: doc({ Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], Resource: "*" }) }, { arn: `arn:aws:iam::${CUSTOMER_A}:policy/runtime-boundary` }));
        setProp(runtimeRole(d), "inputs", "permissionsBoundary", `arn:aws:iam::${CUSTOMER_A}:policy/runtime-boundary`);
    }, ["inputs"]),
    mutation("the runtime policy without its statement writing the audit log group", "BT-CUSTOMER-AUDIT-REMOVAL", (d, side) =>
        editDocument(runtimePolicy(d), side, "policy", (p) => (p.Statement = p.Statement.filter((s: any) => s.Sid !== "WriteOwnLogGroup")))),
    mutation("the runtime policy without its statement writing the archive prefix", "BT-CUSTOMER-AUDIT-REMOVAL", (d, side) =>
        editDocument(runtimePolicy(d), side, "policy", (p) => (p.Statement = p.Statement.filter((s: any) => s.Sid !== "WriteOwnArchivePrefix")))),
    // The archive's bucket policy and the runtime's S3 endpoint.
    mutation("the archive's bucket policy denying s3:PutObject to the runtime role", "BT-CUSTOMER-AUDIT-REMOVAL", (d, side) =>
        editDocument(archivePolicy(d), side, "policy", (p) => p.Statement.push({ Sid: "Freeze", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: ARCHIVE_OBJECTS, Condition: { ArnEquals: { "aws:PrincipalArn": RUNTIME_A } } }))),
    mutation("the runtime's S3 endpoint policy denying s3:PutObject on the archive", "BT-CUSTOMER-AUDIT-REMOVAL", (d, side) =>
        setProp(s3Endpoint(d), side, "policy", doc({ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }, { Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: ARCHIVE_OBJECTS })), ["inputs"]),
    // The runtime's CloudWatch Logs endpoint: with private DNS every log write of the runtime passes its policy.
    mutation("the runtime's Logs endpoint policy denying logs:PutLogEvents", "BT-CUSTOMER-AUDIT-REMOVAL", (d, side) =>
        setProp(logsEndpoint(d), side, "policy", doc({ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }, { Effect: "Deny", Principal: "*", Action: "logs:PutLogEvents", Resource: "*" })), ["inputs"]),
    mutation("the runtime's Logs endpoint policy allowing only logs:Describe*", "BT-CUSTOMER-AUDIT-REMOVAL", (d, side) =>
        setProp(logsEndpoint(d), side, "policy", doc({ Effect: "Allow", Principal: "*", Action: "logs:Describe*", Resource: "*" })), ["inputs"]),
    mutation("the runtime's Logs endpoint policy allowing logs:PutLogEvents but not logs:CreateLogStream", "BT-CUSTOMER-AUDIT-REMOVAL", (d, side) =>
        setProp(logsEndpoint(d), side, "policy", doc({ Effect: "Allow", Principal: "*", Action: "logs:PutLogEvents", Resource: AUDIT_STREAMS })), ["inputs"]),
    // What the records become once written, and what counts them.
    mutation("a transformer account policy rewriting the audit log group's records", "BT-CUSTOMER-AUDIT-REMOVAL", (d) =>
        d.deployment.resources.push(added("customer-a", "aws:cloudwatch/logAccountPolicy:LogAccountPolicy", "audit-transformer", {
            policyName: "normalize", policyType: "TRANSFORMER_POLICY", scope: "ALL", selectionCriteria: `LogGroupName IN ["${AUDIT_GROUP}"]`, region: "us-east-1",
            policyDocument: JSON.stringify({ transformerConfig: [{ parseJSON: {} }, { deleteKeys: { withKeys: ["outcome", "errorCode"] } }, { addKeys: { entries: [{ key: "tenantId", value: "customer-b", overwriteIfExists: true }] } }] }),
        })), ["inputs"]),
    mutation("a data protection policy on the audit log group masking the throttled flag", "BT-CUSTOMER-AUDIT-REMOVAL", (d) =>
        d.deployment.resources.push(added("customer-a", DATA_PROTECTION, "audit-masking", { logGroupName: AUDIT_GROUP, policyDocument: masking("\"throttled\":\\s*true"), region: "us-east-1" })), ["inputs"]),
    mutation("a data protection policy on the audit log group masking e-mail addresses alone", "BT-CUSTOMER-AUDIT-REMOVAL", (d) =>
        d.deployment.resources.push(added("customer-a", DATA_PROTECTION, "audit-pii", { logGroupName: AUDIT_GROUP, policyDocument: masking(), region: "us-east-1" })), ["inputs"]),
    mutation("a data protection policy on a log group the plan does not know", "BT-CUSTOMER-AUDIT-REMOVAL", (d) =>
        d.deployment.resources.push(added("customer-a", DATA_PROTECTION, "late-masking", { logGroupName: UNKNOWN_VALUE, policyDocument: masking("BedrockTenancyInvocationAudit"), region: "us-east-1" })), ["inputs"]),
    mutation("a data protection account policy masking the record's schema type in every log group", "BT-CUSTOMER-AUDIT-REMOVAL", (d) =>
        d.deployment.resources.push(added("customer-a", "aws:cloudwatch/logAccountPolicy:LogAccountPolicy", "account-masking", {
            policyName: "mask", policyType: "DATA_PROTECTION_POLICY", scope: "ALL", region: "us-east-1", policyDocument: masking("BedrockTenancyInvocationAudit"),
        })), ["inputs"]),
    mutation("a second metric filter publishing -1000000 into the throttle alarm's metric", "BT-CUSTOMER-AUDIT-REMOVAL", (d) =>
        d.deployment.resources.push(added("customer-a", METRIC_FILTER, "calls-baseline", {
            logGroupName: AUDIT_GROUP, name: "CallsBaseline", pattern: "{ $.schemaType = \"BedrockTenancyInvocationAudit\" }", region: "us-east-1",
            metricTransformation: { name: "ThrottledCalls", namespace: "BedrockTenancy/customer-a", value: "-1000000", defaultValue: "0" },
        })), ["inputs"]),
    mutation("the component's throttle alarm removed", "BT-CUSTOMER-AUDIT-REMOVAL", removed(ALARM, "customer-a-throttle-alarm"), ["inputs"]),
    mutation("the component's throttle alarm with its actions disabled", "BT-CUSTOMER-AUDIT-REMOVAL", alarmActions(false)),
    mutation("the component's throttle alarm with its actions disabled as the text \"false\"", "BT-CUSTOMER-AUDIT-REMOVAL", alarmActions("false")),
    mutation("the component's ThrottledCalls filter counting transformed logs", "BT-CUSTOMER-AUDIT-REMOVAL", filterOnTransformed(true), ["inputs"]),
    mutation("the component's FailedCalls filter counting transformed logs, given as the text \"true\"", "BT-CUSTOMER-AUDIT-REMOVAL", filterOnTransformed("true", "customer-a-failed-calls"), ["inputs"]),
    mutation("the component's FailedCalls metric filter removed", "BT-CUSTOMER-AUDIT-REMOVAL", removed(METRIC_FILTER, "customer-a-failed-calls"), ["inputs"]),
    // Who can run as the runtime role.
    mutation("the runtime role also trusting its own account's root", "BT-CUSTOMER-RUNTIME-REDIRECT", trustAlso({ Sid: "Break", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${CUSTOMER_A}:root` }, Action: "sts:AssumeRole" })),
    // The one service of the compute its component records: a Lambda runtime's role run on EC2 or ECS instead.
    mutation("the Lambda runtime's role trusting only EC2", "BT-CUSTOMER-RUNTIME-REDIRECT", (d, side) =>
        editDocument(runtimeRole(d), side, "assumeRolePolicy", (t) => (t.Statement = [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]))),
    mutation("the Lambda runtime's role trusting only ECS tasks", "BT-CUSTOMER-RUNTIME-REDIRECT", (d, side) =>
        editDocument(runtimeRole(d), side, "assumeRolePolicy", (t) => (t.Statement = [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }]))),
    mutation("the runtime role also trusting EC2, held to the account", "BT-CUSTOMER-RUNTIME-REDIRECT", trustAlso({ Sid: "Ec2Too", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": CUSTOMER_A } } })),
    mutation("the component's runtime function marked external, a second function with local code running as the runtime role", "BT-CUSTOMER-RUNTIME-REDIRECT", (d) => {
        const fn = runtimeFunction(d);
        fn.external = true;
        const inputs = { ...JSON.parse(JSON.stringify(fn.inputs)), name: "side-runner", environment: { variables: {} }, loggingConfig: { logFormat: "JSON", logGroup: "/aws/lambda/side-runner" } };
        // Its own log group, encrypted like the audit log group's, so that only the runtime role's second user is left to find.
        const group = find(d, "aws:cloudwatch/logGroup:LogGroup", (r) => r.inputs.name === AUDIT_GROUP);
        d.deployment.resources.push(added("customer-a", FUNCTION, "side-runner", inputs),
            added("customer-a", "aws:cloudwatch/logGroup:LogGroup", "side-runner-logs", { name: "/aws/lambda/side-runner", kmsKeyId: group.inputs.kmsKeyId, retentionInDays: 1, region: "us-east-1" }));
    }, ["inputs"]),
];

/** Changes that leave every write of the path possible: the proof must accept them. */
export const AUDIT_WRITABLE_CONTROLS: { name: string; stack: "customer-a"; edit: (d: StackDoc) => void }[] = [
    { name: "the audit key's policy denying key deletion to every principal", stack: "customer-a",
      edit: (d) => editDocument(auditKey(d), "inputs", "policy", (p) => p.Statement.push({ Sid: "NoDeletion", Effect: "Deny", Principal: "*", Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey"], Resource: "*" })) },
    { name: "the archive's bucket policy denying the ops account's writes once more", stack: "customer-a",
      edit: (d) => editDocument(archivePolicy(d), "inputs", "policy", (p) => p.Statement.push({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ARCHIVE_OBJECTS, Condition: { StringEquals: { "aws:PrincipalAccount": OPS } } })) },
    { name: "a permissions boundary on the runtime role that allows what the runtime does", stack: "customer-a",
      edit: (d) => {
          d.deployment.resources.push(added("customer-a", "aws:iam/policy:Policy", "runtime-boundary", { name: "runtime-boundary", policy: doc({ Effect: "Allow", Action: ["sts:*", "logs:CreateLogStream", "logs:PutLogEvents", "s3:PutObject", "kms:GenerateDataKey", "ec2:*"], Resource: "*" }) }, { arn: `arn:aws:iam::${CUSTOMER_A}:policy/runtime-boundary` }));
          setProp(runtimeRole(d), "inputs", "permissionsBoundary", `arn:aws:iam::${CUSTOMER_A}:policy/runtime-boundary`);
      } },
    { name: "the runtime's Logs endpoint policy allowing only the audit log group's writes", stack: "customer-a",
      edit: (d) => setProp(logsEndpoint(d), "inputs", "policy", doc({ Effect: "Allow", Principal: "*", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: AUDIT_STREAMS })) },
    { name: "a Logs endpoint policy allowing nothing, its private DNS off", stack: "customer-a",
      edit: (d) => {
          setProp(logsEndpoint(d), "inputs", "policy", doc({ Effect: "Allow", Principal: "*", Action: "logs:Describe*", Resource: "*" }));
          for (const side of ["inputs", "outputs"] as const) setProp(logsEndpoint(d), side, "privateDnsEnabled", false);
      } },
    { name: "the component's throttle alarm with its actions enabled explicitly, and a second alarm on its metric with actions disabled", stack: "customer-a",
      edit: (d) => {
          const own = find(d, ALARM, byName("customer-a-throttle-alarm"));
          for (const side of ["inputs", "outputs"] as const) setProp(own, side, "actionsEnabled", true);
          d.deployment.resources.push(added("customer-a", ALARM, "throttle-drill", { ...JSON.parse(JSON.stringify(own.inputs)), name: "throttle-drill", actionsEnabled: false }));
      } },
    { name: "the component's metric filters counting the records as written, applyOnTransformedLogs false written out", stack: "customer-a",
      edit: (d) => {
          for (const r of d.deployment.resources.filter((x: any) => x.type === METRIC_FILTER)) for (const side of ["inputs", "outputs"] as const) setProp(r, side, "applyOnTransformedLogs", false);
      } },
    { name: "the audit key's CloudWatch Logs statement held to the customer's own log groups by a pattern", stack: "customer-a",
      edit: (d) => {
          for (const side of ["inputs", "outputs"] as const) {
              keyPolicy((p) => (logsStatement(p).Condition = { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-east-1:${CUSTOMER_A}:log-group:*` } }))(d, side);
          }
      } },
    { name: "a transformer account policy on another log group only", stack: "customer-a",
      edit: (d) => d.deployment.resources.push(added("customer-a", "aws:cloudwatch/logAccountPolicy:LogAccountPolicy", "app-transformer", {
          policyName: "app", policyType: "TRANSFORMER_POLICY", scope: "ALL", selectionCriteria: "LogGroupNamePrefix IN [\"/app/\"]", region: "us-east-1",
          policyDocument: JSON.stringify({ transformerConfig: [{ parseJSON: {} }] }),
      })) },
    { name: "a data protection policy on another log group, and one on the audit log group's name in another Region", stack: "customer-a",
      edit: (d) => {
          d.deployment.resources.push(added("customer-a", DATA_PROTECTION, "app-masking", { logGroupName: "/app/requests", policyDocument: masking(), region: "us-east-1" }));
          d.deployment.resources.push(added("customer-a", DATA_PROTECTION, "eu-masking", { logGroupName: AUDIT_GROUP, policyDocument: masking(), region: "eu-west-1" }));
      } },
    { name: "a metric filter on the audit log group in a namespace of its own", stack: "customer-a",
      edit: (d) => d.deployment.resources.push(added("customer-a", METRIC_FILTER, "calls", {
          logGroupName: AUDIT_GROUP, name: "Calls", pattern: "{ $.schemaType = \"BedrockTenancyInvocationAudit\" }", region: "us-east-1",
          metricTransformation: { name: "Calls", namespace: "Acme/Audit", value: "1", defaultValue: "0" },
      })) },
];
