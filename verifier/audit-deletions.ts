/**
 * What a preview's update deletes of where a customer's audit records rest.
 * The proof reads what stays after the update, and a replacement leaves a
 * twin of the audit log group, key or archive bucket that passes every
 * check of its own; but deleting the old one takes its records with it (a
 * log group, a stream, a bucket's objects) or makes them unreadable (a key,
 * once its waiting period ends). So a step that deletes one is a finding,
 * whatever replaces it: a trail that can be wiped by the next update is not
 * the customer's to keep.
 */
import { BUCKET_TYPES } from "./account-egress";
import type { CustomerContext } from "./customer-account";
import { auditLogGroupName, componentRegion, sameRegion } from "./customer-audit";
import { violation, type Violation } from "./findings";
import { lastPart } from "./metering-values";
import { knownText, prop, resourcesByUrn, type StackResource } from "./pulumi-formats";
import { resourceRegion } from "./resource-region";

const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";
const LOG_STREAM_TYPE = "aws:cloudwatch/logStream:LogStream";
const KEY_TYPE = "aws:kms/key:Key";

const HOW: Readonly<Record<string, string>> = {
    "delete": "deletes it",
    "delete-replaced": "replaces it by deleting the old one",
    "remove-pending-replace": "records it already deleted ahead of a replacement",
};

export function auditDeletionViolations(ctx: CustomerContext): Violation[] {
    const { state, customer } = ctx;
    const out: Violation[] = [];
    if (state.destroyed === undefined) return out;
    const group = auditLogGroupName(ctx);
    const region = componentRegion(ctx);
    const keyArn = knownText(customer.kmsKeyArn);
    const keyId = keyArn === undefined ? undefined : lastPart(keyArn);
    const component = state.resources.find((r) => r.urn === customer.urn);
    const bucket = knownText(component?.outputs.archiveBucketName);
    const inRegion = (r: StackResource) => sameRegion(resourceRegion(state, r), region);
    for (const { resource: r, op } of state.destroyed) {
        if (!r.custom || r.external) continue;
        const own = underComponent(ctx, r);
        let what: string | undefined;
        if (r.type === LOG_GROUP_TYPE && (own || (group !== undefined && prop(r, "name") === group && inRegion(r)))) {
            what = `the audit log group ${knownText(prop(r, "name")) ?? r.name}: every record in it is deleted with it`;
        } else if (r.type === LOG_STREAM_TYPE && group !== undefined && prop(r, "logGroupName") === group && inRegion(r)) {
            what = `a stream of the audit log group ${group}: the records in it are deleted with it`;
        } else if (r.type === KEY_TYPE && (own || (keyArn !== undefined && (prop(r, "arn") === keyArn || (keyId !== undefined && (r.id === keyId || prop(r, "keyId") === keyId)))))) {
            what = `the audit key ${knownText(prop(r, "arn")) ?? r.name}: once its waiting period ends, no record it encrypted can be read`;
        } else if (BUCKET_TYPES.includes(r.type) && (own || (bucket !== undefined && (prop(r, "bucket") ?? r.id) === bucket))) {
            what = `the archive bucket ${knownText(prop(r, "bucket")) ?? r.id ?? r.name}: the records in it go with it, and a new bucket starts an empty archive`;
        }
        if (what === undefined) continue;
        out.push(violation("BT-CUSTOMER-AUDIT-REMOVAL", { tenant: customer.tenantId, stack: state.stack, resource: r.name, urn: r.urn }, op,
            `the preview's update ${HOW[op] ?? `deletes it (${op})`}, ${what}, whatever replaces it`));
    }
    return out;
}

/** Whether the resource was made by the customer's component (its old state's parent chain reaches it). */
function underComponent(ctx: CustomerContext, r: StackResource): boolean {
    const byUrn = resourcesByUrn(ctx.state);
    const seen = new Set<string>();
    for (let parent = r.parent; parent !== undefined && !seen.has(parent); parent = byUrn.get(parent)?.parent) {
        if (parent === ctx.customer.urn) return true;
        seen.add(parent);
    }
    return false;
}
