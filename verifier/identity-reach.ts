/**
 * Paths out of an account that an identity policy opens by itself, in the
 * ops and the customer accounts alike. The egress checks read what the
 * stack's resources send where; a principal's policies say where it may send
 * at run time, and what it may re-point there. So an Allow is a path out when
 * it names a resource of another account, a bucket the stack does not hold,
 * or an access point the stack does not hold (one can front another
 * account's bucket); when it may write to a resource of its own account the
 * stack does not hold (its holder decides where it forwards); when it may
 * create or re-point a subscription, target,
 * destination, notification, resource policy, grant or share, whose other
 * end the caller chooses, or create a resource with its policy in the same
 * request; and when it may write on `*`, or on a pattern over every
 * account's resources, with any action that is neither a read (by AWS's
 * access level) nor a write that stays in the caller's account. Only Allow
 * statements are read, as the escalation check reads them: a Deny beside a
 * grant does not excuse it.
 * Which service principals of a trust policy act for other accounts is read
 * here too, for the foreign-trust checks of both accounts.
 */
import { accountOfPattern, arnPatternFields, COMPUTE_SERVICE_PRINCIPAL, coversAction, coversService, hasWildcard, isAccountId, isReadPattern, isRecord, parseArn, parsePolicy, wildcardMatch, type ParsedArn, type PolicyStatement } from "../contract";
import { managed, notifyingTopics, ownBuckets, SOURCE_TIES, tiedToAccount, type AccountTies, type NotifyingTopic } from "./account-egress";
import { listSome, violation, type Code, type Violation } from "./findings";
import type { AccountIam, IamPrincipal } from "./iam-graph";
import type { TenantIntent } from "./intent";
import { principalWrites, runsAsOtherRole } from "./escalation-actions";
import { FUNCTION_WRITES, iamWrites } from "./ops-escalation";
import { stackArns, unheldOwnResource, writesTo } from "./own-resources";
import { prop, textProp, type StackResource, type StackState } from "./pulumi-formats";

/**
 * Actions that create or re-point a path out while the account runs: the
 * caller names the other end (a topic, a destination, a bucket, an account)
 * in the request, so the resource the statement names cannot hold it in.
 * None of the fleet's run-time principals needs one.
 */
export const PATH_OPENERS = [
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
    // Creates that take the new resource's policy, or where it sends, in the same request: a queue, topic, table, key,
    // event bus, domain or API made with a policy that admits another account is opened as it is made.
    "sqs:CreateQueue", "sns:CreateTopic", "dynamodb:CreateTable", "dynamodb:ExportTableToPointInTime",
    "kms:CreateKey", "kms:ReplicateKey", "kms:CreateCustomKeyStore", "kms:UpdateCustomKeyStore",
    "events:CreateEventBus", "events:UpdateEventBus", "ecr:CreateRepositoryCreationTemplate", "ecr:UpdateRepositoryCreationTemplate",
    "es:CreateDomain", "es:UpdateDomainConfig", "es:CreateElasticsearchDomain", "es:UpdateElasticsearchDomainConfig",
    "es:CreateOutboundConnection", "es:AcceptInboundConnection", "es:CreateOutboundCrossClusterSearchConnection",
    "es:AcceptInboundCrossClusterSearchConnection", "es:AuthorizeVpcEndpointAccess",
    "aoss:CreateAccessPolicy", "aoss:UpdateAccessPolicy", "aoss:CreateSecurityPolicy", "aoss:UpdateSecurityPolicy",
    "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:UpdateRestApiPolicy",
    // Other resource policies and shares: repositories, file systems, vaults, parameters, documents, snapshots, images, data shares.
    "ecr-public:CreateRepository", "ecr-public:SetRepositoryPolicy", "ecr-public:PutImage", "ecr-public:UploadLayerPart",
    "codeartifact:PutDomainPermissionsPolicy", "codeartifact:PutRepositoryPermissionsPolicy", "codebuild:PutResourcePolicy",
    "elasticfilesystem:PutFileSystemPolicy", "elasticfilesystem:CreateReplicationConfiguration", "glacier:SetVaultAccessPolicy",
    "ssm:PutResourcePolicy", "ssm:ModifyDocumentPermission", "cloudtrail:PutResourcePolicy", "serverlessrepo:PutApplicationPolicy",
    "acm-pca:PutPolicy", "s3tables:PutTableBucketPolicy", "s3tables:PutTablePolicy", "s3express:PutBucketPolicy", "vpc-lattice:PutResourcePolicy",
    "ec2:ModifySnapshotAttribute", "ec2:ModifyImageAttribute", "ec2:ModifyFpgaImageAttribute",
    "rds:ModifyDBSnapshotAttribute", "rds:ModifyDBClusterSnapshotAttribute",
    "redshift:AuthorizeSnapshotAccess", "redshift:AuthorizeDataShare", "redshift-serverless:PutResourcePolicy",
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
    "firehose:PutRecord", "firehose:PutRecordBatch", "kinesis:PutRecord", "kinesis:PutRecords",
    "lambda:InvokeFunction", "lambda:InvokeAsync", "lambda:InvokeFunctionUrl", "execute-api:Invoke",
    "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "secretsmanager:PutSecretValue", "ecr:PutImage",
    "es:ESHttpPost", "es:ESHttpPut", "states:StartExecution", "states:StartSyncExecution",
];

