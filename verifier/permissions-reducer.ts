/**
 * Reduces a tenant role's permissions policies to the exact set of grants
 * they allow: (action, resource, Regions, conditions). Only Bedrock invoke
 * grants on exact ARNs, scoped by exact `aws:RequestedRegion` values, the
 * guardrail Deny and the metering Deny are reduced; every other shape is a finding.
 */
import { hasWildcard, parseDocument, type Statement } from "./policy-statements";
import type { Finding } from "./trust-reducer";

/** Converse is authorized as InvokeModel, ConverseStream as InvokeModelWithResponseStream. */
export const INVOKE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"] as const;
const REGION = "aws:requestedregion";
const VIA_PROFILE = "bedrock:inferenceprofilearn";
const GUARDRAIL = "bedrock:guardrailidentifier";

export interface Grant {
    action: string;
    resource: string;
    /** `aws:RequestedRegion` values the grant is limited to. */
    regions: string[];
    /** `bedrock:InferenceProfileArn` values, when the grant holds only through a profile. */
    via?: string[];
    guardrail?: string;
    policy: string;
    statement: string;
}

export interface PermissionsNormalForm {
    grants: Grant[];
    /** Guardrail identifiers every call must carry (from the recognised Deny statement). */
    requiredGuardrails: string[];
    /**
     * Profiles outside which every foundation-model and system-profile call is
     * denied (from the recognised metering Deny); one list per such statement.
     */
    meteringProfiles: string[][];
    findings: Finding[];
}

/** `policies`: policy name → document, as attached to the role. */
export function reducePermissions(policies: { name: string; document: unknown }[]): PermissionsNormalForm {
    const form: PermissionsNormalForm = { grants: [], requiredGuardrails: [], meteringProfiles: [], findings: [] };
    for (const policy of policies) {
        const parsed = parseDocument(policy.document);
        if ("problem" in parsed) {
            form.findings.push({ statement: `${policy.name} (document)`, why: `the permissions policy ${parsed.problem}` });
            continue;
        }
        for (const s of parsed.statements) reduceStatement(policy.name, s, form);
    }
    return form;
}

function reduceStatement(policyName: string, s: Statement, form: PermissionsNormalForm): void {
    const label = `${policyName} ${s.label}`;
    const findings: string[] = s.negated.map((n) => `uses ${n}, which the verifier does not reduce`);
    if (s.principal !== undefined) findings.push("names a Principal in an identity policy");
    if (s.effect === "Deny") {
        const guardrail = guardrailDeny(s);
        const metering = meteringDeny(s);
        if (findings.length === 0 && guardrail !== undefined) form.requiredGuardrails.push(guardrail);
        else if (findings.length === 0 && metering !== undefined) form.meteringProfiles.push(metering);
        else findings.push("is a Deny statement of a shape the verifier does not reduce (only the guardrail and metering Denies are)");
        form.findings.push(...findings.map((why) => ({ statement: label, why })));
        return;
    }
    const actions = s.actions.filter((a) => {
        if ((INVOKE_ACTIONS as readonly string[]).includes(a)) return true;
        findings.push(hasWildcard(a)
            ? `allows the action pattern ${JSON.stringify(a)}; only the exact Bedrock invoke actions are reduced`
            : `allows ${JSON.stringify(a)}, beyond ${INVOKE_ACTIONS.join(" and ")}`);
        return false;
    });
    const resources = (s.resources ?? []).filter((r) => {
        if (hasWildcard(r)) findings.push(`allows the resource pattern ${JSON.stringify(r)}`);
        return !hasWildcard(r);
    });
    if (s.resources === undefined) findings.push("has no Resource");
    let regions: string[] | undefined;
    let via: string[] | undefined;
    let guardrail: string | undefined;
    for (const [operator, keys] of s.conditions) {
        for (const [key, values] of keys) {
            const exact = operator === "StringEquals" || (operator === "ArnEquals" && key === VIA_PROFILE);
            if (!exact || ![REGION, VIA_PROFILE, GUARDRAIL].includes(key)) {
                findings.push(`has a condition the verifier does not reduce: ${operator} ${key}`);
            } else if (values.some(hasWildcard)) {
                findings.push(`tests ${key} against a wildcard (${values.join(", ")})`);
            } else if (key === REGION) regions = values;
            else if (key === VIA_PROFILE) via = values;
            else if (values.length !== 1) findings.push(`accepts ${values.length} guardrails`);
            else guardrail = values[0];
        }
    }
    if (regions === undefined) findings.push("is not limited by aws:RequestedRegion: any Region");
    form.findings.push(...findings.map((why) => ({ statement: label, why })));
    if (findings.length > 0) return;
    for (const action of actions) {
        for (const resource of resources) form.grants.push({ action, resource, regions: regions!, via, guardrail, policy: policyName, statement: s.label });
    }
}

/** The guardrail a Deny of the recognised shape requires: every invoke action, any resource, StringNotEquals one guardrail. */
function guardrailDeny(s: Statement): string | undefined {
    const allActions = INVOKE_ACTIONS.every((a) => s.actions.includes(a));
    const anyResource = s.resources?.length === 1 && s.resources[0] === "*";
    const only = s.conditions.size === 1 ? s.conditions.get("StringNotEquals") : undefined;
    const values = only?.size === 1 ? only.get(GUARDRAIL) : undefined;
    return allActions && anyResource && values?.length === 1 && !hasWildcard(values[0]) ? values[0] : undefined;
}

/** Every model and every system profile, in any Region: what the metering Deny covers. */
const METERED_RESOURCES = ["arn:aws:bedrock:*::foundation-model/*", "arn:aws:bedrock:*:*:inference-profile/*"];

/**
 * The profiles of a metering Deny: every invoke action on every model and
 * system profile, unless `bedrock:InferenceProfileArn` is one of the listed
 * (exact) profiles. A direct call carries no such key, so it is denied.
 */
function meteringDeny(s: Statement): string[] | undefined {
    const allActions = INVOKE_ACTIONS.every((a) => s.actions.includes(a));
    const resources = s.resources ?? [];
    const covers = resources.length === METERED_RESOURCES.length && METERED_RESOURCES.every((r) => resources.includes(r));
    const only = s.conditions.size === 1 ? s.conditions.get("StringNotEquals") : undefined;
    const values = only?.size === 1 ? only.get(VIA_PROFILE) : undefined;
    return allActions && covers && values !== undefined && values.length > 0 && !values.some(hasWildcard) ? values : undefined;
}

/** A request as the cross-check poses it to both the reducer and the evaluator. */
export interface InvokeRequest {
    action: string;
    resource: string;
    region: string;
    via?: string;
    guardrail?: string;
}

/** Whether the reduced permissions allow `request`. */
export function permissionsAllow(form: PermissionsNormalForm, request: InvokeRequest): boolean {
    if (form.requiredGuardrails.some((g) => g !== request.guardrail)) return false;
    const metered = /:(?:foundation-model|inference-profile)\//.test(request.resource);
    if (metered && form.meteringProfiles.some((own) => request.via === undefined || !own.includes(request.via))) return false;
    return form.grants.some((g) =>
        g.action === request.action &&
        g.resource === request.resource &&
        g.regions.includes(request.region) &&
        (g.via === undefined || (request.via !== undefined && g.via.includes(request.via))) &&
        (g.guardrail === undefined || g.guardrail === request.guardrail));
}
