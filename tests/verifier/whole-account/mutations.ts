/**
 * The classes of plan change that break one of the four promises, each a
 * mutation of the shipped plan files and the finding code it must raise.
 * `sides`: an edit of an existing property is tried in `inputs` and in
 * `outputs` only (drift); a new resource carries both.
 */
import type { StackDoc } from "../../support/plan-files";
import { added, ARCHIVE_A, CUSTOMER_A, CUSTOMER_B, documentOf, find, KEY_A, LOG_GROUP_A, named, OPS, RUNTIME_A, RUNTIME_B, setProp, TENANT_A_ROLE, TENANT_B_ROLE, type Side } from "../../support/plan-mutations";
import type { Code } from "../../../verifier/findings";
import { AUDIT_WRITABLE_CONTROLS, AUDIT_WRITABLE_MUTATIONS } from "./mutations-audit-writable";

export interface Mutation {
    name: string;
    stack: "ops" | "customer-a";
    code: Code;
    sides: Side[];
    /** Only the shapes that can hold the change (pending operations exist only in stack exports). */
    shapes?: ("stack-export" | "preview")[];
    edit: (doc: StackDoc, side: Side) => void;
}

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const allow = (Action: unknown, Resource: unknown = "*", extra: Record<string, unknown> = {}) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action, Resource, ...extra }] });
const trusting = (AWS: unknown, Condition?: unknown) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS }, Action: "sts:AssumeRole", ...(Condition ? { Condition } : {}) }] });
const tenantRole = (doc: StackDoc, name = TENANT_A_ROLE) => find(doc, ROLE, named(name));
const invokePolicy = (doc: StackDoc, role = TENANT_A_ROLE) => find(doc, ROLE_POLICY, (r) => r.inputs.role === role);
const push = (doc: StackDoc, ...rs: any[]) => doc.deployment.resources.push(...rs);
const opsRole = (name: string, trust: unknown, policy?: unknown) => [
    added("ops", ROLE, name, { name, assumeRolePolicy: trust }, { arn: `arn:aws:iam::${OPS}:role/${name}` }),
    ...(policy ? [added("ops", ROLE_POLICY, `${name}-policy`, { role: name, name: "p", policy })] : []),
];
const editDocument = (r: any, side: Side, key: string, change: (d: any) => void) => {
    const d = documentOf(r, side, key);
    change(d);
    // Written back in the clear: the verifier reads a document as text, as an object or as an opened secret alike.
    setProp(r, side, key, typeof r.inputs[key] === "string" ? JSON.stringify(d) : d);
};