/**
 * Writes that stay in the caller's account whatever resource they name: a
 * metric, a trace, the network interfaces of a function in its own subnets,
 * an instance's reports to its own account's Systems Manager, and the
 * account's own log groups. CloudWatch Logs applies a log group's resource
 * policy only to AWS service principals, never to a role or user of another
 * account, and a log group is created by name in the caller's account: a
 * principal writes, shortens or deletes only its own account's logs (the
 * customer account holds its audit log to more, BT-CUSTOMER-AUDIT-REMOVAL).
 * The Logs actions that send elsewhere (subscriptions, deliveries, exports,
 * integrations, scheduled queries, keys) are not here. On `*` these writes
 * are how a function or an instance runs; every other write on `*` may
 * reach another account's resource, since the proof cannot list every
 * service that accepts writes through a resource policy (S3 directory
 * buckets and tables, AgentCore runtimes, IoT topics, shared parameters
 * were each added by AWS after the list above was written).
 */
const ACCOUNT_LOCAL_WRITES = new Set([
    "cloudwatch:putmetricdata", "xray:puttracesegments", "xray:puttelemetryrecords",
    "ec2:createnetworkinterface", "ec2:deletenetworkinterface", "ec2:assignprivateipaddresses", "ec2:unassignprivateipaddresses",
    // The SSM agent's calls about its own instance (AmazonSSMManagedInstanceCore).
    "ssm:updateinstanceinformation", "ssm:putinventory", "ssm:putcomplianceitems", "ssm:putconfigurepackageresult",
    "ssm:updateassociationstatus", "ssm:updateinstanceassociationstatus",
    "logs:createloggroup", "logs:createlogstream", "logs:putlogevents", "logs:putretentionpolicy", "logs:deleteretentionpolicy",
    "logs:deleteloggroup", "logs:deletelogstream", "logs:putmetricfilter", "logs:deletemetricfilter", "logs:putquerydefinition",
    "logs:deletequerydefinition", "logs:putloggroupdeletionprotection", "logs:tagloggroup", "logs:untagloggroup",
    "logs:tagresource", "logs:untagresource", "logs:putindexpolicy", "logs:deleteindexpolicy",
]);

/**
 * Services whose every resource is the caller account's own: IAM changes
 * only the account it is called in (its writes are the escalation and
 * self-contained checks' to weigh, not a path to another account); the SSM
 * agent's message channels (`ssmmessages`, `ec2messages`) carry sessions
 * and commands between an instance and its own account's Systems Manager.
 */
const ACCOUNT_LOCAL_SERVICES = new Set(["iam", "ssmmessages", "ec2messages"]);

/**
 * Reads by AWS's access level whose request carries the caller's content to
 * whatever it names: a model or endpoint (`bedrock:InvokeModel`,
 * `sagemaker:InvokeEndpoint`), a connection, a web page, another account's
 * collaboration. They are weighed as writes.
 */
const CARRYING_READS = ["invoke", "call", "send", "pass", "use", "connect", "external", "assume"];

/** A service no policy names: a NotAction that does not name it leaves every service AWS adds open. */
const UNLISTED_SERVICE_WRITE = "unlisted-service:PutData";

/**
 * The actions of an Allow on every resource that may write to a resource of
 * another account: each known cross-account write it covers, and every
 * other pattern that is neither a read nor an account-local write; with
 * NotAction, every service it does not name as well.
 */
