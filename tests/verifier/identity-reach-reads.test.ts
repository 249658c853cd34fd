/**
 * What an identity policy may do on `*`, and on patterns over every account,
 * without opening a path out: reads by AWS's access level, and writes that
 * stay in the caller's account (its own log groups, the SSM agent's reports
 * about its own instance). AWS's own managed policies for Lambda, ECS, the
 * CloudWatch agent, Systems Manager and read-only access are the cases; the
 * writes that reach other accounts stay findings.
 */
import * as assert from "assert";
import { identityReachViolations, opsIdentityReachViolations } from "../../verifier/identity-reach";
import type { AccountIam, IamPrincipal } from "../../verifier/iam-graph";
import type { StackResource, StackState } from "../../verifier/pulumi-formats";

const ACCOUNT = "111111111111";

function resource(name: string): StackResource {
    return { urn: `urn:pulumi:s::p::aws:iam/rolePolicy:RolePolicy::${name}`, type: "aws:iam/rolePolicy:RolePolicy", name, custom: true, inputs: {}, outputs: {} };
}

function iamWith(statements: unknown[]): AccountIam {
    const r = resource("worker-policy");
    const principal: IamPrincipal = {
        kind: "role", name: "Worker", arn: `arn:aws:iam::${ACCOUNT}:role/Worker`, resource: r,
        policies: [{ name: "worker-policy", resource: r, document: { Version: "2012-10-17", Statement: statements } }],
    };
    return { principals: [principal] } as unknown as AccountIam;
}

const state = { stack: "s", file: "s.json", format: "stack-export", resources: [], pendingOperations: [] } as unknown as StackState;

function findings(statements: unknown[]): string[] {
    const customer = identityReachViolations({
        state, account: ACCOUNT, code: "BT-CUSTOMER-EGRESS", tenant: "t", iam: iamWith(statements), buckets: new Set(), outbound: () => false, skip: () => false, selfContained: true,
    }).map((v) => v.why);
    const ops = opsIdentityReachViolations(state, ACCOUNT, iamWith(statements), []).map((v) => v.why);
    return [...customer, ...ops];
}

const allow = (Action: string | string[], Resource: string | string[]) => ({ Effect: "Allow", Action, Resource });

describe("identity policies that stay in the account", () => {
    it("passes CloudWatch Logs writes on * (AWSLambdaBasicExecutionRole, AmazonECSTaskExecutionRolePolicy)", () => {
        assert.deepStrictEqual(findings([allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "*")]), []);
        assert.deepStrictEqual(findings([allow(["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"], "*")]), []);
    });
    it("passes Lambda Insights' log writes on a pattern over every account's log group", () => {
        assert.deepStrictEqual(findings([allow("logs:CreateLogGroup", "*"), allow(["logs:CreateLogStream", "logs:PutLogEvents"], "arn:aws:logs:*:*:log-group:/aws/lambda-insights:*")]), []);
    });
    it("passes the CloudWatch agent's policy in the ops account, retention included", () => {
        assert.deepStrictEqual(findings([
            allow(["cloudwatch:PutMetricData", "ec2:DescribeVolumes", "ec2:DescribeTags", "logs:PutLogEvents", "logs:PutRetentionPolicy", "logs:DescribeLogStreams", "logs:DescribeLogGroups", "logs:CreateLogStream", "logs:CreateLogGroup", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"], "*"),
            allow("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"),
        ]), []);
    });
    it("passes the SSM agent (AmazonSSMManagedInstanceCore)", () => {
        assert.deepStrictEqual(findings([
            allow(["ssm:DescribeAssociation", "ssm:GetDeployablePatchSnapshotForInstance", "ssm:GetDocument", "ssm:DescribeDocument", "ssm:GetManifest", "ssm:GetParameter", "ssm:GetParameters", "ssm:ListAssociations", "ssm:ListInstanceAssociations", "ssm:PutInventory", "ssm:PutComplianceItems", "ssm:PutConfigurePackageResult", "ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus", "ssm:UpdateInstanceInformation"], "*"),
            allow(["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], "*"),
            allow(["ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply"], "*"),
        ]), []);
    });
    it("passes reads AWS rates Read or List whatever their names (CloudWatchLogsReadOnlyAccess, CloudWatchReadOnlyAccess)", () => {
        assert.deepStrictEqual(findings([
            allow(["logs:Describe*", "logs:Get*", "logs:List*", "logs:StartQuery", "logs:StopQuery", "logs:TestMetricFilter", "logs:FilterLogEvents", "logs:StartLiveTail", "logs:StopLiveTail", "cloudwatch:GenerateQuery", "sqs:ReceiveMessage"], "*"),
            allow("oam:ListAttachedLinks", "arn:aws:oam:*:*:sink/*"),
        ]), []);
    });
});

describe("identity policies that still open a path out", () => {
    it("finds writes on * and on every account's resources alike", () => {
        for (const r of ["*", "arn:aws:sns:*:*:*"]) {
            const found = findings([allow(["sns:Publish", "logs:PutLogEvents"], r)]);
            assert.strictEqual(found.length, 2, `${r}: ${found.join("\n")}`);
            assert.ok(found.every((w) => w.includes(r === "*" ? "sns:Publish" : "(resources of any account)")), found.join("\n"));
        }
    });
    it("finds reads that carry content to what the request names, and kms:Decrypt", () => {
        for (const a of ["bedrock:InvokeModel", "sagemaker:InvokeEndpoint", "bedrock-websearch:ExternalWebAccess", "kms:Decrypt"]) {
            assert.strictEqual(findings([allow(a, "*")]).length, 2, a);
        }
    });
    it("finds Logs actions that send elsewhere, and any Logs write on a pattern it cannot vouch for", () => {
        for (const a of ["logs:PutSubscriptionFilter", "logs:CreateExportTask", "logs:CreateScheduledQuery", "logs:*", "logs:Put*"]) {
            assert.ok(findings([allow(a, "*")]).length >= 2, a);
        }
    });
    it("still finds a read on a named account of another", () => {
        assert.strictEqual(findings([allow("ssm:GetParameter", "arn:aws:ssm:us-east-1:222222222222:parameter/x")]).length, 2);
    });
});
