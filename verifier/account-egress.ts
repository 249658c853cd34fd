/**
 * The paths out of an account that every stack is held to, the ops account's
 * as much as a customer's: resource policies that admit another account,
 * invocations from outside, destinations (subscriptions, targets, alarm
 * actions, notifications, links, logs, replication, query results) that do
 * not end at a resource of the stack, and any value that names another
 * account. Each stack passes its own code and its documented outbound
 * references.
 */
import { accountOfPrincipal, isAccountId, isRecord, parseArn, parsePolicy, type ParsedArn, type PolicyStatement } from "../contract";
import type { Code } from "./findings";
import { jsonValue, MAX_NESTING, prop, textProp, type StackResource, type StackState } from "./pulumi-formats";
import { knownType } from "./resource-types";

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const BUCKET_LOGGING_TYPES = ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"];
const ACCOUNT_POLICY_TYPE = "aws:cloudwatch/logAccountPolicy:LogAccountPolicy";
const LAMBDA_PERMISSION_TYPE = "aws:lambda/permission:Permission";
const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";
const DATA_PROTECTION_TYPE = "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy";
const VPC_ENDPOINT_TYPE = "aws:ec2/vpcEndpoint:VpcEndpoint";
const FUNCTION_TYPE = "aws:lambda/function:Function";
const FUNCTION_URL_TYPE = "aws:lambda/functionUrl:FunctionUrl";
/** Type → the property holding a resource policy: who outside the account it admits is a path out. */
const RESOURCE_POLICIES: Readonly<Record<string, string>> = {
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyDocument",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:s3/bucket:Bucket": "policy",
    "aws:s3/bucketV2:BucketV2": "policy",
    "aws:sns/topic:Topic": "policy",
};

/**
 * Resources the stack itself holds in AWS: custom resources of the aws
 * provider. Every "of the stack" of the egress checks (buckets, log groups,
 * receivers) is one of these. The stack, its components and its providers
 * hold whatever the program puts in their outputs (a stack output named
 * `arn` is no resource), and one read with `.get()` is someone else's,
 * whatever its name.
 */
export function managed(state: StackState): StackResource[] {
    return state.resources.filter((r) => r.custom && !r.external && r.type.startsWith("aws:"));
}

/** Names of the buckets the stack manages (a bucket's id is its name; its URN name is not). */
export function ownBuckets(state: StackState): Set<string> {
    return new Set(managed(state).filter((r) => BUCKET_TYPES.includes(r.type)).map((r) => textProp(r, "bucket") ?? r.id).filter((n): n is string => n !== undefined));
}

/** Names of the log groups the stack manages. */
export function ownLogGroups(state: StackState): Set<string> {
    return new Set(managed(state).filter((r) => r.type === LOG_GROUP_TYPE).map((r) => textProp(r, "name")).filter((n): n is string => n !== undefined));
}

/**
 * Known types that can receive what a destination sends, each with the
 * service of its ARN and how AWS forms that ARN from its name. No other type
 * of the stack receives anything: a role, a key or an alarm named as a
 * destination is not one.
 */
const RECEIVERS: Readonly<Record<string, { service: string; name?: string; resource?: (name: string) => string }>> = {
    "aws:sns/topic:Topic": { service: "sns", name: "name", resource: (n) => n },
    "aws:lambda/function:Function": { service: "lambda", name: "name", resource: (n) => `function:${n}` },
    "aws:cloudwatch/logGroup:LogGroup": { service: "logs", name: "name", resource: (n) => `log-group:${n}` },
    "aws:cloudwatch/logDestination:LogDestination": { service: "logs", name: "name", resource: (n) => `destination:${n}` },
    "aws:oam/sink:Sink": { service: "oam" },
    "aws:s3/bucket:Bucket": { service: "s3", name: "bucket", resource: (n) => n },
    "aws:s3/bucketV2:BucketV2": { service: "s3", name: "bucket", resource: (n) => n },
};

const receiverKey = (service: string, region: string, account: string, resource: string) => `${service}\u0000${region}\u0000${account}\u0000${resource}`;