function writesOnEveryAccount(s: PolicyStatement): string[] {
    const known = CROSS_ACCOUNT_WRITES.filter((a) => coversAction(s, a));
    if (s.notActions !== undefined) {
        return coversAction(s, UNLISTED_SERVICE_WRITE) ? [`every action but ${JSON.stringify(s.notActions)} (NotAction), any service's writes included`, ...known] : known;
    }
    const knownLower = new Set(known.map((a) => a.toLowerCase()));
    const others = (s.actions ?? []).filter((p) => !knownLower.has(p.toLowerCase()) && !readOrLocal(p));
    return [...known, ...others];
}

/**
 * Whether every action an action pattern can match only reads (access level
 * Read or List, contract/iam/access-levels.ts), or writes only in the
 * caller's account.
 */
function readOrLocal(pattern: string): boolean {
    const lower = pattern.toLowerCase();
    const colon = lower.indexOf(":");
    if (colon <= 0) return false;
    const service = lower.slice(0, colon);
    const name = lower.slice(colon + 1);
    if (hasWildcard(service)) return false;
    if (ACCOUNT_LOCAL_SERVICES.has(service)) return true;
    if (!hasWildcard(name) && ACCOUNT_LOCAL_WRITES.has(lower)) return true;
    return isReadPattern(lower) && !CARRYING_READS.some((v) => name.startsWith(v));
}

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
     * Where no escalation check runs (the customer account): IAM writes,
     * writes to the services that make principals outside IAM, function
     * writes and code run as another role count too, since each can create
     * a role another account assumes, give a principal one of the actions
     * above, or change what the runtime does with every prompt. A policy not in the files, or
     * one the proof cannot read, is a finding too.
     */
    selfContained: boolean;
}

export function identityReachViolations(scope: ReachScope): Violation[] {
    const out: Violation[] = [];
    const within = { ...scope, accessPoints: ownAccessPoints(scope.state, scope.buckets, scope.account), stackArns: stackArns(scope.state, scope.account) };
    const flag = (resource: IamPrincipal["resource"], statement: string, why: string) =>
        out.push(violation(scope.code, { tenant: scope.tenant, stack: scope.state.stack, resource: resource.name, urn: resource.urn }, statement, why));
    const notifying = [...notifyingTopics(scope.state, scope.account).values()];
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
                for (const why of pathsOut(s, within)) flag(source.resource, s.label, `lets ${p.kind} ${p.name} ${why}`);
                const relays = notifying.length > 0 && coversAction(s, "sns:Publish") ? notifying.filter((t) => mayReach(s, t.arn)) : [];
                if (relays.length > 0) flag(source.resource, s.label, `lets ${p.kind} ${p.name} sns:Publish to ${listSome(relays.map(relayed))}: whatever it holds would leave through the subscription; only alarms and budgets, whose states the stack words, may feed such a topic`);
            }
        }
    }
    return out;
}

