/**
 * What lets an ops principal other than a tenant role gain more than it was
 * given (through IAM, the services that make principals outside it, or code
 * run as another role), make Bedrock keep prompts in the ops account, call
 * models outside the tenant roles, or change what tenants are metered by or
 * held to. At run
 * time the fleet needs two IAM writes, both on tenant roles: the quota
 * enforcer's inline deny and the cost cap's attached Deny. Any other IAM
 * write lets its holder rewrite some principal (itself included) and reach
 * tenant roles one step later, so it is refused whatever it names.
 */
import { actionMatches, coversAction, ENFORCEMENT_CONTROLS, hasWildcard, OPS_ROLE_PREFIX, spellsReadVerb, wildcardMatch, type PolicyStatement } from "../contract";
import { principalWrites, runsAsOtherRole, serviceWrites } from "./escalation-actions";
import { MODEL_CALLS, surfacesOf, surfacesReached } from "./surfaces";
import { listSome } from "./findings";

export const INLINE_DENY_WRITES = ["iam:PutRolePolicy", "iam:DeleteRolePolicy"];
export const ATTACH_WRITES = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"];

/**
 * IAM's write surface, probed one action at a time so that a pattern (`iam:*`,
 * `iam:Put*`, `*`) or a NotAction is read as IAM reads it. Deletes and detaches
 * are here because removing a Deny widens as surely as adding an Allow.
 */
const IAM_WRITES = [
    "iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole",
    ...INLINE_DENY_WRITES, ...ATTACH_WRITES, "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
    "iam:PassRole", "iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole",
    "iam:CreateUser", "iam:DeleteUser", "iam:UpdateUser", "iam:TagUser", "iam:UntagUser", "iam:PutUserPolicy", "iam:DeleteUserPolicy",
    "iam:AttachUserPolicy", "iam:DetachUserPolicy", "iam:PutUserPermissionsBoundary", "iam:DeleteUserPermissionsBoundary",
    "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:ChangePassword",
    "iam:CreateServiceSpecificCredential", "iam:UpdateServiceSpecificCredential", "iam:ResetServiceSpecificCredential",
    "iam:UploadSSHPublicKey", "iam:UpdateSSHPublicKey", "iam:UploadSigningCertificate", "iam:UpdateSigningCertificate",
    "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:DeactivateMFADevice", "iam:ResyncMFADevice",
    "iam:CreateGroup", "iam:DeleteGroup", "iam:UpdateGroup", "iam:PutGroupPolicy", "iam:DeleteGroupPolicy", "iam:AttachGroupPolicy", "iam:DetachGroupPolicy",
    "iam:AddUserToGroup", "iam:RemoveUserFromGroup",
    "iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy", "iam:TagPolicy", "iam:UntagPolicy",
    "iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile",
    "iam:CreateOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider", "iam:CreateSAMLProvider", "iam:UpdateSAMLProvider",
];
/** An exactly named IAM action that none of these start is a write even when the list above misses it. */
const IAM_READ_PREFIXES = ["iam:get", "iam:list", "iam:generate", "iam:simulate"];

/**
 * Bedrock actions that would keep prompts or outputs in the ops account, where no customer can see or delete them.
 * Turning on invocation logging is refused in every account, as BT-ACCOUNT-INVOCATION-LOGGING (surfaces.ts).
 */
const PROMPT_KEEPING: [string, string][] = [
    ["bedrock:CreateModelInvocationJob", "batch jobs"],
    ["bedrock:StartAsyncInvoke", "async invocations"],
    ["bedrock:CreateEvaluationJob", "evaluation jobs"],
];

/**
 * Writes to a function's code, configuration or triggers: whoever holds one
 * runs code of their choosing as the function's role (the quota enforcer's
 * rewrites tenant roles' inline deny). The fleet's run-time principals need
 * none; the deployer, not in the files, does.
 */
export const FUNCTION_WRITES = [
    "lambda:CreateFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:UpdateAlias", "lambda:CreateAlias",
    "lambda:AddPermission", "lambda:CreateFunctionUrlConfig", "lambda:UpdateFunctionUrlConfig", "lambda:CreateEventSourceMapping",
    "lambda:UpdateEventSourceMapping", "lambda:PutFunctionEventInvokeConfig", "lambda:UpdateFunctionEventInvokeConfig",
];