/** The key of the receiver an ARN names: a function's qualifier, a log group's `:*` and an object key name the same receiver. */
function keyOfArn(arn: ParsedArn): string {
    let resource = arn.resource;
    if (arn.service === "s3") resource = resource.split("/")[0];
    else if (arn.service === "lambda" && resource.startsWith("function:")) resource = resource.split(":").slice(0, 2).join(":");
    else if (arn.service === "logs" && resource.endsWith(":*")) resource = resource.slice(0, -2);
    return receiverKey(arn.service, arn.region, arn.account, resource);
}

/**
 * The stack's receivers, keyed as a destination's ARN names them: by the ARN
 * AWS recorded, when it is of the receiver's own service and account, and by
 * the ARN AWS forms from the name and Region, which a preview knows before
 * the ARN. Built once per stack.
 */
function ownReceivers(state: StackState, account: string): Set<string> {
    const out = new Set<string>();
    for (const r of managed(state)) {
        const spec = RECEIVERS[r.type];
        if (spec === undefined) continue;
        const global = spec.service === "s3";
        const recorded = prop(r, "arn");
        const arn = typeof recorded === "string" ? parseArn(recorded) : undefined;
        // An `arn` of another service (a bucket "whose" ARN is a delivery stream) names no receiver of this type.
        if (arn && arn.service === spec.service && arn.account === (global ? "" : account)) out.add(keyOfArn(arn));
        const name = spec.name === undefined ? undefined : textProp(r, spec.name);
        const region = global ? "" : textProp(r, "region");
        if (name !== undefined && region !== undefined && spec.resource) out.add(receiverKey(spec.service, region, global ? "" : account, spec.resource(name)));
    }
    return out;
}

/** What must receive a destination: a receiver of the stack named by ARN, a bucket of the stack, an S3 location in one, or a log group of the stack. */
type Receiver = "resource" | "bucket" | "location" | "log group";
const RECEIVER_NOUN: Readonly<Record<Receiver, string>> = { "resource": "a resource", "bucket": "a bucket", "location": "a location in a bucket", "log group": "a log group" };

/** The value a destination names, one not judged, or why its kind is a finding. */
type Picked = { judge: unknown } | { skip: true } | { refuse: string };

interface Destination {
    /** From the property inwards: a key of an object (JSON text is read), or `[]` for every item of a list. */
    path: readonly string[];
    receiver: Receiver;
    /** What the resource sends there, for the finding. */
    sends: string;
    /** Every such resource sends somewhere: without a destination, where it sends cannot be proved. */
    required?: boolean;
    /** For a destination whose kind another field says. */
    pick?: (value: unknown, r: StackResource) => Picked;
}

/** Notifications to people and web endpoints carry alarm and budget states; the files cannot say whose the address is. */
const NOT_JUDGED_PROTOCOLS = new Set(["email", "email-json", "sms", "http", "https"]);
const RECEIVER_PROTOCOLS = new Set(["sqs", "lambda", "firehose", "application"]);
const alarmActions = (sends: string): Destination[] => ["alarmActions", "okActions", "insufficientDataActions"].map((p) => ({ path: [p, "[]"], receiver: "resource", sends }));
const bucketDestinations = (): Destination[] => [
    { path: ["logging", "targetBucket"], receiver: "bucket", sends: "delivers its access logs (object keys, and who read or wrote them) to" },
    { path: ["loggings", "[]", "targetBucket"], receiver: "bucket", sends: "delivers its access logs (object keys, and who read or wrote them) to" },
    { path: ["replicationConfiguration", "rules", "[]", "destination", "bucket"], receiver: "bucket", sends: "copies its objects to" },
    { path: ["replicationConfigurations", "[]", "rules", "[]", "destinations", "[]", "bucket"], receiver: "bucket", sends: "copies its objects to" },
];

/**
 * Every destination property of every type the proof knows: where the
 * resource sends data, events or notifications. Each must end at a resource
 * of the stack; a path to another account is also a foreign reference.
 */