/** Why an Allow statement opens a path out of `scope.account`, one reason each. */
function pathsOut(s: PolicyStatement, scope: Pick<ReachScope, "account" | "buckets" | "outbound" | "selfContained"> & { accessPoints: ReadonlySet<string>; stackArns: ReadonlySet<string> }): string[] {
    const out: string[] = [];
    // An access point of the account can front another account's bucket. Weighed whatever aws:ResourceAccount says:
    // the proof does not rely on which account that key reads for a request through an access point.
    if (coversService(s, "s3") || coversService(s, "s3-object-lambda")) {
        const fronted = (s.resources ?? []).flatMap((r) => foreignAccessPoint(r, scope));
        if (fronted.length > 0) out.push(`act through ${listSome(fronted)}: an access point can front a bucket of another account, so only an access point of the stack over a bucket of the stack stays in the account ${scope.account}`);
    }
    // Weighed once: the writes that may reach a resource outside the account, or outside the stack.
    const writes = writesOnEveryAccount(s);
    const everywhere = s.notResources !== undefined || s.resources === undefined || s.resources.includes("*");
    // A resource of the account the stack does not hold may forward anywhere, whatever account a condition holds the request to.
    const unheld = ownWrites(s, writes, scope);
    if (unheld.length > 0) out.push(`${unheld.join("; ")}: each is a resource of the account ${scope.account} that the stack does not hold, so whoever holds it decides where what is written there goes, and its policies are not in the files; name the stack's own resources`);
    const held = heldToAccount(s, scope.account);
    if (held && everywhere && writes.length > 0) {
        out.push(`${listSome(writes)} on every resource of the account ${scope.account}: aws:ResourceAccount holds it to the account, not to the stack, and a resource of the account the stack does not hold may forward anywhere; name the stack's own resources`);
    }
    if (!held) {
        // A pattern over every account's resources is weighed as `*` is: reads and account-local writes pass on either.
        const foreign = (s.resources ?? []).flatMap((r) => foreignResource(r, scope)).filter((f) => writes.length > 0 || !f.endsWith(ANY_ACCOUNT));
        if (foreign.length > 0) out.push(`act on ${listSome(foreign)}: a path out of the account ${scope.account}`);
        if (everywhere && writes.length > 0) {
            const where = s.notResources !== undefined ? `every resource but ${JSON.stringify(s.notResources)} (NotResource)` : "every resource (*)";
            out.push(`${listSome(writes)} on ${where}, other accounts' included: each sends data to whichever account's resource the caller names; name the stack's own resources`);
        }
    }
    const openers = PATH_OPENERS.filter((a) => coversAction(s, a));
    if (openers.length > 0) out.push(`${listSome(openers)}: each creates or re-points, at run time, a subscription, target, destination, notification, resource policy, grant or share whose other end the caller chooses, another account or an address outside AWS, or creates a queue, topic, table, key or endpoint with a policy the caller writes in the same request`);
    if (scope.selfContained) {
        const writes = [...iamWrites(s), ...principalWrites(s), ...FUNCTION_WRITES.filter((a) => coversAction(s, a)), ...runsAsOtherRole(s)];
        if (writes.length > 0) out.push(`${listSome(writes)}: it could create or re-trust a role that another account assumes (through IAM, Identity Center, Organizations, a directory, Cognito or Roles Anywhere), give a principal any of the actions that open a path out, run code as a role it does not hold, or change what the runtime does with every prompt`);
    }
    return out;
}

/**
 * The statement's writes (`writes`, as writesOnEveryAccount weighs them) on resource patterns of the account that can name
 * a resource the stack does not hold, each with the writes that apply to
 * it. IAM and the account's log groups stay in the account (the
 * account-local writes), so only `sts:AssumeRole` is weighed on a role.
 */
function ownWrites(s: PolicyStatement, writes: string[], scope: { account: string; stackArns: ReadonlySet<string> }): string[] {
    if (writes.length === 0) return [];
    return (s.resources ?? []).flatMap((r) => {
        const fields = arnPatternFields(r);
        if (fields === undefined || notForwarding(fields.service) || !unheldOwnResource(r, scope.account, scope.stackArns)) return [];
        const applying = s.notActions !== undefined ? writes : writes.filter((w) => writesTo(w, fields.service));
        return applying.length === 0 ? [] : [`${listSome(applying)} on ${r}`];
    });
}

const ANY_ACCOUNT = " (resources of any account)";

/**
 * Services whose resources of the account the own-resource rule leaves to
 * others: S3 access points to the access-point rule; a KMS key of the
 * account forwards nothing it is given (it answers the caller, and who else
 * may use it is its policy's and grants', whose writes open paths above).
 */
const notForwarding = (service: string) => ACCESS_POINT_SERVICES.includes(service.toLowerCase()) || service.toLowerCase() === "kms";

