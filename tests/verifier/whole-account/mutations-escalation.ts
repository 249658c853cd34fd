/** Mutations of the shipped plans that must raise a finding, and controls that must not, for the escalation checks. */
import type { StackDoc } from "../../support/plan-files";
import { added, documentOf, find, named, OPS, setProp, TENANT_A_ROLE, TENANT_B_ROLE, type Side } from "../../support/plan-mutations";
import type { Mutation } from "./mutations";

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const USER = "aws:iam/user:User";
const USER_POLICY = "aws:iam/userPolicy:UserPolicy";
const ENFORCER = "BedrockTenancyQuotaEnforcer";
const statement = (extra: Record<string, unknown>) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...extra }] });
const allow = (Action: unknown, Resource: unknown = "*") => statement({ Action, Resource });
const lambdaTrust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
const roleArn = (name: string) => `arn:aws:iam::${OPS}:role/${name}`;
const push = (doc: StackDoc, ...rs: any[]) => doc.deployment.resources.push(...rs);
const opsRole = (name: string, policy: unknown) => [
    added("ops", ROLE, name, { name, assumeRolePolicy: lambdaTrust }, { arn: roleArn(name) }),
    added("ops", ROLE_POLICY, `${name}-policy`, { role: name, name: "p", policy }),
];
const opsUser = (name: string, policy: unknown) => [added("ops", USER, name, { name }), added("ops", USER_POLICY, `${name}-policy`, { user: name, policy })];
const sessionOf = (role: string, session = `bedrock-tenancy-${role.slice("BedrockTenantAccess-".length)}`) => `arn:aws:sts::${OPS}:assumed-role/${role}/${session}`;
const TOPIC = "aws:sns/topic:Topic";
const PERMISSION = "aws:lambda/permission:Permission";
const invokeEnforcer = (name: string, principal: string) => added("ops", PERMISSION, name, { action: "lambda:InvokeFunction", function: ENFORCER, principal, region: "us-east-1" });
const TOPIC_A = `arn:aws:sns:us-east-1:${OPS}:BedrockTenancyQuota-customer-a-warnings`;
/** Sets the tenant A quota topic's policy on one side. */
const topicPolicy = (doc: StackDoc, side: Side, ...statements: Record<string, unknown>[]) =>
    setProp(find(doc, TOPIC, named("BedrockTenancyQuota-customer-a-warnings")), side, "policy", JSON.stringify({ Version: "2012-10-17", Statement: statements.map((x) => ({ Effect: "Allow", Resource: TOPIC_A, ...x })) }));
/** Edits the enforcer's first statement (its tenant-role writes) on one side. */
const editEnforcer = (doc: StackDoc, side: Side, change: (s: any) => void) => {
    const r = find(doc, ROLE_POLICY, named("enforce-quotas"));
    const d = documentOf(r, side, "policy");
    change(d.Statement[0]);
    setProp(r, side, "policy", typeof r.inputs.policy === "string" ? JSON.stringify(d) : d);
};

/** Adds a statement to the enforcer's policy on one side. */
const addToEnforcer = (doc: StackDoc, side: Side, added: Record<string, unknown>) => {
    const r = find(doc, ROLE_POLICY, named("enforce-quotas"));
    const d = documentOf(r, side, "policy");
    d.Statement.push(added);
    setProp(r, side, "policy", typeof r.inputs.policy === "string" ? JSON.stringify(d) : d);
};

