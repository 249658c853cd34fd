/**
 * A tenant's warning alarms tell whoever watches its quota that use nears the
 * limit, before the block alarms stop it. The component builds each with its
 * actions on, notifying the tenant's warnings topic (its own, or the one
 * `quota.warningTopicArn` names). An alarm with its actions off, or with
 * none, still changes state and warns no one; a topic of the stack whose
 * data protection policy denies or masks inbound messages drops or rewrites
 * every notification (each one holds the word ALARM, and a custom
 * identifier can match anything). Blocking does not depend on them (it goes
 * through the composite alarm and EventBridge), so only what the warning
 * path itself needs is read here.
 */
import type { Code } from "./findings";
import { isUnknown, show, textOf, type MeteringContext } from "./metering-values";
import type { TenantIntent } from "./intent";
import { coversAction, isRecord, parsePolicy, type PolicyStatement } from "../contract";
import { jsonValue, prop, type StackResource } from "./pulumi-formats";
import { resourceRegion } from "./resource-region";

const CODE: Code = "BT-OPS-QUOTA-WIRING";
const TOPIC_TYPE = "aws:sns/topic:Topic";
/** What a data protection statement may do to a warning: report its findings, and nothing else. */
const HARMLESS_OPERATIONS: ReadonlySet<string> = new Set(["Audit"]);

/** The warning alarm `r` of tenant `t` notifies, and its notifications arrive as sent. */
export function warningDelivery(ctx: MeteringContext, r: StackResource, t: TenantIntent): void {
    const flag = (statement: string, why: string) => ctx.flag(CODE, r, t.tenantId, statement, why);
    const enabled = prop(r, "actionsEnabled");
    if (enabled === false || enabled === "false") flag("actionsEnabled", `has its actions disabled (${show(enabled)}): the warning alarm still changes state, but no one learns that tenant ${t.tenantId}'s use nears its quota`);
    const actions = prop(r, "alarmActions");
    if (isUnknown(actions)) return;
    if (!Array.isArray(actions) || actions.length === 0) {
        flag("alarmActions", `notifies no one (alarmActions ${show(actions ?? null)}): the component's warning alarm notifies tenant ${t.tenantId}'s warnings topic`);
        return;
    }
    for (const action of actions) {
        const topic = typeof action === "string" ? topicOf(ctx, action) : undefined;
        if (topic === undefined) continue;
        const why = protectionProblem(prop(topic, "dataProtectionPolicy"));
        if (why !== undefined) flag("alarmActions", `notifies the topic ${action}, whose data protection policy ${why}: the warnings of tenant ${t.tenantId} would not arrive as sent`);
        const key = textOf(prop(topic, "kmsMasterKeyId"));
        const keyWhy = key === undefined || isUnknown(key) ? undefined : topicKeyProblem(ctx, key);
        if (keyWhy !== undefined) flag("alarmActions", `notifies the topic ${action}, encrypted with ${keyWhy}: every warning of tenant ${t.tenantId} fails to publish; a topic CloudWatch notifies takes a key of the stack whose policy lets cloudwatch.amazonaws.com use it (kms:GenerateDataKey*, kms:Decrypt)`);
        const denial = publishDenial(ctx, topic, String(action));
        if (denial !== undefined) flag("alarmActions", `notifies the topic ${action}, whose policy ${denial}: CloudWatch's publish of tenant ${t.tenantId}'s warnings may be refused`);
    }
}

/** The stack's topic of ARN `arn`, by its recorded ARN or by its name, Region and account. */
function topicOf(ctx: MeteringContext, arn: string): StackResource | undefined {
    return ctx.ofType(TOPIC_TYPE).find((topic) => {
        const own = textOf(prop(topic, "arn"));
        if (own !== undefined && !isUnknown(own)) return own === arn;
        const name = textOf(prop(topic, "name"));
        const region = resourceRegion(ctx.state, topic);
        return name !== undefined && region !== undefined && arn === `arn:aws:sns:${region}:${ctx.account}:${name}`;
    });
}

/** Why a topic's data protection policy changes what it delivers; undefined when it only reports, or there is none. */
function protectionProblem(policy: unknown): string | undefined {
    if (policy === undefined || policy === null || policy === "" || isUnknown(policy)) return undefined;
    const doc = jsonValue(policy);
    const statements = isRecord(doc) ? doc.Statement : undefined;
    if (!Array.isArray(statements)) return `cannot be read (${show(policy).slice(0, 200)})`;
    for (const [i, s] of statements.entries()) {
        const operation = isRecord(s) ? s.Operation : undefined;
        if (!isRecord(operation)) return `has statement ${i} with no operation the proof can read`;
        const acts = Object.keys(operation).filter((op) => !HARMLESS_OPERATIONS.has(op));
        if (acts.length > 0) return `has statement ${i} that applies ${acts.join(", ")} to what it matches (${show(isRecord(s) ? s.DataIdentifier : undefined).slice(0, 200)})`;
    }
    return undefined;
}

