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
/** Edits the enforcer's first statement (its tenant-role writes) on one side. */
const editEnforcer = (doc: StackDoc, side: Side, change: (s: any) => void) => {
    const r = find(doc, ROLE_POLICY, named("enforce-quotas"));
    const d = documentOf(r, side, "policy");
    change(d.Statement[0]);
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
    { name: "the enforcer allowed to turn on invocation logging", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs", "outputs"],
      edit: (doc, side) => editEnforcer(doc, side, (s) => s.Action.push("bedrock:PutModelInvocationLoggingConfiguration")) },
    { name: "a role allowed to replace the quota enforcer's code", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("Patcher", allow(["lambda:UpdateFunctionCode"], `arn:aws:lambda:us-east-1:${OPS}:function:BedrockTenancyQuotaEnforcer`))) },
    { name: "a role allowed lambda:Update* on every function", stack: "ops", code: "BT-OPS-ESCALATION", sides: ["inputs"],
      edit: (doc) => push(doc, ...opsRole("Tuner", allow(["lambda:Update*"], "*"))) },
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
];