export const ESCALATION_MUTATIONS: Mutation[] = [
    // Writes that reach no tenant role but let a principal grant itself (or another) anything next.
    { name: "a role allowed to put an inline policy on itself", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("Helper", allow("iam:PutRolePolicy", roleArn("Helper")))) },
    { name: "the enforcer allowed its inline writes on every role (role/*), its own included", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs", "outputs"],
      edit: (doc, side) => editEnforcer(doc, side, (s) => (s.Resource = roleArn("*"))) },
    { name: "the enforcer's inline writes on a pattern that also matches a role that is not a tenant's", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", ROLE, "impostor", { name: "BedrockTenantAccess-ops-helper", assumeRolePolicy: lambdaTrust }, { arn: roleArn("BedrockTenantAccess-ops-helper") })) },
    { name: "a user allowed to write a new version of its own managed policy", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc,
          added("ops", "aws:iam/policy:Policy", "self-managed", { name: "SelfManaged", policy: allow(["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"], `arn:aws:iam::${OPS}:policy/SelfManaged`) }, { arn: `arn:aws:iam::${OPS}:policy/SelfManaged` }),
          added("ops", USER, "helper", { name: "helper" }),
          added("ops", "aws:iam/userPolicyAttachment:UserPolicyAttachment", "helper-attach", { user: "helper", policyArn: `arn:aws:iam::${OPS}:policy/SelfManaged` })) },
    { name: "a group whose members may add users to any group, with a member", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", USER, "dev", { name: "dev" }), added("ops", "aws:iam/group:Group", "devs", { name: "devs" }),
          added("ops", "aws:iam/groupPolicy:GroupPolicy", "devs-policy", { group: "devs", policy: allow("iam:AddUserToGroup", `arn:aws:iam::${OPS}:group/*`) }),
          added("ops", "aws:iam/groupMembership:GroupMembership", "devs-members", { group: "devs", users: ["dev"] })) },
    { name: "a user allowed to put its own inline policy through a policy variable, in odd case", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsUser("self-writer", allow("IAM:putuserpolicy", `arn:aws:iam::${OPS}:user/\${aws:username}`))) },
    { name: "a user allowed to create access keys and login profiles for every user", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsUser("key-maker", allow(["iam:CreateAccessKey", "iam:CreateLoginProfile"], `arn:aws:iam::${OPS}:user/*`))) },
    { name: "a role allowed to pass the enforcer's role to a new function", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("Deployer", allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], [roleArn(ENFORCER), `arn:aws:lambda:us-east-1:${OPS}:function:*`]))) },
    { name: "a role allowed iam:Put* on every resource but the tenant roles (NotResource)", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("AlmostAdmin", statement({ Action: "iam:Put*", NotResource: [roleArn(TENANT_A_ROLE), roleArn(TENANT_B_ROLE)] }))) },
    // Bedrock keeping prompts in the ops account.
    { name: "an ops Lambda role allowed bedrock:* (invocation logging among it)", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("Logger", allow("bedrock:*"))) },
    { name: "an ops role allowed * (invocation logging among it)", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("Everything", allow("*"))) },
    { name: "an ops role allowed everything but IAM and STS (NotAction), batch jobs among it", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("NotIam", statement({ NotAction: ["iam:*", "sts:*"], Resource: "*" }))) },
    { name: "the enforcer allowed to turn on invocation logging", stack: "ops", code: "BT-ACCOUNT-INVOCATION-LOGGING", sides: ["inputs", "outputs"],
      edit: (doc, side) => editEnforcer(doc, side, (s) => s.Action.push("bedrock:PutModelInvocationLoggingConfiguration")) },
    { name: "a role allowed to replace the quota enforcer's code", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("Patcher", allow(["lambda:UpdateFunctionCode"], `arn:aws:lambda:us-east-1:${OPS}:function:BedrockTenancyQuotaEnforcer`))) },
    { name: "a role allowed lambda:Update* on every function", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("Tuner", allow(["lambda:Update*"], "*"))) },
    // Bedrock used outside the tenant roles: no entitlement, guardrail, metering or quota holds it.
    { name: "an ops user allowed Bedrock API keys (bedrock:CallWithBearerToken)", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsUser("api-key-user", allow("bedrock:CallWithBearerToken"))) },
    { name: "an ops role allowed to invoke a foundation model directly", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("Caller", allow(["bedrock:InvokeModel"], "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"))) },
    { name: "an ops role allowed the OpenAI-compatible endpoint (bedrock-mantle:CreateInference)", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("Mantle", allow("bedrock-mantle:CreateInference", `arn:aws:bedrock-mantle:us-east-1:${OPS}:project/*`))) },
    // Writes that change what tenants are metered by or held to.
    { name: "the enforcer allowed to re-tag and re-create application profiles and to weaken guardrails", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", ROLE_POLICY, "enforcer-bedrock", { role: ENFORCER, name: "b", policy: allow(["bedrock:TagResource", "bedrock:UntagResource", "bedrock:CreateInferenceProfile", "bedrock:DeleteInferenceProfile", "bedrock:DeleteGuardrail"]) })) },
    { name: "the enforcer allowed to update a tenant's guardrail", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs", "outputs"],
      edit: (doc, side) => addToEnforcer(doc, side, { Effect: "Allow", Action: "bedrock:UpdateGuardrail", Resource: `arn:aws:bedrock:us-east-1:${OPS}:guardrail/a1b2c3d4e5f6` }) },
    { name: "a role allowed to set the quota alarms' state (forging a block or an unblock)", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("AlarmSetter", allow("cloudwatch:SetAlarmState", `arn:aws:cloudwatch:us-east-1:${OPS}:alarm:BedrockTenancyQuotaPart-*`))) },
    { name: "a role allowed to disable the rule that feeds the quota enforcer", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("RuleKiller", allow(["events:DisableRule"], `arn:aws:events:us-east-1:${OPS}:rule/BedrockTenancyQuotaAlarms`))) },
    // No principal of any account may turn on invocation logging.
    { name: "the customer runtime role allowed to turn on invocation logging", stack: "customer-a", code: "BT-ACCOUNT-INVOCATION-LOGGING", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", ROLE_POLICY, "logging-writer", { role: "BedrockTenancyRuntime-customer-a", name: "l", policy: allow("bedrock:PutModelInvocationLoggingConfiguration") })) },
    { name: "a customer user allowed bedrock:Put* (invocation logging among it)", stack: "customer-a", code: "BT-ACCOUNT-INVOCATION-LOGGING", sides: ["inputs"],
      edit: (doc) => push(doc, added("customer-a", USER, "putter", { name: "putter" }), added("customer-a", USER_POLICY, "putter-policy", { user: "putter", policy: allow("bedrock:Put*") })) },
    // Tenant sessions end at Bedrock: no resource of the ops stack lets one in.
    { name: "a Lambda permission letting a tenant role's session invoke the quota enforcer", stack: "ops", code: "BT-OPS-ROLE-CHAIN", sides: ["inputs"],
      edit: (doc) => push(doc, invokeEnforcer("tenant-invoke", sessionOf(TENANT_A_ROLE))) },
    { name: "a Lambda permission letting a tenant role invoke the quota enforcer", stack: "ops", code: "BT-OPS-ROLE-CHAIN", sides: ["inputs"],
      edit: (doc) => push(doc, invokeEnforcer("tenant-invoke", `arn:aws:iam::${OPS}:role/${TENANT_A_ROLE}`)) },
    // Whoever may publish to the topic could invoke the enforcer: the identity grant it stands for is refused.
    { name: "a Lambda permission letting an SNS topic of the ops account invoke the quota enforcer", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", PERMISSION, "from-own-sns", { action: "lambda:InvokeFunction", function: ENFORCER, principal: "sns.amazonaws.com", sourceArn: `arn:aws:sns:us-east-1:${OPS}:ops-topic` })) },
    { name: "tenant A's quota topic letting tenant B's session subscribe and publish", stack: "ops", code: "BT-OPS-ROLE-CHAIN", sides: ["inputs"],
      edit: (doc, side) => topicPolicy(doc, side, { Principal: { AWS: sessionOf(TENANT_B_ROLE, "any-name") }, Action: ["sns:Subscribe", "sns:Publish"] }) },
    { name: "a topic policy letting every session of every role subscribe (assumed-role/*)", stack: "ops", code: "BT-OPS-ROLE-CHAIN", sides: ["inputs"],
      edit: (doc, side) => topicPolicy(doc, side, { Principal: { AWS: `arn:aws:sts::${OPS}:assumed-role/*` }, Action: "sns:Subscribe" }) },
    { name: "a topic policy letting every principal in, narrowed by aws:PrincipalArn to BedrockTenant*", stack: "ops", code: "BT-OPS-ROLE-CHAIN", sides: ["inputs"],
      edit: (doc, side) => topicPolicy(doc, side, { Principal: "*", Action: "sns:Subscribe", Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${OPS}:role/BedrockTenant*` } } }) },
    { name: "a topic policy letting every principal in whose session carries a tag (aws:PrincipalTag)", stack: "ops", code: "BT-OPS-ROLE-CHAIN", sides: ["inputs"],
      edit: (doc, side) => topicPolicy(doc, side, { Principal: { AWS: "*" }, Action: "sns:Subscribe", Condition: { StringEquals: { "aws:PrincipalTag/team": "ops", "aws:PrincipalAccount": OPS } } }) },
    { name: "a KMS grant in the ops account to a tenant role's session", stack: "ops", code: "BT-OPS-ROLE-CHAIN", sides: ["inputs"],
      edit: (doc) => push(doc,
          added("ops", "aws:kms/key:Key", "ops-key", { description: "k", policy: statement({ Principal: { AWS: `arn:aws:iam::${OPS}:root` }, Action: "kms:*", Resource: "*" }) }, { arn: `arn:aws:kms:us-east-1:${OPS}:key/ops-key-id` }),
          added("ops", "aws:kms/grant:Grant", "ops-grant", { keyId: `arn:aws:kms:us-east-1:${OPS}:key/ops-key-id`, granteePrincipal: sessionOf(TENANT_A_ROLE), operations: ["Decrypt"] })) },
    { name: "a role trusting the sessions of a tenant role whose names start with bedrock-", stack: "ops", code: "BT-OPS-ROLE-CHAIN", sides: ["inputs"],
      edit: (doc) => push(doc, added("ops", ROLE, "Chained", { name: "Chained", assumeRolePolicy: statement({ Principal: { AWS: `arn:aws:sts::${OPS}:assumed-role/${TENANT_A_ROLE}/bedrock-*` }, Action: "sts:AssumeRole" }) }, { arn: roleArn("Chained") })) },
];

/** Shapes an ops principal may hold: reads, its own logs, and the enforcer's writes on tenant roles named exactly. */
export const ESCALATION_CONTROLS: { name: string; stack: "ops" | "customer-a"; edit: (doc: StackDoc) => void }[] = [
    { name: "a Lambda role writing its own logs and reading Bedrock's logging configuration", stack: "ops",
      edit: (doc) => push(doc, ...opsRole("Auditor", { Version: "2012-10-17", Statement: [
          { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `arn:aws:logs:us-east-1:${OPS}:log-group:/aws/lambda/Auditor:*` },
          { Effect: "Allow", Action: ["bedrock:GetModelInvocationLoggingConfiguration", "bedrock:List*"], Resource: "*" },
      ] })) },
    { name: "a read-only IAM role (iam:Get*, iam:List*, iam:GenerateCredentialReport)", stack: "ops",
      edit: (doc) => push(doc, ...opsRole("IamReader", allow(["iam:Get*", "iam:List*", "iam:GenerateCredentialReport"]))) },
    { name: "the enforcer's inline writes on the tenant roles named exactly", stack: "ops",
      edit: (doc) => editEnforcer(doc, "inputs", (s) => (s.Resource = [roleArn(TENANT_A_ROLE), roleArn(TENANT_B_ROLE)])) },
    { name: "an ops role reading Bedrock's profiles, guardrails and the quota alarms", stack: "ops",
      edit: (doc) => push(doc, ...opsRole("MeterReader", allow(["bedrock:GetInferenceProfile", "bedrock:ListInferenceProfiles", "bedrock:GetGuardrail", "bedrock:ListTagsForResource", "cloudwatch:DescribeAlarms"]))) },
    { name: "a quota topic letting CloudWatch of the account and the enforcer's role publish", stack: "ops",
      edit: (doc) => topicPolicy(doc, "inputs",
          { Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Condition: { StringEquals: { "aws:SourceAccount": OPS } } },
          { Principal: { AWS: roleArn(ENFORCER) }, Action: "sns:Publish" }) },
    { name: "a customer role reading Bedrock's invocation logging configuration", stack: "customer-a",
      edit: (doc) => push(doc, added("customer-a", ROLE_POLICY, "logging-reader", { role: "BedrockTenancyRuntime-customer-a", name: "r", policy: allow("bedrock:GetModelInvocationLoggingConfiguration") })) },
];
