/**
 * The rule behind metering that cannot be skipped: with cost attribution on, a
 * tenant's role may invoke models only through its own application inference
 * profiles. Whatever else a call through such a profile must be allowed (the
 * source model, a system profile, destination-Region models) has to be
 * conditioned on `bedrock:InferenceProfileArn` naming one of those profiles.
 *
 * The document is read with the one IAM model (`./iam`), which fails closed:
 * an element, a value shape or an Effect it does not know makes the whole
 * document a problem. What the model reads but this rule does not accept in
 * a tenant role (NotAction, NotResource, NotPrincipal, a condition form that a
 * direct call could satisfy) is reported, never assumed harmless.
 */
import { coversAction, parsePolicy, type PolicyStatement } from "./iam";

/** The actions that run inference (Converse is InvokeModel, ConverseStream InvokeModelWithResponseStream). */
export const METERED_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];

const PROFILE_KEY = "bedrock:inferenceprofilearn";
/** Operators under which every listed value must hold: a value outside the tenant's profiles is then never granted. */
const EXACT_OPERATORS = ["stringequals", "arnequals"];

/** The profile ARNs an exact `bedrock:InferenceProfileArn` condition limits the statement to, or a reason it does not. */
function profileCondition(s: PolicyStatement): { values: string[] } | { problem: string } {
    let values: string[] | undefined;
    for (const c of s.conditions.filter((x) => x.key === PROFILE_KEY)) {
        if (!EXACT_OPERATORS.includes(c.operator.toLowerCase())) {
            return { problem: `conditions bedrock:InferenceProfileArn with ${c.operator}, not StringEquals or ArnEquals` };
        }
        if (c.values.length === 0) return { problem: "has an empty bedrock:InferenceProfileArn condition" };
        // Two exact conditions on one key must both hold: the intersection is what is granted.
        values = values === undefined ? c.values : values.filter((v) => c.values.includes(v));
    }
    return values === undefined ? { problem: "has no bedrock:InferenceProfileArn condition" } : { values };
}

/** `Statement[0] (Sid)`: the 0-based index these messages have always used. */
const nameOf = (s: PolicyStatement, index: number) => `Statement[${index}]${s.sid !== undefined ? ` (${s.sid})` : ""}`;

/** The problem, if any, of one statement of a tenant's permissions. */
function statementProblem(s: PolicyStatement, name: string, own: ReadonlySet<string>): string | undefined {
    if (s.effect === "Deny") return undefined; // a Deny can only take access away
    if (s.notActions !== undefined || s.notResources !== undefined || s.notPrincipals !== undefined) {
        return `${name} uses NotAction, NotResource or NotPrincipal, which this check does not accept in a tenant role`;
    }
    if (!METERED_ACTIONS.some((m) => coversAction(s, m))) return undefined;
    if (s.resources === undefined || s.resources.length === 0) return `${name} grants invocation with a missing or non-string Resource`;
    const outside = s.resources.filter((r) => !own.has(r));
    if (outside.length === 0) return undefined;
    const condition = profileCondition(s);
    if ("problem" in condition) return `${name} lets the role invoke ${JSON.stringify(outside)} without going through its own profiles: it ${condition.problem}`;
    const foreign = condition.values.filter((v) => !own.has(v));
    if (foreign.length > 0) {
        return `${name} lets the role invoke ${JSON.stringify(outside)} through ${JSON.stringify(foreign)}, which are not the tenant's own application profiles`;
    }
    return undefined;
}

/**
 * Every way `document` (an object, or its JSON text) lets the role invoke a
 * model other than through one of `ownProfileArns` (the tenant's application
 * inference profiles). An empty list means metering cannot be skipped.
 */
export function meteringProblems(document: unknown, ownProfileArns: readonly string[]): string[] {
    if (ownProfileArns.length === 0) return ["the tenant has no application inference profiles, so nothing it invokes is metered"];
    if (document === null || (typeof document !== "object" && typeof document !== "string")) return [`the permissions policy is not a document, got ${JSON.stringify(document)}`];
    const parsed = parsePolicy(document);
    if ("problem" in parsed) return [`the permissions policy ${parsed.problem}`];
    const own = new Set(ownProfileArns);
    return parsed.statements.flatMap((s, i) => statementProblem(s, nameOf(s, i), own) ?? []);
}