/**
 * Why CloudWatch cannot use the topic's key, or undefined when it can: the
 * AWS managed key, a key the files do not hold (its policy is not in them),
 * or a key of the stack whose policy allows the CloudWatch service no
 * `kms:GenerateDataKey*` and `kms:Decrypt`.
 */
function topicKeyProblem(ctx: MeteringContext, key: string): string | undefined {
    if (isAwsManagedSnsKey(key)) return `the AWS managed key ${key}, whose policy lets CloudWatch use nothing`;
    const held = keyOfStack(ctx, key);
    if (held === undefined) return `the key ${key}, which the files do not hold, so whether CloudWatch may use it cannot be shown`;
    const parsed = parsePolicy(prop(held, "policy"));
    if ("problem" in parsed) return `the key ${key}, whose policy ${parsed.problem}`;
    const allows = (action: string) => parsed.statements.some((st) => st.effect === "Allow" && (st.principals?.Service ?? []).includes(CLOUDWATCH_SERVICE) && coversAction(st, action));
    return CLOUDWATCH_KEY_ACTIONS.every(allows) ? undefined : `the key ${key}, whose policy does not let ${CLOUDWATCH_SERVICE} use it`;
}

const CLOUDWATCH_SERVICE = "cloudwatch.amazonaws.com";
const CLOUDWATCH_KEY_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"];
const KEY_TYPE = "aws:kms/key:Key";
const ALIAS_TYPE = "aws:kms/alias:Alias";

/** The stack's key a topic's `kmsMasterKeyId` names: by id, ARN, alias name or alias ARN. */
function keyOfStack(ctx: MeteringContext, key: string): StackResource | undefined {
    const keys = ctx.ofType(KEY_TYPE);
    const byRef = (ref: string) => keys.find((k) => [k.id, textOf(prop(k, "keyId")), textOf(prop(k, "arn"))].includes(ref));
    const aliasName = key.startsWith("alias/") ? key : key.startsWith("arn:") && key.includes(":alias/") ? key.slice(key.indexOf(":alias/") + 1) : undefined;
    if (aliasName === undefined) return byRef(key);
    const alias = ctx.ofType(ALIAS_TYPE).find((a) => textOf(prop(a, "name")) === aliasName);
    const target = alias === undefined ? undefined : textOf(prop(alias, "targetKeyId"));
    return target === undefined ? undefined : byRef(target);
}

/** Why the topic's policy may refuse CloudWatch's publish: a Deny that can reach `sns:Publish` on it, its conditions not read. */
function publishDenial(ctx: MeteringContext, topic: StackResource, arn: string): string | undefined {
    const policies = [prop(topic, "policy"), ...ctx.ofType(TOPIC_POLICY_TYPE).filter((p) => textOf(prop(p, "arn")) === arn).map((p) => prop(p, "policy"))];
    for (const policy of policies) {
        if (policy === undefined || policy === null || policy === "" || isUnknown(policy)) continue;
        const parsed = parsePolicy(policy);
        if ("problem" in parsed) return parsed.problem;
        const deny = parsed.statements.find((st) => st.effect === "Deny" && coversAction(st, "sns:Publish") && reachesCloudWatch(st));
        if (deny !== undefined) return `denies sns:Publish in ${deny.label}`;
    }
    return undefined;
}

/** Whether a statement's principal can be CloudWatch's: any principal, a NotPrincipal, or the service by name. */
function reachesCloudWatch(st: PolicyStatement): boolean {
    if (st.notPrincipals !== undefined) return true;
    const p = st.principals;
    return p === undefined || (p.AWS ?? []).includes("*") || (p.Service ?? []).includes(CLOUDWATCH_SERVICE);
}

const TOPIC_POLICY_TYPE = "aws:sns/topicPolicy:TopicPolicy";

/** The AWS managed key for SNS, by alias name or alias ARN: its key policy is AWS's, and lets no service but SNS use it. */
function isAwsManagedSnsKey(key: string): boolean {
    return key === AWS_MANAGED_SNS_ALIAS || (key.startsWith("arn:") && key.endsWith(`:${AWS_MANAGED_SNS_ALIAS}`));
}

const AWS_MANAGED_SNS_ALIAS = "alias/aws/sns";
