/**
 * The rule behind metering that cannot be skipped: with cost attribution on, a
 * tenant's role may invoke models only through its own application inference
 * profiles. Whatever else a call through such a profile must be allowed (the
 * source model, a system profile, destination-Region models) has to be
 * conditioned on `bedrock:InferenceProfileArn` naming one of those profiles.
 *
 * The check reads a permissions document as data and fails closed: anything it
 * does not recognise (NotAction, NotResource, an unknown condition form, a
 * document it cannot parse) is reported, never assumed harmless.
 */
import { actionMatches } from "./iam/wildcard";

/** The actions that run inference (Converse is InvokeModel, ConverseStream InvokeModelWithResponseStream). */
export const METERED_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];

const PROFILE_KEY = "bedrock:inferenceprofilearn";
/** Operators under which every listed value must hold: a value outside the tenant's profiles is then never granted. */
const EXACT_OPERATORS = ["stringequals", "arnequals"];

type Json = Record<string, unknown>;

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : value === undefined ? [] : [value];
}


/** The profile ARNs an exact `bedrock:InferenceProfileArn` condition limits the statement to, or a reason it does not. */
function profileCondition(condition: unknown): { values: string[] } | { problem: string } {
    if (condition === undefined) return { problem: "has no bedrock:InferenceProfileArn condition" };
    if (typeof condition !== "object" || condition === null || Array.isArray(condition)) return { problem: "has a Condition that is not an object" };
    let values: string[] | undefined;
    for (const [operator, keys] of Object.entries(condition as Json)) {
        if (typeof keys !== "object" || keys === null || Array.isArray(keys)) return { problem: `has a Condition operator ${operator} that is not an object` };
        for (const [key, value] of Object.entries(keys as Json)) {
            if (key.toLowerCase() !== PROFILE_KEY) continue;
            if (!EXACT_OPERATORS.includes(operator.toLowerCase())) {
                return { problem: `conditions bedrock:InferenceProfileArn with ${operator}, not StringEquals or ArnEquals` };
            }
            const given = list(value);
            if (given.length === 0 || !given.every((v) => typeof v === "string")) return { problem: "has an empty or non-string bedrock:InferenceProfileArn condition" };
            // Two exact conditions on one key must both hold: the intersection is what is granted.
            values = values === undefined ? (given as string[]) : values.filter((v) => (given as string[]).includes(v));
        }
    }
    return values === undefined ? { problem: "has no bedrock:InferenceProfileArn condition" } : { values };
}

/**
 * Every way `document` lets the role invoke a model other than through one of
 * `ownProfileArns` (the tenant's application inference profiles). An empty
 * list means metering cannot be skipped.
 */
export function meteringProblems(document: unknown, ownProfileArns: readonly string[]): string[] {
    if (ownProfileArns.length === 0) return ["the tenant has no application inference profiles, so nothing it invokes is metered"];
    if (typeof document !== "object" || document === null) return [`the permissions policy is not a document, got ${JSON.stringify(document)}`];
    const statements = list((document as Json).Statement);
    if (statements.length === 0) return [];
    const own = new Set(ownProfileArns);
    const problems: string[] = [];
    statements.forEach((s, i) => {
        if (typeof s !== "object" || s === null || Array.isArray(s)) {
            problems.push(`Statement[${i}] is not an object`);
            return;
        }
        const st = s as Json;
        const name = `Statement[${i}]${typeof st.Sid === "string" ? ` (${st.Sid})` : ""}`;
        if (st.Effect === "Deny") return; // a Deny can only take access away
        if (st.Effect !== "Allow") {
            problems.push(`${name} has Effect ${JSON.stringify(st.Effect)}, neither Allow nor Deny`);
            return;
        }
        if (st.NotAction !== undefined || st.NotResource !== undefined || st.NotPrincipal !== undefined) {
            problems.push(`${name} uses NotAction, NotResource or NotPrincipal, which this check does not accept in a tenant role`);
            return;
        }
        const actions = list(st.Action);
        if (!actions.every((a) => typeof a === "string")) {
            problems.push(`${name} has a non-string Action`);
            return;
        }
        const grantsInvoke = (actions as string[]).some((a) => METERED_ACTIONS.some((m) => actionMatches(a, m)));
        if (!grantsInvoke) return;
        const resources = list(st.Resource);
        if (resources.length === 0 || !resources.every((r) => typeof r === "string")) {
            problems.push(`${name} grants invocation with a missing or non-string Resource`);
            return;
        }
        const outside = (resources as string[]).filter((r) => !own.has(r));
        if (outside.length === 0) return;
        const condition = profileCondition(st.Condition);
        if ("problem" in condition) {
            problems.push(`${name} lets the role invoke ${JSON.stringify(outside)} without going through its own profiles: it ${condition.problem}`);
            return;
        }
        const foreign = condition.values.filter((v) => !own.has(v));
        if (foreign.length > 0) {
            problems.push(`${name} lets the role invoke ${JSON.stringify(outside)} through ${JSON.stringify(foreign)}, which are not the tenant's own application profiles`);
        }
    });
    return problems;
}
