/**
 * Reduces a tenant role's permissions policies to the exact set of grants
 * they allow: (action, resource, Regions, conditions). Only Bedrock invoke
 * grants on exact ARNs, scoped by exact `aws:RequestedRegion` values, widen
 * the set. The guardrail Deny and the metering Deny are read for what they
 * require; any other Deny, and any condition on a key the reducer does not
 * interpret, can only narrow, and is recorded as narrowing. Every other
 * shape is a finding.
 */
import { conditionsOn, hasWildcard, parsePolicy, type PolicyStatement } from "../contract";
import { surfacesOf } from "./surfaces";
import type { Finding } from "./trust-reducer";

/** Converse is authorized as InvokeModel, ConverseStream as InvokeModelWithResponseStream. */
export const INVOKE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"] as const;
const REGION = "aws:requestedregion";
const VIA_PROFILE = "bedrock:inferenceprofilearn";
const GUARDRAIL = "bedrock:guardrailidentifier";
const INTERPRETED = [REGION, VIA_PROFILE, GUARDRAIL];

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
    /** Conditions on other keys that may narrow the grant further. */
    narrowedBy?: string[];
}

export interface PermissionsFinding extends Finding {
    /** Set when the finding is a grant of a surface outside the invoke paths. */
    surface?: string;
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
    /** Statements that can only take access away. */
    narrowing: string[];
    findings: PermissionsFinding[];
}

/** `policies`: policy name → document, as attached to the role. */
export function reducePermissions(policies: { name: string; document: unknown }[]): PermissionsNormalForm {
    const form: PermissionsNormalForm = { grants: [], requiredGuardrails: [], meteringProfiles: [], narrowing: [], findings: [] };
    for (const policy of policies) {
        const parsed = parsePolicy(policy.document);
        if ("problem" in parsed) {
            form.findings.push({ statement: `${policy.name} (document)`, why: `the permissions policy ${parsed.problem}` });
            continue;
        }
        for (const s of parsed.statements) reduceStatement(policy.name, s, form);
    }
    return form;
}

function reduceStatement(policyName: string, s: PolicyStatement, form: PermissionsNormalForm): void {
    const label = `${policyName} ${s.label}`;
    if (s.principals || s.notPrincipals) {
        form.findings.push({ statement: label, why: "names a Principal in an identity policy" });
        return;
    }
    if (s.effect === "Deny") {
        const guardrail = guardrailDeny(s);
        const metering = meteringDeny(s);
        if (guardrail !== undefined) form.requiredGuardrails.push(guardrail);
        else if (metering !== undefined) form.meteringProfiles.push(metering);
        else form.narrowing.push(`${label}: a Deny`);
        return;
    }
    const findings: PermissionsFinding[] = [];
    const add = (why: string, surface?: string) => findings.push({ statement: label, why, ...(surface ? { surface } : {}) });
    if (s.notActions) add(`uses NotAction on an Allow: it allows every action but ${JSON.stringify(s.notActions)}`, surfacesOf("*").map((x) => x.what).join("; "));
    if (s.notResources) add("uses NotResource on an Allow: it allows every resource it does not name");
    const actions = (s.actions ?? []).filter((a) => {
        if ((INVOKE_ACTIONS as readonly string[]).includes(a)) return true;
        const surfaces = surfacesOf(a);
        const beyond = hasWildcard(a) ? `allows the action pattern ${JSON.stringify(a)}; only the exact Bedrock invoke actions are reduced` : `allows ${JSON.stringify(a)}, beyond ${INVOKE_ACTIONS.join(" and ")}`;
        add(surfaces.length > 0 ? `${beyond}; it reaches ${surfaces.map((x) => x.what).join("; ")}` : beyond, surfaces.length > 0 ? surfaces.map((x) => x.what).join("; ") : undefined);
        return false;
    });
    const resources = (s.resources ?? []).filter((r) => {
        if (hasWildcard(r)) add(`allows the resource pattern ${JSON.stringify(r)}`);
        return !hasWildcard(r);
    });
    if (s.resources === undefined && !s.notResources) add("has no Resource");
    let regions: string[] | undefined;
    let via: string[] | undefined;
    let guardrail: string | undefined;
    const others: string[] = [];
    for (const c of s.conditions) {
        if (!INTERPRETED.includes(c.key)) {
            // Every condition of a statement must hold: one on another key can only take requests away.
            others.push(`${c.operator} ${c.key}`);
            continue;
        }
        const exact = c.operator === "StringEquals" || (c.operator === "ArnEquals" && c.key === VIA_PROFILE);
        if (!exact) add(`has a condition the verifier does not reduce: ${c.operator} ${c.key}`);
        else if (c.values.some(hasWildcard)) add(`tests ${c.key} against a wildcard (${c.values.join(", ")})`);
        else if ((c.key === REGION && regions) || (c.key === VIA_PROFILE && via) || (c.key === GUARDRAIL && guardrail)) add(`tests ${c.key} twice`);
        else if (c.key === REGION) regions = c.values;
        else if (c.key === VIA_PROFILE) via = c.values;
        else if (c.values.length !== 1) add(`accepts ${c.values.length} guardrails`);
        else guardrail = c.values[0];
    }
    if (regions === undefined) add("is not limited by aws:RequestedRegion: any Region");
    form.findings.push(...findings);
    if (findings.length > 0) return;
    const narrowedBy = others.length > 0 ? others : undefined;
    if (narrowedBy) form.narrowing.push(`${label}: ${narrowedBy.join(", ")}`);
    for (const action of actions) {
        for (const resource of resources) {
            const grant: Grant = { action, resource, regions: regions!, via, guardrail, policy: policyName, statement: s.label };
            if (narrowedBy) grant.narrowedBy = narrowedBy;
            form.grants.push(grant);
        }
    }
}