export const MUTATIONS: Mutation[] = [
    // Other roles in the ops account.
    { name: "a second role trusting another tenant's runtime role, with a copy of its invoke policy", stack: "ops", code: "BT-OPS-FOREIGN-TRUST", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("ShadowAccess", trusting(RUNTIME_B), invokePolicy(doc, TENANT_B_ROLE).inputs.policy)) },
    { name: "a role trusting a tenant role (role chaining) with bedrock:*", stack: "ops", code: "BT-OPS-ROLE-CHAIN", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("Onward", trusting(`arn:aws:iam::${OPS}:role/${TENANT_A_ROLE}`), allow("bedrock:*"))) },
    { name: "a role trusting the ops account narrowed to tenant roles by a pattern", stack: "ops", code: "BT-OPS-ROLE-CHAIN", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("Onward2", trusting(`arn:aws:iam::${OPS}:root`, { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${OPS}:role/bedrocktenantaccess-*` } }), allow("bedrock:*"))) },
    { name: "the quota enforcer's role trusting a tenant", stack: "ops", code: "BT-OPS-FOREIGN-TRUST", sides: ["inputs", "outputs"],
      edit: (doc, side) => editDocument(find(doc, ROLE, named("BedrockTenancyQuotaEnforcer")), side, "assumeRolePolicy", (d) => d.Statement.push({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${CUSTOMER_A}:root` }, Action: "sts:AssumeRole" })) },
    { name: "the fleet's cost cap flipped from Deny to Allow", stack: "ops", code: "BT-OPS-SHARED-POLICY", sides: ["inputs", "outputs"],
      edit: (doc, side) => editDocument(find(doc, "aws:iam/policy:Policy", named("BedrockTenancyCostCap-AllTenants")), side, "policy", (d) => (d.Statement[0].Effect = "Allow")) },
    { name: "the enforcer allowed to rewrite a tenant role's trust", stack: "ops", code: "BT-OPS-TENANT-ROLE-WRITE", sides: ["inputs", "outputs"],
      edit: (doc, side) => editDocument(find(doc, ROLE_POLICY, named("enforce-quotas")), side, "policy", (d) => d.Statement[0].Action.push("iam:UpdateAssumeRolePolicy")) },
    { name: "an IAM user with iam:* in the ops account", stack: "ops", code: "BT-OPS-TENANT-ROLE-WRITE", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:iam/user:User", "operator", { name: "operator" }), added("ops", "aws:iam/userPolicy:UserPolicy", "operator-policy", { user: "operator", policy: allow("iam:*") })) },
    { name: "a group that may pass tenant roles, with a member", stack: "ops", code: "BT-OPS-TENANT-ROLE-WRITE", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:iam/user:User", "dev", { name: "dev" }), added("ops", "aws:iam/group:Group", "devs", { name: "devs" }),
          added("ops", "aws:iam/groupPolicy:GroupPolicy", "devs-policy", { group: "devs", policy: allow("iam:PassRole", `arn:aws:iam::${OPS}:role/BedrockTenantAccess-*`) }),
          added("ops", "aws:iam/groupMembership:GroupMembership", "devs-members", { group: "devs", users: ["dev"] })) },
    { name: "a customer account allowed to invoke the quota enforcer", stack: "ops", code: "BT-OPS-FOREIGN-TRUST", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:lambda/permission:Permission", "unblock-myself", { action: "lambda:InvokeFunction", function: "BedrockTenancyQuotaEnforcer", principal: CUSTOMER_A })) },
    { name: "a Budgets action that applies an SCP", stack: "ops", code: "BT-OPS-SHARED-POLICY", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(find(doc, "aws:budgets/budgetAction:BudgetAction", () => true), side, "actionType", "APPLY_SCP_POLICY") },
    // Attachments of every form.
    { name: "rolePolicyAttachmentsExclusive attaching an AWS-managed policy to a tenant role", stack: "ops", code: "BT-TENANT-POLICY-NOT-IN-FILES", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "exclusive", { roleName: TENANT_A_ROLE, policyArns: ["arn:aws:iam::aws:policy/AmazonBedrockFullAccess"] })) },
    { name: "a managed policy attached with a differently-cased role name", stack: "ops", code: "BT-TENANT-PERMISSIONS", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:iam/policy:Policy", "wide", { name: "Wide", policy: allow("bedrock:InvokeModel", "arn:aws:bedrock:*::foundation-model/*", { Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } }) }, { arn: `arn:aws:iam::${OPS}:policy/Wide` }),
          added("ops", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "wide-attach", { role: TENANT_A_ROLE.toUpperCase(), policyArn: `arn:aws:iam::${OPS}:policy/Wide` })) },
    { name: "a policyAttachment naming a tenant role by ARN", stack: "ops", code: "BT-TENANT-POLICY-NOT-IN-FILES", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:iam/policyAttachment:PolicyAttachment", "attach-arn", { roles: [`arn:aws:iam::${OPS}:role/${TENANT_B_ROLE}`], policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })) },
    { name: "managedPolicyArns on a tenant role", stack: "ops", code: "BT-TENANT-POLICY-NOT-IN-FILES", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(tenantRole(doc), side, "managedPolicyArns", ["arn:aws:iam::aws:policy/AmazonBedrockFullAccess"]) },
    { name: "an inline policy on a tenant role that only AWS's state shows", stack: "ops", code: "BT-TENANT-SURFACE", sides: ["outputs"],
      edit: (doc, side) => setProp(tenantRole(doc), side, "inlinePolicies", [{ name: "extra", policy: JSON.stringify(allow("bedrock:*")) }]) },
    { name: "a resource of another provider (aws-native)", stack: "ops", code: "BT-PLAN-UNKNOWN-TYPE", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws-native:iam:Role", "native", { assumeRolePolicyDocument: trusting(RUNTIME_B) })) },
    { name: "a CloudFormation stack", stack: "ops", code: "BT-PLAN-UNKNOWN-TYPE", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:cloudformation/stack:Stack", "cfn", { templateBody: "{}" })) },
    // The tenant roles themselves.
    { name: "a tenant role's trust widened to another tenant's runtime role", stack: "ops", code: "BT-TENANT-TRUST", sides: ["inputs", "outputs"],
      edit: (doc, side) => editDocument(tenantRole(doc), side, "assumeRolePolicy", (d) => {
          d.Statement[0].Principal.AWS.push(`arn:aws:iam::${CUSTOMER_B}:root`);
          d.Statement[0].Condition.ArnEquals["aws:PrincipalArn"].push(RUNTIME_B);
      }) },
    { name: "a tenant role allowed bedrock-mantle", stack: "ops", code: "BT-TENANT-SURFACE", sides: ["inputs", "outputs"],
      edit: (doc, side) => editDocument(invokePolicy(doc), side, "policy", (d) => d.Statement.push({ Effect: "Allow", Action: "bedrock-mantle:*", Resource: "*" })) },
    { name: "an action pattern with 16 wildcards", stack: "ops", code: "BT-TENANT-PERMISSIONS", sides: ["inputs"],
      edit: (doc) => editDocument(invokePolicy(doc), "inputs", "policy", (d) => (d.Statement[0].Action = ["b*e*d*r*o*c*k*:*I*n*v*o*k*e*M*o*d*e*l*X"])) },
    { name: "Bedrock invocation logging", stack: "ops", code: "BT-ACCOUNT-INVOCATION-LOGGING", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration", "logging", { loggingConfig: { textDataDeliveryEnabled: true } })) },
    { name: "a provider that deploys into a customer account", stack: "ops", code: "BT-PLAN-FOREIGN-PROVIDER", sides: ["inputs"],
      edit: (doc) => push(doc, { ...added("ops", "pulumi:providers:aws", "elsewhere", { assumeRole: { roleArn: `arn:aws:iam::${CUSTOMER_A}:role/Deployer` } }), custom: true }) },
    // Duplicates and pending work.
    { name: "the same URN twice", stack: "ops", code: "BT-PLAN-DUPLICATE-URN", sides: ["inputs"],
      edit: (doc) => push(doc, JSON.parse(JSON.stringify(tenantRole(doc)))) },
    { name: "two roles with one physical name, differently cased", stack: "ops", code: "BT-PLAN-DUPLICATE-NAME", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole(TENANT_A_ROLE.toUpperCase(), trusting(RUNTIME_B, { StringEquals: { "sts:ExternalId": "x1" } }))) },
    { name: "a clean copy marked delete hiding a widened live role", stack: "ops", code: "BT-TENANT-TRUST", sides: ["inputs"],
      edit: (doc) => {
          const live = tenantRole(doc);
          push(doc, { ...JSON.parse(JSON.stringify(live)), delete: true, urn: `${live.urn}-old` });
          editDocument(live, "inputs", "assumeRolePolicy", (d) => {
              d.Statement[0].Principal.AWS.push(`arn:aws:iam::${CUSTOMER_B}:root`);
              d.Statement[0].Condition.ArnEquals["aws:PrincipalArn"].push(RUNTIME_B);
          });
      } },
    { name: "a pending operation", stack: "ops", code: "BT-PLAN-PENDING-OPERATION", sides: ["inputs"], shapes: ["stack-export"],
      edit: (doc) => ((doc.deployment as any).pending_operations = [{ type: "creating", resource: { urn: "urn:pulumi:ops::bedrock-tenancy::aws:iam/role:Role::half-made", type: ROLE } }]) },
    // The customer account.
    { name: "a subscription filter sending the audit log to an ops destination", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", "copy", { logGroup: "/bedrock-tenancy/customer-a/audit", filterPattern: "", destinationArn: `arn:aws:logs:us-east-1:${OPS}:destination:collect` })) },
    { name: "an account-level subscription policy to an ops destination", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:cloudwatch/logAccountPolicy:LogAccountPolicy", "all", { policyName: "all", policyType: "SUBSCRIPTION_FILTER_POLICY", policyDocument: JSON.stringify({ DestinationArn: `arn:aws:logs:us-east-1:${OPS}:destination:collect`, FilterPattern: "" }) })) },
    { name: "a cross-account observability link to an ops sink", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:oam/link:Link", "share", { labelTemplate: "$AccountName", resourceTypes: ["AWS::Logs::LogGroup"], sinkIdentifier: `arn:aws:oam:us-east-1:${OPS}:sink/abc` })) },
    { name: "a KMS grant giving the ops account Decrypt", stack: "customer-a", code: "BT-CUSTOMER-KEY", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:kms/grant:Grant", "grant", { keyId: KEY_A, granteePrincipal: `arn:aws:iam::${OPS}:root`, operations: ["Decrypt"] })) },
    { name: "a separate key policy giving the ops account Decrypt", stack: "customer-a", code: "BT-CUSTOMER-KEY", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:kms/keyPolicy:KeyPolicy", "key-policy", { keyId: KEY_A, policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OPS}:root` }, Action: "kms:Decrypt", Resource: "*" }] }) })) },
    { name: "a log group whose key is not in the file", stack: "customer-a", code: "BT-CUSTOMER-LOG-GROUP", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(find(doc, "aws:cloudwatch/logGroup:LogGroup", () => true), side, "kmsKeyId", `arn:aws:kms:us-east-1:${CUSTOMER_A}:key/elsewhere`) },
    { name: "S3 replication of the archive to an ops bucket", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "replicate", { bucket: ARCHIVE_A, role: "arn:aws:iam::111111111111:role/replicator", rules: [{ status: "Enabled", destination: { bucket: "arn:aws:s3:::ops-collect", account: OPS } }] })) },
    { name: "Athena results written outside the account", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(find(doc, "aws:athena/workgroup:Workgroup", () => true), side, "configuration", { resultConfiguration: { outputLocation: "s3://ops-results/", expectedBucketOwner: OPS } }) },
    { name: "a customer role the ops account can assume, reading the log, key and archive", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", ROLE, "auditor", { name: "Auditor", assumeRolePolicy: trusting(`arn:aws:iam::${OPS}:root`) }),
          added("customer-a", ROLE_POLICY, "auditor-read", { role: "Auditor", policy: allow(["logs:GetLogEvents", "kms:Decrypt", "s3:GetObject"], [`${LOG_GROUP_A}:*`, KEY_A, `arn:aws:s3:::${ARCHIVE_A}/*`]) })) },
    { name: "a customer role the ops account can assume, able to grant itself more (iam:*)", stack: "customer-a", code: "BT-CUSTOMER-FOREIGN-ROLE", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", ROLE, "escalator", { name: "Escalator", assumeRolePolicy: trusting(`arn:aws:iam::${OPS}:root`) }),
          added("customer-a", ROLE_POLICY, "escalator-iam", { role: "Escalator", policy: allow("iam:*") })) },
    { name: "the runtime's archive pointed at an ops bucket", stack: "customer-a", code: "BT-CUSTOMER-RUNTIME-REDIRECT", sides: ["inputs", "outputs"],
      edit: (doc, side) => {
          const fn = find(doc, "aws:lambda/function:Function", () => true);
          setProp(fn, side, "environment", { variables: { ...fn.inputs.environment.variables, BEDROCK_TENANCY_ARCHIVE_BUCKET: "ops-collect" } });
      } },
    { name: "the runtime's Bedrock endpoint redirected", stack: "customer-a", code: "BT-CUSTOMER-RUNTIME-REDIRECT", sides: ["inputs", "outputs"],
      edit: (doc, side) => {
          const fn = find(doc, "aws:lambda/function:Function", () => true);
          setProp(fn, side, "environment", { variables: { ...fn.inputs.environment.variables, AWS_ENDPOINT_URL_BEDROCK_RUNTIME: "https://proxy.example.com" } });
      } },
    { name: "the runtime's guardrail swapped for one its ops role does not require", stack: "customer-a", code: "BT-CUSTOMER-RUNTIME-REDIRECT", sides: ["inputs", "outputs"],
      edit: (doc, side) => {
          const fn = find(doc, "aws:lambda/function:Function", () => true);
          setProp(fn, side, "environment", { variables: { ...fn.inputs.environment.variables, BEDROCK_TENANCY_GUARDRAIL_ARN: `arn:aws:bedrock:us-east-1:${OPS}:guardrail/zz9999999999`, BEDROCK_TENANCY_GUARDRAIL_VERSION: "1" } });
      } },
    { name: "Object Lock weakened to GOVERNANCE for one day", stack: "customer-a", code: "BT-CUSTOMER-ARCHIVE", sides: ["inputs", "outputs"],
      edit: (doc, side) => setProp(find(doc, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", () => true), side, "rule", { defaultRetention: { mode: "GOVERNANCE", days: 1 } }) },
    { name: "a log resource policy letting the ops account in", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "logs-policy", { policyName: "p", policyDocument: JSON.stringify(allow("logs:*", "*", { Principal: { AWS: OPS } })) })) },
    { name: "a second bucket readable by the ops account", stack: "customer-a", code: "BT-CUSTOMER-EGRESS", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", "aws:s3/bucket:Bucket", "exports", { bucket: "customer-a-exports" }),
          added("customer-a", "aws:s3/bucketPolicy:BucketPolicy", "exports-policy", { bucket: "customer-a-exports", policy: JSON.stringify(allow("s3:GetObject", "arn:aws:s3:::customer-a-exports/*", { Principal: { AWS: `arn:aws:iam::${OPS}:root` } })) })) },
    ...AUDIT_WRITABLE_MUTATIONS,
];

/** Changes that only narrow access, or add nothing that moves data: the proof must accept them. */
export const CONTROLS: { name: string; stack: "ops" | "customer-a"; edit: (doc: StackDoc) => void }[] = [
    { name: "a tenant trust narrowed by aws:SourceIp", stack: "ops",
      edit: (doc) => editDocument(tenantRole(doc), "inputs", "assumeRolePolicy", (d) => (d.Statement[0].Condition.IpAddress = { "aws:SourceIp": "203.0.113.0/24" })) },
    { name: "an extra explicit Deny in a tenant's invoke policy", stack: "ops",
      edit: (doc) => editDocument(invokePolicy(doc), "inputs", "policy", (d) => d.Statement.push({ Effect: "Deny", Action: "bedrock:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } })) },
    { name: "an ops role for a Lambda of the ops account, writing its own logs", stack: "ops",
      edit: (doc) => push(doc, ...opsRole("Reporter", { Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }, allow(["logs:CreateLogStream", "logs:PutLogEvents"], `arn:aws:logs:us-east-1:${OPS}:log-group:/reporter:*`))) },
    { name: "a customer role trusted only inside the account", stack: "customer-a",
      edit: (doc) => push(doc, added("customer-a", ROLE, "reader", { name: "Reader", assumeRolePolicy: trusting(`arn:aws:iam::${CUSTOMER_A}:root`) }), added("customer-a", ROLE_POLICY, "reader-read", { role: "Reader", policy: allow("logs:GetLogEvents", `${LOG_GROUP_A}:*`) })) },
    { name: "a second metric alarm and a key alias in the customer stack", stack: "customer-a",
      edit: (doc) => push(doc, added("customer-a", "aws:cloudwatch/metricAlarm:MetricAlarm", "more", { name: "more", metricName: "FailedCalls", namespace: "BedrockTenancy/customer-a", threshold: 1 }), added("customer-a", "aws:kms/alias:Alias", "alias2", { name: "alias/audit-2", targetKeyId: KEY_A })) },
    { name: "outputs holding a number where inputs hold text", stack: "customer-a",
      edit: (doc) => {
          const g = find(doc, "aws:cloudwatch/logGroup:LogGroup", () => true);
          g.outputs = { ...g.outputs, region: 1 };
      } },
    { name: "outputs holding a policy in the other form than the inputs (an object for a JSON string, or the reverse)", stack: "customer-a",
      edit: (doc) => {
          const p = find(doc, ROLE_POLICY, () => true);
          p.outputs = { ...p.outputs, policy: typeof p.inputs.policy === "string" ? JSON.parse(p.inputs.policy) : JSON.stringify(p.inputs.policy) };
      } },
    ...AUDIT_WRITABLE_CONTROLS,
];

export { CUSTOMER_B, RUNTIME_A };
