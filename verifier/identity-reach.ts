/**
 * Paths out of an account that an identity policy opens by itself, in the
 * ops and the customer accounts alike. The egress checks read what the
 * stack's resources send where; a principal's policies say where it may send
 * at run time, and what it may re-point there. So an Allow is a path out when
 * it names a resource of another account, or a bucket the stack does not
 * hold; when it may create or re-point a subscription, target, destination,
 * notification, resource policy, grant or share, whose other end the caller
 * chooses; and when it may write data on `*` through a service that accepts
 * writes from other accounts. Only Allow statements are read, as the
 * escalation check reads them: a Deny beside a grant does not excuse it.
 */
import { accountOfPattern, arnPatternFields, coversAction, hasWildcard, isAccountId, parsePolicy, wildcardMatch, type PolicyStatement } from "../contract";
import { ownBuckets } from "./account-egress";
import { violation, type Code, type Violation } from "./findings";
import type { AccountIam, IamPrincipal } from "./iam-graph";
import type { TenantIntent } from "./intent";
import { FUNCTION_WRITES, iamWrites } from "./ops-escalation";
import type { StackState } from "./pulumi-formats";

/**
 * Actions that create or re-point a path out while the account runs: the
 * caller names the other end (a topic, a destination, a bucket, an account)
 * in the request, so the resource the statement names cannot hold it in.
 * None of the fleet's run-time principals needs one.
 */
const PATH_OPENERS = [
    // CloudWatch Logs: subscriptions, destinations, exports, deliveries, links, the key.
    "logs:PutSubscriptionFilter", "logs:PutDestination", "logs:PutDestinationPolicy", "logs:PutAccountPolicy", "logs:PutResourcePolicy",
    "logs:CreateExportTask", "logs:PutDataProtectionPolicy", "logs:PutDeliverySource", "logs:PutDeliveryDestination",
    "logs:PutDeliveryDestinationPolicy", "logs:CreateDelivery", "logs:UpdateDeliveryConfiguration", "logs:PutIntegration", "logs:AssociateKmsKey", "logs:Link",
    // EventBridge, Pipes and Scheduler: targets, bus policies, API destinations.
    "events:PutTargets", "events:PutPermission", "events:CreateApiDestination", "events:UpdateApiDestination", "events:CreateConnection",
    "events:UpdateConnection", "events:CreateEndpoint", "events:UpdateEndpoint", "pipes:CreatePipe", "pipes:UpdatePipe",
    "scheduler:CreateSchedule", "scheduler:UpdateSchedule",
    // SNS and SQS: subscriptions, topic and queue policies, redrive.
    "sns:Subscribe", "sns:SetTopicAttributes", "sns:SetSubscriptionAttributes", "sns:AddPermission", "sns:PutDataProtectionPolicy",
    "sqs:AddPermission", "sqs:SetQueueAttributes", "sqs:StartMessageMoveTask",
    // S3: policies, ACLs, replication, notifications, exports, access points, batch copies, the key.
    "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutObjectAcl", "s3:PutObjectVersionAcl", "s3:PutReplicationConfiguration",
    "s3:PutBucketNotification", "s3:PutBucketLogging", "s3:PutInventoryConfiguration", "s3:PutAnalyticsConfiguration", "s3:PutEncryptionConfiguration",
    "s3:CreateAccessPoint", "s3:PutAccessPointPolicy", "s3:CreateAccessPointForObjectLambda", "s3:PutAccessPointPolicyForObjectLambda",
    "s3:CreateMultiRegionAccessPoint", "s3:PutMultiRegionAccessPointPolicy", "s3:CreateAccessGrant", "s3:CreateJob", "s3:PutStorageLensConfiguration",
    // KMS: grants and key policies.
    "kms:CreateGrant", "kms:PutKeyPolicy",
    // CloudWatch and Observability Access Manager: metric streams, alarm actions, cross-account links and sinks.
    "cloudwatch:PutMetricStream", "cloudwatch:PutMetricAlarm", "cloudwatch:PutCompositeAlarm", "cloudwatch:Link",
    "oam:CreateLink", "oam:UpdateLink", "oam:CreateSink", "oam:PutSinkPolicy",
    "xray:Link", "application-signals:Link", "applicationinsights:Link", "internetmonitor:Link",
    // Budgets, cost anomaly and cost reports: notifications, subscribers, actions, exports.
    "budgets:ModifyBudget", "budgets:CreateNotification", "budgets:UpdateNotification", "budgets:CreateSubscriber", "budgets:UpdateSubscriber",
    "budgets:CreateBudgetAction", "budgets:UpdateBudgetAction", "budgets:ExecuteBudgetAction",
    "ce:CreateAnomalySubscription", "ce:UpdateAnomalySubscription", "cur:PutReportDefinition", "bcm-data-exports:CreateExport",
    // Lambda: who may invoke, what triggers it, where its results and failures go.
    "lambda:AddPermission", "lambda:AddLayerVersionPermission", "lambda:CreateEventSourceMapping", "lambda:UpdateEventSourceMapping",
    "lambda:PutFunctionEventInvokeConfig", "lambda:UpdateFunctionEventInvokeConfig", "lambda:CreateFunctionUrlConfig", "lambda:UpdateFunctionUrlConfig",
    // Streams, catalogs, query results, trails, backups and shares.
    "firehose:CreateDeliveryStream", "firehose:UpdateDestination", "kinesis:PutResourcePolicy",
    "glue:PutResourcePolicy", "lakeformation:GrantPermissions", "lakeformation:BatchGrantPermissions",
    "athena:CreateWorkGroup", "athena:UpdateWorkGroup", "athena:CreateDataCatalog", "athena:UpdateDataCatalog",
    "cloudtrail:CreateTrail", "cloudtrail:UpdateTrail",
    "ram:CreateResourceShare", "ram:UpdateResourceShare", "ram:AssociateResourceShare", "ram:EnableSharingWithAwsOrganization",
    "secretsmanager:PutResourcePolicy", "dynamodb:PutResourcePolicy", "ecr:SetRepositoryPolicy", "ecr:PutRegistryPolicy", "ecr:PutReplicationConfiguration",
    "backup:PutBackupVaultAccessPolicy", "backup:CreateBackupPlan", "backup:UpdateBackupPlan", "backup:StartCopyJob",
    // Sends to addresses outside every account, whatever resource the statement names.
    "ses:SendEmail", "ses:SendRawEmail", "ses:SendTemplatedEmail", "ses:SendBulkEmail", "ses:SendBulkTemplatedEmail",
    "sms-voice:SendTextMessage", "mobiletargeting:SendMessages",
];

