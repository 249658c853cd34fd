/**
 * The paths out of an account that every stack is held to, the ops account's
 * as much as a customer's: resource policies that admit another account,
 * invocations from outside, destinations (subscriptions, targets, alarm
 * actions, notifications, links, logs, replication, query results) that do
 * not end at a resource of the stack, and any value that names another
 * account. Each stack passes its own code and its documented outbound
 * references.
 */
import { AWSX_VPC_TYPE, endpointsOf, unreadVpcInputs } from "./awsx-vpc";
import { accountOfPattern, accountOfPrincipal, arnPatternFields, bucketOfBucketArn, coversAction, hasWildcard, isAccountId, isRecord, parseArn, parsePolicy, RuntimeEnv, type ParsedArn, type PolicyStatement } from "../contract";
import type { Code } from "./findings";
import { isSet, jsonValue, MAX_NESTING, prop, textProp, UNKNOWN_VALUE, type StackResource, type StackState } from "./pulumi-formats";
import { textFreeTest } from "./object-text";
import { repeatedKeys } from "./policy-text";
import { perProof } from "./proof-run";
import { resourceRegion } from "./resource-region";
import { knownType } from "./resource-types";
import { foreignGrantees, LAKE_FORMATION_GRANTS } from "./lake-formation-grants";
import { localTargets, ROUTE_TABLE_TYPE, ROUTE_TYPE, routesOutOfAccount } from "./network-routes";

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const BUCKET_LOGGING_TYPES = ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"];
const ACCOUNT_POLICY_TYPE = "aws:cloudwatch/logAccountPolicy:LogAccountPolicy";
const LAMBDA_PERMISSION_TYPE = "aws:lambda/permission:Permission";
const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";
const DATA_PROTECTION_TYPE = "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy";
export const TOPIC_TYPE = "aws:sns/topic:Topic";
const SUBSCRIPTION_TYPE = "aws:sns/topicSubscription:TopicSubscription";
/** A topic's policy as a resource of its own: read as the topic's `policy` is. */
export const TOPIC_POLICY_TYPE = "aws:sns/topicPolicy:TopicPolicy";
/**
 * Type → the property holding a data protection policy: its findings
 * (samples of the sensitive data it found) go where the document says.
 */
const DATA_PROTECTION_POLICIES: Readonly<Record<string, string>> = {
    [DATA_PROTECTION_TYPE]: "policyDocument",
    [TOPIC_TYPE]: "dataProtectionPolicy",
};
/** Account policy types whose documents hold no destination: field indexes and transformers act on the account's own log events. */
const ACCOUNT_POLICY_TYPES_WITHOUT_DESTINATIONS = new Set(["FIELD_INDEX_POLICY", "TRANSFORMER_POLICY"]);
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
    [TOPIC_POLICY_TYPE]: "policy",
    // Inbound to the account, but a sink or destination that admits other accounts draws their telemetry and logs in:
    // in the ops account, customers' log groups; in a customer account, whatever other accounts share.
    "aws:oam/sinkPolicy:SinkPolicy": "policy",
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": "accessPolicy",
};

/**
 * Resources the stack itself holds in AWS: custom resources of the aws
 * provider. Every "of the stack" of the egress checks (buckets, log groups,
 * receivers) is one of these. The stack, its components and its providers
 * hold whatever the program puts in their outputs (a stack output named
 * `arn` is no resource), and one read with `.get()` is someone else's,
 * whatever its name.
 */
export function managed(state: StackState): readonly StackResource[] {
    return perProof("managed", state, (s) => s.resources.filter((r) => r.custom && !r.external && r.type.startsWith("aws:")));
}

/** Names of the buckets the stack manages (a bucket's id is its name; its URN name is not). */
export function ownBuckets(state: StackState): Set<string> {
    return new Set(managed(state).filter((r) => BUCKET_TYPES.includes(r.type)).map((r) => textProp(r, "bucket") ?? r.id).filter((n): n is string => n !== undefined));
}

/** The one grant a bucket's owner holds: a canonical user with FULL_CONTROL and nothing else. */
function ownerGrantOnly(grants: unknown): boolean {
    const list = Array.isArray(grants) ? grants : [grants];
    return list.length === 1 && isRecord(list[0]) && list[0].type === "CanonicalUser" && Array.isArray(list[0].permissions) && list[0].permissions.length === 1 && list[0].permissions[0] === "FULL_CONTROL";
}