const DESTINATIONS: Readonly<Record<string, readonly Destination[]>> = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": alarmActions("sends its state changes to"),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": alarmActions("sends its state changes to"),
    "aws:budgets/budget:Budget": [{ path: ["notifications", "[]", "subscriberSnsTopicArns", "[]"], receiver: "resource", sends: "sends its spend notifications to" }],
    "aws:budgets/budgetAction:BudgetAction": [{
        path: ["subscribers", "[]"], receiver: "resource", sends: "notifies its action to",
        pick: (s) => {
            const kind = isRecord(s) ? s.subscriptionType : undefined;
            if (kind === "EMAIL") return { skip: true };
            return kind === "SNS" && isRecord(s) ? { judge: s.address } : { refuse: `notifies its action to ${JSON.stringify(s)}, a subscriber kind the proof does not know` };
        },
    }],
    "aws:sns/topicSubscription:TopicSubscription": [
        {
            path: ["endpoint"], receiver: "resource", sends: "delivers the topic's messages to", required: true,
            pick: (endpoint, r) => {
                const protocol = textProp(r, "protocol") ?? "";
                if (NOT_JUDGED_PROTOCOLS.has(protocol)) return { skip: true };
                return RECEIVER_PROTOCOLS.has(protocol) ? { judge: endpoint } : { refuse: `delivers the topic's messages by protocol ${JSON.stringify(protocol)}, which the proof does not know, to ${JSON.stringify(endpoint)}` };
            },
        },
        { path: ["redrivePolicy", "deadLetterTargetArn"], receiver: "resource", sends: "sends the messages it cannot deliver to" },
    ],
    "aws:cloudwatch/eventTarget:EventTarget": [
        // An API destination or a stream forwards the rule's events (alarm states, usage) anywhere.
        { path: ["arn"], receiver: "resource", sends: "sends the rule's events to", required: true },
        { path: ["deadLetterConfig", "arn"], receiver: "resource", sends: "sends the events it cannot deliver to" },
    ],
    "aws:lambda/function:Function": [
        { path: ["deadLetterConfig", "targetArn"], receiver: "resource", sends: "sends the events it failed on (a prompt, for the runtime) to" },
        { path: ["fileSystemConfig", "arn"], receiver: "resource", sends: "can write what it handles (a prompt, for the runtime) to the file system" },
    ],
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": [{ path: ["destinationArn"], receiver: "resource", sends: "sends its log group to", required: true }],
    // A destination of the stack is one hop: where it forwards must be the stack's too.
    "aws:cloudwatch/logDestination:LogDestination": [{ path: ["targetArn"], receiver: "resource", sends: "forwards what is subscribed to it to", required: true }],
    "aws:oam/link:Link": [{ path: ["sinkIdentifier"], receiver: "resource", sends: "shares the account's telemetry with the sink", required: true }],
    "aws:s3/bucket:Bucket": bucketDestinations(),
    "aws:s3/bucketV2:BucketV2": bucketDestinations(),
    "aws:s3/bucketLogging:BucketLogging": [{ path: ["targetBucket"], receiver: "bucket", sends: "delivers the bucket's access logs (object keys, and who read or wrote them) to", required: true }],
    "aws:s3/bucketLoggingV2:BucketLoggingV2": [{ path: ["targetBucket"], receiver: "bucket", sends: "delivers the bucket's access logs (object keys, and who read or wrote them) to", required: true }],
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": [{ path: ["rules", "[]", "destination", "bucket"], receiver: "bucket", sends: "copies the bucket's objects to" }],
    "aws:athena/workgroup:Workgroup": [
        { path: ["configuration", "resultConfiguration", "outputLocation"], receiver: "location", sends: "writes query results to" },
        { path: ["configuration", "monitoringConfiguration", "s3LoggingConfiguration", "logLocation"], receiver: "location", sends: "writes its query logs to" },
        { path: ["configuration", "monitoringConfiguration", "cloudWatchLoggingConfiguration", "logGroup"], receiver: "log group", sends: "writes its query logs to" },
    ],
    // Queries that insert into a table write at its location.
    "aws:glue/catalogDatabase:CatalogDatabase": [{ path: ["locationUri"], receiver: "location", sends: "keeps its tables' data at" }],
    "aws:glue/catalogTable:CatalogTable": [
        { path: ["storageDescriptor", "location"], receiver: "location", sends: "keeps its data, and what queries insert into it, at" },
        { path: ["storageDescriptor", "additionalLocations", "[]"], receiver: "location", sends: "keeps its data at" },
        { path: ["parameters", "storage.location.template"], receiver: "location", sends: "keeps its partitions at" },
    ],
};

