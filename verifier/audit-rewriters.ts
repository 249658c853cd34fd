/**
 * What CloudWatch Logs can make of the audit records between the runtime's
 * write and their readers: a transformer rewrites each record before it is
 * stored, and a data protection policy masks what its identifiers match "at
 * all egress points", metric filters and subscription filters included. On
 * the audit log group either one leaves a trail whose metric filters count
 * something other than what the runtime wrote (a masked `"throttled":true`
 * never feeds ThrottledCalls, so the throttle alarm never fires), and whose
 * records no longer hash to their chain for a reader without `logs:Unmask`.
 * The component sets neither; the proof cannot show what an identifier's
 * expression matches, so every such policy that reaches the group is a
 * finding. Content a tenant must not store is the content mode's to leave
 * out (`hash` or `none`), before it leaves the runtime.
 */
import type { Code } from "./findings";
import { managed } from "./account-egress";
import type { CustomerContext } from "./customer-account";
import { knownText, prop, textProp, UNKNOWN_VALUE, staysInStack, type StackResource } from "./pulumi-formats";
import { resourceRegion } from "./resource-region";

type Flag = (code: Code, r: StackResource, statement: string, why: string) => void;

const CODE: Code = "BT-CUSTOMER-AUDIT-REMOVAL";
const ACCOUNT_POLICY_TYPE = "aws:cloudwatch/logAccountPolicy:LogAccountPolicy";
const DATA_PROTECTION_TYPE = "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy";

/** `LogGroupName IN [...]`, `LogGroupNamePrefix IN [...]` and their NOT IN forms, as an account policy selects its log groups. */
const SELECTION = /^\s*(LogGroupName|LogGroupNamePrefix)\s+(NOT\s+)?IN\s*\[(.*)\]\s*$/s;

/** Whether an account policy's selection criteria could select the log group; undefined when they cannot be read. */
function selects(criteria: unknown, group: string): boolean | undefined {
    if (criteria === undefined || criteria === null || criteria === "") return true;
    if (typeof criteria !== "string" || criteria === UNKNOWN_VALUE) return undefined;
    const m = SELECTION.exec(criteria);
    if (!m) return undefined;
    let names: unknown;
    try {
        names = JSON.parse(`[${m[3]}]`);
    } catch {
        return undefined;
    }
    if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) return undefined;
    const listed = names.some((n) => (m[1] === "LogGroupName" ? n === group : group.startsWith(n)));
    return m[2] ? !listed : listed;
}

/** Whether `r` deploys to another Region than the audit log group's, as far as its file says: a Region not known could be the group's. */
const elsewhere = (ctx: CustomerContext, r: StackResource, region: string) => {
    const own = resourceRegion(ctx.state, r);
    return own !== undefined && own !== region;
};

/** Transformer and data protection policies that reach the audit log group `groupName` in `region`. */
export function auditRewriters(ctx: CustomerContext, groupName: string, region: string, flag: Flag): void {
    for (const r of managed(ctx.state).filter(staysInStack)) {
        if (elsewhere(ctx, r, region)) continue;
        if (r.type === ACCOUNT_POLICY_TYPE) accountPolicy(r, groupName, flag);
        else if (r.type === DATA_PROTECTION_TYPE) groupPolicy(r, groupName, flag);
    }
}

function accountPolicy(r: StackResource, groupName: string, flag: Flag): void {
    const kind = textProp(r, "policyType");
    const rewrites = kind === "TRANSFORMER_POLICY" ? "transformer" : kind === "DATA_PROTECTION_POLICY" ? "data protection" : undefined;
    if (rewrites === undefined) return;
    const selected = selects(prop(r, "selectionCriteria"), groupName);
    if (selected === false) return;
    const reach = selected ? "that selects" : `whose selection criteria ${JSON.stringify(prop(r, "selectionCriteria") ?? "")} could select`;
    flag(CODE, r, "selectionCriteria", `is a ${rewrites} account policy ${reach} the audit log group ${groupName}: ${rewrites === "transformer" ? TRANSFORMED : MASKED}`);
}

function groupPolicy(r: StackResource, groupName: string, flag: Flag): void {
    const group = prop(r, "logGroupName");
    const named = knownText(group);
    if (named !== undefined && named !== groupName) return;
    const which = named === undefined ? `names a log group the plan does not know (${JSON.stringify(group ?? null)}), which could be the audit log group ${groupName}` : `is on the audit log group ${groupName}`;
    flag(CODE, r, "logGroupName", `is a data protection policy that ${which}: ${MASKED}`);
}

const TRANSFORMED = "CloudWatch Logs would store the records as the transformer rewrites them (fields deleted, renamed or added), so what the trail holds and what its metric filters count would not be what the runtime wrote";
const MASKED =
    "CloudWatch Logs masks what its identifiers match wherever the records leave it, metric filters included, so the component's filters could count nothing (a masked throttled flag never reaches the throttle alarm) and the records a reader gets no longer hash to their chain; the proof cannot show what an identifier matches. Leave content out with the content mode instead";
