/**
 * Settings a resource holds on another: a key's policy, a bucket's policy,
 * lock, ownership, public access block, encryption, versioning or
 * lifecycle, a role's inline policy or attachment by name, a log group's
 * metric filter, an alarm, a function's permission, a rule's target. AWS
 * keeps one of each per target (and name), and the provider's delete of the
 * resource removes it, or resets it to AWS's default, whoever set it. A
 * preview proves what stays; so a deleted holder whose setting a staying
 * resource of the stack holds (its replacement made first, a copy under a
 * new logical name, the target's own property) leaves AWS without what the
 * files show for it, after the update has checked out clean.
 */
import { BUCKET_TYPES } from "./account-egress";
import { violation, type Violation } from "./findings";
import { lastPart } from "./metering-values";
import { busNameOf } from "./physical-names";
import { knownText, prop, staysInStack, type StackResource, type StackState } from "./pulumi-formats";

type Slot = (r: StackResource) => string[];

const text = (r: StackResource, key: string): string | undefined => knownText(prop(r, key));
const one = (...parts: (string | undefined)[]): string[] => (parts.every((p) => p !== undefined) ? [parts.join("\u0000")] : []);
/** A key by its id, whether the holder names it by id or ARN (`…:key/<id>`). */
const keyId = (value: string | undefined) => (value === undefined ? undefined : lastPart(value));
const bucketOf = (r: StackResource) => one(text(r, "bucket"));
/** Whether the resource sets the property at all (a provider reads some back empty). */
const sets = (r: StackResource, key: string) => {
    const value = prop(r, key);
    return value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);
};
const bucketIf = (key: string): Slot => (r) => (sets(r, key) ? one(text(r, "bucket") ?? r.id) : []);
const named = (r: StackResource, key: string, entries: unknown, name: (e: Record<string, unknown>) => unknown) =>
    Array.isArray(entries) ? entries.flatMap((e) => (typeof e === "object" && e !== null && typeof name(e as Record<string, unknown>) === "string" ? one(text(r, key) ?? r.id, name(e as Record<string, unknown>) as string) : [])) : [];

