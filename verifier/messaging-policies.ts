/**
 * The ops account's SNS topics and SQS queues by their own policies. SNS and
 * SQS honour a grant there to a principal of the account with no identity
 * policy beside it, so one that lets a principal of the account, everyone,
 * or a service subscribe an endpoint, re-point the topic or queue, or share
 * it is a path out of the ops account, as the same grant in an identity
 * policy is. AWS's default topic policy grants those actions only to
 * requests a service makes for the account (see resource-grantees.ts).
 */
import { coversAction, parsePolicy } from "../contract";
import { managed, TOPIC_POLICY_TYPE, TOPIC_TYPE } from "./account-egress";
import { listSome, violation, type Violation } from "./findings";
import { PATH_OPENERS } from "./identity-reach";
import { prop, type StackState } from "./pulumi-formats";
import { grantees } from "./resource-grantees";

const MESSAGING_POLICY_TYPES = [TOPIC_TYPE, TOPIC_POLICY_TYPE, "aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy"];

export function opsMessagingPolicyViolations(state: StackState, account: string): Violation[] {
    const out: Violation[] = [];
    for (const r of managed(state)) {
        if (!MESSAGING_POLICY_TYPES.includes(r.type)) continue;
        const policy = prop(r, "policy");
        // No policy of its own: AWS's default, which holds `*` to requests SNS's services make for the account.
        if (policy === undefined || policy === "") continue;
        const parsed = parsePolicy(policy);
        // A policy the proof cannot read is the egress checks' finding.
        if ("problem" in parsed) continue;
        for (const s of parsed.statements) {
            if (s.effect !== "Allow") continue;
            const openers = PATH_OPENERS.filter((a) => coversAction(s, a));
            const who = grantees(s, account);
            if (openers.length === 0 || who.length === 0) continue;
            out.push(violation("BT-OPS-EGRESS", { tenant: "(ops account)", stack: state.stack, resource: r.name, urn: r.urn }, s.label, `lets ${listSome(who)} ${listSome(openers)} by its own policy, which needs no identity policy beside it: each creates or re-points a subscription, permission or policy whose other end the caller chooses, another account or an address outside AWS`));
        }
    }
    return out;
}