/** The bucket an S3 ARN names (`arn:aws:s3:::NAME`, or an object in it). */
function bucketOfArn(value: string): string | undefined {
    const arn = parseArn(value);
    return arn?.service === "s3" && arn.region === "" && arn.account === "" ? arn.resource.split("/")[0] : undefined;
}

/** Every value the destination names, with where it is: each item of a list, JSON text read, a shape the path does not expect judged as it is. */
function eachDestination(r: StackResource, d: Destination, judge: (value: unknown, where: string) => void): void {
    const step = (value: unknown, at: number, where: string): void => {
        if (at === d.path.length) return judge(value, where);
        if (value === undefined || value === null || value === "") return;
        const key = d.path[at];
        if (key === "[]") {
            // One item recorded without its list is still one item.
            if (Array.isArray(value)) value.forEach((v, i) => step(v, at + 1, `${where}[${i}]`));
            else step(value, at + 1, where);
            return;
        }
        const record = typeof value === "string" ? jsonValue(value) : value;
        // A block recorded as a list of one.
        if (Array.isArray(record)) return record.forEach((v, i) => step(v, at, `${where}[${i}]`));
        // A shape the path does not expect cannot be shown to end in the stack: it is judged as it is, and fails.
        if (!isRecord(record)) return judge(value, where);
        step(record[key], at + 1, `${where}.${key}`);
    };
    step(prop(r, d.path[0]), 1, d.path[0]);
}

export interface EgressContext {
    state: StackState;
    account: string;
    /** The stack's own code for a path out, and for an invocation from outside. */
    code: Code;
    invokeCode: Code;
    buckets: Set<string>;
    /** The stack's documented references to another account (the runtime's ops role, say). */
    outbound: (value: string) => boolean;
    /** Types whose references to other accounts another check reasons about. */
    notScanned: ReadonlySet<string>;
    flag: (code: Code, r: StackResource, statement: string, why: string) => void;
}