/**
 * Writes of data that a service accepts from another account when that
 * account's resource policy allows it. On a resource of the account they are
 * how the fleet works (the runtime writes its own log group and archive); on
 * `*` they reach every account that opens its door.
 */
const CROSS_ACCOUNT_WRITES = [
    "sts:AssumeRole", "sns:Publish", "sqs:SendMessage", "s3:PutObject", "s3:ReplicateObject", "events:PutEvents",
    "firehose:PutRecord", "firehose:PutRecordBatch", "kinesis:PutRecord", "kinesis:PutRecords", "logs:PutLogEvents",
    "lambda:InvokeFunction", "lambda:InvokeAsync", "lambda:InvokeFunctionUrl", "execute-api:Invoke",
    "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "secretsmanager:PutSecretValue", "ecr:PutImage",
    "es:ESHttpPost", "es:ESHttpPut", "states:StartExecution", "states:StartSyncExecution",
];

/** Condition keys that hold a request to the resources of one account. */
const RESOURCE_ACCOUNT_KEYS = ["aws:resourceaccount", "s3:resourceaccount"];

export interface ReachScope {
    state: StackState;
    account: string;
    /** The stack's code for a path out. */
    code: Code;
    /** The tenant findings are reported under. */
    tenant: string;
    iam: AccountIam;
    /** Names of the buckets the stack holds: bucket names are global, and one the stack does not hold may be another account's. */
    buckets: ReadonlySet<string>;
    /** The stack's documented references to another account (the runtime's ops role). */
    outbound: (value: string) => boolean;
    /** Principals another check holds to exact normal forms (tenant roles). */
    skip: (p: IamPrincipal) => boolean;
    /**
     * Where no escalation check runs (the customer account): IAM writes and
     * function writes count too, since each can create a role another
     * account assumes, give a principal one of the actions above, or change
     * what the runtime does with every prompt. A policy not in the files, or
     * one the proof cannot read, is a finding too.
     */
    selfContained: boolean;
}

export function identityReachViolations(scope: ReachScope): Violation[] {
    const out: Violation[] = [];
    const flag = (resource: IamPrincipal["resource"], statement: string, why: string) =>
        out.push(violation(scope.code, { tenant: scope.tenant, stack: scope.state.stack, resource: resource.name, urn: resource.urn }, statement, why));
    for (const p of scope.iam.principals) {
        if (scope.skip(p)) continue;
        for (const source of p.policies) {
            if (source.document === undefined) {
                if (scope.selfContained) flag(source.resource, "-", `${p.kind} ${p.name} has ${source.name}, which is not in the files: the proof cannot show it opens no path out of the account ${scope.account}`);
                continue;
            }
            const parsed = parsePolicy(source.document);
            if ("problem" in parsed) {
                if (scope.selfContained) flag(source.resource, "(document)", `the policy of ${p.kind} ${p.name} ${parsed.problem}`);
                continue;
            }
            for (const s of parsed.statements) {
                if (s.effect !== "Allow") continue;
                for (const why of pathsOut(s, scope)) flag(source.resource, s.label, `lets ${p.kind} ${p.name} ${why}`);
            }
        }
    }
    return out;
}