export interface EscalationScope {
    account: string;
    /** Lowercased ARNs of tenant roles and of what bounds or caps them: writes reaching them are the tenant-role check's. */
    guarded: ReadonlySet<string>;
    /** Lowercased ARNs of every other principal and managed policy in the files. */
    others: string[];
    /**
     * ARNs of the quota enforcer's functions, or undefined for one whose ARN
     * the file does not hold (then any statement of the Lambda controls
     * reaches it). Empty when the stack holds no function.
     */
    enforcerFunctions?: readonly (string | undefined)[];
}

/**
 * Why an Allow statement lets its principal escalate, one reason each;
 * `tenantFlagged` when the tenant-role check already refused the statement,
 * so a write that reaches only tenant roles is not reported twice.
 */
export function escalations(s: PolicyStatement, scope: EscalationScope, tenantFlagged: boolean): string[] {
    const out: string[] = [];
    const writes = iamWrites(s);
    if (writes.length > 0) {
        const beyond = reachBeyondTenants(s, scope);
        if (beyond.length > 0) {
            out.push(`${listSome(writes)} on ${listSome(beyond)}, beyond tenant roles: it could give itself or another principal more than it was given, and reach tenant roles from there`);
        } else if (!tenantFlagged && !fleetShape(s, writes)) {
            out.push(`${listSome(writes)} on tenant roles, which is neither the quota enforcer's inline deny nor the cost cap's attached Deny`);
        }
    }
    const principals = principalWrites(s);
    if (principals.length > 0) out.push(`${listSome(principals)}: it could create or empower a principal outside IAM (an Identity Center permission set provisions a role into the account with any policy; Organizations changes the policies that bound every principal; a directory, user pool, identity pool or trust anchor hands out role credentials), and reach tenant roles from there`);
    const functionWrites = FUNCTION_WRITES.filter((a) => coversAction(s, a));
    if (functionWrites.length > 0) out.push(`${listSome(functionWrites)}: it could change the code, settings or triggers of the account's functions, the quota enforcer's included, and run as their roles`);
    const runs = runsAsOtherRole(s);
    if (runs.length > 0) out.push(`${listSome(runs)}: it could run code or commands of its choosing as a role it does not hold (an instance's, task's, build project's, stack's or job's), and do whatever that role may`);
    const kept = PROMPT_KEEPING.filter(([action]) => coversAction(s, action));
    if (kept.length > 0) out.push(`${kept.map(([a]) => a).join(", ")}: Bedrock would keep prompts or outputs in the ops account (${kept.map(([, what]) => what).join(", ")})`);
    const calls = surfacesReached(s, MODEL_CALLS);
    if (calls.length > 0) {
        const granted = s.notActions ? `every action but ${JSON.stringify(s.notActions)}` : listSome((s.actions ?? []).filter((a) => surfacesOf(a, MODEL_CALLS).length > 0));
        out.push(`${granted}: it could use ${calls.map((c) => c.what).join("; ")}, outside every tenant role and with none of their entitlement, guardrail, metering or quotas`);
    }
    // Only what the reasons above leave unnamed, so that one grant is not reported twice.
    const named = (a: string) => surfacesOf(a, MODEL_CALLS).length > 0 || PROMPT_KEEPING.some(([k]) => actionMatches(a, k))
        || (!hasWildcard(a) && ENFORCEMENT_CONTROLS.some((c) => !c.onEnforcerFunction && c.actions.some((k) => actionMatches(a, k))));
    const bedrock = s.notActions !== undefined ? (kept.length > 0 || calls.length > 0 ? [] : bedrockActions(s)) : bedrockActions(s).filter((a) => !named(a));
    if (bedrock.length > 0) out.push(`${listSome(bedrock)}: it could send content to a Bedrock model (retrieval, query generation, prompt optimization, guardrails, agents, flows) or have Bedrock keep data in the ops account (customization, import, ingestion and other jobs, knowledge bases, prompts), outside every tenant role; only Bedrock actions whose names spell a read are left to principals other than tenant roles`);
    const terms = ENFORCEMENT_CONTROLS.filter((c) => !c.onEnforcerFunction || reachesEnforcer(s, scope.enforcerFunctions))
        .map((c) => [c.actions.filter((a) => coversAction(s, a)), c.what] as const).filter(([actions]) => actions.length > 0);
    if (terms.length > 0) out.push(`${listSome(terms.flatMap(([actions]) => actions))}: it could change, stop or bypass what tenants are metered by or held to (${terms.map(([, what]) => what).join("; ")})`);
    return out;
}

