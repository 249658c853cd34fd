/**
 * The independent IAM evaluator as a cross-check of the verifier's reducers:
 * a fixed handful of requests per tenant, each decided by both, on the
 * policies in the plan files. A disagreement is a violation. Repository
 * tooling only: the evaluator is AGPL and never ships in the package.
 */
import type * as aws from "@pulumi/aws";
import { foundationModelArn, roleArn } from "../../contract";
import { evaluate, type Decision, type EvaluationRequest } from "../lib/iam-evaluator";
import { entitlementsOf } from "../../verifier/entitlements";
import { INVOKE_ACTIONS, permissionsAllow, type InvokeRequest } from "../../verifier/permissions-reducer";
import { parsePolicy } from "../../contract";
import { violation, type Violation } from "../../verifier/findings";
import type { TenantProof } from "../../verifier/tenant-proof";
import { ASSUME_ROLE, trustAdmits } from "../../verifier/trust-reducer";

/** What a customer could attach to any role of its own account: isolation must hold on the ops trust policy alone. */
const CUSTOMER_CONTROLLED: aws.iam.PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:*", Resource: "*" }] };
/** A model no example tenant is granted. */
const PROBE_MODEL = "amazon.titan-text-express-v1";
const PROBE_REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"];

/** What one tenant's cross-check needs; plain data, so it crosses to a worker process. */
export interface CrossCheckCase {
    proof: Pick<TenantProof, "intent" | "trust" | "permissions" | "boundary">;
    trustDocument: unknown;
    permissionDocuments: unknown[];
    /** The role's permissions boundary, when it carries one: IAM allows only what it and the identity policies both allow. */
    boundaryDocument?: unknown;
    /** The next tenant in the fleet, for the foreign-account and foreign-profile requests. */
    neighbour?: { account: string; profileArn?: string };
    /** Whether the reducers read every statement (findings make their forms partial). */
    trustComplete: boolean;
    permissionsComplete: boolean;
}

export interface CrossCheckResult {
    requests: number;
    disagreements: Violation[];
}

/** `decide` is the evaluator (a test passes one that also runs its strict path). */
export async function crossCheck(cases: CrossCheckCase[], decide: (request: EvaluationRequest) => Promise<Decision> = evaluate): Promise<CrossCheckResult> {
    let requests = 0;
    const disagreements: Violation[] = [];
    for (const c of cases) {
        const t = c.proof.intent;
        const disagree = (request: string, reducer: boolean, evaluator: string) => disagreements.push(violation("BT-PLAN-CROSS-CHECK", { tenant: t.tenantId, stack: t.stack, resource: t.roleName }, "-",
            `reducer and IAM evaluator disagree on ${request}: reducer ${reducer ? "allows" : "denies"}, evaluator ${evaluator}`));
        if (c.trustComplete) {
            const trust = asDocument(c.trustDocument);
            const own = roleArn(t.accounts[0], t.runtimeRoleName);
            const trustRequests: [string, string, string | undefined][] = [
                ...t.accounts.map((a): [string, string, string | undefined] => [`own runtime role in ${a}`, roleArn(a, t.runtimeRoleName), t.externalId]),
                ["wrong ExternalId", own, `${t.externalId}-wrong`],
                ["no ExternalId", own, undefined],
                ["another role of the tenant's account", roleArn(t.accounts[0], "SomeOtherRole"), t.externalId],
            ];
            if (c.neighbour) trustRequests.push(["a same-named role in a foreign account", roleArn(c.neighbour.account, t.runtimeRoleName), t.externalId]);
            for (const [label, principal, externalId] of trustRequests) {
                const decision = await decide({
                    principal, action: ASSUME_ROLE, resource: t.roleArn, resourceAccount: t.opsAccount,
                    identityPolicies: [CUSTOMER_CONTROLLED], resourcePolicy: trust,
                    context: externalId === undefined ? {} : { "sts:ExternalId": externalId },
                });
                requests++;
                const reducer = trustAdmits(c.proof.trust, principal, externalId);
                if (reducer !== (decision === "Allowed")) disagree(`AssumeRole by ${principal} (${label})`, reducer, decision);
            }
        }
        if (c.permissionsComplete) {
            const identityPolicies = c.permissionDocuments.map(asDocument);
            const permissionsBoundary = c.boundaryDocument === undefined ? undefined : asDocument(c.boundaryDocument);
            for (const [label, request] of invokeRequests(c)) {
                const decision = await decide({
                    principal: t.roleArn, action: request.action, resource: request.resource, resourceAccount: t.opsAccount, identityPolicies, permissionsBoundary,
                    context: {
                        "aws:RequestedRegion": request.region,
                        ...(request.via ? { "bedrock:InferenceProfileArn": request.via } : {}),
                        ...(request.guardrail ? { "bedrock:GuardrailIdentifier": request.guardrail } : {}),
                    },
                });
                requests++;
                // IAM allows only what the identity policies and the boundary both allow.
                const reducer = permissionsAllow(c.proof.permissions, request) && (c.proof.boundary === undefined || permissionsAllow(c.proof.boundary, request));
                if (reducer !== (decision === "Allowed")) disagree(`${request.action} on ${request.resource} in ${request.region} (${label})`, reducer, decision);
            }
        }
    }
    return { requests, disagreements };
}

/** Each entitled path once, then one un-entitled model, one un-entitled Region and the neighbour's profile. */
function invokeRequests(c: CrossCheckCase): [string, InvokeRequest][] {
    const t = c.proof.intent;
    const guardrail = t.guardrailIdentifier;
    const out: [string, InvokeRequest][] = [];
    for (const e of entitlementsOf(t).values()) {
        if (!e.required) continue;
        const region = e.resource.split(":")[3];
        out.push([e.what, { action: INVOKE_ACTIONS[0], resource: e.resource, region, via: e.via ? [...e.via][0] : undefined, guardrail }]);
    }
    if (!t.models.includes(PROBE_MODEL)) out.push(["a model the tenant is not entitled to", { action: INVOKE_ACTIONS[0], resource: foundationModelArn(t.region, PROBE_MODEL), region: t.region, guardrail }]);
    const outside = PROBE_REGIONS.find((r) => !t.regions.includes(r));
    const direct = t.models.find((m) => !m.includes(".") || !/^(?:us|eu|apac|us-gov|jp|au|ca|global)\./.test(m));
    if (outside) {
        const model = direct ?? t.models[0].slice(t.models[0].indexOf(".") + 1);
        out.push(["a Region the tenant is not entitled to", { action: INVOKE_ACTIONS[0], resource: foundationModelArn(outside, model), region: outside, guardrail }]);
    }
    if (c.neighbour?.profileArn) out.push(["another tenant's application inference profile", { action: INVOKE_ACTIONS[0], resource: c.neighbour.profileArn, region: t.region, guardrail }]);
    return out;
}

function asDocument(value: unknown): aws.iam.PolicyDocument {
    return (typeof value === "string" ? JSON.parse(value) : value) as aws.iam.PolicyDocument;
}

/** Whether a document parses at all (the evaluator needs one). */
export function readable(value: unknown): boolean {
    return !("problem" in parsePolicy(value));
}