/** Each setting: what it is called, and the slot every type that holds it fills (the first types are its holders of their own). */
const SETTINGS: { what: string; holders: Record<string, Slot> }[] = [
    { what: "key policy", holders: { "aws:kms/keyPolicy:KeyPolicy": (r) => one(keyId(text(r, "keyId"))), "aws:kms/key:Key": (r) => one(text(r, "keyId") ?? r.id) } },
    { what: "bucket policy", holders: { "aws:s3/bucketPolicy:BucketPolicy": bucketOf, ...Object.fromEntries(BUCKET_TYPES.map((t) => [t, bucketIf("policy")])) } },
    { what: "Object Lock configuration", holders: {
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": bucketOf,
        "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": bucketOf,
        ...Object.fromEntries(BUCKET_TYPES.map((t) => [t, bucketIf("objectLockConfiguration")])),
    } },
    { what: "ownership controls", holders: { "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketOf } },
    { what: "public access block", holders: { "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketOf } },
    { what: "default encryption", holders: {
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketOf,
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": bucketOf,
        ...Object.fromEntries(BUCKET_TYPES.map((t) => [t, bucketIf("serverSideEncryptionConfiguration")])),
    } },
    { what: "versioning", holders: {
        "aws:s3/bucketVersioning:BucketVersioning": bucketOf,
        "aws:s3/bucketVersioningV2:BucketVersioningV2": bucketOf,
        ...Object.fromEntries(BUCKET_TYPES.map((t) => [t, bucketIf("versioning")])),
    } },
    { what: "lifecycle configuration", holders: {
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketOf,
        "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": bucketOf,
        ...Object.fromEntries(BUCKET_TYPES.map((t) => [t, bucketIf("lifecycleRules")])),
    } },
    { what: "inline policy", holders: {
        "aws:iam/rolePolicy:RolePolicy": (r) => one(text(r, "role"), text(r, "name")),
        "aws:iam/role:Role": (r) => named(r, "name", prop(r, "inlinePolicies"), (e) => e.name),
    } },
    { what: "managed policy attachment", holders: {
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (r) => one(text(r, "role"), text(r, "policyArn")),
        "aws:iam/role:Role": (r) => {
            const arns = prop(r, "managedPolicyArns");
            return Array.isArray(arns) ? arns.flatMap((a) => (typeof a === "string" ? one(text(r, "name") ?? r.id, a) : [])) : [];
        },
    } },
    { what: "metric filter", holders: { "aws:cloudwatch/logMetricFilter:LogMetricFilter": (r) => one(text(r, "logGroupName"), text(r, "name")) } },
    { what: "subscription filter", holders: { "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": (r) => one(text(r, "logGroup"), text(r, "name")) } },
    { what: "alarm", holders: { "aws:cloudwatch/metricAlarm:MetricAlarm": (r) => one(text(r, "name")), "aws:cloudwatch/compositeAlarm:CompositeAlarm": (r) => one(text(r, "alarmName")) } },
    { what: "function permission", holders: { "aws:lambda/permission:Permission": (r) => one(text(r, "function"), text(r, "statementId")) } },
    { what: "rule target", holders: { "aws:cloudwatch/eventTarget:EventTarget": (r) => one(busNameOf(text(r, "eventBusName")), text(r, "rule"), text(r, "targetId")) } },
    { what: "rule", holders: { "aws:cloudwatch/eventRule:EventRule": (r) => one(busNameOf(text(r, "eventBusName")), text(r, "name")) } },
    { what: "topic policy", holders: { "aws:sns/topicPolicy:TopicPolicy": (r) => one(text(r, "arn")), "aws:sns/topic:Topic": (r) => (sets(r, "policy") ? one(text(r, "arn")) : []) } },
    { what: "queue policy", holders: { "aws:sqs/queuePolicy:QueuePolicy": (r) => one(text(r, "queueUrl")), "aws:sqs/queue:Queue": (r) => (sets(r, "policy") ? one(text(r, "url")) : []) } },
    { what: "data protection policy", holders: { "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy": (r) => one(text(r, "logGroupName")) } },
    { what: "Logs resource policy", holders: { "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": (r) => one(text(r, "policyName")) } },
];

/** A resource the update deletes: by a preview's step, or as a stack export's copy marked `delete: true` (`pending`). */
type Gone = { resource: StackResource; op: string; pending?: boolean };
/** The statement a pending-delete copy of a stack export is reported under: the flag Pulumi writes on it. */
const PENDING_DELETE = "delete";

/** The settings a type can hold, by type. */
const BY_TYPE = new Map<string, { what: string; slot: Slot }[]>();
for (const { what, holders } of SETTINGS) {
    for (const [type, slot] of Object.entries(holders)) BY_TYPE.set(type, [...(BY_TYPE.get(type) ?? []), { what, slot }]);
}

export function deleteResetViolations(state: StackState): Violation[] {
    const out: Violation[] = [];
    const gone: Gone[] = (state.destroyed ?? []).filter((d) => d.resource.custom && !d.aheadOfReplacement);
    // A copy a stack export marks `delete: true` (a replacement interrupted, or its delete failed) is what the next
    // update deletes first: the same as a preview's delete of it, whoever holds the setting by then.
    for (const r of state.resources) if (r.pendingDelete && r.custom && !r.external && !r.retained) gone.push({ resource: r, op: PENDING_DELETE, pending: true });
    if (gone.length === 0) return out;
    // What the staying resources hold, by setting and slot.
    const held = new Map<string, StackResource>();
    for (const r of state.resources) {
        if (!staysInStack(r)) continue;
        for (const { what, slot } of BY_TYPE.get(r.type) ?? []) for (const key of slot(r)) if (!held.has(`${what}\u0002${key}`)) held.set(`${what}\u0002${key}`, r);
    }
    for (const { resource: r, op, pending } of gone) {
        for (const { what, slot } of BY_TYPE.get(r.type) ?? []) {
            for (const key of slot(r)) {
                const holder = held.get(`${what}\u0002${key}`);
                if (holder === undefined) continue;
                const of = holder.urn === r.urn ? "its replacement" : `${holder.name} (${holder.type})`;
                const when = pending ? `the next update deletes this copy (delete: true) while ${of} holds` : `the update deletes it after ${of} holds`;
                out.push(violation("BT-PLAN-DELETE-RESETS", { tenant: "(stack)", stack: state.stack, resource: r.name, urn: r.urn }, op,
                    `${when} the same ${what}: the delete removes that ${what} in AWS (or resets it to AWS's default), so AWS ends without what the files show for it`));
            }
        }
    }
    // A delete already found to reset a setting is reported once, as that.
    const reported = new Set(out.map((v) => v.urn));
    sameIdDeletes(state, gone.filter((d) => !reported.has(d.resource.urn)), out);
    return out;
}

/**
 * A delete names its resource by id: one whose id is the id of a resource of
 * the same type that the stack keeps (a same-named replacement made first, as
 * an API that creates or updates alike allows) deletes that resource in AWS,
 * while the files show it standing.
 */
function sameIdDeletes(state: StackState, gone: readonly Gone[], out: Violation[]): void {
    const kept = new Map<string, StackResource>();
    for (const r of state.resources) {
        if (!r.custom || !staysInStack(r) || r.id === undefined || r.id === "") continue;
        kept.set(`${r.type}\u0000${r.id}`, r);
    }
    for (const { resource: r, op, pending } of gone) {
        const holder = r.id === undefined || r.id === "" ? undefined : kept.get(`${r.type}\u0000${r.id}`);
        if (holder === undefined) continue;
        const of = holder.urn === r.urn ? "its replacement" : `${holder.name}`;
        const when = pending ? "the next update deletes this copy (delete: true)" : "the update deletes it";
        out.push(violation("BT-PLAN-DELETE-RESETS", { tenant: "(stack)", stack: state.stack, resource: r.name, urn: r.urn }, op,
            `${when} by its id ${JSON.stringify(r.id)}, which is the id of ${of}, a ${r.type} the stack keeps: AWS deletes that resource, and the files show it standing`));
    }
}