const onlyCondition = (s: PolicyStatement, operator: string, key: string): string[] | undefined =>
    s.conditions.length === 1 && s.conditions[0].operator === operator && s.conditions[0].key === key ? conditionsOn(s, key)[0].values : undefined;

const exactActions = (s: PolicyStatement) => s.actions !== undefined && INVOKE_ACTIONS.every((a) => s.actions!.includes(a));

/** The guardrail a Deny of the recognised shape requires: every invoke action, any resource, StringNotEquals one guardrail. */
function guardrailDeny(s: PolicyStatement): string | undefined {
    const anyResource = s.resources?.length === 1 && s.resources[0] === "*";
    const values = onlyCondition(s, "StringNotEquals", GUARDRAIL);
    return exactActions(s) && anyResource && values?.length === 1 && !hasWildcard(values[0]) ? values[0] : undefined;
}

/** Every model and every system profile, in any Region: what the metering Deny covers. */
const METERED_RESOURCES = ["arn:aws:bedrock:*::foundation-model/*", "arn:aws:bedrock:*:*:inference-profile/*"];

/**
 * The profiles of a metering Deny: every invoke action on every model and
 * system profile, unless `bedrock:InferenceProfileArn` is one of the listed
 * (exact) profiles. A direct call carries no such key, so it is denied.
 */
function meteringDeny(s: PolicyStatement): string[] | undefined {
    const resources = s.resources ?? [];
    const covers = resources.length === METERED_RESOURCES.length && METERED_RESOURCES.every((r) => resources.includes(r));
    const values = onlyCondition(s, "StringNotEquals", VIA_PROFILE);
    return exactActions(s) && covers && values !== undefined && values.length > 0 && !values.some(hasWildcard) ? values : undefined;
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
    const metered = request.resource.includes(":foundation-model/") || request.resource.includes(":inference-profile/");
    if (metered && form.meteringProfiles.some((own) => request.via === undefined || !own.includes(request.via))) return false;
    return form.grants.some((g) =>
        g.action === request.action &&
        g.resource === request.resource &&
        g.regions.includes(request.region) &&
        (g.via === undefined || (request.via !== undefined && g.via.includes(request.via))) &&
        (g.guardrail === undefined || g.guardrail === request.guardrail));
}