/** Why an Allow statement opens a path out of `scope.account`, one reason each. */
function pathsOut(s: PolicyStatement, scope: Pick<ReachScope, "account" | "buckets" | "outbound" | "selfContained">): string[] {
    const out: string[] = [];
    const held = heldToAccount(s, scope.account);
    if (!held) {
        const foreign = (s.resources ?? []).flatMap((r) => foreignResource(r, scope));
        if (foreign.length > 0) out.push(`act on ${list(foreign)}: a path out of the account ${scope.account}`);
        const everywhere = s.notResources !== undefined || s.resources === undefined || s.resources.includes("*");
        const writes = everywhere ? CROSS_ACCOUNT_WRITES.filter((a) => coversAction(s, a)) : [];
        if (writes.length > 0) {
            const where = s.notResources !== undefined ? `every resource but ${JSON.stringify(s.notResources)} (NotResource)` : "every resource (*)";
            out.push(`${list(writes)} on ${where}, other accounts' included: each sends data to whichever account's resource the caller names; name the account's own resources, or hold it to them with aws:ResourceAccount`);
        }
    }
    const openers = PATH_OPENERS.filter((a) => coversAction(s, a));
    if (openers.length > 0) out.push(`${list(openers)}: each creates or re-points, at run time, a subscription, target, destination, notification, resource policy, grant or share whose other end the caller chooses, another account or an address outside AWS`);
    if (scope.selfContained) {
        const writes = [...iamWrites(s), ...FUNCTION_WRITES.filter((a) => coversAction(s, a))];
        if (writes.length > 0) out.push(`${list(writes)}: it could create or re-trust a role that another account assumes, give a principal any of the actions that open a path out, or change what the runtime does with every prompt`);
    }
    return out;
}

/** What a resource pattern names outside the account: another account, any account, or a bucket the stack does not hold. */
function foreignResource(pattern: string, scope: Pick<ReachScope, "account" | "buckets" | "outbound">): string[] {
    // `*` alone is every resource: the cross-account writes weigh it, so reads on `*` stay allowed.
    if (pattern === "*") return [];
    const account = accountOfPattern(pattern);
    if (account === undefined) return [`${pattern} (resources of any account)`];
    if (isAccountId(account)) return account === scope.account || scope.outbound(pattern) ? [] : [`${pattern} (account ${account})`];
    if (account !== "") return [];
    const fields = arnPatternFields(pattern);
    if (!fields || !(fields.service.toLowerCase() === "s3" || (hasWildcard(fields.service) && wildcardMatch(fields.service, "s3", true)))) return [];
    const bucket = fields.resource.split("/")[0];
    if (bucket === "") return [];
    // A bucket name is global: a pattern over names can match another account's bucket, whatever its fixed start.
    if (hasWildcard(bucket)) return [`${pattern} (buckets of any account)`];
    return scope.buckets.has(bucket) ? [] : [`${pattern} (bucket ${bucket}, not a bucket of this stack)`];
}

/** Whether an exact `aws:ResourceAccount` (or `s3:ResourceAccount`) condition holds the statement to the account's own resources. */
function heldToAccount(s: PolicyStatement, account: string): boolean {
    return s.conditions.some((c) => RESOURCE_ACCOUNT_KEYS.includes(c.key) && c.operator === "StringEquals" && c.values.length > 0 && c.values.every((v) => v === account));
}

const list = (items: string[]) => `${items.slice(0, 3).join(", ")}${items.length > 3 ? ` and ${items.length - 3} more` : ""}`;

/** The ops account's principals other than tenant roles, which the tenant proof reduces to exact grants. */
export function opsIdentityReachViolations(state: StackState, account: string, iam: AccountIam, tenants: TenantIntent[]): Violation[] {
    const tenantRoles = new Set(tenants.map((t) => t.roleName.toLowerCase()));
    return identityReachViolations({
        state, account, code: "BT-OPS-EGRESS", tenant: "(ops account)", iam, buckets: ownBuckets(state), outbound: () => false,
        skip: (p) => p.kind === "role" && tenantRoles.has(p.name.toLowerCase()), selfContained: false,
    });
}
