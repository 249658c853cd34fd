/**
 * Grants that make a principal more than it was given without an IAM action,
 * Bedrock actions outside the tenant roles, and writes on resources of the
 * stack's own account that the stack does not hold: each is a finding for
 * exact names, patterns and NotAction alike, in the ops account (as an
 * escalation or a path out) and in a customer account (as a path out),
 * while reads and the stack's own resources pass.
 */
import * as assert from "assert";
import { parsePolicy } from "../../contract";
import type { AccountIam, IamPrincipal } from "../../verifier/iam-graph";
import { identityReachViolations, opsIdentityReachViolations } from "../../verifier/identity-reach";
import { escalations } from "../../verifier/ops-escalation";
import type { StackResource, StackState } from "../../verifier/pulumi-formats";

const ACCOUNT = "111111111111";
const allow = (Action: string | string[], Resource: string | string[] = "*", extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Action, Resource, ...extra });
const allowBut = (NotAction: string[], Resource: string | string[] = "*") => ({ Effect: "Allow", NotAction, Resource });

function escalationsOf(statement: unknown): string[] {
    const parsed = parsePolicy({ Version: "2012-10-17", Statement: [statement] });
    if ("problem" in parsed) throw new Error(parsed.problem);
    return escalations(parsed.statements[0], { account: ACCOUNT, guarded: new Set(), others: [], enforcerFunctions: [] }, false);
}

function policyResource(name: string): StackResource {
    return { urn: `urn:pulumi:s::p::aws:iam/rolePolicy:RolePolicy::${name}`, type: "aws:iam/rolePolicy:RolePolicy", name, custom: true, inputs: {}, outputs: {} };
}

function iamWith(statements: unknown[]): AccountIam {
    const r = policyResource("worker-policy");
    const principal: IamPrincipal = {
        kind: "role", name: "Worker", arn: `arn:aws:iam::${ACCOUNT}:role/Worker`, resource: r,
        policies: [{ name: "worker-policy", resource: r, document: { Version: "2012-10-17", Statement: statements } }],
    };
    return { principals: [principal] } as unknown as AccountIam;
}

/** A stack holding one resource of each kind below, by the ARN its outputs record. */
const HELD: Record<string, string> = {
    "aws:sqs/queue:Queue": `arn:aws:sqs:us-east-1:${ACCOUNT}:own-queue`,
    "aws:lambda/function:Function": `arn:aws:lambda:us-east-1:${ACCOUNT}:function:own-fn`,
    "aws:cloudwatch/logGroup:LogGroup": `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/own/logs`,
    "aws:kms/key:Key": `arn:aws:kms:us-east-1:${ACCOUNT}:key/own-key`,
    "aws:dynamodb/table:Table": `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/own-table`,
    "aws:iam/role:Role": `arn:aws:iam::${ACCOUNT}:role/OwnRole`,
};