/**
 * Bedrock actions a principal other than a tenant role may not hold: every
 * one whose name spells no read verb. AWS rates several that send the
 * caller's content to a model as reads (`Retrieve`, `GenerateQuery`,
 * `OptimizePrompt`, `ApplyGuardrail`, `RenderPrompt`, `CountTokens`), and
 * adds new ones with each feature, so the name, not a list, decides.
 */
function bedrockActions(s: PolicyStatement): string[] {
    return serviceWrites(s, ["bedrock"], spellsReadVerb);
}

/** The IAM writes a statement allows, listed or named exactly (an unlisted exact `iam:` action that is not a read counts). */
export function iamWrites(s: PolicyStatement): string[] {
    const listed = IAM_WRITES.filter((a) => coversAction(s, a));
    const known = new Set(listed.map((a) => a.toLowerCase()));
    const unlisted = (s.actions ?? []).filter((a) => {
        const lower = a.toLowerCase();
        return lower.startsWith("iam:") && !hasWildcard(a) && !known.has(lower) && !IAM_READ_PREFIXES.some((p) => lower.startsWith(p));
    });
    return [...listed, ...unlisted];
}

/** The two shapes the fleet needs; their conditions and reach are the tenant-role check's to prove. */
function fleetShape(s: PolicyStatement, writes: string[]): boolean {
    const exact = s.actions !== undefined && !s.actions.some(hasWildcard);
    return exact && (writes.every((a) => INLINE_DENY_WRITES.includes(a)) || writes.every((a) => ATTACH_WRITES.includes(a)));
}

/**
 * The resources of a statement that can name something other than a tenant
 * role or what guards it. A pattern is held to tenant roles only when its
 * fixed start is the tenant-role prefix of the ops account and it matches no
 * other principal or policy in the files: a role under that prefix can be
 * made only with iam:CreateRole, which this check refuses everywhere.
 */
function reachBeyondTenants(s: PolicyStatement, scope: EscalationScope): string[] {
    if (s.notResources !== undefined) return [`every resource but ${JSON.stringify(s.notResources)} (NotResource)`];
    if (s.resources === undefined) return ["every resource"];
    const tenantPrefix = `arn:aws:iam::${scope.account}:role/${OPS_ROLE_PREFIX}`.toLowerCase();
    return s.resources.flatMap((r) => {
        const p = r.toLowerCase();
        if (!hasWildcard(p)) return scope.guarded.has(p) ? [] : [r];
        // A policy variable can stand for any text, and the fleet's shapes use none.
        if (p.includes("${") || !p.startsWith(tenantPrefix)) return [r];
        const other = scope.others.find((arn) => wildcardMatch(p, arn));
        return other === undefined ? [] : [`${r} (which matches ${other})`];
    });
}


/**
 * Whether the statement can name one of the enforcer's functions, itself or
 * a version or alias of it (each runs the same code with the same role). A
 * policy variable can stand for any text, so it is read as `*`; a function
 * whose ARN the file does not hold is reached by any statement.
 */
function reachesEnforcer(s: PolicyStatement, functions: readonly (string | undefined)[] | undefined): boolean {
    if (functions === undefined) return true;
    return functions.some((arn) => {
        if (arn === undefined) return true;
        const names = [arn, `${arn}:1`, `${arn}:$LATEST`];
        if (s.notResources !== undefined) return names.some((n) => !s.notResources!.some((p) => !p.includes("${") && wildcardMatch(p, n)));
        if (s.resources === undefined) return true;
        return s.resources.some((p) => names.some((n) => wildcardMatch(p.split("${").map((part, i) => (i === 0 ? part : `*${part.slice(part.indexOf("}") + 1)}`)).join(""), n)));
    });
}
