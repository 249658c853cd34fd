/**
 * The paths out of an account that every stack is held to, the ops account's
 * as much as a customer's: resource policies that admit another account,
 * invocations from outside, subscriptions and links whose destination is not
 * the stack's own, and any value that names another account. Each stack
 * passes its own code and its documented outbound references.
 */
import { accountOfPrincipal, isAccountId, isRecord, parseArn, parsePolicy, type PolicyStatement } from "../contract";
import type { Code } from "./findings";
import { jsonValue, MAX_NESTING, prop, textProp, type StackResource, type StackState } from "./pulumi-formats";
import { knownType } from "./resource-types";

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const SUBSCRIPTION_FILTER_TYPE = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter";
const ACCOUNT_POLICY_TYPE = "aws:cloudwatch/logAccountPolicy:LogAccountPolicy";
const LAMBDA_PERMISSION_TYPE = "aws:lambda/permission:Permission";
const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";
const LOG_DESTINATION_TYPE = "aws:cloudwatch/logDestination:LogDestination";
const DATA_PROTECTION_TYPE = "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy";
const VPC_ENDPOINT_TYPE = "aws:ec2/vpcEndpoint:VpcEndpoint";
const EVENT_TARGET_TYPE = "aws:cloudwatch/eventTarget:EventTarget";
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
const OWNER_KEYS = new Set(["account", "accountid", "expectedbucketowner", "owner", "bucketowner", "sourceaccount"]);

/** Resources the stack manages: one read with `.get()` is someone else's, whatever its name. */
export function managed(state: StackState): StackResource[] {
    return state.resources.filter((r) => !r.external);
}

/** Names of the buckets the stack manages. */
export function ownBuckets(state: StackState): Set<string> {
    return new Set(managed(state).filter((r) => BUCKET_TYPES.includes(r.type)).map((r) => textProp(r, "bucket") ?? r.id ?? r.name));
}