/** What a resource pattern names outside the account: another account, any account, or a bucket the stack does not hold. */
function foreignResource(pattern: string, scope: Pick<ReachScope, "account" | "buckets" | "outbound">): string[] {
    // `*` alone is every resource: the cross-account writes weigh it, so reads on `*` stay allowed.
    if (pattern === "*") return [];
    const account = accountOfPattern(pattern);
    if (account === undefined) return [`${pattern}${ANY_ACCOUNT}`];
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

/** Services whose ARNs name S3 access points: `accesspoint/NAME` in `s3` (Multi-Region ones without a Region) and `s3-object-lambda`. */
const ACCESS_POINT_SERVICES = ["s3", "s3-object-lambda"];
const ACCESS_POINT = "accesspoint/";

/**
 * An access point named by a resource pattern of the account's own ARNs
 * that is not one of `scope.accessPoints`: one the stack does not hold, or a
 * pattern over access point names, Regions or services. Another account's
 * access points are foreign resources already.
 */
function foreignAccessPoint(pattern: string, scope: { account: string; accessPoints: ReadonlySet<string> }): string[] {
    const fields = arnPatternFields(pattern);
    if (!fields || fields.account !== scope.account) return [];
    if (!ACCESS_POINT_SERVICES.some((svc) => fields.service.toLowerCase() === svc || (hasWildcard(fields.service) && wildcardMatch(fields.service, svc, true)))) return [];
    // Compared without case: a pattern that differs from an access point's ARN only in case is reported, never passed.
    const wild = firstWildcard(fields.resource);
    const literal = (wild < 0 ? fields.resource : fields.resource.slice(0, wild)).toLowerCase();
    if (!(literal.startsWith(ACCESS_POINT) || (wild >= 0 && ACCESS_POINT.startsWith(literal)))) return [];
    const name = literal.startsWith(ACCESS_POINT) ? fields.resource.slice(ACCESS_POINT.length).split("/")[0] : "*";
    const base = `arn:${fields.partition}:${fields.service}:${fields.region}:${fields.account}:${ACCESS_POINT}${name}`;
    if (hasWildcard(base)) return [`${pattern} (access points of the account, any of which may front another account's bucket)`];
    return scope.accessPoints.has(base) ? [] : [`${pattern} (access point ${name}, not an access point of this stack over a bucket of this stack)`];
}

/** Where a pattern stops being literal: a `*`, a `?` or a policy variable. */
function firstWildcard(pattern: string): number {
    const found = [pattern.indexOf("*"), pattern.indexOf("?"), pattern.indexOf("${")].filter((i) => i >= 0);
    return found.length === 0 ? -1 : Math.min(...found);
}

/** Access point types: where each holds the buckets it fronts. */
const ACCESS_POINT_TYPES: Readonly<Record<string, (r: StackResource) => { buckets: unknown[]; accessPoints: unknown[] }>> = {
    "aws:s3/accessPoint:AccessPoint": (r) => ({ buckets: [prop(r, "bucket")], accessPoints: [] }),
    "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint": (r) => {
        const details = prop(r, "details");
        const regions = isRecord(details) && Array.isArray(details.regions) ? details.regions : [];
        return { buckets: regions.length === 0 ? [undefined] : regions.map((x) => (isRecord(x) ? x.bucket : undefined)), accessPoints: [] };
    },
    "aws:s3control/objectLambdaAccessPoint:ObjectLambdaAccessPoint": (r) => {
        const configuration = prop(r, "configuration");
        return { buckets: [], accessPoints: [isRecord(configuration) ? configuration.supportingAccessPoint : undefined] };
    },
};

/**
 * ARNs (`arn:…:accesspoint/NAME`) of the access points the stack holds in
 * its account whose every bucket is a bucket of the stack; an Object Lambda
 * access point counts when the access point it reads through does.
 */
function ownAccessPoints(state: StackState, buckets: ReadonlySet<string>, account: string): Set<string> {
    const out = new Set<string>();
    const pending: [string, unknown[]][] = [];
    for (const r of managed(state)) {
        const read = ACCESS_POINT_TYPES[r.type];
        const arn = textProp(r, "arn");
        const parsed = arn === undefined ? undefined : parseArn(arn);
        if (!read || !parsed || parsed.account !== account || !parsed.resource.startsWith(ACCESS_POINT)) continue;
        const fronts = read(r);
        if (!fronts.buckets.every((b) => typeof b === "string" && buckets.has(b))) continue;
        const base = accessPointBase(parsed);
        if (fronts.accessPoints.length === 0) out.add(base);
        else pending.push([base, fronts.accessPoints]);
    }
    // One pass is enough: an Object Lambda access point reads through a plain access point, never through another one.
    for (const [base, through] of pending) {
        if (through.every((a) => typeof a === "string" && out.has(accessPointBase(parseArn(a))))) out.add(base);
    }
    return out;
}

const accessPointBase = (arn: ParsedArn | undefined) =>
    arn ? `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${ACCESS_POINT}${arn.resource.slice(ACCESS_POINT.length).split("/")[0]}` : "";

const relayed = (t: NotifyingTopic) => `${t.arn} (a topic that delivers to an address the files cannot tie to the account, subscription ${t.via})`;

/**
 * Whether the statement can apply to the resource `arn`: a policy variable
 * can stand for any text, so it is read as `*` in `Resource`, and excludes
 * nothing for certain in `NotResource`.
 */
function mayReach(s: PolicyStatement, arn: string): boolean {
    if (s.notResources !== undefined) return !s.notResources.some((p) => !p.includes("${") && wildcardMatch(p, arn));
    if (s.resources === undefined) return true;
    return s.resources.some((p) => wildcardMatch(p.replace(/\$\{[^}]*\}/g, "*"), arn));
}