export function egressViolations(ctx: EgressContext): void {
    const { state, account, code, flag, buckets } = ctx;
    const receivers = ownReceivers(state, account);
    const logGroups = ownLogGroups(state);
    const isReceiver = (value: unknown) => {
        const arn = typeof value === "string" ? parseArn(value) : undefined;
        return arn !== undefined && receivers.has(keyOfArn(arn));
    };
    const received: Readonly<Record<Receiver, (value: unknown) => boolean>> = {
        "resource": isReceiver,
        "bucket": (v) => typeof v === "string" && (v.startsWith("arn:") ? bucketOfArn(v) !== undefined && buckets.has(bucketOfArn(v)!) : buckets.has(v)),
        "location": (v) => typeof v === "string" && v.startsWith("s3://") && buckets.has(v.slice(5).split("/")[0]),
        "log group": (v) => typeof v === "string" && (v.startsWith("arn:") ? parseArn(v)?.service === "logs" && isReceiver(v) : logGroups.has(v)),
    };
    const where = account === undefined ? "the account" : `the account ${account}`;
    for (const r of state.resources) {
        for (const d of DESTINATIONS[r.type] ?? []) {
            eachDestination(r, d, (value, path) => {
                const picked: Picked = d.pick ? d.pick(value, r) : { judge: value };
                if ("skip" in picked) return;
                if ("refuse" in picked) return flag(code, r, path, picked.refuse);
                const to = picked.judge;
                if ((to === undefined || to === null || to === "") && !d.required) return;
                if (!received[d.receiver](to)) flag(code, r, path, `${d.sends} ${JSON.stringify(to) ?? "nothing"}, which is not ${RECEIVER_NOUN[d.receiver]} of this stack`);
            });
        }
        if (r.type === ACCOUNT_POLICY_TYPE && prop(r, "policyType") === "SUBSCRIPTION_FILTER_POLICY") {
            const doc = jsonValue(prop(r, "policyDocument"));
            const to = isRecord(doc) ? doc.DestinationArn : undefined;
            if (!isReceiver(to)) flag(code, r, "policyDocument", `subscribes every log group of the account to ${JSON.stringify(to)}, which is not a resource of this stack`);
        }
        const protection = r.type === DATA_PROTECTION_TYPE ? prop(r, "policyDocument") : r.type === ACCOUNT_POLICY_TYPE && prop(r, "policyType") === "DATA_PROTECTION_POLICY" ? prop(r, "policyDocument") : undefined;
        if (protection !== undefined) {
            for (const why of findingsDestinations(protection, buckets, logGroups)) flag(code, r, "policyDocument", why);
        }
        if (BUCKET_TYPES.includes(r.type)) {
            const acl = prop(r, "acl");
            const grants = prop(r, "grants");
            if (acl !== undefined && acl !== null && acl !== "" && acl !== "private") flag(code, r, "acl", `opens the bucket with the ACL ${JSON.stringify(acl)}`);
            if (Array.isArray(grants) && grants.length > 0) flag(code, r, "grants", `grants access by ACL to ${grants.length} grantee(s), named by canonical ids or groups the proof cannot tie to the account`);
        }
        if (BUCKET_LOGGING_TYPES.includes(r.type)) {
            const grants = prop(r, "targetGrants");
            if (Array.isArray(grants) && grants.length > 0) flag(code, r, "targetGrants", `grants access by ACL to the access logs to ${grants.length} grantee(s), named by canonical ids, e-mail addresses or groups the proof cannot tie to the account`);
        }
        if (r.type === VPC_ENDPOINT_TYPE) {
            const service = textProp(r, "serviceName") ?? "";
            if (service.includes("vpce-svc-")) flag(code, r, "serviceName", `connects to the endpoint service ${service}, which some account runs, not an AWS service: traffic through it reaches that account`);
        }
        const policyKey = RESOURCE_POLICIES[r.type];
        if (policyKey !== undefined) {
            for (const who of allowedOutsiders(prop(r, policyKey), account)) flag(code, r, policyKey, `allows ${who}, outside ${where}`);
        }
        if (r.type === LAMBDA_PERMISSION_TYPE) {
            const why = invocationFromOutside(r, account, buckets);
            if (why) flag(ctx.invokeCode, r, "principal", why);
        }
        if (r.type === FUNCTION_URL_TYPE && prop(r, "authorizationType") !== "AWS_IAM") {
            flag(ctx.invokeCode, r, "authorizationType", `lets anyone call ${JSON.stringify(prop(r, "functionName"))} through its URL (authorizationType ${JSON.stringify(prop(r, "authorizationType"))})`);
        }
        if (!ctx.notScanned.has(r.type) && knownType(r.type)) {
            for (const [path, why] of foreignReferences(r, account, buckets, ctx.outbound)) flag(code, r, path, why);
        }
    }
}

/**
 * Why a Lambda permission lets a caller outside the account invoke the
 * function, or undefined. A service principal acts for whoever owns the
 * resource that triggers it, so it must be tied to the account by
 * `sourceAccount`, or by a `sourceArn` of the account (or of a bucket of the
 * stack, whose ARN names no account).
 */
function invocationFromOutside(r: StackResource, account: string, buckets: Set<string>): string | undefined {
    const who = prop(r, "principal");
    if (typeof who !== "string" || who === "*") return `lets ${JSON.stringify(who)}, outside the account, invoke ${JSON.stringify(prop(r, "function"))}`;
    const owner = accountOfPrincipal(who);
    if (owner !== undefined) return owner === account ? undefined : `lets ${who}, outside the account ${account}, invoke ${JSON.stringify(prop(r, "function"))}`;
    const sourceAccount = prop(r, "sourceAccount");
    if (sourceAccount !== undefined) return sourceAccount === account ? undefined : `lets ${who} invoke ${JSON.stringify(prop(r, "function"))} for account ${JSON.stringify(sourceAccount)}, not ${account}`;
    const source = prop(r, "sourceArn");
    const arn = typeof source === "string" ? parseArn(source) : undefined;
    if (arn && arn.account === account) return undefined;
    if (arn && arn.service === "s3" && arn.account === "" && buckets.has(arn.resource.split("/")[0])) return undefined;
    return `lets ${who} invoke ${JSON.stringify(prop(r, "function"))} for ${source === undefined ? "any source" : JSON.stringify(source)}: without a sourceAccount or sourceArn of the account ${account}, another account's resources could trigger it`;
}