/** Names of the log groups the stack manages. */
export function ownLogGroups(state: StackState): Set<string> {
    return new Set(managed(state).filter((r) => r.type === LOG_GROUP_TYPE).map((r) => textProp(r, "name")).filter((n): n is string => n !== undefined));
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
    const { state, account, code, flag } = ctx;
    // An event target's `arn` is where it sends, not what it is: it names no resource of the stack.
    const arnsInFile = new Set(managed(state).filter((r) => r.type !== EVENT_TARGET_TYPE).map((r) => prop(r, "arn")).filter((a): a is string => typeof a === "string"));
    const logGroups = ownLogGroups(state);
    const where = account === undefined ? "the account" : `the account ${account}`;
    for (const r of state.resources) {
        if (r.type === SUBSCRIPTION_FILTER_TYPE) {
            const to = prop(r, "destinationArn");
            if (typeof to !== "string" || !arnsInFile.has(to)) flag(code, r, "destinationArn", `sends log group ${JSON.stringify(prop(r, "logGroup") ?? prop(r, "logGroupName"))} to ${JSON.stringify(to)}, which is not a resource of this stack`);
        }
        if (r.type === ACCOUNT_POLICY_TYPE && prop(r, "policyType") === "SUBSCRIPTION_FILTER_POLICY") {
            const doc = jsonValue(prop(r, "policyDocument"));
            const to = isRecord(doc) ? doc.DestinationArn : undefined;
            if (typeof to !== "string" || !arnsInFile.has(to)) flag(code, r, "policyDocument", `subscribes every log group of the account to ${JSON.stringify(to)}, which is not a resource of this stack`);
        }
        if (r.type === LOG_DESTINATION_TYPE) {
            // A destination of the stack is one hop: where it forwards must be the stack's too.
            const to = prop(r, "targetArn");
            if (typeof to !== "string" || !arnsInFile.has(to)) flag(code, r, "targetArn", `forwards what is subscribed to it to ${JSON.stringify(to)}, which is not a resource of this stack`);
        }
        const protection = r.type === DATA_PROTECTION_TYPE ? prop(r, "policyDocument") : r.type === ACCOUNT_POLICY_TYPE && prop(r, "policyType") === "DATA_PROTECTION_POLICY" ? prop(r, "policyDocument") : undefined;
        if (protection !== undefined) {
            for (const why of findingsDestinations(protection, ctx.buckets, logGroups)) flag(code, r, "policyDocument", why);
        }
        if (r.type === EVENT_TARGET_TYPE) {
            // The rule's events (alarm states, usage) go where the target says: an API destination or a stream forwards them anywhere.
            const to = prop(r, "arn");
            if (typeof to !== "string" || !arnsInFile.has(to)) flag(code, r, "arn", `sends the rule's events to ${JSON.stringify(to)}, which is not a resource of this stack`);
        }
        if (r.type === FUNCTION_TYPE) {
            const dlq = prop(r, "deadLetterConfig");
            const to = isRecord(dlq) ? dlq.targetArn : undefined;
            if (to !== undefined && to !== null && to !== "" && (typeof to !== "string" || !arnsInFile.has(to))) flag(code, r, "deadLetterConfig", `sends the events it failed on (a prompt, for the runtime) to ${JSON.stringify(to)}, which is not a resource of this stack`);
        }
        if (BUCKET_TYPES.includes(r.type)) {
            const acl = prop(r, "acl");
            const grants = prop(r, "grants");
            if (acl !== undefined && acl !== null && acl !== "" && acl !== "private") flag(code, r, "acl", `opens the bucket with the ACL ${JSON.stringify(acl)}`);
            if (Array.isArray(grants) && grants.length > 0) flag(code, r, "grants", `grants access by ACL to ${grants.length} grantee(s), named by canonical ids or groups the proof cannot tie to the account`);
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
            const why = invocationFromOutside(r, account, ctx.buckets);
            if (why) flag(ctx.invokeCode, r, "principal", why);
        }
        if (r.type === FUNCTION_URL_TYPE && prop(r, "authorizationType") !== "AWS_IAM") {
            flag(ctx.invokeCode, r, "authorizationType", `lets anyone call ${JSON.stringify(prop(r, "functionName"))} through its URL (authorizationType ${JSON.stringify(prop(r, "authorizationType"))})`);
        }
        if (!ctx.notScanned.has(r.type) && knownType(r.type)) {
            for (const [path, why] of foreignReferences(r, account, ctx.buckets, ctx.outbound)) flag(code, r, path, why);
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
 * Every value of the resource that names another account, or a bucket the
 * stack does not hold: `[property path, why]`. JSON held in a string is read
 * too, as a policy or a configuration would be.
 */
export function foreignReferences(r: StackResource, account: string, buckets: Set<string>, outbound: (value: string) => boolean): [string, string][] {
    const out: [string, string][] = [];
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
            } else if (isAccountId(value) && value !== account && OWNER_KEYS.has(key.toLowerCase())) {
                out.push([here(), `names account ${value} as ${key}: a path out of the account ${account}`]);
            }
        } else if (Array.isArray(value)) {
            for (let i = 0; i < value.length; i++) {
                trail.push(i);
                walk(value[i], key, depth + 1);
                trail.pop();
            }
        } else if (isRecord(value)) {
            for (const k in value) {
                trail.push(k);
                walk(value[k], k, depth + 1);
                trail.pop();
            }
        }
    };
    const keys = new Set([...Object.keys(r.inputs), ...Object.keys(r.outputs)]);
    for (const k of keys) {
        // The deploy's own code (a function's archive of local files): its outputs restate it with hashes, and reading it would set the outputs view apart for nothing.
        if (isPulumiAsset(r.inputs[k] ?? r.outputs[k])) continue;
        trail.push(k);
        walk(prop(r, k), k, 0);
        trail.pop();
    }
    return out;
}

/** Pulumi's asset and archive signatures, as the SDK serializes them (its runtime/rpc). */
const ASSET_SIGNATURES = new Set(["c44067f5952c0a294b673a41bacd8c17", "0def7320c3a5731c473e5ecbe6d01bc7"]);

function isPulumiAsset(value: unknown): boolean {
    if (!isRecord(value)) return false;
    const sig = value["4dabf18193072939515e22adb298388d"];
    return value.__pulumiArchive === true || value.__pulumiAsset === true || (typeof sig === "string" && ASSET_SIGNATURES.has(sig));
}

const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