/** Whether an exact `aws:ResourceAccount` (or `s3:ResourceAccount`) condition holds the statement to the account's own resources. */
function heldToAccount(s: PolicyStatement, account: string): boolean {
    return s.conditions.some((c) => RESOURCE_ACCOUNT_KEYS.includes(c.key) && c.operator === "StringEquals" && c.values.length > 0 && c.values.every((v) => v === account));
}


/** The ops account's principals other than tenant roles, which the tenant proof reduces to exact grants. */
export function opsIdentityReachViolations(state: StackState, account: string, iam: AccountIam, tenants: TenantIntent[]): Violation[] {
    const tenantRoles = new Set(tenants.map((t) => t.roleName.toLowerCase()));
    return identityReachViolations({
        state, account, code: "BT-OPS-EGRESS", tenant: "(ops account)", iam, buckets: ownBuckets(state), outbound: () => false,
        skip: (p) => p.kind === "role" && tenantRoles.has(p.name.toLowerCase()), selfContained: false,
    });
}

/**
 * The service principals the components run the customer runtime under
 * (contract/runtime-compute.ts, whose table builds the role's trust). A role reaches
 * them only through `iam:PassRole`, which no principal of another account
 * holds on a role of this one, and which is itself a finding in either
 * account: these may be trusted without an account condition.
 */
export const RUNTIME_SERVICE_PRINCIPALS: readonly string[] = Object.values(COMPUTE_SERVICE_PRINCIPAL);

/**
 * Services that hand a role's credentials to callers who are not principals
 * of any account: IAM Roles Anywhere to whoever holds a certificate of a
 * trust anchor's CA, Cognito to an identity pool's users. An account
 * condition names only where the anchor or the pool is, not who the caller
 * is, so no condition ties them to the account.
 */
const OUTSIDE_CALLER_SERVICES = ["rolesanywhere.amazonaws.com", "cognito-identity.amazonaws.com"];

/**
 * The service principals an Allow of a trust policy admits on behalf of
 * callers outside `account`, each with why. Any other service assumes a role
 * for whichever account's resource names it (the confused deputy), unless
 * the statement holds it to the account by `StringEquals aws:SourceAccount`
 * or an `aws:SourceArn` of the account. A wildcard service is any service.
 */
export function untiedServices(s: PolicyStatement, account: string): string[] {
    const services = s.principals?.Service ?? [];
    if (services.length === 0) return [];
    const tied = tiedToAccount(s, account, NO_BUCKETS, TRUST_TIES);
    const out: string[] = [];
    for (const v of services) {
        const lower = v.toLowerCase();
        if (hasWildcard(v)) out.push(`Service ${v} (a pattern: any service, acting for any account)`);
        else if (OUTSIDE_CALLER_SERVICES.includes(lower)) out.push(`Service ${v} (for callers that are no principal of any account, certificate holders or identity pool users, whatever account condition the trust adds)`);
        else if (!RUNTIME_SERVICE_PRINCIPALS.includes(lower) && !tied) out.push(`Service ${v} (acting for any account whose resource names the role: no aws:SourceAccount or aws:SourceArn of ${account})`);
    }
    return out;
}

/** The service principals of a trust policy's Allows (for `sts:` actions) that act for callers outside `account`. */
export function servicesFromOutside(trust: unknown, account: string): string[] {
    const parsed = parsePolicy(trust);
    if ("problem" in parsed) return [];
    return parsed.statements.filter((s) => s.effect === "Allow" && coversService(s, "sts")).flatMap((s) => untiedServices(s, account));
}

/** In a trust policy, only `StringEquals aws:SourceAccount` names the account a service assumes the role for, besides an `aws:SourceArn` of the account. */
const TRUST_TIES: AccountTies = { accountKeys: new Set(["aws:sourceaccount"]), accountOperators: new Set(["StringEquals"]), arnKeys: SOURCE_TIES.arnKeys };
/** A trust policy's `aws:SourceArn` must name the account itself: an ARN without an account (an S3 bucket's) names none. */
const NO_BUCKETS: ReadonlySet<string> = new Set();