/**
 * Why the findings of a CloudWatch Logs data protection policy (samples of the
 * sensitive data it found) leave the stack: each destination must be a bucket
 * or log group of the stack; a Firehose stream is not one the proof knows.
 */
function findingsDestinations(policy: unknown, buckets: ReadonlySet<string>, logGroups: ReadonlySet<string>): string[] {
    const doc = jsonValue(policy);
    if (!isRecord(doc)) return [`is not a policy document the proof can read (${JSON.stringify(policy)})`];
    const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    const out: string[] = [];
    for (const statement of statements) {
        const operation = isRecord(statement) && isRecord(statement.Operation) ? statement.Operation : undefined;
        const audit = operation && isRecord(operation.Audit) ? operation.Audit : undefined;
        const to = audit && isRecord(audit.FindingsDestination) ? audit.FindingsDestination : undefined;
        if (!to) continue;
        for (const [kind, target] of Object.entries(to)) {
            // Each kind names its target under its own key: a bucket under S3, a log group under CloudWatchLogs.
            const name = isRecord(target) ? (kind === "S3" ? target.Bucket : kind === "CloudWatchLogs" ? target.LogGroup : target.DeliveryStream) : undefined;
            const own = kind === "S3" ? typeof name === "string" && buckets.has(name) : kind === "CloudWatchLogs" ? typeof name === "string" && logGroups.has(name) : false;
            if (!own) out.push(`sends its findings, samples of the data it found, to ${kind} ${JSON.stringify(name)}, which is not a ${kind === "S3" ? "bucket" : kind === "CloudWatchLogs" ? "log group" : "resource"} of this stack`);
        }
    }
    return out;
}

/** Principals outside `account` that an Allow of a resource policy names. */
export function allowedOutsiders(doc: unknown, account: string): string[] {
    return doc === undefined || doc === null || doc === "" ? [] : outsiders(doc, account, () => true);
}

/** Principals outside `account` named by the Allow statements of `doc` that `relevant` selects; an unreadable document is one. */
export function outsiders(doc: unknown, account: string, relevant: (s: PolicyStatement) => boolean): string[] {
    const parsed = parsePolicy(doc);
    if ("problem" in parsed) return [`(a policy the proof cannot read: it ${parsed.problem})`];
    const out: string[] = [];
    for (const s of parsed.statements) {
        if (s.effect !== "Allow" || !relevant(s)) continue;
        if (s.notPrincipals) out.push("every principal but those of its NotPrincipal");
        for (const [kind, values] of Object.entries(s.principals ?? {})) {
            if (kind === "Service") continue;
            for (const v of values) if (kind !== "AWS" || v.includes("*") || accountOfPrincipal(v) !== account) out.push(kind === "AWS" ? v : `${kind} ${v}`);
        }
    }
    return out;
}

/**
 * Every value of the resource that names another account (an ARN in it, or
 * its bare twelve-digit id under any key), or a bucket the stack does not
 * hold: `[property path, why]`. JSON held in a string is read too, as a
 * policy or a configuration would be.
 */