/** Buckets of the stack whose ownership controls disable ACLs (BucketOwnerEnforced). */
function aclsDisabled(state: StackState): Set<string> {
    const out = new Set<string>();
    for (const r of managed(state)) {
        if (r.type !== "aws:s3/bucketOwnershipControls:BucketOwnershipControls") continue;
        const rule = prop(r, "rule");
        const rules = Array.isArray(rule) ? rule : [rule];
        const bucket = textProp(r, "bucket");
        if (bucket !== undefined && rules.length > 0 && rules.every((x) => isRecord(x) && x.objectOwnership === "BucketOwnerEnforced")) out.add(bucket);
    }
    return out;
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
function ownReceivers(state: StackState, account: string): ReadonlySet<string> {
    return perProof(`receivers ${account}`, state, (s) => {
        const out = new Set<string>();
        for (const r of managed(s)) for (const key of receiverKeys(s, r, account)) out.add(key);
        return out;
    });
}

/** The keys a receiver is named by: the ARN AWS recorded, and the one AWS forms from its name and Region. */
function receiverKeys(state: StackState, r: StackResource, account: string): string[] {
    const spec = RECEIVERS[r.type];
    if (spec === undefined) return [];
    const out: string[] = [];
    const global = spec.service === "s3";
    const recorded = prop(r, "arn");
    const arn = typeof recorded === "string" ? parseArn(recorded) : undefined;
    // An `arn` of another service (a bucket "whose" ARN is a delivery stream) names no receiver of this type.
    if (arn && arn.service === spec.service && arn.account === (global ? "" : account)) out.push(keyOfArn(arn));
    const name = spec.name === undefined ? undefined : textProp(r, spec.name);
    // A receiver in the Region of its provider or configuration is named by that Region's ARN before a preview knows its own; one in a Region the file does not know is named by none.
    const region = global ? "" : resourceRegion(state, r);
    if (name !== undefined && region !== undefined && spec.resource) out.push(receiverKey(spec.service, region, global ? "" : account, spec.resource(name)));
    return out;
}

/** A topic of the stack that delivers to an address the files cannot tie to the account. */
export interface NotifyingTopic {
    /** The topic's ARN, as its subscription names it. */
    arn: string;
    /** The subscription that delivers it there, for findings. */
    via: string;
}

/**
 * Topics of the stack, by receiver key, that deliver to people, web
 * endpoints or by a protocol the proof does not know: what such a
 * subscription carries is left unjudged only because alarms and budgets,
 * whose states the stack words, are all that may reach the topic. A
 * subscription read with `.get()` delivers the stack's topic as surely as
 * one the stack created.
 */
export function notifyingTopics(state: StackState, account: string, receivers: ReadonlySet<string> = ownReceivers(state, account)): Map<string, NotifyingTopic> {
    const out = new Map<string, NotifyingTopic>();
    for (const r of state.resources) {
        if (r.type !== SUBSCRIPTION_TYPE || RECEIVER_PROTOCOLS.has(textProp(r, "protocol") ?? "")) continue;
        const topic = prop(r, "topic");
        const arn = typeof topic === "string" ? parseArn(topic) : undefined;
        if (!arn || arn.service !== "sns") continue;
        const key = keyOfArn(arn);
        if (receivers.has(key) && !out.has(key)) out.set(key, { arn: topic as string, via: `${r.name} (${textProp(r, "protocol") ?? "no protocol"} to ${textProp(r, "endpoint") ?? "nothing"})` });
    }
    return out;
}

/** The topic of `notifying` that a destination names, if any. */
function notifyingAt(notifying: ReadonlyMap<string, NotifyingTopic>, value: unknown): NotifyingTopic | undefined {
    if (notifying.size === 0 || typeof value !== "string") return undefined;
    const arn = parseArn(value);
    return arn?.service === "sns" ? notifying.get(keyOfArn(arn)) : undefined;
}

/** Services that publish alarm and budget states, the one feed of a topic that notifies people or web endpoints. */
const STATE_PUBLISHERS = new Set(["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]);

/**
 * Who a topic's policy lets publish, besides CloudWatch and Budgets: each
 * can put what it holds into the topic. The account itself (its root) leaves
 * publishing to identity policies, which are read on their own; `*` is an
 * outsider, reported as one.
 */
function otherPublishers(policy: unknown, account: string): string[] {
    if (policy === undefined || policy === null || policy === "") return [];
    const parsed = parsePolicy(policy);
    if ("problem" in parsed) return [];
    const out: string[] = [];
    for (const s of parsed.statements) {
        if (s.effect !== "Allow" || !coversAction(s, "sns:Publish")) continue;
        if (s.notPrincipals) out.push("every principal but those of its NotPrincipal");
        for (const [kind, values] of Object.entries(s.principals ?? {})) {
            for (const v of values) {
                if (kind === "Service" && STATE_PUBLISHERS.has(v)) continue;
                if (kind === "AWS" && (v === "*" || v === account || v === `arn:aws:iam::${account}:root`)) continue;
                out.push(kind === "AWS" ? v : `${kind} ${v}`);
            }
        }
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
    /**
     * What it sends is an alarm's or a budget's state, which the stack
     * itself words: the one feed a topic that notifies people or web
     * endpoints may take.
     */
    statesOnly?: true;
}

/** Notifications to people and web endpoints: the files cannot say whose the address is, so their topic takes only alarm and budget states (notifyingTopics). */
const NOT_JUDGED_PROTOCOLS = new Set(["email", "email-json", "sms", "http", "https"]);
const RECEIVER_PROTOCOLS = new Set(["sqs", "lambda", "firehose", "application"]);
const alarmActions = (sends: string): Destination[] => ["alarmActions", "okActions", "insufficientDataActions"].map((p) => ({ path: [p, "[]"], receiver: "resource", sends, statesOnly: true }));
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
    "aws:budgets/budget:Budget": [{ path: ["notifications", "[]", "subscriberSnsTopicArns", "[]"], receiver: "resource", sends: "sends its spend notifications to", statesOnly: true }],
    "aws:budgets/budgetAction:BudgetAction": [{
        path: ["subscribers", "[]"], receiver: "resource", sends: "notifies its action to", statesOnly: true,
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

const NO_DESTINATIONS: readonly Destination[] = [];


/**
 * Every block a property holds, read in every shape a file may record it:
 * an object, JSON text of one, or a list of these (a block of at most one
 * item, recorded as a list of one). An unset property holds none. Any other
 * shape is a problem: where a check reads, a value it cannot read is a
 * finding, never "nothing set".
 */
export function blocksOf(value: unknown): { blocks: Record<string, unknown>[] } | { problem: string } {
    if (!isSet(value)) return { blocks: [] };
    const blocks: Record<string, unknown>[] = [];
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
        const block = typeof item === "string" ? jsonValue(item) : item;
        if (!isRecord(block)) return { problem: `holds ${shortJson(value)}, which is not a block the proof can read` };
        blocks.push(block);
    }
    return { blocks };
}

/** A map a block holds (a function's `variables`, a metric's `dimensions`): an object or JSON text of one; unset, none. */
export function mapOf(value: unknown): { map: Record<string, unknown> } | { problem: string } {
    if (!isSet(value)) return { map: {} };
    const map = typeof value === "string" ? jsonValue(value) : value;
    return isRecord(map) ? { map } : { problem: `holds ${shortJson(value)}, which is not a map the proof can read` };
}

/**
 * A function's environment variables, however the file records them, or why
 * they cannot be read: an environment that could set `NODE_OPTIONS` in a
 * shape a check does not read is not one that sets nothing.
 */
export function environmentOf(value: unknown): { variables: Record<string, unknown> } | { problem: string } {
    const env = blocksOf(value);
    if ("problem" in env) return { problem: `its environment ${env.problem}` };
    if (env.blocks.length > 1) return { problem: `its environment holds ${env.blocks.length} blocks where Lambda takes one: which one AWS holds cannot be proved` };
    const variables = mapOf(env.blocks[0]?.variables);
    return "problem" in variables ? { problem: `its environment variables ${variables.problem}` } : { variables: variables.map };
}

/**
 * The function with its environment in the one shape every check reads
 * (`{ variables: {...} }`), or why it cannot be read. The resource itself
 * when it already is: most are. Only the value the checks read (`inputs`,
 * else `outputs`) is judged, so a problem only AWS holds is found as drift.
 */
export function withReadableEnvironment(r: StackResource): { resource: StackResource } | { problem: string } {
    const value = prop(r, "environment");
    const env = environmentOf(value);
    if ("problem" in env) return env;
    const canonical = !isSet(value) || (isRecord(value) && (!isSet(value.variables) || isRecord(value.variables)));
    return { resource: canonical ? r : { ...r, inputs: { ...r.inputs, environment: { variables: env.variables } } } };
}

const shortJson = (value: unknown) => {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};

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
    /** The customer stack's tenant id: all digits, it is a label in the runtime's environment, not an account. */
    tenantLabel?: string;
    flag: (code: Code, r: StackResource, statement: string, why: string) => void;
}

export function egressViolations(ctx: EgressContext): void {
    const { state, account, code, flag, buckets } = ctx;
    const receivers = ownReceivers(state, account);
    const notifying = notifyingTopics(state, account, receivers);
    const logGroups = ownLogGroups(state);
    const aclsOff = aclsDisabled(state);
    const routeTargets = localTargets(managed(state));
    const isReceiver = (value: unknown) => {
        const arn = typeof value === "string" ? parseArn(value) : undefined;
        return arn !== undefined && receivers.has(keyOfArn(arn));
    };
    const received: Readonly<Record<Receiver, (value: unknown) => boolean>> = {
        "resource": isReceiver,
        // Only the one ARN spelling S3 documents is tied to a bucket: a trailing `/` or a key is not shown to reach the bucket it starts with.
        "bucket": (v) => typeof v === "string" && buckets.has((v.startsWith("arn:") ? bucketOfBucketArn(v) : v) ?? ""),
        "location": (v) => typeof v === "string" && v.startsWith("s3://") && buckets.has(v.slice(5).split("/")[0]),
        "log group": (v) => typeof v === "string" && (v.startsWith("arn:") ? parseArn(v)?.service === "logs" && isReceiver(v) : logGroups.has(v)),
    };
    const where = account === undefined ? "the account" : `the account ${account}`;
    const textFree = textFreeTest(state);
    for (let i = 0; i < state.resources.length; i++) {
        const r = state.resources[i];
        for (const d of DESTINATIONS[r.type] ?? NO_DESTINATIONS) {
            eachDestination(r, d, (value, path) => {
                const picked: Picked = d.pick ? d.pick(value, r) : { judge: value };
                if ("skip" in picked) return;
                if ("refuse" in picked) return flag(code, r, path, picked.refuse);
                const to = picked.judge;
                if ((to === undefined || to === null || to === "") && !d.required) return;
                if (!received[d.receiver](to)) return flag(code, r, path, `${d.sends} ${JSON.stringify(to) ?? "nothing"}, which is not ${RECEIVER_NOUN[d.receiver]} of this stack`);
                // A topic that notifies people or web endpoints passes on whatever reaches it: only alarm and budget states may.
                const topic = d.statesOnly ? undefined : notifyingAt(notifying, to);
                if (topic) flag(code, r, path, `${d.sends} ${topic.arn}, a topic that delivers to an address the files cannot tie to the account (subscription ${topic.via}): only alarms and budgets, whose states the stack words, may feed such a topic`);
            });
        }
        if (r.type === SUBSCRIPTION_TYPE && !RECEIVER_PROTOCOLS.has(textProp(r, "protocol") ?? "")) {
            // Which topic it delivers decides what it carries: one that cannot be read could be a topic of the stack fed by anything.
            const topic = prop(r, "topic");
            if (topic !== UNKNOWN_VALUE && !(typeof topic === "string" && parseArn(topic)?.service === "sns")) flag(code, r, "topic", `delivers to ${JSON.stringify(prop(r, "endpoint"))} the messages of ${JSON.stringify(topic)}, which is not a topic ARN the proof can read: what reaches it cannot be proved`);
        }
        if (r.type === TOPIC_TYPE && notifying.size > 0) {
            const topic = receiverKeys(state, r, account).map((k) => notifying.get(k)).find((t) => t !== undefined);
            if (topic) for (const who of otherPublishers(prop(r, "policy"), account)) flag(code, r, "policy", `lets ${who} publish to ${topic.arn}, a topic that delivers to an address the files cannot tie to the account (subscription ${topic.via}): only alarms and budgets, whose states the stack words, may feed such a topic`);
        }
        if (r.type === TOPIC_POLICY_TYPE && notifying.size > 0) {
            const topic = notifyingAt(notifying, prop(r, "arn"));
            if (topic) for (const who of otherPublishers(prop(r, "policy"), account)) flag(code, r, "policy", `lets ${who} publish to ${topic.arn}, a topic that delivers to an address the files cannot tie to the account (subscription ${topic.via}): only alarms and budgets, whose states the stack words, may feed such a topic`);
        }
        if (r.type === ACCOUNT_POLICY_TYPE) {
            const kind = textProp(r, "policyType");
            if (kind === "SUBSCRIPTION_FILTER_POLICY") {
                const doc = jsonValue(prop(r, "policyDocument"));
                const to = isRecord(doc) ? doc.DestinationArn : undefined;
                if (!isReceiver(to)) flag(code, r, "policyDocument", `subscribes every log group of the account to ${JSON.stringify(to)}, which is not a resource of this stack`);
            } else if (kind === "DATA_PROTECTION_POLICY") {
                for (const why of findingsDestinations(prop(r, "policyDocument"), buckets, logGroups)) flag(code, r, "policyDocument", why);
            } else if (kind === undefined || !ACCOUNT_POLICY_TYPES_WITHOUT_DESTINATIONS.has(kind)) {
                // A policy type the proof does not read may send the account's logs anywhere.
                flag(code, r, "policyType", `is an account policy of type ${JSON.stringify(prop(r, "policyType"))}, which the proof does not read: where it sends the account's logs cannot be proved`);
            }
        }
        const protectionKey = DATA_PROTECTION_POLICIES[r.type];
        if (protectionKey !== undefined && isSet(prop(r, protectionKey))) {
            for (const why of findingsDestinations(prop(r, protectionKey), buckets, logGroups)) flag(code, r, protectionKey, why);
        }
        if (BUCKET_TYPES.includes(r.type)) {
            const acl = prop(r, "acl");
            const grants = prop(r, "grants");
            if (acl !== undefined && acl !== null && acl !== "" && acl !== "private") flag(code, r, "acl", `opens the bucket with the ACL ${JSON.stringify(acl)}`);
            // AWS reports the owner's own FULL_CONTROL grant on every bucket; with object ownership BucketOwnerEnforced S3 ignores ACLs, so that one grant opens nothing.
            if (isSet(grants) && !(aclsOff.has(textProp(r, "bucket") ?? "") && ownerGrantOnly(grants))) flag(code, r, "grants", `grants access by ACL to ${Array.isArray(grants) ? `${grants.length} grantee(s)` : JSON.stringify(grants)}, named by canonical ids or groups the proof cannot tie to the account`);
        }
        if (BUCKET_LOGGING_TYPES.includes(r.type)) {
            const grants = prop(r, "targetGrants");
            if (isSet(grants)) flag(code, r, "targetGrants", `grants access by ACL to the access logs to ${Array.isArray(grants) ? `${grants.length} grantee(s)` : JSON.stringify(grants)}, named by canonical ids, e-mail addresses or groups the proof cannot tie to the account`);
        }
        if (r.type === VPC_ENDPOINT_TYPE) for (const [path, why] of vpcEndpointPathsOut(r)) flag(code, r, path, why);
        if (r.type === AWSX_VPC_TYPE) {
            for (const [path, why] of unreadVpcInputs(r)) flag(code, r, path, why);
            for (const { at, endpoint } of endpointsOf(state, r)) for (const [path, why] of vpcEndpointPathsOut(endpoint)) flag(code, r, `${at}.${path}`, why);
        }
        const grantsKey = LAKE_FORMATION_GRANTS[r.type];
        if (grantsKey !== undefined) for (const [path, why] of foreignGrantees(prop(r, grantsKey), grantsKey, account, blocksOf)) flag(code, r, path, why);
        if (r.type === ROUTE_TYPE || r.type === ROUTE_TABLE_TYPE) for (const [path, why] of routesOutOfAccount(r, r.type === ROUTE_TABLE_TYPE ? blocksOf(prop(r, "routes")) : undefined, routeTargets)) flag(code, r, path, why);
        if (r.type === FUNCTION_TYPE && isSet(prop(r, "capacityProviderConfig"))) {
            // Capacity providers are not a type the proof knows, so none is of the stack: their instances, network and operator role are unproved.
            flag(code, r, "capacityProviderConfig", `runs on the capacity provider ${JSON.stringify(prop(r, "capacityProviderConfig"))}, which is not a resource of this stack: the instances that run the code, their network and the role that manages them are not in the files`);
        }
        const policyKey = RESOURCE_POLICIES[r.type];
        if (policyKey !== undefined) {
            for (const who of allowedOutsiders(prop(r, policyKey), account, buckets)) flag(code, r, policyKey, `allows ${who}, outside ${where}`);
        }
        if (r.type === LAMBDA_PERMISSION_TYPE) {
            const why = invocationFromOutside(r, account, buckets);
            if (why) flag(ctx.invokeCode, r, "principal", why);
        }
        if (r.type === FUNCTION_URL_TYPE && prop(r, "authorizationType") !== "AWS_IAM") {
            flag(ctx.invokeCode, r, "authorizationType", `lets anyone call ${JSON.stringify(prop(r, "functionName"))} through its URL (authorizationType ${JSON.stringify(prop(r, "authorizationType"))})`);
        }
        if (!ctx.notScanned.has(r.type) && knownType(r.type)) {
            for (const [path, why] of foreignReferences(r, account, buckets, ctx.outbound, ctx.tenantLabel)) flag(code, r, path, why);
        }
        // Every resource, of every type and every check: a document the proof reads one way may be read the other way by AWS.
        for (const [path, why] of repeatedKeys(r, (value) => textFree(r, i, value))) flag("BT-PLAN-DUPLICATE-KEY", r, path, why);
    }
}

/** Endpoint types that reach the service `serviceName` names (an unset type is the provider's default, Gateway). */
const SERVICE_ENDPOINT_TYPES = new Set(["Interface", "Gateway", "GatewayLoadBalancer"]);
/** Properties that point an endpoint at something other than its `serviceName`: a VPC Lattice service network or resource configuration, or another Region. */
const OTHER_ENDPOINT_TARGETS = ["serviceNetworkArn", "resourceConfigurationArn", "serviceRegion"];

/**
 * Why a VPC endpoint gives the VPC a path out, `[property, why]` each. An
 * endpoint is a path to an AWS service of its own Region only when it is of
 * a type that reaches a service, by the service's standard name
 * `com.amazonaws.<its Region>.<service>`. Anything else reaches what some
 * account runs: an endpoint service (`com.amazonaws.vpce.<region>.vpce-svc-…`,
 * a Marketplace or partner service), a VPC Lattice service network or
 * resource configuration (either can front services and resources of other
 * accounts, shared by RAM), or a service in another Region.
 */
function vpcEndpointPathsOut(r: StackResource): [string, string][] {
    const out: [string, string][] = [];
    const kind = prop(r, "vpcEndpointType");
    const unset = kind === undefined || kind === null || kind === "";
    if (!unset && !(typeof kind === "string" && SERVICE_ENDPOINT_TYPES.has(kind))) {
        out.push(["vpcEndpointType", `is an endpoint of type ${JSON.stringify(kind)}, not one that reaches an AWS service: ${kind === "ServiceNetwork" || kind === "Resource" ? "a VPC Lattice service network or resource configuration can front services and resources of other accounts, so " : ""}traffic through it can leave the account`]);
    }
    for (const key of OTHER_ENDPOINT_TARGETS) {
        const value = prop(r, key);
        if (key === "serviceRegion" && value === prop(r, "region")) continue;
        if (isSet(value)) out.push([key, `points the endpoint at ${JSON.stringify(value)} (${key}), not at an AWS service of its own Region: traffic through it can reach what another account runs`]);
    }
    const region = prop(r, "region");
    const service = prop(r, "serviceName");
    if (typeof region !== "string" || region === "" || region === UNKNOWN_VALUE) {
        out.push(["region", `names no Region the proof can read (${JSON.stringify(region)}): whether ${JSON.stringify(service)} is an AWS service of the endpoint's own Region cannot be proved`]);
    } else if (!(typeof service === "string" && isStandardServiceName(service, region))) {
        out.push(["serviceName", `connects to ${JSON.stringify(service) ?? "no service"}, not an AWS service of ${region} by its standard name (com.amazonaws.${region}.<service>): an endpoint service some account runs, or one of another Region, reaches outside the account`]);
    } else if (ANY_ACCOUNT_SERVICES.has(service.slice(`com.amazonaws.${region}.`.length))) {
        out.push(["serviceName", `connects to ${service}, which reaches the private APIs of any account whose API policy admits the endpoint, with no credentials of this account: a path out the account's IAM policies do not hold`]);
    }
    return out;
}

/**
 * Services whose interface endpoint reaches resources of other accounts by
 * their own policies alone: a private API Gateway API of any account can
 * admit requests through any endpoint (`aws:SourceVpce`), unsigned.
 */
const ANY_ACCOUNT_SERVICES: ReadonlySet<string> = new Set(["execute-api"]);

/** `com.amazonaws.<region>.<service>`, the service in lowercase letters, digits, `-` and `.` (`ecr.api`), never an endpoint service's `vpce-svc-…`. */
function isStandardServiceName(name: string, region: string): boolean {
    const prefix = `com.amazonaws.${region}.`;
    if (!name.startsWith(prefix) || name.length === prefix.length) return false;
    const service = name.slice(prefix.length);
    if (service.includes("vpce-svc-") || service.startsWith(".") || service.endsWith(".") || service.includes("..")) return false;
    for (let i = 0; i < service.length; i++) {
        const c = service.charCodeAt(i);
        const ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46;
        if (!ok) return false;
    }
    return true;
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
 * Why the findings of a data protection policy (of a log group, the
 * account's logs or a topic: samples of the sensitive data it found) leave
 * the stack: each destination must be a bucket or log group of the stack; a
 * Firehose stream is not one the proof knows. Every `FindingsDestination`
 * is read, wherever the document holds it and JSON text opened, and one the
 * proof cannot read is a finding.
 */
function findingsDestinations(policy: unknown, buckets: ReadonlySet<string>, logGroups: ReadonlySet<string>): string[] {
    const doc = jsonValue(policy);
    if (!isRecord(doc)) return [`is not a policy document the proof can read (${JSON.stringify(policy)})`];
    const out: string[] = [];
    const judge = (value: unknown): void => {
        const to = jsonValue(value);
        if (!isRecord(to)) {
            out.push(`sends its findings, samples of the data it found, to ${JSON.stringify(value)}, which the proof cannot read as destinations`);
            return;
        }
        for (const [kind, target] of Object.entries(to)) {
            // Each kind names its target under its own key: a bucket under S3, a log group under CloudWatchLogs.
            const named = jsonValue(target);
            const name = isRecord(named) ? (kind === "S3" ? named.Bucket : kind === "CloudWatchLogs" ? named.LogGroup : named.DeliveryStream) : undefined;
            const own = kind === "S3" ? typeof name === "string" && buckets.has(name) : kind === "CloudWatchLogs" ? typeof name === "string" && logGroups.has(name) : false;
            if (!own) out.push(`sends its findings, samples of the data it found, to ${kind} ${JSON.stringify(name ?? target)}, which is not a ${kind === "S3" ? "bucket" : kind === "CloudWatchLogs" ? "log group" : "resource"} of this stack`);
        }
    };
    const walk = (value: unknown, depth: number): void => {
        if (depth > MAX_NESTING) {
            out.push(`nests values deeper than ${MAX_NESTING} levels: the proof does not read them, so it cannot show where its findings go`);
            return;
        }
        const v = typeof value === "string" && depth > 0 ? jsonValue(value) ?? value : value;
        if (Array.isArray(v)) v.forEach((x) => walk(x, depth + 1));
        else if (isRecord(v)) {
            for (const [k, x] of Object.entries(v)) {
                if (k.toLowerCase() === "findingsdestination") judge(x);
                else walk(x, depth + 1);
            }
        }
    };
    walk(doc, 0);
    return out;
}

/**
 * Principals outside `account` that an Allow of a resource policy names. A
 * service principal acts for whichever account owns the resource that calls
 * it (any account's CloudFront distribution, trail or bucket), so it is an
 * outsider unless the statement ties it to the account (`buckets`: the
 * stack's buckets, whose ARNs name no account).
 */
export function allowedOutsiders(doc: unknown, account: string, buckets: ReadonlySet<string> = new Set()): string[] {
    return doc === undefined || doc === null || doc === "" ? [] : outsiders(doc, account, () => true, buckets);
}

/**
 * Principals outside `account` named by the Allow statements of `doc` that
 * `relevant` selects; an unreadable document is one. With `buckets` (a
 * resource policy; the stack's buckets), a service principal the statement
 * does not tie to the account is one too; without it (a trust policy, whose
 * services the trust checks weigh on their own), services are not judged.
 */
export function outsiders(doc: unknown, account: string, relevant: (s: PolicyStatement) => boolean, buckets?: ReadonlySet<string>): string[] {
    const parsed = parsePolicy(doc);
    if ("problem" in parsed) return [`(a policy the proof cannot read: it ${parsed.problem})`];
    const out: string[] = [];
    for (const s of parsed.statements) {
        if (s.effect !== "Allow" || !relevant(s)) continue;
        if (s.notPrincipals) out.push("every principal but those of its NotPrincipal");
        // A resource policy only: the trust checks weigh a trust policy's services on their own.
        const tied = buckets !== undefined && tiedToAccount(s, account, buckets, PRINCIPAL_TIES);
        for (const [kind, values] of Object.entries(s.principals ?? {})) {
            if (kind === "Service") {
                if (buckets !== undefined && !tied) {
                    out.push(...values.map((v) => `the service ${v} acting for any account (${s.label} ties it to the account by no aws:SourceAccount or aws:SourceArn of the account)`));
                }
                continue;
            }
            // `*` held to requests a service makes for the account (AWS's default topic policy: AWS:SourceOwner): no principal's own request carries those keys.
            for (const v of values) if (kind !== "AWS" || (v.includes("*") && !tied) || (!v.includes("*") && accountOfPrincipal(v) !== account)) out.push(kind === "AWS" ? v : `${kind} ${v}`);
        }
    }
    return out;
}

/** Condition keys naming the account a service acts for (`aws:SourceOwner` is SNS's older name for it). */
const SOURCE_ACCOUNT_KEYS: ReadonlySet<string> = new Set(["aws:sourceaccount", "aws:sourceowner"]);
/** Operators that hold a key to the values they list; `…IfExists` lets a request without the key through, and the set operators (`ForAllValues:`) do too. */
const MATCHING_OPERATORS: ReadonlySet<string> = new Set(["StringEquals", "StringLike", "ArnEquals", "ArnLike"]);

/** Which conditions hold a statement to the account: keys that must equal the account, and keys whose every ARN must be of the account. */
export interface AccountTies {
    accountKeys: ReadonlySet<string>;
    /** The operators under which `accountKeys` count. */
    accountOperators: ReadonlySet<string>;
    arnKeys: ReadonlySet<string>;
}

/**
 * Requests a service makes for the account. What a principal of the account
 * asks itself carries none of these keys, so the ops checks that keep tenant
 * sessions (principals of the ops account) out rely on this set alone.
 */
export const SOURCE_TIES: AccountTies = { accountKeys: SOURCE_ACCOUNT_KEYS, accountOperators: MATCHING_OPERATORS, arnKeys: new Set(["aws:sourcearn"]) };
/**
 * A resource policy's `*` held to principals of the account: a principal's
 * own account (`aws:PrincipalAccount`) or ARN (`aws:PrincipalArn`) names it,
 * and a service's request, which carries neither key, fails the condition.
 */
export const PRINCIPAL_TIES: AccountTies = {
    accountKeys: new Set([...SOURCE_ACCOUNT_KEYS, "aws:principalaccount"]),
    accountOperators: MATCHING_OPERATORS,
    arnKeys: new Set(["aws:sourcearn", "aws:principalarn"]),
};
/** A key policy's too: `kms:CallerAccount` is the account of the principal that calls KMS (AWS's pattern for a key used through a service). */
export const KEY_POLICY_TIES: AccountTies = { ...PRINCIPAL_TIES, accountKeys: new Set([...PRINCIPAL_TIES.accountKeys, "kms:calleraccount"]) };
/** CloudWatch Logs' use of a key: the log group it encrypts for names the account too, as the component's own statement does. */
export const LOGS_KEY_TIES: AccountTies = { ...KEY_POLICY_TIES, arnKeys: new Set([...KEY_POLICY_TIES.arnKeys, "kms:encryptioncontext:aws:logs:arn"]) };

/**
 * Whether a statement's conditions hold it to the account: a key of
 * `ties.accountKeys` naming only the account, or a key of `ties.arnKeys`
 * naming only ARNs of the account or buckets of the stack. `aws:SourceOrgID`,
 * `aws:SourceOrgPaths`, `aws:PrincipalOrgID` and `aws:PrincipalOrgPaths` do
 * not: an organization holds other accounts (the ops account and other
 * tenants' among them, often), and the files do not say which. Negated
 * operators, `…IfExists` and the set operators (a request without the key,
 * or with several values, gets through) never tie.
 */
export function tiedToAccount(s: PolicyStatement, account: string, buckets: ReadonlySet<string>, ties: AccountTies = SOURCE_TIES): boolean {
    return s.conditions.some((c) => MATCHING_OPERATORS.has(c.operator) && c.values.length > 0 && (
        ties.accountKeys.has(c.key) ? ties.accountOperators.has(c.operator) && c.values.every((v) => v === account)
            : ties.arnKeys.has(c.key) && c.values.every((v) => sourceOfAccount(v, account, buckets)
                // StringLike's `*` runs across `:`, so the account field holds only when nothing before it is a pattern.
                && !(c.operator === "StringLike" && hasWildcard(v.split(":").slice(0, 5).join(":"))))));
}

/** Whether a source ARN (or pattern) can name only resources of the account, or a bucket of the stack. */
function sourceOfAccount(pattern: string, account: string, buckets: ReadonlySet<string>): boolean {
    const owner = accountOfPattern(pattern);
    if (owner === account) return true;
    if (owner !== "") return false;
    const fields = arnPatternFields(pattern);
    const bucket = fields?.service === "s3" && fields.region === "" ? fields.resource.split("/")[0] : undefined;
    return bucket !== undefined && bucket !== "" && !hasWildcard(bucket) && buckets.has(bucket);
}

/**
 * Every value of the resource that names another account (an ARN in it, or
 * its bare twelve-digit id under any key), or a bucket the stack does not
 * hold: `[property path, why]`. JSON held in a string is read too, as a
 * policy or a configuration would be.
 */
export function foreignReferences(r: StackResource, account: string, buckets: Set<string>, outbound: (value: string) => boolean, tenantLabel?: string): [string, string][] {
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
            } else if (mayEmbed(value)) {
                // Free text (a saved query's UNLOAD ... TO 's3://…', a description) names places as much as a value of its own does.
                for (const named of embeddedReferences(value)) walk(named, key, depth + 1);
            } else if (isAccountId(value) && value !== account && !(refusing && key === "forbiddenAccountIds") && !(key === RuntimeEnv.tenantId && value === tenantLabel) && !outbound(value)) {
                out.push([here(), `names account ${value} as ${key}: a path out of the account ${account}`]);
            } else if (value.charCodeAt(ACCOUNT_ID_LENGTH) === SLASH && isAccountId(value.slice(0, ACCOUNT_ID_LENGTH))) {
                // An id qualified by its owner's account (EC2 writes another account's security group as `111122223333/sg-…`).
                const owner = value.slice(0, ACCOUNT_ID_LENGTH);
                if (owner !== account && !outbound(value)) out.push([here(), `names ${value}, of account ${owner}, as ${key}: a path out of the account ${account}`]);
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
    const assets = ASSET_PROPERTIES[r.type];
    const property = (k: string) => {
        // The deploy's own code (a function's archive of local files): its outputs restate it with hashes, and reading it would set the outputs view apart for nothing.
        // Anywhere else the asset shape is only a shape: what it holds is read like any value.
        if (assets?.has(k) && isPulumiAsset(r.inputs[k] ?? r.outputs[k])) return;
        // Tags label a resource and send nothing anywhere: a cost center or a tenant id of twelve digits is not an account the stack reaches.
        if (TAG_PROPERTIES.has(k)) return;
        trail.push(k);
        walk(prop(r, k), k, 0);
        trail.pop();
    };
    // Every key of either side once, the inputs' first.
    for (const k of Object.keys(r.inputs)) property(k);
    for (const k of Object.keys(r.outputs)) if (!Object.prototype.propertyIsEnumerable.call(r.inputs, k)) property(k);
    return out;
}

/** Properties holding tags (a provider's defaults included). */
const TAG_PROPERTIES: ReadonlySet<string> = new Set(["tags", "tagsAll", "defaultTags"]);
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

const ACCOUNT_ID_LENGTH = 12;
const SLASH = "/".charCodeAt(0);
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;

/** Whether text may hold an ARN or an `s3://` location inside it. */
function mayEmbed(value: string): boolean {
    // Both hold a colon: text without one, most of a plan's, is scanned once.
    return value.includes(":") && (value.includes("arn:") || value.includes("s3://"));
}

/** An ARN or `s3://` location inside free text: it starts the text or follows a character no ARN or bucket name holds, and ends at a quote, space, bracket or separator. */
const EMBEDDED_REFERENCE = /(?:^|[^A-Za-z0-9_.:/-])((?:arn:|s3:\/\/)[^\s'"`,;()<>[\]{}\\]*)/g;

/** Every ARN and `s3://` location inside free text. */
function embeddedReferences(text: string): string[] {
    const out: string[] = [];
    for (const match of text.matchAll(EMBEDDED_REFERENCE)) out.push(withoutSentenceEnd(match[1]));
    return out;
}

/**
 * A reference that ends a sentence, without the sentence's full stop (or
 * `!`, `?`): no bucket name ends in a dot, and the bucket is what is judged.
 */
function withoutSentenceEnd(reference: string): string {
    let end = reference.length;
    while (end > 0 && (reference[end - 1] === "." || reference[end - 1] === "!" || reference[end - 1] === "?")) end--;
    return reference.slice(0, end);
}