function stateHolding(): StackState {
    const resources = Object.entries(HELD).map(([type, arn], i): StackResource => ({ urn: `urn:pulumi:s::p::${type}::r${i}`, type, name: `r${i}`, custom: true, inputs: {}, outputs: { arn } }));
    // An event target's `arn` is what it sends to, which the stack does not hold for that.
    resources.push({ urn: "urn:pulumi:s::p::aws:cloudwatch/eventTarget:EventTarget::t", type: "aws:cloudwatch/eventTarget:EventTarget", name: "t", custom: true, inputs: {}, outputs: { arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:target-queue` } });
    return { stack: "s", file: "s.json", format: "stack-export", resources, pendingOperations: [] } as unknown as StackState;
}

function reach(statements: unknown[]): { customer: string[]; ops: string[] } {
    const state = stateHolding();
    const customer = identityReachViolations({
        state, account: ACCOUNT, code: "BT-CUSTOMER-EGRESS", tenant: "t", iam: iamWith(statements), buckets: new Set(), outbound: () => false, skip: () => false, selfContained: true,
    }).map((v) => v.why);
    return { customer, ops: opsIdentityReachViolations(state, ACCOUNT, iamWith(statements), []).map((v) => v.why) };
}

const PRINCIPAL_REASON = /create or empower a principal outside IAM/;
const RUNS_REASON = /run code or commands of its choosing as a role it does not hold/;
const BEDROCK_REASON = /send content to a Bedrock model/;
const SELF_CONTAINED = /create or re-trust a role that another account assumes/;
const UNHELD = /the stack does not hold/;

describe("writes that make or empower principals outside IAM", () => {
    const grants: [string, unknown][] = [
        ["Identity Center permission sets and assignments", allow(["sso:CreatePermissionSet", "sso:PutInlinePolicyToPermissionSet", "sso:CreateAccountAssignment", "sso:ProvisionPermissionSet"], "arn:aws:sso:::*")],
        ["sso:* on every Identity Center resource", allow("sso:*", "arn:aws:sso:::*")],
        ["sso:Put*", allow("sso:Put*", "arn:aws:sso:::permissionSet/*")],
        ["a service pattern over sso", allow("ss*:Create*")],
        ["identity store users and group memberships", allow(["identitystore:CreateUser", "identitystore:CreateGroupMembership"], `arn:aws:identitystore::${ACCOUNT}:identitystore/d-1234567890`)],
        ["directory users", allow("sso-directory:CreateUser")],
        ["Organizations policies and accounts", allow(["organizations:DetachPolicy", "organizations:MoveAccount"], `arn:aws:organizations::${ACCOUNT}:*`)],
        ["Directory Service passwords", allow("ds:ResetUserPassword")],
        ["identity pool roles", allow("cognito-identity:SetIdentityPoolRoles")],
        ["user pool users", allow("cognito-idp:AdminCreateUser")],
        ["Roles Anywhere trust anchors", allow("rolesanywhere:CreateTrustAnchor")],
        ["a NotAction that leaves Identity Center out", allowBut(["iam:*", "lambda:*", "bedrock:*", "bedrock-agentcore:*", "bedrock-mantle:*", "aws-external-anthropic:*"])],
    ];
    for (const [what, grant] of grants) {
        it(`refuses ${what} to an ops principal and in a customer account`, () => {
            assert.ok(escalationsOf(grant).some((w) => PRINCIPAL_REASON.test(w)), escalationsOf(grant).join("\n"));
            const { customer } = reach([grant]);
            assert.ok(customer.some((w) => SELF_CONTAINED.test(w)), customer.join("\n"));
        });
    }
    it("passes reads of those services", () => {
        for (const grant of [allow(["sso:Describe*", "sso:List*", "identitystore:DescribeUser", "organizations:DescribeOrganization", "organizations:ListAccounts"])]) {
            assert.deepStrictEqual(escalationsOf(grant), []);
            assert.deepStrictEqual(reach([grant]).customer, []);
        }
    });
    it("passes a NotAction that leaves out every action of those services", () => {
        const grant = allowBut(["sso:*", "sso-directory:*", "identitystore:*", "organizations:*", "ds:*", "ds-data:*", "cognito-identity:*", "cognito-idp:*", "rolesanywhere:*"]);
        assert.ok(!escalationsOf(grant).some((w) => PRINCIPAL_REASON.test(w)));
    });
});

describe("actions that run code as a role the caller does not hold", () => {
    const grants: [string, unknown][] = [
        ["ssm:SendCommand", allow("ssm:SendCommand", [`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`, "arn:aws:ssm:us-east-1::document/AWS-RunShellScript"])],
        ["ssm:Send*", allow("ssm:Send*", "arn:aws:ssm:us-east-1::document/AWS-RunShellScript")],
        ["ssm:StartSession", allow("ssm:StartSession")],
        ["codebuild:StartBuild and UpdateProject", allow(["codebuild:StartBuild", "codebuild:UpdateProject"], `arn:aws:codebuild:us-east-1:${ACCOUNT}:project/*`)],
        ["cloudformation:CreateStack and UpdateStack", allow(["cloudformation:CreateStack", "cloudformation:UpdateStack"], `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/*`)],
        ["ec2-instance-connect:SendSSHPublicKey", allow("ec2-instance-connect:SendSSHPublicKey", `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`)],
        ["ecs:ExecuteCommand", allow("ecs:ExecuteCommand")],
        ["glue:UpdateJob", allow("glue:UpdateJob")],
        ["states:UpdateStateMachine", allow("states:UpdateStateMachine")],
    ];
    for (const [what, grant] of grants) {
        it(`refuses ${what} to an ops principal and in a customer account`, () => {
            assert.ok(escalationsOf(grant).some((w) => RUNS_REASON.test(w)), escalationsOf(grant).join("\n"));
            assert.ok(reach([grant]).customer.some((w) => SELF_CONTAINED.test(w)), reach([grant]).customer.join("\n"));
        });
    }
    it("passes reads of those services", () => {
        assert.deepStrictEqual(escalationsOf(allow(["ssm:DescribeInstanceInformation", "codebuild:BatchGetBuilds", "cloudformation:DescribeStacks", "ecs:DescribeTasks"])), []);
    });
});

describe("Bedrock actions of ops principals other than tenant roles", () => {
    for (const action of ["bedrock:OptimizePrompt", "bedrock:GenerateQuery", "bedrock:Retrieve", "bedrock:ApplyGuardrail", "bedrock:CountTokens", "bedrock:CreateModelCustomizationJob",
        "bedrock:CreateModelImportJob", "bedrock:StartIngestionJob", "bedrock:Rerank", "bedrock:CreateSomethingAwsAddsLater", "bedrock:Opt*"]) {
        it(`refuses ${action}`, () => {
            const found = escalationsOf(allow(action));
            assert.ok(found.some((w) => BEDROCK_REASON.test(w)), found.join("\n"));
        });
    }
    it("refuses a NotAction that leaves Bedrock in", () => {
        assert.ok(escalationsOf(allowBut(["bedrock:Invoke*", "bedrock:RetrieveAndGenerate*", "bedrock:CreateModelInvocationJob", "bedrock:StartAsyncInvoke", "bedrock:CreateEvaluationJob", "bedrock-mantle:*", "bedrock:CallWithBearerToken", "aws-external-anthropic:*", "bedrock-agentcore:*", "iam:*", "lambda:*", "sso*", "organizations:*", "identitystore:*", "ds*", "cognito*", "rolesanywhere:*"])).some((w) => BEDROCK_REASON.test(w)));
    });
    it("passes Bedrock reads whose names spell a read verb", () => {
        assert.deepStrictEqual(escalationsOf(allow(["bedrock:ListFoundationModels", "bedrock:GetInferenceProfile", "bedrock:List*", "bedrock:Get*"])), []);
    });
    it("names a grant once when a more specific reason covers it", () => {
        assert.ok(!escalationsOf(allow("bedrock:InvokeModel")).some((w) => BEDROCK_REASON.test(w)));
        assert.ok(!escalationsOf(allow("bedrock:CreateModelInvocationJob")).some((w) => BEDROCK_REASON.test(w)));
        assert.ok(!escalationsOf(allow("bedrock:*")).some((w) => BEDROCK_REASON.test(w)));
        assert.ok(escalationsOf(allow(["bedrock:InvokeModel", "bedrock:Retrieve"])).some((w) => BEDROCK_REASON.test(w) && w.startsWith("bedrock:Retrieve:")));
        assert.ok(!escalationsOf(allow(["bedrock:TagResource", "bedrock:UpdateGuardrail"])).some((w) => BEDROCK_REASON.test(w)));
        assert.ok(escalationsOf(allow(["bedrock:TagResource", "bedrock:UpdateGuardrail"])).length > 0);
    });
});

describe("writes on resources of the account that the stack does not hold", () => {
    const own = (rest: string) => rest.replace("ACCOUNT", ACCOUNT);
    const unheld: [string, unknown][] = [
        ["sqs:SendMessage on another queue", allow("sqs:SendMessage", own("arn:aws:sqs:us-east-1:ACCOUNT:relay"))],
        ["sqs:SendMessage on a queue an event target sends to", allow("sqs:SendMessage", own("arn:aws:sqs:us-east-1:ACCOUNT:target-queue"))],
        ["sqs:SendMessage on every queue of the account", allow("sqs:SendMessage", own("arn:aws:sqs:us-east-1:ACCOUNT:*"))],
        ["sqs:SendMessage on a name that starts like the stack's queue", allow("sqs:SendMessage", own("arn:aws:sqs:us-east-1:ACCOUNT:own-queue*"))],
        ["sqs:SendMessage on the stack's queue in another Region", allow("sqs:SendMessage", own("arn:aws:sqs:*:ACCOUNT:own-queue"))],
        ["firehose:PutRecord", allow("firehose:PutRecord", own("arn:aws:firehose:us-east-1:ACCOUNT:deliverystream/relay"))],
        ["secretsmanager:PutSecretValue", allow("secretsmanager:PutSecretValue", own("arn:aws:secretsmanager:us-east-1:ACCOUNT:secret:relay-*"))],
        ["sns:Publish", allow("sns:Publish", own("arn:aws:sns:us-east-1:ACCOUNT:relay"))],
        ["kinesis:PutRecord", allow("kinesis:PutRecord", own("arn:aws:kinesis:us-east-1:ACCOUNT:stream/relay"))],
        ["lambda:InvokeFunction on another function", allow("lambda:InvokeFunction", own("arn:aws:lambda:us-east-1:ACCOUNT:function:relay"))],
        ["lambda:InvokeFunction on a name that starts like the stack's function", allow("lambda:InvokeFunction", own("arn:aws:lambda:us-east-1:ACCOUNT:function:own-fn*"))],
        ["events:PutEvents", allow("events:PutEvents", own("arn:aws:events:us-east-1:ACCOUNT:event-bus/relay"))],
        ["dynamodb:PutItem", allow("dynamodb:PutItem", own("arn:aws:dynamodb:us-east-1:ACCOUNT:table/relay"))],
        ["ssm:PutParameter", allow("ssm:PutParameter", own("arn:aws:ssm:us-east-1:ACCOUNT:parameter/relay/*"))],
        ["bedrock-agentcore:CreateEvent", allow("bedrock-agentcore:CreateEvent", own("arn:aws:bedrock-agentcore:us-east-1:ACCOUNT:memory/relay"))],
        ["sts:AssumeRole on a role of the account the stack does not hold", allow("sts:AssumeRole", own("arn:aws:iam::ACCOUNT:role/Elsewhere"))],
        ["sqs:SendMessage on * held to the account by aws:ResourceAccount", allow("sqs:SendMessage", "*", { Condition: { StringEquals: { "aws:ResourceAccount": ACCOUNT } } })],
    ];
    for (const [what, grant] of unheld) {
        it(`refuses ${what}, in either account`, () => {
            const { customer, ops } = reach([grant]);
            for (const found of [customer, ops]) assert.ok(found.some((w) => UNHELD.test(w)), found.join("\n"));
        });
    }
    const held: [string, unknown][] = [
        ["sqs:SendMessage on the stack's queue", allow("sqs:SendMessage", own("arn:aws:sqs:us-east-1:ACCOUNT:own-queue"))],
        ["lambda:InvokeFunction on the stack's function and its versions", allow("lambda:InvokeFunction", [own("arn:aws:lambda:us-east-1:ACCOUNT:function:own-fn"), own("arn:aws:lambda:us-east-1:ACCOUNT:function:own-fn:*")])],
        ["dynamodb:PutItem on the stack's table and its indexes", allow(["dynamodb:PutItem", "dynamodb:Query"], [own("arn:aws:dynamodb:us-east-1:ACCOUNT:table/own-table"), own("arn:aws:dynamodb:us-east-1:ACCOUNT:table/own-table/index/*")])],
        ["kms:GenerateDataKey on the stack's key", allow("kms:GenerateDataKey", own("arn:aws:kms:us-east-1:ACCOUNT:key/own-key"))],
        ["kms:Decrypt on the account's keys, which forward nothing", allow("kms:Decrypt", own("arn:aws:kms:us-east-1:ACCOUNT:key/*"))],
        ["sts:AssumeRole on the stack's role", allow("sts:AssumeRole", own("arn:aws:iam::ACCOUNT:role/OwnRole"))],
        ["log writes on a log group of the account the stack does not hold", allow(["logs:CreateLogStream", "logs:PutLogEvents"], own("arn:aws:logs:us-east-1:ACCOUNT:log-group:/aws/lambda/other:*"))],
        ["log writes beside a queue write on the stack's queue", allow(["logs:PutLogEvents", "sqs:SendMessage"], [own("arn:aws:logs:us-east-1:ACCOUNT:log-group:/aws/lambda/other:*"), own("arn:aws:sqs:us-east-1:ACCOUNT:own-queue")])],
        ["reads of a queue the stack does not hold", allow(["sqs:GetQueueAttributes", "sqs:ReceiveMessage"], own("arn:aws:sqs:us-east-1:ACCOUNT:relay"))],
    ];
    for (const [what, grant] of held) {
        it(`passes ${what}`, () => {
            const { customer, ops } = reach([grant]);
            assert.deepStrictEqual([...customer, ...ops], []);
        });
    }
});