export function foreignReferences(r: StackResource, account: string, buckets: Set<string>, outbound: (value: string) => boolean): [string, string][] {
    const out: [string, string][] = [];
    // A provider's forbiddenAccountIds names an account only to keep the provider out of it.
    const refusing = r.type === "pulumi:providers:aws";
    // A Deny of a resource policy names accounts only to keep them out (a bucket refreshed with its policy holds the archive's);
    // what the policy allows is judged by allowedOutsiders.
    const policyKey = RESOURCE_POLICIES[r.type];
    // The path is built only for a finding: a fleet's ops stack holds millions of values, nearly all clean.
    const trail: (string | number)[] = [];
    const here = () => trail.map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`)).join("");
    const walk = (value: unknown, key: string, depth: number): void => {
        // JSON held in text adds levels the read-time limit does not count: past the limit, what is not read is a finding, not a pass.
        if (depth > MAX_NESTING) {
            out.push([here(), `nests values deeper than ${MAX_NESTING} levels (JSON held in text counted in): the proof does not read them, so it cannot show they name no other account`]);
            return;
        }
        if (typeof value === "string") {
            const first = value.charCodeAt(0);
            if (first === OPEN_BRACE || first === OPEN_BRACKET) {
                if (outbound(value)) return;
                const nested = jsonValue(value);
                if (nested !== undefined) walk(nested, key, depth + 1);
                return;
            }
            if (value.startsWith("arn:")) {
                if (outbound(value)) return;
                const arn = parseArn(value);
                if (arn && isAccountId(arn.account) && arn.account !== account) out.push([here(), `refers to ${value}, in account ${arn.account}: a path out of the account ${account}`]);
                const bucket = arn?.service === "s3" ? arn.resource.split("/")[0] : undefined;
                if (bucket !== undefined && bucket !== "" && !buckets.has(bucket)) out.push([here(), `refers to bucket ${bucket}, which is not a bucket of this stack`]);
            } else if (value.startsWith("s3://")) {
                const bucket = value.slice(5).split("/")[0];
                if (bucket !== "" && !buckets.has(bucket)) out.push([here(), `refers to bucket ${bucket}, which is not a bucket of this stack`]);
            } else if (isAccountId(value) && value !== account && !(refusing && key === "forbiddenAccountIds") && !outbound(value)) {
                out.push([here(), `names account ${value} as ${key}: a path out of the account ${account}`]);
            }
        } else if (typeof value === "number") {
            // An account id given as a number is still read as one; a count or threshold under another key is not one.
            if (Number.isInteger(value) && value >= 1e11 && value < 1e12 && String(value) !== account && ACCOUNT_KEY.test(key)) {
                out.push([here(), `names account ${value} as ${key}: a path out of the account ${account}`]);
            }
        } else if (Array.isArray(value)) {
            for (let i = 0; i < value.length; i++) {
                trail.push(i);
                walk(value[i], key, depth + 1);
                trail.pop();
            }
        } else if (isRecord(value)) {
            if (policyKey !== undefined && trail[0] === policyKey && value.Effect === "Deny") return;
            for (const k in value) {
                trail.push(k);
                walk(value[k], k, depth + 1);
                trail.pop();
            }
        }
    };
    const keys = new Set([...Object.keys(r.inputs), ...Object.keys(r.outputs)]);
    const assets = ASSET_PROPERTIES[r.type];
    for (const k of keys) {
        // The deploy's own code (a function's archive of local files): its outputs restate it with hashes, and reading it would set the outputs view apart for nothing.
        // Anywhere else the asset shape is only a shape: what it holds is read like any value.
        if (assets?.has(k) && isPulumiAsset(r.inputs[k] ?? r.outputs[k])) continue;
        trail.push(k);
        walk(prop(r, k), k, 0);
        trail.pop();
    }
    return out;
}

/** Where an asset or archive belongs: a function's code. */
const ASSET_PROPERTIES: Readonly<Record<string, ReadonlySet<string>>> = { [FUNCTION_TYPE]: new Set(["code"]) };
/** Keys under which a twelve-digit number is an account id. */
const ACCOUNT_KEY = /account|owner|catalog/i;

/** Pulumi's asset and archive signatures, as the SDK serializes them (its runtime/rpc). */
const ASSET_SIGNATURES = new Set(["c44067f5952c0a294b673a41bacd8c17", "0def7320c3a5731c473e5ecbe6d01bc7"]);

function isPulumiAsset(value: unknown): boolean {
    if (!isRecord(value)) return false;
    const sig = value["4dabf18193072939515e22adb298388d"];
    return value.__pulumiArchive === true || value.__pulumiAsset === true || (typeof sig === "string" && ASSET_SIGNATURES.has(sig));
}

const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
