/**
 * Whether a policy statement could refuse, or certainly allows, one write of
 * the audit path: read structurally, from what the write is known to carry.
 * A Deny counts unless one of its conditions can be shown false for the
 * write; an Allow counts only when every one of its conditions certainly
 * holds.
 */
import { coversAction, coversResource, reachesUnder, wildcardMatch, type Condition, type PolicyStatement } from "../contract";

/** Who makes a write of the path, and what its request is known to carry (condition keys lowercased). */
export interface Actor {
    /** The runtime role's ARN, or the service principal. */
    aws?: string;
    service?: string;
    account: string;
    context: Map<string, string[]>;
}

/** One write of the path: what is done, on what, by whom. */
export interface Write {
    what: string;
    actions: string[];
    /** A resource the write names, for an Allow to cover. */
    sample: string;
    /** Every resource the write may name starts with this: a Deny reaching under it can refuse some write. */
    under: string;
    actor: Actor;
}

/**
 * Whether `s`, a Deny, could refuse part of `w`; `report` gets why. A key
 * policy's Resource is always its own key.
 */
export function denies(s: PolicyStatement, w: Write, kind: "identity" | "resource" | "key", report: (why: string) => void): void {
    if (s.effect !== "Deny") return;
    const actions = w.actions.filter((a) => coversAction(s, a));
    if (actions.length === 0) return;
    if (kind !== "identity" && !principalMatches(s, w.actor)) return;
    if (kind !== "key" && !reachesUnder(s, w.under)) return;
    if (conditionsHold(s.conditions, w.actor.context) === false) return;
    report(`${actions.join(", ")} when it would ${w.what} (no condition of the Deny can be shown not to hold for that write)`);
}

/**
 * The actions of `w` that `s`, an Allow of a key policy, could grant the
 * actor: none of its conditions can be shown false for the request.
 */
export function mayAllowOnKey(s: PolicyStatement, w: Write): string[] {
    if (s.effect !== "Allow" || !principalMatches(s, w.actor)) return [];
    const actions = w.actions.filter((a) => coversAction(s, a));
    return actions.length > 0 && conditionsHold(s.conditions, w.actor.context) !== false ? actions : [];
}

/** Whether `s`, an Allow, certainly allows every action of `w`. */
export function allows(s: PolicyStatement, w: Write, kind: "identity" | "resource" | "key"): boolean {
    if (s.effect !== "Allow" || !w.actions.every((a) => coversAction(s, a))) return false;
    if (kind !== "identity" && (s.notPrincipals !== undefined || !principalMatches(s, w.actor))) return false;
    if (kind !== "key" && !coversResource(s, w.sample)) return false;
    return conditionsHold(s.conditions, w.actor.context) === true;
}

/**
 * Whether the statement's principal can be the actor. A NotPrincipal
 * reaches the actor unless it names it; an AWS principal names the runtime
 * by its ARN, its account or `*`.
 */
function principalMatches(s: PolicyStatement, a: Actor): boolean {
    if (s.notPrincipals !== undefined) {
        const listed = a.service ? (s.notPrincipals.Service ?? []) : (s.notPrincipals.AWS ?? []);
        return !listed.some((v) => v === a.service || v.toLowerCase() === a.aws?.toLowerCase());
    }
    if (s.principals === undefined) return true;
    if ((s.principals.AWS ?? []).includes("*")) return true;
    if (a.service) return (s.principals.Service ?? []).some((v) => wildcardMatch(v, a.service!, true));
    return (s.principals.AWS ?? []).some((v) => wildcardMatch(v, a.aws!, true) || (a.account !== undefined && (v === a.account || v === `arn:aws:iam::${a.account}:root`)));
}

/** AND of the conditions: false when one is certainly false, true when all certainly hold, undefined otherwise. */
export function conditionsHold(conditions: readonly Condition[], context: ReadonlyMap<string, string[]>): boolean | undefined {
    let all: boolean | undefined = true;
    for (const c of conditions) {
        const held = conditionHolds(c, context);
        if (held === false) return false;
        if (held === undefined) all = undefined;
    }
    return all;
}

function conditionHolds(c: Condition, context: ReadonlyMap<string, string[]>): boolean | undefined {
    if (c.operator.includes(":")) return undefined;
    const present = context.get(c.key);
    if (c.operator === "Null") {
        if (present === undefined) return undefined;
        return c.values.every((v) => v.toLowerCase() === "false") ? true : c.values.every((v) => v.toLowerCase() === "true") ? false : undefined;
    }
    if (present === undefined) return undefined;
    const op = c.operator.endsWith("IfExists") ? c.operator.slice(0, -"IfExists".length) : c.operator;
    const negated = op.includes("Not");
    const base = op.replace("Not", "");
    if (c.values.some((v) => v.includes("${"))) return undefined;
    let match: (pattern: string, value: string) => boolean;
    switch (base) {
        case "StringEquals": case "ArnEquals": match = (p, v) => (base === "ArnEquals" ? wildcardMatch(p, v) : p === v); break;
        case "StringEqualsIgnoreCase": match = (p, v) => p.toLowerCase() === v.toLowerCase(); break;
        case "StringLike": case "ArnLike": match = (p, v) => wildcardMatch(p, v); break;
        case "Bool": match = (p, v) => p.toLowerCase() === v.toLowerCase(); break;
        default: return undefined;
    }
    const any = present.some((v) => c.values.some((p) => match(p, v)));
    return negated ? !any : any;
}
